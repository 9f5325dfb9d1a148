// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <array>
#include <vector>

namespace tiersim::model {

/// Opening hours as a weekly pattern, with exact integer-tick arithmetic. Work that is under
/// way at closing resumes at the next opening; working days are the days the calendar opens.
class Calendar {
public:
    using Tick = engine::Tick;

    /// Open around the clock.
    Calendar() = default;
    explicit Calendar(const CalendarSpec& spec);

    [[nodiscard]] bool always() const { return always_; }

    /// The first instant >= t at which the calendar is open.
    [[nodiscard]] Tick next_open(Tick t) const;

    /// When `work` ticks of open time, started at `start`, are done.
    [[nodiscard]] Tick advance(Tick start, Tick work) const;

    /// Deadline of a limit of `working_days` counted from the day after `created` (as the law
    /// counts): the end of the last working day; a fraction adds that share of the next one.
    [[nodiscard]] Tick working_day_deadline(Tick created, double working_days) const;

    /// Open hours per week / 168.
    [[nodiscard]] double open_fraction() const;

    /// The open time of an average working day: what "one working day" of work takes.
    [[nodiscard]] Tick open_per_working_day() const;

    [[nodiscard]] bool is_working_day(Tick t) const;

    [[nodiscard]] bool is_open(Tick t) const { return next_open(t) == t; }

    /// Open time in [a, b) (0 <= a <= b).
    [[nodiscard]] Tick open_between(Tick a, Tick b) const {
        return open_before(b) - open_before(a);
    }

private:
    /// Open time in [0, t).
    [[nodiscard]] Tick open_before(Tick t) const;

    struct Interval {
        Tick open;  ///< ticks since Monday 00:00
        Tick close;
    };

    bool always_ = true;
    std::array<bool, 7> working_days_{true, true, true, true, true, true, true};
    std::vector<Interval> intervals_;  ///< sorted within one week
    Tick open_per_week_ = engine::ticks_per_week;
};

}  // namespace tiersim::model
