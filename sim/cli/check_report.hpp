// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/run_estimate.hpp"
#include "tiersim/model/traffic.hpp"

#include <string>
#include <vector>

/// `tiersim check` output: the analytic companion's report as a table or as JSON.
namespace tiersim::cli {

/// The traffic equations of one step of the reform timeline (the state from its day on).
struct StepCheck {
    double day = 0.0;
    std::string label;
    double max_utilisation = 0.0;  ///< of the most loaded single unit's queue
    std::string busiest;           ///< "district dept:utilities at P1-C1-D1"
    std::vector<std::string> unstable;
};

/// Each step's state analysed as check analyses the scenario's start.
std::vector<StepCheck> check_steps(const model::CompiledModel& model);

/// One line per step: its day, label, max utilisation and busiest queue, or its unstable ones.
std::string steps_text(const std::vector<StepCheck>& steps);

/// An aligned table (tier, queue, units, arrivals/h, offered erlangs, servers, utilisation,
/// peak-hour utilisation and its hour, worst unit), the busiest queue of each tier at its peak
/// hour, then the unstable queues or "all queues stable (max utilisation X%)".
std::string check_text(const model::TrafficReport& report, const model::RunEstimate& estimate);

/// One JSON object: {"tickets_per_day", "queues": [...], "unstable": [...], "stable": bool,
/// "busiest_at_peak": [...]}. An infinite utilisation (work but no servers) is written as null,
/// as are the peak hour and its name of a queue without work.
/// With a reform timeline, "timeline_steps": [{"day", "label", "max_utilisation", "busiest",
/// "unstable"}] too.
std::string check_json(const model::TrafficReport& report,
                       const model::RunEstimate& estimate,
                       const std::vector<StepCheck>& steps = {});

}  // namespace tiersim::cli
