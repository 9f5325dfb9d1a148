// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <cstddef>
#include <vector>

namespace tiersim::model {

/// The queues of every unit: an intake per channel (staffed only at the channel's tier), then
/// one per department. The simulation and the traffic analysis both build from this plan, so
/// that `check` describes exactly the queues that run.
struct StationPlan {
    int servers = 0;   ///< 0: the unit has no such queue
    int calendar = 0;  ///< index into ScenarioSpec::calendars
};

/// Stations per unit: channel_count intakes, then the departments.
inline std::size_t station_stride(const ScenarioSpec& spec) {
    return static_cast<std::size_t>(channel_count) + spec.departments.size();
}

/// Index of a unit's intake of `channel` or of its department `department`.
inline std::size_t intake_station(const ScenarioSpec& spec, UnitId unit, Channel channel) {
    return static_cast<std::size_t>(unit) * station_stride(spec) +
           static_cast<std::size_t>(channel);
}

inline std::size_t department_station(const ScenarioSpec& spec, UnitId unit, int department) {
    return static_cast<std::size_t>(unit) * station_stride(spec) +
           static_cast<std::size_t>(channel_count) + static_cast<std::size_t>(department);
}

/// Servers and calendar of every station, unit-major. With tiers.<tier>.scale_staff, counts
/// scale with the unit's population over the mean of its tier (rounded, at least 1 if any).
std::vector<StationPlan> plan_stations(const ScenarioSpec& spec, const Organisation& org);

}  // namespace tiersim::model
