// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/run_estimate.hpp"

#include <cstddef>
#include <optional>
#include <string>

/// The limits a run must fit before it starts (`--max-tickets`, `--max-memory`), checked on the
/// estimate of the traffic equations, and the bound on open tickets that the run keeps to.
namespace tiersim::io {

struct RunBudget {
    double max_tickets = 1e10;  ///< tickets created over the run
    double max_memory = 0;      ///< bytes; 0: default_max_memory()
};

/// 80% of the machine's physical memory.
double default_max_memory();

/// "8G", "512M", "2.5T", "100000K" or a number of bytes; nullopt if it is none of these.
std::optional<double> parse_memory_size(const std::string& text);

/// "1.5 GB"
std::string memory_text(double bytes);

/// @throws ScenarioError (exit 2) naming the key to change when the estimate exceeds a limit.
void check_budget(const model::CompiledModel& model,
                  const model::RunEstimate& estimate,
                  const RunBudget& budget);

/// The open tickets of one run that --max-memory allows (RunHooks::max_open_tickets), shared
/// by `runs` runs in flight at once.
std::size_t max_open_tickets(const RunBudget& budget, int runs = 1);

}  // namespace tiersim::io
