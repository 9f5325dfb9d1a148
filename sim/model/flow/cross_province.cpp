// SPDX-License-Identifier: MIT
// 跨省通办: the link queue between provinces, the local part of 多地联办 and its join at the
// home authority, and closing once the result has reached the applicant.
#include "ticket_flow.hpp"

#include <algorithm>

namespace tiersim::model::flow {

inline void TicketFlow::link_done(LpState& lp,
                                  std::int32_t lp_index,
                                  std::uint32_t slot,
                                  Tick now) {
    Ticket& t = lp.tickets[slot];
    const UnitId authority = authority_of(t);
    const UnitId home_province = org.unit(t.home).province;
    add_cost(lp, t, now, tier_at(t.unit), CostKind::cross, lever(t.unit).handoff_cost_h);
    t.hops = static_cast<std::int16_t>(t.hops + 1 + tier_distance(home_province, authority));
    trace(lp, t, now, home_province, -1, EventKind::link);
    t.phase = Phase::transfer;
    send(lp,
         lp_index,
         slot,
         authority,
         now + from_hours(spec().link_h + org.path_latency_h(home_province, authority, spec())));
}

/// 多地联办: the local part, handled by the applicant's own authority in parallel.
inline void TicketFlow::spawn_local_part(LpState& lp,
                                         std::int32_t lp_index,
                                         std::uint32_t slot,
                                         Tick now) {
    Ticket local = lp.tickets[slot];
    local.id |= shadow_bit;
    local.draws = 0;
    local.seq = 0;
    local.flags = flag_shadow;
    local.chase_at = -1;
    local.cross = CrossMode::none;
    local.cost = {};
    to_authority(lp, lp_index, lp.allocate(local), now);
}

inline void TicketFlow::merge_local_cost(Ticket& t,
                                         const std::array<std::int64_t, cost_kind_count>& cost) {
    for (std::size_t k = 0; k < cost.size(); ++k)
        t.cost[k] += cost[k];
}

inline void TicketFlow::start_cross_join(LpState& lp, std::uint32_t slot, Tick now) {
    Ticket& t = lp.tickets[slot];
    const Levers& lv = lever(t.unit);
    add_cost(lp, t, now, tier_at(t.unit), CostKind::cross, 2.0 * lv.join_cost_h);
    t.phase = Phase::cross_join;
    schedule(lp, slot, now + from_hours(lv.join_h));
}

/// The local part of a 多地联办 ticket reaches the home authority.
inline void TicketFlow::local_part_arrived(LpState& lp, std::uint32_t slot, Tick now) {
    const Ticket local = lp.tickets[slot];
    lp.release(slot);
    const std::uint64_t main_id = local.id & ~shadow_bit;
    const auto waiting = lp.join_waiting.find(main_id);
    if (waiting == lp.join_waiting.end()) {
        lp.join_early.emplace(main_id, local.cost);
        return;
    }
    const std::uint32_t main_slot = waiting->second;
    lp.join_waiting.erase(waiting);
    merge_local_cost(lp.tickets[main_slot], local.cost);
    start_cross_join(lp, main_slot, now);
}

/// Closes now, or when the result has reached the applicant (代收代办: by courier; a trip home:
/// the journey back) and the materials accepted as incomplete (容缺受理) are complete.
inline void TicketFlow::close_or_wait(LpState& lp,
                                      std::int32_t lp_index,
                                      std::uint32_t slot,
                                      Tick now) {
    Ticket& t = lp.tickets[slot];
    Tick at = now;
    if (t.cross == CrossMode::proxy)
        at += from_hours(spec().cross.courier_h);
    at = std::max(at, t.materials_ready);
    if (t.cross == CrossMode::trip_home)
        at += from_hours(spec().cross.trip_home_h);  // and back, once the item is done
    if (at > now) {
        t.phase = Phase::closing;
        schedule(lp, slot, at);
        return;
    }
    close_ticket(lp, lp_index, slot, now, false);
}

}  // namespace tiersim::model::flow
