// SPDX-License-Identifier: MIT
// Intake and dispatch (派单): closing at intake, or dispatch to the unit with authority (over the
// link to the home province for 跨省通办).
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

inline void TicketFlow::intake_done(LpState& lp,
                                    std::int32_t lp_index,
                                    std::uint32_t slot,
                                    Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    trace(lp, t, now, t.unit, -1, EventKind::intake_done);
    if (type.route == Route::upward) {
        finish_at_unit(lp, lp_index, slot, now);
        return;
    }
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    const bool close =
        type.departments.empty() || (!via_link(t.cross) && rng.bernoulli(type.close_at_intake));
    t.draws = rng.draws();
    if (close) {
        if (t.responded < 0)
            t.responded = t.intake_started;
        if (t.cross == CrossMode::trip_home) {
            // Answered, but the applicant is not back before the journey home is over.
            t.set(flag_answered_at_intake);
            t.phase = Phase::closing;
            schedule(lp, slot, now + from_hours(spec().cross.trip_home_h));
            return;
        }
        close_ticket(lp, lp_index, slot, now, true);
        return;
    }
    if (t.cross == CrossMode::joint)
        spawn_local_part(lp, lp_index, slot, now);
    dispatch(lp, lp_index, slot, now);
}

/// 派单: from the intake unit to the unit with authority; 跨省通办 tickets go up to their
/// province and through the link queue to the home province first.
inline void TicketFlow::dispatch(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
    Ticket& t = lp.tickets[slot];
    const UnitId authority = authority_of(t);
    trace(lp, t, now, authority, -1, EventKind::dispatched);
    if (via_link(t.cross)) {
        const UnitId province = org.unit(t.intake).province;
        t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.intake, province));
        double latency = org.path_latency_h(t.intake, province, spec());
        if (t.cross == CrossMode::proxy)
            latency += spec().cross.courier_h;  // 异地代收: materials go by courier
        t.phase = Phase::link;
        send(lp, lp_index, slot, province, now + from_hours(latency));
        return;
    }
    t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.intake, authority));
    to_authority(lp, lp_index, slot, now);
}

/// From the intake unit down (or up) to the unit with authority.
inline void TicketFlow::to_authority(LpState& lp,
                                     std::int32_t lp_index,
                                     std::uint32_t slot,
                                     Tick now) {
    Ticket& t = lp.tickets[slot];
    const UnitId authority = authority_of(t);
    t.phase = Phase::transfer;
    t.step = 0;
    if (authority == t.intake) {
        arrive(lp, lp_index, slot, now);
        return;
    }
    send(lp, lp_index, slot, authority, now + from_hours(dispatch_latency_h(t, authority)));
}

/// 派单 from the intake unit to the unit with authority: the type's own dispatch time (an
/// emergency is dispatched within the hour) or the transfer time of each hop; none when the
/// intake unit has authority itself.
inline double TicketFlow::dispatch_latency_h(const Ticket& t, UnitId authority) const {
    if (authority == t.intake)
        return 0.0;
    const double own = type_of(t).dispatch_h;
    return own >= 0.0 ? own : org.path_latency_h(t.intake, authority, spec());
}

}  // namespace tiersim::model::flow
