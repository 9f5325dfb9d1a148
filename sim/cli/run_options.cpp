// SPDX-License-Identifier: MIT
#include "run_options.hpp"

#include <algorithm>

namespace tiersim::cli {

io::TraceLevel parse_trace(const std::string& trace) {
    if (trace == "none")
        return io::TraceLevel::none;
    if (trace == "events")
        return io::TraceLevel::events;
    return io::TraceLevel::tickets;
}

engine::SchedulerKind parse_scheduler(const std::string& scheduler) {
    return scheduler == "sequential" ? engine::SchedulerKind::sequential
                                     : engine::SchedulerKind::windows;
}

std::vector<std::string> with_days_and_seed(std::vector<std::string> overrides,
                                            std::optional<double> days,
                                            std::optional<std::uint64_t> seed) {
    if (days)
        overrides.push_back("simulation.days=" + std::to_string(*days));
    if (seed)
        overrides.push_back("simulation.seed=" + std::to_string(*seed));
    return overrides;
}

std::string file_stem(const std::string& scenario_name) {
    std::string stem = scenario_name;
    std::replace(stem.begin(), stem.end(), '/', '-');
    return stem;
}

}  // namespace tiersim::cli
