// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tiersim::engine {

/// Which MPI rank advances each LP: contiguous blocks, one per rank, in LP order.
struct LpPartition {
    std::vector<int> rank_of;  ///< by LP
    std::size_t begin = 0;     ///< this rank's LPs: [begin, end)
    std::size_t end = 0;

    [[nodiscard]] bool owns(std::size_t lp) const { return lp >= begin && lp < end; }
};

/// Contiguous blocks of about equal weight (a model's estimate of each LP's work, > 0), LP i
/// going to the rank whose share of the total holds the middle of its weight. Deterministic;
/// it changes the balance between ranks, never the results.
LpPartition partition_lps(std::span<const double> weight, int ranks, int rank);

}  // namespace tiersim::engine
