// SPDX-License-Identifier: MIT
// Citizens: patience, the chase (催办) that may become a repeat call or abandonment, and the
// record of an abandoned ticket.
#include "ticket_flow.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::model::flow {

inline void TicketFlow::start_patience(Ticket& t, Tick now) const {
    if (t.channel == Channel::grid || std::isinf(spec().citizens.patience_h))
        return;
    t.chase_at = now + from_hours(spec().citizens.patience_h);
}

inline void TicketFlow::schedule_chase(LpState& lp, std::uint32_t slot, Tick not_before) {
    Ticket& t = lp.tickets[slot];
    if (t.chase_at < 0 || t.chase_at >= end)
        return;
    queues.schedule(lp.index,
                    Event{std::max(t.chase_at, not_before), t.id, t.seq++, kind_chase, 0, slot});
}

inline void TicketFlow::drop_abandoned(LpState& lp, std::uint32_t slot) {
    record_given_up(lp, slot, Outcome::abandoned);
}

/// A caller on hold who hung up waiting for intake (hold_call): recorded, and counted in the
/// series' abandoned, at the hang-up time, which may be earlier than now (lazy reneging).
inline void TicketFlow::hang_up(LpState& lp, std::uint32_t slot) {
    record_given_up(lp, slot, Outcome::hung_up);
}

inline void TicketFlow::record_given_up(LpState& lp, std::uint32_t slot, Outcome outcome) {
    Ticket& t = lp.tickets[slot];
    bump(lp, c_abandoned, t.abandoned_at, tier_at(t.unit));
    trace(lp, t, t.abandoned_at, t.unit, -1, EventKind::abandoned);
    TicketRecord r = record_of(t, deadline_of(t));
    r.closed_h = to_hours(t.abandoned_at);
    r.outcome = outcome;
    r.recorded_at = lp.now;
    lp.closed.push_back(r);
    lp.release(slot);
}

/// 催办: the citizen has had no response for patience_h.
inline void TicketFlow::on_chase(LpState& lp, std::int32_t lp_index, const Event& e) {
    if (e.slot >= lp.tickets.size())
        return;
    Ticket& t = lp.tickets[e.slot];
    if (t.id != e.entity || t.chase_at < 0 || t.responded >= 0 || t.has(flag_abandoned))
        return;  // a stale timer, or answered in time
    if (t.has(flag_on_hold) && e.time > t.abandoned_at)
        return;  // the caller has hung up already; skipped when a server would take them
    t.chase_at = -1;
    trace(lp, t, e.time, t.unit, -1, EventKind::chased);
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    const double u = rng.uniform();
    t.draws = rng.draws();
    if (u < spec().citizens.repeat_call) {
        repeat_call(lp, lp_index, e.slot, e.time);
    } else if (u < spec().citizens.repeat_call + spec().citizens.abandon) {
        t.set(flag_abandoned);
        t.clear(flag_on_hold);  // a caller on hold gives up now, before they would hang up
        t.abandoned_at = e.time;
        // Dropped at its next event or when it leaves its queue; one waiting for nothing
        // else (materials, closing) has an event pending too.
    }
}

/// A repeat call: a new hotline ticket of the same type, linked to the one it chases.
inline void TicketFlow::repeat_call(LpState& lp,
                                    std::int32_t lp_index,
                                    std::uint32_t slot,
                                    Tick now) {
    const Ticket& first = lp.tickets[slot];
    if ((first.id >> repeat_shift & max_repeat_depth) >= max_repeat_depth)
        return;
    Ticket t;
    t.id = first.id + (std::uint64_t{1} << repeat_shift);
    t.parent = static_cast<std::int64_t>(first.id);
    t.created = now;
    t.type = first.type;
    t.origin = first.origin;
    t.home = first.origin;
    t.channel = Channel::hotline;
    t.intake =
        org.ancestor(t.origin, spec().channels[static_cast<std::size_t>(Channel::hotline)].tier);
    t.phase = Phase::intake;
    if (first.has(flag_unreasonable))
        t.set(flag_unreasonable);  // the same demand, called in again
    start_patience(t, now);
    const UnitId from = first.unit;
    bump(lp, c_repeat_calls, now, tier_at(t.intake));
    const std::uint32_t ns = lp.allocate(t);
    trace(lp, lp.tickets[ns], now, t.intake, -1, EventKind::created);
    schedule_chase(lp, ns, now);
    const double latency = org.unit(t.intake).lp == lp_index ? 0.0 : travel_h(from, t.intake);
    send(lp, lp_index, ns, t.intake, now + from_hours(latency));
}

}  // namespace tiersim::model::flow
