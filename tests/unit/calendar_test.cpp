// SPDX-License-Identifier: MIT
#include "tiersim/model/calendar.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using tiersim::engine::from_hours;
using tiersim::engine::Tick;
using tiersim::engine::ticks_per_day;
using tiersim::model::Calendar;
using tiersim::model::CalendarSpec;

/// Monday–Friday 9–12 and 13.5–17.5: 7 open hours a day, 35 a week.
Calendar office() {
    CalendarSpec spec;
    spec.name = "office";
    spec.weekdays = {true, true, true, true, true, false, false};
    spec.hours = {{9.0, 12.0}, {13.5, 17.5}};
    return Calendar(spec);
}

Tick at(int day, double hour) {
    return day * ticks_per_day + from_hours(hour);
}

}  // namespace

TEST_CASE("an always-open calendar adds work to the clock", "[unit][calendar]") {
    const Calendar always;
    REQUIRE(always.next_open(12345) == 12345);
    REQUIRE(always.advance(100, 3600) == 3700);
    REQUIRE(always.open_fraction() == 1.0);
}

TEST_CASE("next_open finds the next opening", "[unit][calendar]") {
    const Calendar cal = office();
    REQUIRE(cal.next_open(at(0, 0.0)) == at(0, 9.0));    // Monday night -> Monday 9:00
    REQUIRE(cal.next_open(at(0, 10.0)) == at(0, 10.0));  // open
    REQUIRE(cal.next_open(at(0, 12.5)) == at(0, 13.5));  // lunch
    REQUIRE(cal.next_open(at(4, 18.0)) == at(7, 9.0));   // Friday evening -> next Monday
    REQUIRE(cal.next_open(at(5, 10.0)) == at(7, 9.0));   // Saturday
    REQUIRE(cal.open_fraction() == Approx(35.0 / 168.0));
}

TEST_CASE("work under way at closing resumes at the next opening", "[unit][calendar]") {
    const Calendar cal = office();
    // 2 h started Monday 11:00: 1 h before lunch, 1 h after -> 14:30.
    REQUIRE(cal.advance(at(0, 11.0), from_hours(2.0)) == at(0, 14.5));
    // 1 h started Friday 17:00: 0.5 h on Friday, 0.5 h on Monday -> Monday 9:30.
    REQUIRE(cal.advance(at(4, 17.0), from_hours(1.0)) == at(7, 9.5));
    // Started while closed: begins at the opening.
    REQUIRE(cal.advance(at(5, 3.0), from_hours(1.0)) == at(7, 10.0));
    // Exactly a week of open time from Monday 9:00 ends the next Friday 17:30.
    REQUIRE(cal.advance(at(0, 9.0), from_hours(35.0)) == at(4, 17.5));
    // Long jobs skip whole weeks: 10 weeks + 3.5 h.
    REQUIRE(cal.advance(at(0, 9.0), from_hours(353.5)) == at(70, 13.5 + 0.5));
}

TEST_CASE("advance agrees with stepping second by second", "[unit][calendar][property]") {
    const Calendar cal = office();
    const auto start = static_cast<Tick>(GENERATE(take(20, random(0, 2 * 7 * 86400))));
    const auto work = static_cast<Tick>(GENERATE(take(3, random(1, 20 * 3600))));
    // Reference: count open seconds one by one; the second [t, t+1) is open if next_open(t) == t.
    Tick t = start;
    Tick left = work;
    while (left > 0) {
        if (cal.next_open(t) == t)
            --left;
        ++t;
    }
    REQUIRE(cal.advance(start, work) == t);
}

TEST_CASE("working-day limits count from the next day, skipping closed days", "[unit][calendar]") {
    const Calendar cal = office();
    // Created Monday 10:00, 1 working day: the end of Tuesday.
    REQUIRE(cal.working_day_deadline(at(0, 10.0), 1.0) == at(2, 0.0));
    // Created Thursday, 3 working days: Friday, Monday, Tuesday -> end of Tuesday.
    REQUIRE(cal.working_day_deadline(at(3, 15.0), 3.0) == at(9, 0.0));
    // Created Saturday, 1 working day: Monday.
    REQUIRE(cal.working_day_deadline(at(5, 12.0), 1.0) == at(8, 0.0));
    // 20 working days (the statutory limit) from a Monday: four weeks later, Monday's end.
    REQUIRE(cal.working_day_deadline(at(0, 9.0), 20.0) == at(29, 0.0));
    // Half a working day from Friday: half of Monday.
    REQUIRE(cal.working_day_deadline(at(4, 9.0), 0.5) == at(7, 12.0));
    // Every day counts on an always-open calendar.
    REQUIRE(Calendar().working_day_deadline(at(5, 1.0), 2.0) == at(8, 0.0));
}

TEST_CASE("working-day deadlines skip whole weeks exactly as counting day by day",
          "[unit][calendar]") {
    // The reference: count the working days one at a time (the definition).
    const auto by_days = [](const Calendar& cal, Tick created, double wd) {
        const double whole = std::floor(wd);
        long remaining = static_cast<long>(whole);
        Tick day = (created / ticks_per_day) * ticks_per_day;
        while (remaining > 0) {
            day += ticks_per_day;
            if (cal.is_working_day(day))
                --remaining;
        }
        Tick deadline = day + ticks_per_day;
        if (wd - whole > 0.0) {
            while (!cal.is_working_day(deadline))
                deadline += ticks_per_day;
            deadline += static_cast<Tick>(std::llround((wd - whole) * ticks_per_day));
        }
        return deadline;
    };
    CalendarSpec three;  // Tuesday, Thursday, Saturday
    three.weekdays = {false, true, false, true, false, true, false};
    three.hours = {{8.0, 12.0}};
    for (const Calendar& cal : {office(), Calendar(three), Calendar{}}) {
        for (int day = 0; day < 14; ++day) {
            for (double wd : {0.5, 1.0, 2.5, 3.0, 5.0, 6.0, 7.0, 13.0, 20.0, 20.25, 61.0}) {
                const Tick created = at(day, 10.5);
                INFO("day " << day << ", " << wd << " working days");
                CHECK(cal.working_day_deadline(created, wd) == by_days(cal, created, wd));
            }
        }
    }
}
