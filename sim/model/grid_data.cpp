// SPDX-License-Identifier: MIT
#include "tiersim/model/grid_data.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <limits>

namespace tiersim::model {

using engine::Tick;

namespace {

constexpr double z90 = 1.2815515655446004;  // the standard normal's 90th percentile
constexpr int creation_hours = 4 * 7 * 24;  // four weeks: daily to weekly syncs line up
constexpr int review_quantiles = 32;

/// A clock time of the day as ticks from Monday 00:00.
Tick hour_of_day(double hour) {
    return engine::from_hours(hour);
}

}  // namespace

Tick next_strike(Tick t, Tick first, Tick period) {
    if (period <= 0)
        return t;
    // Strikes at first + k × period for every integer k (the clock ran before the run): the
    // least k with a strike >= t. Division rounds towards zero, which is up below `first`.
    const Tick since = t - first;
    Tick k = since / period;
    if (k * period < since)
        ++k;
    return first + k * period;
}

GridDataClock::GridDataClock(const GridSpec& grid, const Calendar& district_calendar)
    : review_median_wd_(grid.review_median_wd),
      district_(district_calendar),
      working_day_(district_calendar.open_per_working_day()),
      batch_first_(hour_of_day(grid.city_batch_hour)),
      batch_period_(engine::from_hours(grid.city_batch_h)),
      sync_first_(hour_of_day(grid.province_sync_hour)),
      sync_period_(engine::from_hours(grid.province_sync_days * 24.0)) {
    if (review_median_wd_ > 0.0 && grid.review_p90_wd > review_median_wd_)
        review_sigma_ = std::log(grid.review_p90_wd / review_median_wd_) / z90;
}

double GridDataClock::draw_review_wd(engine::RandomStream& rng) const {
    if (review_sigma_ <= 0.0)
        return review_median_wd_;
    return review_median_wd_ * std::exp(review_sigma_ * rng.normal());
}

double GridDataClock::review_quantile_wd(double p) const {
    if (review_sigma_ <= 0.0)
        return review_median_wd_;
    const double z = std::sqrt(2.0) * boost::math::erf_inv(2.0 * p - 1.0);
    return review_median_wd_ * std::exp(review_sigma_ * z);
}

Tick GridDataClock::review_end(Tick start, double working_days) const {
    const auto work =
        static_cast<Tick>(std::llround(working_days * static_cast<double>(working_day_)));
    return district_.advance(start, work);
}

double expected_freshness_h(const ScenarioSpec& spec, const GridDataClock& clock) {
    const auto transfer = [&](Tier tier) {
        return engine::from_hours(spec.tiers[static_cast<std::size_t>(tier)].transfer_h);
    };
    long double weighted_h = 0.0L;
    long double weight = 0.0L;
    for (const TicketTypeSpec& type : spec.ticket_types) {
        if (type.route != Route::upward)
            continue;
        const auto intake =
            static_cast<int>(spec.channels[static_cast<std::size_t>(type.channel)].tier);
        for (int h = 0; h < creation_hours; ++h) {
            const double w = type.rate * type.daily_profile[static_cast<std::size_t>(h % 24)] *
                             type.weekly_profile[static_cast<std::size_t>((h / 24) % 7)];
            if (!(w > 0.0))
                continue;
            const Tick created = engine::from_hours(h + 0.5);
            const int samples = clock.reviews() ? review_quantiles : 1;
            for (int q = 0; q < samples; ++q) {
                Tick t = created;
                for (int tier = intake; tier < static_cast<int>(Tier::province); ++tier) {
                    if (tier == static_cast<int>(Tier::district) && clock.reviews())
                        t = clock.review_end(t, clock.review_quantile_wd((q + 0.5) / samples));
                    if (tier == static_cast<int>(Tier::city))
                        t = clock.next_city_batch(t);
                    t += transfer(static_cast<Tier>(tier));
                }
                t = clock.next_province_sync(t);
                weighted_h += static_cast<long double>(w) * engine::to_hours(t - created);
                weight += w;
            }
        }
    }
    if (!(weight > 0.0L))
        return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(weighted_h / weight);
}

double shared_data_current(double expected_freshness_h, double stale_after_days) {
    if (!(stale_after_days > 0.0) || std::isnan(expected_freshness_h))
        return 1.0;
    return std::exp(-expected_freshness_h / (24.0 * stale_after_days));
}

}  // namespace tiersim::model
