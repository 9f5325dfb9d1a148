// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>

/// Simulated time. Inputs and outputs are in hours; inside the engine an integer tick of one
/// second keeps event ordering and calendar arithmetic exact. Time 0 is a Monday, 00:00.
namespace tiersim::engine {

using Tick = std::int64_t;

inline constexpr Tick ticks_per_hour = 3600;
inline constexpr Tick ticks_per_day = 24 * ticks_per_hour;
inline constexpr Tick ticks_per_week = 7 * ticks_per_day;
inline constexpr Tick never = INT64_MAX;

/// The longest delay a tick holds: about 3.7e10 years, so that a time of the run (at most a
/// million days, by the scenario's ranges) plus several such delays cannot overflow.
inline constexpr Tick max_delay = Tick{1} << 60;

/// Hours to ticks, rounded to the nearest second; saturated at ±max_delay (a delay that long is
/// never reached), NaN included, so that no conversion wraps to a negative time.
inline Tick from_hours(double hours) {
    constexpr double limit = static_cast<double>(max_delay);
    const double seconds = hours * 3600.0;
    if (!(seconds < limit))  // NaN as well
        return seconds <= -limit ? -max_delay : max_delay;
    if (seconds <= -limit)
        return -max_delay;
    return static_cast<Tick>(std::llround(seconds));
}

/// Ticks to hours (exact for any run shorter than ~285 years).
inline double to_hours(Tick t) {
    return static_cast<double>(t) / 3600.0;
}

}  // namespace tiersim::engine
