// SPDX-License-Identifier: MIT
// Department steps by design: in turn with handoffs (fragmented; cheaper inside an approval
// bureau) or in parallel with a joint meeting (joint review), or in parallel for a type handled
// by summons (吹哨报到) at any tier, joined on site by the lead; a step may return the ticket.
#include "ticket_flow.hpp"

namespace tiersim::model::flow {

inline void TicketFlow::enter_steps(LpState& lp,
                                    std::int32_t lp_index,
                                    std::uint32_t slot,
                                    Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const auto n = static_cast<int>(type.departments.size());
    if (n == 0) {
        finish_at_unit(lp, lp_index, slot, now);
        return;
    }
    if (steps_in_parallel(type, lever(t.unit).design[tier_at(t.unit)])) {
        t.phase = Phase::fork;
        t.pending = static_cast<std::int16_t>(n);
        trace(lp, t, now, t.unit, -1, EventKind::fork);
        for (int j = 0; j < n; ++j)
            enqueue(lp, slot, j, now);
        return;
    }
    t.phase = Phase::step;
    t.step = 0;
    enqueue(lp, slot, 0, now);
}

/// The return probability of one step (or of a joint review's meeting).
inline double TicketFlow::return_probability(const Ticket& t, int step, bool in_meeting) const {
    const TicketTypeSpec& type = type_of(t);
    if (t.returns >= spec().max_returns || t.has(flag_leader_assigned) || t.has(flag_shadow) ||
        type.route == Route::upward)
        return 0.0;
    const Levers& lv = lever(t.unit);
    double p = lv.return_probability;
    if (lv.three_lists) {
        // 首接负责: only the lead (first) department may send it back.
        if (!in_meeting && step > 0)
            return 0.0;
        p *= lv.three_lists_factor;
    }
    if (!in_meeting && in_bureau(t.unit, type.departments[static_cast<std::size_t>(step)]))
        p *= lv.bureau_return_factor;
    return p;
}

inline void TicketFlow::step_done(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, int step, Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const int dept = type.departments[static_cast<std::size_t>(step)];
    trace(lp, t, now, t.unit, dept, EventKind::step_done);
    const double q = return_probability(t, step, false);
    if (q > 0.0) {
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const bool returned = rng.bernoulli(q);
        t.draws = rng.draws();
        if (returned) {
            do_return(lp, lp_index, slot, dept, now);
            return;
        }
    }
    if (static_cast<std::size_t>(step) + 1 < type.departments.size()) {
        const int next = type.departments[static_cast<std::size_t>(step) + 1];
        const Levers& lv = lever(t.unit);
        const double factor =
            in_bureau(t.unit, dept) && in_bureau(t.unit, next) ? lv.bureau_handoff_factor : 1.0;
        ++t.handoffs;
        t.step = static_cast<std::int16_t>(step + 1);
        t.phase = Phase::handoff;
        add_cost(lp, t, now, tier_at(t.unit), CostKind::handoff, lv.handoff_cost_h * factor);
        trace(lp, t, now, t.unit, next, EventKind::handoff);
        schedule(lp, slot, now + from_hours(lv.handoff_h * factor));
        return;
    }
    finish_at_unit(lp, lp_index, slot, now);
}

inline void TicketFlow::task_done(LpState& lp, std::uint32_t slot, int step, Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    trace(
        lp, t, now, t.unit, type.departments[static_cast<std::size_t>(step)], EventKind::step_done);
    if (--t.pending > 0)
        return;
    // 联合审: the departments meet once to join their opinions; after a summons (吹哨报到)
    // they are on site together and the lead joins their results there.
    const Levers& lv = lever(t.unit);
    const auto n = static_cast<double>(type.departments.size());
    const bool summons = type.handling == Handling::parallel;
    add_cost(lp,
             t,
             now,
             tier_at(t.unit),
             CostKind::meeting,
             (summons ? lv.summons_join_cost_h : lv.join_cost_h) * n);
    t.phase = Phase::join;
    schedule(lp, slot, now + from_hours(summons ? lv.summons_join_h : lv.join_h));
}

/// After the steps at a unit (a joint review's meeting may still return the ticket).
inline void TicketFlow::after_steps(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool meeting) {
    Ticket& t = lp.tickets[slot];
    if (meeting) {
        const double q = return_probability(t, 0, true);
        if (q > 0.0) {
            RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
            const bool returned = rng.bernoulli(q);
            t.draws = rng.draws();
            if (returned) {
                do_return(lp, lp_index, slot, -1, now);
                return;
            }
        }
    }
    finish_at_unit(lp, lp_index, slot, now);
}

}  // namespace tiersim::model::flow
