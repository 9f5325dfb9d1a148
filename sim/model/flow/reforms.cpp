// SPDX-License-Identifier: MIT
// The reform timeline ([[timeline]]): at each step's time, between windows, the run moves to
// the step's scenario and levers (every later decision reads them) and its stations take
// their new servers. Arrivals need nothing here: their streams integrate every step's rates
// in advance (arrivals.cpp). The same barriers carry the demand feedback's updates (demand.cpp),
// the per-unit table's periods (unit_periods.cpp) and the adaptation rules (adaptation.cpp).
#include "ticket_flow.hpp"

#include <algorithm>

namespace tiersim::model::flow {

/// The steps' times, every period's end (/unit_series), every day's end where a rule acts,
/// with demand feedback every trust period's end, and a checkpoint's time, in order.
inline std::vector<Tick> TicketFlow::barriers() const {
    std::vector<Tick> out;
    for (std::size_t i = 1; i < model.reform_steps().size(); ++i)
        out.push_back(model.reform_steps()[i].at);
    const Tick every =
        adapt.any_step ? engine::ticks_per_day
                       : static_cast<Tick>(spec().adaptation.period_days) * engine::ticks_per_day;
    for (Tick t = every; t < end; t += every)
        out.push_back(t);
    if (spec().citizens.trust_elasticity > 0.0) {
        const Tick period = spec().citizens.trust_period_days * engine::ticks_per_day;
        for (Tick t = period; t < end; t += period)
            out.push_back(t);
    }
    if (hooks.digest_at > 0 && hooks.digest_at < end)
        out.push_back(hooks.digest_at);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

inline void TicketFlow::at_barrier(Tick t) {
    if (t == hooks.digest_at)
        digest_at_checkpoint(t);  // the state as it is, before this barrier changes it
    for (std::size_t i = part.begin; i < part.end; ++i)
        lp_states[i].now = t;  // what a queue served here records is recorded at t
    const auto& steps = model.reform_steps();
    while (step_index + 1 < steps.size() && steps[step_index + 1].at <= t) {
        ++step_index;
        step_now = &steps[step_index];
        spec_now = &model.spec_of(*step_now);
        // Every count first: a queue that closes sends its tickets to one that opens. Servers
        // that a rule moved stay moved, over the step's staff.
        for (CompiledStep::StaffChange c : step_now->staff) {
            const auto moved = adapt.extra_servers.find(c.station);
            if (moved != adapt.extra_servers.end() && c.servers > 0)
                c.servers = std::max(1, c.servers + moved->second);
            change_staff(c, t);
        }
        for (const CompiledStep::StaffChange& c : step_now->staff) {
            const std::size_t lp_index = lp_of_station(c.station);
            if (lp_index < part.begin || lp_index >= part.end)
                continue;
            Station& s = stations[c.station];
            if (c.servers == 0)
                reroute_waiting(lp_states[lp_index], s, t);
            else
                serve_waiting(lp_states[lp_index], s, t);
        }
    }
    const bool period_end = at_period_end(t);
    std::vector<UnitPeriodRow> rows;
    if (period_end)
        rows = close_period(t);
    if (t % engine::ticks_per_day == 0 && adapt.any_step)
        adapt_at(t, period_end ? &rows : nullptr);
    if (period_end)
        keep_period(rows);
    if (follows_demand(t))
        follow_demand(t);
}

inline std::size_t TicketFlow::lp_of_station(std::uint32_t station) const {
    return static_cast<std::size_t>(org.unit(index.owner(station, org)).lp);
}

/// A station takes its new servers (a rank keeps every station's count, and the series of its
/// own). Added servers then start on the queue at once; where fewer remain, those in service
/// finish and the queue waits for the rest. A queue left with none (its staff merged into an
/// approval bureau, say) sends what waits there to where the new levers route it.
inline void TicketFlow::change_staff(const CompiledStep::StaffChange& c, Tick now) {
    Station& s = stations[c.station];
    TIERSIM_CHECK(s.calendar == c.calendar || s.busy == 0,
                  "a queue with tickets in service changes its calendar");
    const std::size_t lp_index = lp_of_station(c.station);
    if (lp_index >= part.begin && lp_index < part.end) {
        LpState& lp = lp_states[lp_index];
        snapshot_until(lp, now);  // the snapshots due before the change see the old staff
        const auto tier = static_cast<std::size_t>(s.tier);
        lp.staff_by_calendar[static_cast<std::size_t>(s.calendar)].v[tier] -= s.servers;
        lp.staff_by_calendar[static_cast<std::size_t>(c.calendar)].v[tier] += c.servers;
    }
    s.servers = c.servers;
    s.calendar = c.calendar;
}

inline void TicketFlow::reroute_waiting(LpState& lp, Station& s, Tick now) {
    std::vector<std::uint64_t> waiting;
    while (!s.empty()) {
        --lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
        waiting.push_back(s.pop());
    }
    for (const std::uint64_t entry : waiting) {
        const auto slot = static_cast<std::uint32_t>(entry & 0xffffffffU);
        if (lp.tickets[slot].has(flag_abandoned)) {
            drop_abandoned(lp, slot);
            continue;
        }
        enqueue(lp, slot, static_cast<int>(entry >> 32), now);
    }
}

}  // namespace tiersim::model::flow
