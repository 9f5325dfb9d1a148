// SPDX-License-Identifier: MIT
#include "tiersim/engine/partition.hpp"

#include <algorithm>

namespace tiersim::engine {

LpPartition partition_lps(std::span<const double> weight, int ranks, int rank) {
    LpPartition p;
    const std::size_t n = weight.size();
    p.rank_of.assign(n, 0);
    p.end = n;
    if (ranks <= 1)
        return p;
    double total = 0.0;
    for (const double w : weight)
        total += w;
    double before = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double middle = before + weight[i] / 2.0;
        before += weight[i];
        const auto r = static_cast<int>(middle / total * ranks);
        p.rank_of[i] = std::clamp(r, i == 0 ? 0 : p.rank_of[i - 1], ranks - 1);
    }
    p.begin = static_cast<std::size_t>(std::lower_bound(p.rank_of.begin(), p.rank_of.end(), rank) -
                                       p.rank_of.begin());
    p.end = static_cast<std::size_t>(std::upper_bound(p.rank_of.begin(), p.rank_of.end(), rank) -
                                     p.rank_of.begin());
    return p;
}

}  // namespace tiersim::engine
