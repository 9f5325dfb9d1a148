// SPDX-License-Identifier: MIT
// The clock of grid data updates (D1): batch and sync times, the district review on a working
// calendar, the expected freshness from the parameters and the share of shared data current.
#include "tiersim/model/grid_data.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using tiersim::engine::from_hours;
using tiersim::engine::RandomStream;
using tiersim::engine::Tick;
using tiersim::engine::ticks_per_day;
using tiersim::model::Calendar;
using tiersim::model::CalendarSpec;
using tiersim::model::GridDataClock;
using tiersim::model::GridSpec;
using tiersim::model::next_strike;

/// Day d of the run (0 = Monday) at hour h.
Tick at(int day, double hour) {
    return day * ticks_per_day + from_hours(hour);
}

/// Monday to Friday, 9:00–12:00 and 13:30–17:30: seven hours a working day.
Calendar office() {
    CalendarSpec c;
    c.name = "office";
    c.always = false;
    c.weekdays = {true, true, true, true, true, false, false};
    c.hours = {{9.0, 12.0}, {13.5, 17.5}};
    return Calendar(c);
}

/// A spec with one grid data update type, arriving evenly round the clock, and no transfers.
tiersim::model::ScenarioSpec upward_spec(const GridSpec& grid) {
    tiersim::model::ScenarioSpec spec;
    tiersim::model::TicketTypeSpec t;
    t.name = "update";
    t.channel = tiersim::model::Channel::grid;
    t.route = tiersim::model::Route::upward;
    t.daily_profile.fill(1.0);
    t.weekly_profile.fill(1.0);
    spec.ticket_types = {t};
    for (auto& tier : spec.tiers)
        tier.transfer_h = 0.0;
    spec.grid = grid;
    return spec;
}

}  // namespace

TEST_CASE("a batch clock strikes at its hour and every period after", "[model][grid]") {
    const Tick day = ticks_per_day;
    // A daily batch at 18:00: an update done at 10:00 waits for 18:00 that day.
    CHECK(next_strike(at(0, 10.0), from_hours(18.0), day) == at(0, 18.0));
    CHECK(next_strike(at(2, 10.0), from_hours(18.0), day) == at(2, 18.0));
    // Exactly at a strike it goes in that batch; a second later it waits a day.
    CHECK(next_strike(at(0, 18.0), from_hours(18.0), day) == at(0, 18.0));
    CHECK(next_strike(at(0, 18.0) + 1, from_hours(18.0), day) == at(1, 18.0));
    // The clock has struck before its first strike of the run: every period back to 0.
    CHECK(next_strike(0, from_hours(2.0), from_hours(1.0)) == 0);
    CHECK(next_strike(at(0, 1.0), from_hours(2.0), 7 * day) == at(0, 2.0));
    // A weekly sync on Mondays at 02:00, and one every three days.
    CHECK(next_strike(at(1, 10.0), from_hours(2.0), 7 * day) == at(7, 2.0));
    CHECK(next_strike(at(1, 10.0), from_hours(2.0), 3 * day) == at(3, 2.0));
    // No clock: no wait.
    CHECK(next_strike(at(4, 11.0), from_hours(18.0), 0) == at(4, 11.0));
}

TEST_CASE("the city batch and the province sync follow [grid]", "[model][grid]") {
    GridSpec g;
    g.city_batch_h = 24.0;
    g.city_batch_hour = 18.0;
    g.province_sync_days = 7.0;
    g.province_sync_hour = 2.0;
    const GridDataClock clock(g, office());
    CHECK(clock.next_city_batch(at(0, 10.0)) == at(0, 18.0));  // reaches the city at 10:00
    CHECK(clock.next_province_sync(at(0, 19.0)) == at(7, 2.0));
    CHECK(clock.next_province_sync(at(7, 2.0)) == at(7, 2.0));
    const GridDataClock none;
    CHECK(!none.reviews());
    CHECK(none.next_city_batch(at(0, 10.0)) == at(0, 10.0));
    CHECK(none.next_province_sync(at(0, 10.0)) == at(0, 10.0));
}

TEST_CASE("the district review counts working days of the district calendar", "[model][grid]") {
    GridSpec g;
    g.review_median_wd = 1.0;
    g.review_p90_wd = 1.0;  // no spread: every review takes one working day
    const GridDataClock clock(g, office());
    REQUIRE(clock.reviews());
    RandomStream rng(1, 2);
    CHECK(clock.draw_review_wd(rng) == 1.0);
    // Seven working hours: Monday 10:00 → Tuesday 10:00; Friday 16:00 → Monday 16:00; a review
    // begun on a Saturday starts on Monday at 9:00 and ends at the close.
    CHECK(clock.review_end(at(0, 10.0), 1.0) == at(1, 10.0));
    CHECK(clock.review_end(at(4, 16.0), 1.0) == at(7, 16.0));
    CHECK(clock.review_end(at(5, 11.0), 1.0) == at(7, 17.5));
    CHECK(clock.review_end(at(0, 10.0), 0.5) == at(0, 15.0));
}

TEST_CASE("the district review has the median and p90 it is given", "[model][grid]") {
    GridSpec g;
    g.review_median_wd = 1.0;
    g.review_p90_wd = 3.0;  // domain.md §6.2 D1
    const GridDataClock clock(g, office());
    CHECK(clock.review_quantile_wd(0.5) == Approx(1.0));
    CHECK(clock.review_quantile_wd(0.9) == Approx(3.0));
    // Draws: the shares at or below the median and the p90 are binomial; 4.5 standard errors.
    constexpr int n = 20000;
    RandomStream rng(7, 11);
    int below_median = 0;
    int below_p90 = 0;
    for (int i = 0; i < n; ++i) {
        const double wd = clock.draw_review_wd(rng);
        below_median += wd <= 1.0 ? 1 : 0;
        below_p90 += wd <= 3.0 ? 1 : 0;
    }
    const auto share = [](int k) {
        return static_cast<double>(k) / n;
    };
    CHECK(std::fabs(share(below_median) - 0.5) < 4.5 * std::sqrt(0.25 / n));
    CHECK(std::fabs(share(below_p90) - 0.9) < 4.5 * std::sqrt(0.09 / n));
}

TEST_CASE("the expected freshness follows the batch and sync clocks", "[model][grid]") {
    using tiersim::model::expected_freshness_h;
    GridSpec g;
    g.city_batch_h = 24.0;
    g.city_batch_hour = 18.0;
    // Creation evenly over the day, no transfers: the mean wait for 18:00 is half a day.
    CHECK(expected_freshness_h(upward_spec(g), GridDataClock(g, office())) == Approx(12.0));
    // A longer sync interval can only make the province's copy older.
    double previous = 12.0;
    for (const double days : {1.0, 3.0, 7.0, 14.0}) {
        g.province_sync_days = days;
        const double f = expected_freshness_h(upward_spec(g), GridDataClock(g, office()));
        INFO("sync every " << days << " days");
        CHECK(f > previous);
        CHECK(f <= 12.0 + 24.0 * days);
        previous = f;
    }
    // Without grid data updates there is no freshness.
    tiersim::model::ScenarioSpec no_updates = upward_spec(g);
    no_updates.ticket_types.front().route = tiersim::model::Route::dispatch;
    CHECK(std::isnan(expected_freshness_h(no_updates, GridDataClock(g, office()))));
}

TEST_CASE("stale data makes shared records current with exp(-F / stale_after_days)",
          "[model][grid]") {
    using tiersim::model::shared_data_current;
    CHECK(shared_data_current(100.0, 0.0) == 1.0);  // off
    CHECK(shared_data_current(std::nan(""), 30.0) == 1.0);
    CHECK(shared_data_current(0.0, 30.0) == 1.0);
    CHECK(shared_data_current(24.0 * 30.0, 30.0) == Approx(std::exp(-1.0)));
    CHECK(shared_data_current(48.0, 30.0) > shared_data_current(96.0, 30.0));
}
