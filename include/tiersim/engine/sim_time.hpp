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

/// Hours to ticks, rounded to the nearest second.
inline Tick from_hours(double hours) {
    return static_cast<Tick>(std::llround(hours * 3600.0));
}

/// Ticks to hours (exact for any run shorter than ~285 years).
inline double to_hours(Tick t) {
    return static_cast<double>(t) / 3600.0;
}

}  // namespace tiersim::engine
