// SPDX-License-Identifier: MIT
// Moving tickets: to a unit of the same LP as an event, to another LP as a message; travel
// times through the tree and over the provincial links; the unit with authority.
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

inline void TicketFlow::schedule(LpState& lp, std::uint32_t slot, Tick at) {
    Ticket& t = lp.tickets[slot];
    queues.schedule(lp.index, Event{at, t.id, t.seq++, kind_arrive, 0, slot});
}

/// Moves a ticket to `to`, arriving at `at`, through the outbox if `to` is another LP's.
inline void TicketFlow::send(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, UnitId to, Tick at) {
    Ticket& t = lp.tickets[slot];
    t.unit = to;
    const std::int32_t dest = org.unit(to).lp;
    if (dest == lp_index) {
        schedule(lp, slot, at);
        return;
    }
    queues.send(lp.index, Message{Event{at, t.id, t.seq++, kind_arrive, 0, 0}, t, dest});
    lp.release(slot);
}

/// Travel time between any two units: up to the lowest common ancestor and down again, or
/// up to the province, over the link and down in the other province.
inline double TicketFlow::travel_h(UnitId from, UnitId to) const {
    double h = 0.0;
    UnitId a = from;
    while (!is_ancestor(a, to)) {
        const UnitId parent = org.unit(a).parent;
        if (parent == no_unit) {
            h += spec().link_h;
            a = org.unit(to).province;
            break;
        }
        h += spec().tiers[tier_at(a)].transfer_h;
        a = parent;
    }
    return h + org.path_latency_h(a, to, spec());
}

/// The unit with authority for a ticket: in its home's chain (another province's for
/// 跨省通办).
inline UnitId TicketFlow::authority_of(const Ticket& t) const {
    // The local part of a 多地联办 ticket is handled where the applicant lives; it keeps
    // the home so that its result can find the main ticket.
    return org.ancestor(t.has(flag_shadow) ? t.origin : t.home, type_of(t).authority);
}

}  // namespace tiersim::model::flow
