// SPDX-License-Identifier: MIT
// At the handling unit, before the department steps: cross-province standards (a mismatch goes
// back to the applicant) and materials (补正 rounds; e-licences through data sharing; 容缺受理).
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
        RandomStream rng(spec.seed, t.id, t.draws);
        const bool mismatch = rng.bernoulli((1.0 - lv.standardization) * spec.cross.mismatch);
        t.draws = rng.draws();
        if (mismatch) {
            // Back to the applicant and over the link again (by courier for 代收代办).
            ++t.reworks;
            double delay = 2.0 * spec.link_h + spec.citizens.supply_h;
            if (t.cross == CrossMode::proxy)
                delay += 2.0 * spec.cross.courier_h;
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
        RandomStream rng(spec.seed, t.id, t.draws);
        // A shared record is of use only if the province's copy is current: grid data updates
        // still on their way make it stale (domain.md §6.2 D1; expected from the parameters).
        const double found = lv.data_sharing[tier] * model.shared_data_current();
        int requested = 0;
        for (int m = 0; m < type.materials; ++m)
            requested += rng.bernoulli(found) ? 0 : 1;
        int rounds = 0;
        if (requested > 0) {
            // 补正: e-licences also spare re-submissions (P × (1 − s), domain.md §6.2).
            const double incomplete = spec.citizens.incomplete * (1.0 - lv.data_sharing[tier]);
            rounds = 1;
            while (rounds < 100 && rng.bernoulli(incomplete))
                ++rounds;
        }
        t.draws = rng.draws();
        if (rounds > 0) {
            t.materials_requested = static_cast<std::int16_t>(t.materials_requested + requested);
            t.reworks = static_cast<std::int16_t>(t.reworks + rounds - 1);
            bump_by(lp, c_materials, now, tier, requested);
            // 容缺受理: the missing papers follow by post or upload, or come with the
            // collection of the result, so they cost no visit of their own [A].
            if (t.channel == Channel::window && !lv.accept_incomplete) {
                t.visits = static_cast<std::int16_t>(t.visits + rounds);
                bump_by(lp, c_visits, now, tier, rounds);
            }
            trace(lp, t, now, t.unit, requested, EventKind::materials_requested);
            const double per_round = t.channel == Channel::online ? spec.citizens.supply_online_h
                                                                  : spec.citizens.supply_h;
            const Tick ready = now + from_hours(rounds * per_round);
            if (!lv.accept_incomplete) {
                t.phase = Phase::materials;
                schedule(lp, slot, ready);
                return;
            }
            t.materials_ready = ready;  // 容缺受理: work starts now, closing waits
        }
    }
    enter_steps(lp, lp_index, slot, now);
}

}  // namespace tiersim::model::flow
