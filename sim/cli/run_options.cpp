// SPDX-License-Identifier: MIT
#include "run_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>

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
                                            std::optional<std::int64_t> seed) {
    if (days) {
        // The shortest text that reads back as the same double (std::to_string would print
        // 1e-7 as 0.000000 and 1e308 with 309 digits); TOML reads "inf" and "nan" too.
        std::array<char, 32> text{};
        const auto end = std::to_chars(text.data(), text.data() + text.size(), *days).ptr;
        overrides.push_back("simulation.days=" + std::string(text.data(), end));
    }
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
