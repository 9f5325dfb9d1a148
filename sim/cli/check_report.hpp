// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/run_estimate.hpp"
#include "tiersim/model/traffic.hpp"

#include <string>

/// `tiersim check` output: the analytic companion's report as a table or as JSON.
namespace tiersim::cli {

/// An aligned table (tier, queue, units, arrivals/h, offered erlangs, servers, utilisation,
/// peak-hour utilisation and its hour, worst unit), the busiest queue of each tier at its peak
/// hour, then the unstable queues or "all queues stable (max utilisation X%)".
std::string check_text(const model::TrafficReport& report, const model::RunEstimate& estimate);

/// One JSON object: {"tickets_per_day", "queues": [...], "unstable": [...], "stable": bool,
/// "busiest_at_peak": [...]}. An infinite utilisation (work but no servers) is written as null,
/// as are the peak hour and its name of a queue without work.
std::string check_json(const model::TrafficReport& report, const model::RunEstimate& estimate);

}  // namespace tiersim::cli
