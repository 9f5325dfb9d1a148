// SPDX-License-Identifier: MIT
// At the handling unit, before the department steps: cross-province standards (a mismatch goes
// back to the applicant) and materials (补正 rounds; e-licences through data sharing between
// departments, governed by the three lists and their negative list; 容缺受理).
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

/// A ticket at the unit that will handle it: cross-province standards, then materials, then
/// the department steps.
inline void TicketFlow::at_handler(LpState& lp,
                                   std::int32_t lp_index,
                                   std::uint32_t slot,
                                   Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    if (type.route == Route::upward || t.has(flag_shadow)) {
        enter_steps(lp, lp_index, slot, now);
        return;
    }
    const Levers& lv = lever(t.unit);
    const std::size_t tier = tier_at(t.unit);
    if (via_link(t.cross) && !t.has(flag_cross_checked)) {
        t.set(flag_cross_checked);
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const bool mismatch = rng.bernoulli((1.0 - lv.standardization) * spec().cross.mismatch);
        t.draws = rng.draws();
        if (mismatch) {
            // Back to the applicant and over the link again (by courier for 代收代办).
            ++t.reworks;
            double delay = 2.0 * spec().link_h + spec().citizens.supply_h;
            if (t.cross == CrossMode::proxy)
                delay += 2.0 * spec().cross.courier_h;
            if (t.channel == Channel::window) {
                ++t.visits;
                bump(lp, c_visits, now, tier);
            }
            add_cost(lp, t, now, tier, CostKind::cross, lv.handoff_cost_h);
            trace(lp, t, now, t.unit, -1, EventKind::rework);
            t.phase = Phase::materials;
            schedule(lp, slot, now + from_hours(delay));
            return;
        }
    }
    if (type.materials > 0 && !t.has(flag_materials_done)) {
        t.set(flag_materials_done);
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        // A shared record is of use only if the province's copy is current: grid data updates
        // still on their way make it stale (domain.md §6.2 D1; expected from the parameters).
        // It is of use to the requesting department only if its holder shares it: without
        // the three lists with the matrix's willingness, with them always (the demand list)
        // unless it is on the holder's negative list, which only the leader can lift.
        const double found = lv.data_sharing[tier] * model.shared_data_current();
        const int requester = type.departments.empty() ? -1 : type.departments.front();
        const auto holders = type.material_holders.size();
        int requested = 0;
        int withheld = 0;
        for (int m = 0; m < type.materials; ++m) {
            if (!rng.bernoulli(found)) {
                ++requested;
                continue;
            }
            const int holder = holders == 0
                                   ? requester
                                   : type.material_holders[static_cast<std::size_t>(m) % holders];
            if (holder == requester)
                continue;  // its own records
            if (lv.three_lists) {
                if (lv.negative_list > 0.0 && rng.bernoulli(lv.negative_list))
                    ++withheld;
                continue;
            }
            // No draw where everyone shares, so that w = 1 keeps every stream as it was.
            const double w = lv.willing(requester, holder);
            if (w < 1.0 && !rng.bernoulli(w))
                ++requested;
        }
        t.draws = rng.draws();
        if (withheld > 0) {
            // The negative list was approved by the executive meeting: only the leader can
            // lift it for a case. The ticket goes once to the leader queue of the escalation
            // path (its city's, or its province unit's when handled there) and comes back.
            t.withheld = static_cast<std::int16_t>(withheld);
            t.requesting = static_cast<std::int16_t>(requested);
            to_leader(lp, lp_index, slot, now, Phase::negative_list);
            return;
        }
        if (request_materials(lp, slot, now, requested))
            return;
    }
    enter_steps(lp, lp_index, slot, now);
}

/// The leader has decided on the negative-listed materials: each is shared for the case with
/// negative_list_lifted, else asked of the applicant with the rest; the ticket goes back to
/// its handling unit (withheld = 0 marks the way back).
inline void TicketFlow::negative_list_done(LpState& lp,
                                           std::int32_t lp_index,
                                           std::uint32_t slot,
                                           Tick now) {
    Ticket& t = lp.tickets[slot];
    const Levers& lv = lever(t.unit);
    const std::size_t tier = tier_at(t.unit);
    bump(lp, c_leader, now, tier);
    add_cost_ticks(lp, t, now, tier, CostKind::leader, t.work);
    trace(lp, t, now, t.unit, -1, EventKind::leader);
    int requested = t.requesting;
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    for (int m = 0; m < t.withheld; ++m)
        requested += rng.bernoulli(lv.negative_list_lifted) ? 0 : 1;
    t.draws = rng.draws();
    t.withheld = 0;
    t.requesting = static_cast<std::int16_t>(requested);
    const UnitId handler = authority_of(t);  // where at_handler sent it from
    t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, handler));
    send(
        lp, lp_index, slot, handler, now + from_hours(org.path_latency_h(t.unit, handler, spec())));
}

/// A ticket in Phase::negative_list arrives: at the leader (to queue for the decision), or back
/// at its handling unit after it, to ask the applicant for what is still missing.
inline void TicketFlow::negative_list_arrived(LpState& lp,
                                              std::int32_t lp_index,
                                              std::uint32_t slot,
                                              Tick now) {
    Ticket& t = lp.tickets[slot];
    if (t.withheld > 0) {
        enqueue(lp, slot, 0, now);
        return;
    }
    const int requested = t.requesting;
    t.requesting = 0;
    if (request_materials(lp, slot, now, requested))
        return;
    enter_steps(lp, lp_index, slot, now);
}

/// Asks the applicant for `requested` materials (补正 rounds). Returns whether the ticket now
/// waits for them; with 容缺受理 work starts at once and only the closing waits.
inline bool TicketFlow::request_materials(LpState& lp,
                                          std::uint32_t slot,
                                          Tick now,
                                          int requested) {
    if (requested <= 0)
        return false;
    Ticket& t = lp.tickets[slot];
    const Levers& lv = lever(t.unit);
    const std::size_t tier = tier_at(t.unit);
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    // 补正: e-licences also spare re-submissions (P × (1 − s), domain.md §6.2).
    const double incomplete = spec().citizens.incomplete * (1.0 - lv.data_sharing[tier]);
    int rounds = 1;
    while (rounds < 100 && rng.bernoulli(incomplete))
        ++rounds;
    t.draws = rng.draws();
    t.materials_requested = static_cast<std::int16_t>(t.materials_requested + requested);
    t.reworks = static_cast<std::int16_t>(t.reworks + rounds - 1);
    bump_by(lp, c_materials, now, tier, requested);
    // 容缺受理: the missing papers follow by post or upload, or come with the collection of the
    // result, so they cost no visit of their own [A].
    if (t.channel == Channel::window && !lv.accept_incomplete) {
        t.visits = static_cast<std::int16_t>(t.visits + rounds);
        bump_by(lp, c_visits, now, tier, rounds);
    }
    trace(lp, t, now, t.unit, requested, EventKind::materials_requested);
    const double per_round =
        t.channel == Channel::online ? spec().citizens.supply_online_h : spec().citizens.supply_h;
    const Tick ready = now + from_hours(rounds * per_round);
    if (!lv.accept_incomplete) {
        t.phase = Phase::materials;
        schedule(lp, slot, ready);
        return true;
    }
    t.materials_ready = ready;  // 容缺受理: work starts now, closing waits
    return false;
}

}  // namespace tiersim::model::flow
