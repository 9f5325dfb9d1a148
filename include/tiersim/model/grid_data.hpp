// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/random_stream.hpp"
#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <vector>

namespace tiersim::model {

/// The next instant >= t of a clock that strikes every `period` ticks from `first` (and, for
/// t before `first`, the strikes before it: the clock has struck since the epoch); t itself
/// when period is 0 (no clock).
[[nodiscard]] engine::Tick next_strike(engine::Tick t, engine::Tick first, engine::Tick period);

/// The clock of the grid data chain (D1, domain.md §6.2): the district review, a time on the
/// district tier's working calendar; the city's master-data batch and the province's sync,
/// fixed clock times that an update waits for. Built once from [grid]; immutable.
class GridDataClock {
public:
    using Tick = engine::Tick;

    /// No chain: no review time, and every batch or sync happens on arrival.
    GridDataClock() = default;
    GridDataClock(const GridSpec& grid, const Calendar& district_calendar);

    /// Whether the district review takes time (review_median_wd > 0).
    [[nodiscard]] bool reviews() const { return review_median_wd_ > 0.0; }

    /// One review's length in working days: lognormal with the configured median and p90.
    [[nodiscard]] double draw_review_wd(engine::RandomStream& rng) const;

    /// The end of a review of `working_days` that starts at `start`, on the district calendar.
    [[nodiscard]] Tick review_end(Tick start, double working_days) const;

    /// The city's next batch at or after t (t without batches).
    [[nodiscard]] Tick next_city_batch(Tick t) const {
        return next_strike(t, batch_first_, batch_period_);
    }

    /// The province's next sync at or after t (t without syncs).
    [[nodiscard]] Tick next_province_sync(Tick t) const {
        return next_strike(t, sync_first_, sync_period_);
    }

    /// The review length (working days) at quantile p in (0, 1).
    [[nodiscard]] double review_quantile_wd(double p) const;

private:
    double review_median_wd_ = 0.0;
    double review_sigma_ = 0.0;  ///< of the log
    Calendar district_;
    Tick working_day_ = engine::ticks_per_day;
    Tick batch_first_ = 0;
    Tick batch_period_ = 0;
    Tick sync_first_ = 0;
    Tick sync_period_ = 0;
};

/// The expected freshness of an applied grid data update, in hours, from the scenario's
/// parameters alone: the upward types' creation times over four weeks, hour by hour, weighted
/// by rate and profiles, each with the review's quantiles, through the transfers, the review,
/// the city batch and the province sync of `clock`. Queueing and the minutes of the intake and
/// department steps are left out. NaN without an upward type.
[[nodiscard]] double expected_freshness_h(const ScenarioSpec& spec, const GridDataClock& clock);

/// The share of shared records whose province copy is current: records change as a Poisson
/// process of mean interval `stale_after_days`, and a change is missing from the copy while its
/// update is on the way, so (M/G/∞) the copy is current with probability
/// exp(−E[freshness] / stale_after_days). 1 when stale_after_days is 0 or freshness is NaN.
[[nodiscard]] double shared_data_current(double expected_freshness_h, double stale_after_days);

}  // namespace tiersim::model
