// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/io/run_budget.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::cli {

struct SweepOptions {
    std::string scenario;
    std::vector<std::string> overrides;  ///< --set, applied to every point
    std::vector<std::string> vary;       ///< the --vary texts, in order
    int replications = 1;
    bool common_random_numbers = true;
    bool resume = false;
    bool allow_unstable = false;
    bool json = false;
    bool quiet = false;
    std::string output;
    std::optional<double> days;
    std::optional<std::int64_t> seed;
    int threads = 0;
    std::string trace = "none";
    io::RunBudget budget;  ///< --max-tickets, --max-memory: every point, and every run's share
};

/// The processes a sweep spreads over (MPI ranks; one process without MPI). Collectives are
/// called by every rank in the same order.
struct SweepRanks {
    int rank = 0;
    int size = 1;
    std::function<void()> barrier = [] {
    };
    std::function<void(std::string&)> broadcast = [](std::string&) {
    };  ///< from rank 0
};

/// `tiersim sweep` (DESIGN §4.1): runs every point of the --vary product `replications` times,
/// concurrently on oneTBB and spread over ranks, each run into OUT.parts/run-NNNN.h5, then rank
/// 0 assembles OUT (io/sweep_file.hpp). Returns the exit code: 0 when every point completed,
/// 3 when some failed (recorded in the file), 130 when interrupted (resume with --resume).
/// @throws ScenarioError (exit 2) for a bad base scenario, --vary or --resume.
int command_sweep(const SweepOptions& options,
                  const SweepRanks& ranks,
                  const std::atomic<bool>& stop_requested);

}  // namespace tiersim::cli
