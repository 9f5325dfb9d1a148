// SPDX-License-Identifier: MIT
// Grid data updates (D1: 网格员 → 区级审核 → 市级更新 → 省级应用, domain.md §6.2), done with their
// steps at a unit: the district reviews them (a time on its working calendar, then accept or
// reject), the city applies them at its next batch, the province at its next sync; between
// them they climb the tree.
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

/// When an update done with its steps at a unit of `tier` at `now` may go on: the end of the
/// district review, the city's next batch or the province's next sync (`now` where [grid]
/// sets none; only the review draws).
inline Tick TicketFlow::data_ready_at(Ticket& t, Tier tier, Tick now) const {
    const GridDataClock& clock = model.grid_clock();
    switch (tier) {
        case Tier::district: {
            if (!clock.reviews())
                return now;
            RandomStream rng(spec().seed, t.id, t.draws);
            const double working_days = clock.draw_review_wd(rng);
            t.draws = rng.draws();
            return clock.review_end(now, working_days);
        }
        case Tier::city:
            return clock.next_city_batch(now);
        case Tier::province:
            return clock.next_province_sync(now);
        default:
            return now;
    }
}

inline void TicketFlow::pass_data_update(LpState& lp,
                                         std::int32_t lp_index,
                                         std::uint32_t slot,
                                         Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const Tier tier = org.unit(t.unit).tier;
    if (t.phase != Phase::data_wait) {
        const Tick ready = data_ready_at(t, tier, now);
        if (ready > now) {
            t.phase = Phase::data_wait;
            schedule(lp, slot, ready);
            return;
        }
    }
    if (tier == Tier::district && type.reject_probability > 0.0) {
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const bool rejected = rng.bernoulli(type.reject_probability);
        t.draws = rng.draws();
        if (rejected) {
            trace(lp, t, now, t.unit, -1, EventKind::rejected);
            finish_record(lp, slot, now, false, -1);
            return;
        }
    }
    const std::size_t tier_index = tier_at(t.unit);
    const UnitId parent = org.unit(t.unit).parent;
    if (parent == no_unit) {
        bump(lp, c_data_applied, now, tier_index);
        finish_record(lp, slot, now, true, -1);
        return;
    }
    ++t.hops;
    t.phase = Phase::transfer;
    send(lp, lp_index, slot, parent, now + from_hours(spec().tiers[tier_index].transfer_h));
}

}  // namespace tiersim::model::flow
