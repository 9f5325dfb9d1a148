// SPDX-License-Identifier: MIT
// Arrivals: non-homogeneous Poisson streams per street, type and variant (daily and weekly
// profiles), and the home of a 跨省通办 ticket.
#include "tiersim/model/calendar.hpp"

#include "ticket_flow.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::model::flow {

/// Next arrival after `from` by inverting the cumulative hazard of the hourly
/// piecewise-constant rate rate × daily(hour) × weekly(day), the rate being the stream's share
/// at each step of the reform timeline (steps begin at midnight, so on an hour).
inline void TicketFlow::schedule_next_arrival(LpState& lp, std::uint32_t gi, Tick from) {
    Generator& g = lp.generators[gi];
    const ArrivalStream& a = model.arrivals()[lp.index][gi];
    const TicketTypeSpec& type = spec().ticket_types[static_cast<std::size_t>(a.type)];
    RandomStream rng(spec().seed, a.id | generator_stream_bit, g.draws, &lp.blocks);
    double hazard = rng.exponential(1.0);
    g.draws = rng.draws();
    double t_h = to_hours(from);
    const double end_h = to_hours(end);
    const auto& steps = model.reform_steps();
    std::size_t step = step_index;
    auto step_rate = [&] {
        return step == 0 ? a.base_per_hour
                         : a.street_per_hour * steps[step].variant_share[a.share_index];
    };
    auto next_step_h = [&] {
        return step + 1 < steps.size() ? to_hours(steps[step + 1].at) : end_h;
    };
    // Demand feedback holds until the next update, which draws the arrival again
    // (follow_demand).
    const double feedback = demand_factor[stream_factor(a)];
    double per_hour = step_rate();
    double step_end_h = next_step_h();
    while (t_h < end_h) {
        while (t_h >= step_end_h) {
            ++step;
            per_hour = step_rate();
            step_end_h = next_step_h();
        }
        const double hour_index = std::floor(t_h);
        const auto hour_of_week = static_cast<long>(hour_index) % 168;
        const auto day = static_cast<std::size_t>(hour_index / 24.0);
        // × 1 where there are no seasons and no demand feedback: exact, the same rate.
        const double rate = per_hour *
                            type.daily_profile[static_cast<std::size_t>(hour_of_week % 24)] *
                            type.weekly_profile[static_cast<std::size_t>(hour_of_week / 24)] *
                            type.monthly_profile[model.month_of_day(day)] * feedback;
        const double segment = hour_index + 1.0 - t_h;
        if (rate > 0.0 && hazard <= rate * segment) {
            t_h += hazard / rate;
            const Tick at = std::max(from, from_hours(t_h));
            if (at >= end)
                return;
            queues.schedule(
                lp.index,
                Event{at, a.id, static_cast<std::uint32_t>(g.count), kind_generate, g.epoch, gi});
            return;
        }
        hazard -= rate * segment;
        t_h = hour_index + 1.0;
    }
}

inline void TicketFlow::generate(LpState& lp, std::int32_t lp_index, const Event& e) {
    Generator& g = lp.generators[e.slot];
    if (e.aux != g.epoch)
        return;  // drawn before demand feedback moved the rate: drawn again since
    const ArrivalStream& a = model.arrivals()[lp.index][e.slot];
    Ticket t;
    t.id = g.count * generator_count + a.id;
    t.created = e.time;
    t.type = a.type;
    t.origin = a.street;
    t.home = a.street;
    t.intake = a.intake;
    t.unit = a.intake;
    t.channel = a.channel;
    t.cross = a.cross;
    t.phase = Phase::intake;
    t.visits = static_cast<std::int16_t>(a.channel == Channel::window ? 1 : 0);
    ++g.count;
    if (t.cross != CrossMode::none) {
        // The home: another province by the migration matrix, then a street there by
        // population.
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const auto n = static_cast<std::size_t>(org.province_count());
        const auto from = static_cast<std::size_t>(org.province_index(a.street));
        double u = rng.uniform();
        std::size_t home = from;
        for (std::size_t j = 0; j < n; ++j) {
            const double p = model.migration()[from * n + j];
            if (!(p > 0.0))
                continue;
            home = j;  // the last possible home takes what rounding leaves of the row
            if (u < p)
                break;
            u -= p;
        }
        const auto& cdf = model.province_street_cdf(home);
        const double x = rng.uniform() * cdf.back();
        const auto it = std::upper_bound(cdf.begin(), cdf.end(), x);
        const auto k =
            std::min<std::size_t>(static_cast<std::size_t>(it - cdf.begin()), cdf.size() - 1);
        t.home = model.province_streets(home)[k];
        t.draws = rng.draws();
    }
    if (const double unreasonable = type_of(t).unreasonable; unreasonable > 0.0) {
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        if (rng.bernoulli(unreasonable))
            t.set(flag_unreasonable);
        t.draws = rng.draws();
    }
    start_patience(t, e.time);
    if (t.cross == CrossMode::trip_home) {
        travel_home(lp, lp_index, t, e.time);
        schedule_next_arrival(lp, e.slot, e.time);
        return;
    }
    const std::uint32_t slot = lp.allocate(t);
    schedule_chase(lp, slot, e.time);
    bump(lp, c_arrivals, e.time, tier_at(a.intake));
    if (t.visits > 0)
        bump(lp, c_visits, e.time, tier_at(a.intake));
    trace(lp, lp.tickets[slot], e.time, a.intake, -1, EventKind::created);
    enqueue(lp, slot, 0, e.time);
    schedule_next_arrival(lp, e.slot, e.time);
}

/// The baseline without 跨省通办: the applicant travels to the home street and applies there in
/// person, at the type's own channel, as the home province's own residents do; the visit and
/// the arrival count there (`arrive`), the journey back when the item closes (`close_or_wait`).
/// Its limits count from the day the applicant set out: the journey is the applicant's time.
inline void TicketFlow::travel_home(LpState& lp, std::int32_t lp_index, Ticket t, Tick now) {
    t.intake = org.ancestor(t.home, spec().channels[static_cast<std::size_t>(t.channel)].tier);
    t.unit = t.intake;
    t.visits = 0;
    const Tick there = now + from_hours(spec().cross.trip_home_h);
    start_patience(t, there);  // the applicant waits on the office once there, not on the way
    const std::uint32_t slot = lp.allocate(t);
    schedule_chase(lp, slot, now);
    trace(lp, lp.tickets[slot], now, t.intake, -1, EventKind::created);
    send(lp, lp_index, slot, t.intake, there);
}

}  // namespace tiersim::model::flow
