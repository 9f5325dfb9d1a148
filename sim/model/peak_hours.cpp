// SPDX-License-Identifier: MIT
// The peak hour of `check` (traffic.hpp): a fluid backlog over the hours of the week.
#include "tiersim/model/traffic.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <string>

namespace tiersim::model {

namespace {

/// Repeated weeks at most before giving up on a steady cycle; from an empty start a stable
/// queue settles within the first weeks (once its backlog empties, the next week repeats).
constexpr int max_weeks = 1000;

/// One week from `backlog` at Monday 00:00: the demand of each hour; returns the backlog left.
double one_week(const WeekHours& arrivals,
                const WeekHours& capacity,
                double backlog,
                WeekHours& demand) {
    for (std::size_t h = 0; h < demand.size(); ++h) {
        demand[h] = backlog + arrivals[h];
        backlog = std::max(0.0, demand[h] - capacity[h]);
    }
    return backlog;
}

}  // namespace

WeekHours weekly_demand(const WeekHours& arrivals, const WeekHours& capacity) {
    const double work = std::accumulate(arrivals.begin(), arrivals.end(), 0.0);
    const double open = std::accumulate(capacity.begin(), capacity.end(), 0.0);
    WeekHours demand{};
    double start = 0.0;
    double end = one_week(arrivals, capacity, start, demand);
    if (!(work < open))
        return demand;  // no steady cycle: the first week from empty, a lower bound
    const double tolerance = 1e-12 * (1.0 + work);
    for (int week = 1; week < max_weeks && end > start + tolerance; ++week) {
        start = end;
        end = one_week(arrivals, capacity, start, demand);
    }
    return demand;
}

std::string week_hour_name(int hour) {
    static constexpr std::array<const char*, 7> days = {
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (hour < 0)
        return "-";
    hour %= hours_per_week;
    return std::string(days[static_cast<std::size_t>(hour / 24)]) + ' ' +
           std::to_string(hour % 24) + 'h';
}

}  // namespace tiersim::model
