// SPDX-License-Identifier: MIT
#include "tiersim/model/calendar.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::model {

using engine::ticks_per_day;
using engine::ticks_per_week;

Calendar::Calendar(const CalendarSpec& spec)
    : always_(spec.always) {
    if (always_)
        return;
    working_days_ = spec.weekdays;
    open_per_week_ = 0;
    for (int day = 0; day < 7; ++day) {
        if (!spec.weekdays[static_cast<std::size_t>(day)])
            continue;
        for (const auto& h : spec.hours) {
            const Tick open = day * ticks_per_day + engine::from_hours(h[0]);
            const Tick close = day * ticks_per_day + engine::from_hours(h[1]);
            if (close > open) {
                intervals_.push_back({open, close});
                open_per_week_ += close - open;
            }
        }
    }
    std::sort(intervals_.begin(), intervals_.end(), [](const Interval& a, const Interval& b) {
        return a.open < b.open;
    });
    if (open_per_week_ == 0)
        always_ = false;  // a calendar that never opens: rejected upstream
}

Calendar::Tick Calendar::next_open(Tick t) const {
    if (always_)
        return t;
    if (intervals_.empty())
        return engine::never;
    const Tick week_start = (t / ticks_per_week) * ticks_per_week;
    const Tick offset = t - week_start;
    for (const auto& iv : intervals_) {
        if (offset < iv.close)
            return week_start + std::max(offset, iv.open);
    }
    return week_start + ticks_per_week + intervals_.front().open;
}

Calendar::Tick Calendar::advance(Tick start, Tick work) const {
    if (always_)
        return start + work;
    if (intervals_.empty())
        return engine::never;
    Tick t = next_open(start);
    if (work <= 0)
        return t;
    // Skip whole weeks first so that long jobs cost O(intervals), not O(weeks).
    if (work > open_per_week_) {
        const Tick weeks = (work - 1) / open_per_week_;
        t += weeks * ticks_per_week;
        work -= weeks * open_per_week_;
    }
    for (;;) {
        const Tick week_start = (t / ticks_per_week) * ticks_per_week;
        const Tick offset = t - week_start;
        for (const auto& iv : intervals_) {
            if (offset >= iv.close)
                continue;
            const Tick from = std::max(offset, iv.open);
            const Tick available = iv.close - from;
            if (work <= available)
                return week_start + from + work;
            work -= available;
            t = week_start + iv.close;
        }
        t = week_start + ticks_per_week;
    }
}

bool Calendar::is_working_day(Tick t) const {
    const Tick day = (t % ticks_per_week) / ticks_per_day;
    return working_days_[static_cast<std::size_t>(day)];
}

Calendar::Tick Calendar::working_day_deadline(Tick created, double working_days) const {
    const double whole = std::floor(working_days);
    const double fraction = working_days - whole;
    auto remaining = static_cast<long>(whole);
    Tick day_start = (created / ticks_per_day) * ticks_per_day;
    const bool any_working_day =
        std::any_of(working_days_.begin(), working_days_.end(), [](bool b) { return b; });
    if (!any_working_day)
        return engine::never;
    // Whole weeks first (each holds the same working days), keeping at least one day to count:
    // the same day as counting one by one, in O(1) for long limits.
    const long per_week = std::count(working_days_.begin(), working_days_.end(), true);
    if (remaining > per_week) {
        const long weeks = (remaining - 1) / per_week;
        day_start += weeks * ticks_per_week;
        remaining -= weeks * per_week;
    }
    while (remaining > 0) {
        day_start += ticks_per_day;
        if (is_working_day(day_start))
            --remaining;
    }
    Tick deadline = day_start + ticks_per_day;  // end of the last counted day
    if (fraction > 0.0) {
        Tick next = deadline;
        while (!is_working_day(next))
            next += ticks_per_day;
        deadline = next + static_cast<Tick>(std::llround(fraction * ticks_per_day));
    }
    return deadline;
}

Calendar::Tick Calendar::open_before(Tick t) const {
    if (always_)
        return t;
    const Tick weeks = t / ticks_per_week;
    const Tick offset = t - weeks * ticks_per_week;
    Tick open = weeks * open_per_week_;
    for (const auto& iv : intervals_) {
        if (offset <= iv.open)
            break;
        open += std::min(offset, iv.close) - iv.open;
    }
    return open;
}

double Calendar::open_fraction() const {
    return static_cast<double>(open_per_week_) / static_cast<double>(ticks_per_week);
}

Calendar::Tick Calendar::open_per_working_day() const {
    const auto days = std::count(working_days_.begin(), working_days_.end(), true);
    return days > 0 ? open_per_week_ / days : 0;
}

}  // namespace tiersim::model
