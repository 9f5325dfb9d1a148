// SPDX-License-Identifier: MIT
// Returns (退单) back to dispatch, and after too many the leader (一把手) who assigns it.
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

/// 退单: back to dispatch, which reviews and re-dispatches it, or after too many returns
/// to the leader (一把手) of its city or province.
inline void TicketFlow::do_return(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, int dept, Tick now) {
    Ticket& t = lp.tickets[slot];
    const Levers& lv = lever(t.unit);
    const std::size_t tier = tier_at(t.unit);
    ++t.returns;
    t.step = 0;
    bump(lp, c_returns, now, tier);
    add_cost(lp, t, now, tier, CostKind::returned, lv.handoff_cost_h);
    trace(lp, t, now, t.unit, dept, EventKind::returned);
    if (lv.escalate_after_returns > 0 && t.returns >= lv.escalate_after_returns &&
        !t.has(flag_leader_assigned)) {
        to_leader(lp, lp_index, slot, now, Phase::leader);
        return;
    }
    t.phase = Phase::transfer;
    if (via_link(t.cross)) {
        // The home province's dispatch reviews it where it is.
        schedule(lp, slot, now + from_hours(spec().return_review_h));
        return;
    }
    const UnitId authority = authority_of(t);
    t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, t.intake) +
                                       tier_distance(t.intake, authority));
    const double latency = org.path_latency_h(t.unit, t.intake, spec()) + spec().return_review_h +
                           dispatch_latency_h(t, authority);
    send(lp, lp_index, slot, authority, now + from_hours(latency));
}

inline void TicketFlow::leader_done(LpState& lp,
                                    std::int32_t lp_index,
                                    std::uint32_t slot,
                                    Tick now) {
    Ticket& t = lp.tickets[slot];
    const std::size_t tier = tier_at(t.unit);
    t.set(flag_leader_assigned);
    bump(lp, c_leader, now, tier);
    add_cost_ticks(lp, t, now, tier, CostKind::leader, t.work);
    trace(lp, t, now, t.unit, -1, EventKind::leader);
    const UnitId authority = authority_of(t);
    t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, authority));
    t.phase = Phase::transfer;
    send(lp,
         lp_index,
         slot,
         authority,
         now + from_hours(org.path_latency_h(t.unit, authority, spec())));
}

/// Up the escalation path to the leader queue (its city's, or its province unit's), in `phase`.
inline void TicketFlow::to_leader(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, Phase phase) {
    Ticket& t = lp.tickets[slot];
    const UnitId leader_unit = leader_of(t.unit);
    t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, leader_unit));
    t.phase = phase;
    send(lp,
         lp_index,
         slot,
         leader_unit,
         now + from_hours(org.path_latency_h(t.unit, leader_unit, spec())));
}

}  // namespace tiersim::model::flow
