// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

namespace tiersim::serve {

/// The headline metrics of the workbench's cards, in the order the page shows them.
inline constexpr const char* card_metrics[] = {"resolution_rate",
                                               "satisfaction_rate",
                                               "response_rate",
                                               "within_limit_share",
                                               "lead_time_p50_h",
                                               "lead_time_p90_h",
                                               "coord_cost_h",
                                               "visits_per_case",
                                               "abandoned_share"};

/// A finished job's result from the `run --json` of each replication in `dir`
/// (baseline-R.json, redesign-R.json): the cards, each arm's mean with its 95% t-interval and
/// the paired interval of redesign − baseline over the replications, and every group table
/// averaged over replications (docs/workbench.md). @throws IoError when a run's JSON is missing
nlohmann::ordered_json job_result(const std::filesystem::path& dir, int replications);

}  // namespace tiersim::serve
