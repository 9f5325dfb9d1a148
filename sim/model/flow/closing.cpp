// SPDX-License-Identifier: MIT
// Done at a unit: follow-up, escalation to the parent, then closing with the callback (回访:
// solved? satisfied?) and re-handling (重办) of an unsolved ticket. Upward data updates go on in
// data_updates.cpp.
#include "tiersim/model/distributions.hpp"

#include "ticket_flow.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::model::flow {

/// Done with the department steps at a unit: pass a data update up, escalate, or close.
inline void TicketFlow::finish_at_unit(LpState& lp,
                                       std::int32_t lp_index,
                                       std::uint32_t slot,
                                       Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const std::size_t tier = tier_at(t.unit);
    const UnitId parent = org.unit(t.unit).parent;
    if (type.route == Route::upward) {
        pass_data_update(lp, lp_index, slot, now);
        return;
    }
    if (t.has(flag_shadow)) {
        // The local part is done: its result goes to the home authority for the join.
        const UnitId target = org.ancestor(t.home, type.authority);
        t.phase = Phase::join_signal;
        const double latency = travel_h(t.unit, target);
        send(lp, lp_index, slot, target, now + from_hours(latency));
        return;
    }
    if (type.followup.mean_h > 0.0 && t.phase != Phase::followup) {
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const Tick delay = std::max<Tick>(0, from_hours(sample_hours(type.followup, rng)));
        t.draws = rng.draws();
        t.phase = Phase::followup;
        schedule(lp, slot, expedite_at(t, now, now + delay));
        return;
    }
    const bool can_escalate = parent != no_unit && !via_link(t.cross) &&
                              !t.has(flag_leader_assigned) && type.escalate[tier] > 0.0;
    if (can_escalate) {
        RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
        const bool escalate = rng.bernoulli(type.escalate[tier]);
        t.draws = rng.draws();
        if (escalate) {
            ++t.escalations;
            ++t.hops;
            bump(lp, c_escalations, now, tier);
            t.phase = Phase::transfer;
            t.step = 0;
            trace(lp, t, now, parent, -1, EventKind::escalated);
            send(lp, lp_index, slot, parent, now + from_hours(spec().tiers[tier].transfer_h));
            return;
        }
    }
    if (t.cross == CrossMode::joint) {
        const auto early = lp.join_early.find(t.id);
        if (early == lp.join_early.end()) {
            t.phase = Phase::join_wait;
            lp.join_waiting.emplace(t.id, slot);
            return;
        }
        merge_local_cost(t, early->second);
        lp.join_early.erase(early);
        start_cross_join(lp, slot, now);
        return;
    }
    close_or_wait(lp, lp_index, slot, now);
}

/// When field work that would end at `done` is taken up again under deadline pressure (once
/// expedite_at × resolve_wd working days have gone, or at once when they have), with the
/// phase set for it; `done` itself when it ends before then or the province sets no pressure.
inline Tick TicketFlow::expedite_at(Ticket& t, Tick now, Tick done) const {
    const double share = lever(t.unit).expedite_at;
    const TicketTypeSpec& type = type_of(t);
    if (share <= 0.0 || type.departments.empty())
        return done;
    const Tick point =
        model.working_days(type).working_day_deadline(t.created, share * type.resolve_wd);
    if (done <= point)
        return done;
    t.phase = Phase::expedite;
    return std::max(now, point);
}

/// Deadline pressure: the unit goes back to the field work and finishes it in one more session
/// of its last department, at whatever priority the deadline gives it.
inline void TicketFlow::expedite(LpState& lp, std::uint32_t slot, Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    t.step = static_cast<std::int16_t>(type.departments.size() - 1);
    trace(lp, t, now, t.unit, type.departments.back(), EventKind::expedited);
    enqueue(lp, slot, t.step, now);
}

/// Whether the applicant of a window item comes back for its result: one its departments
/// decided (not answered at intake), at the window it applied to (not 代收代办 or 多地联办,
/// whose results are mailed), unless this one is mailed or sent online (result_delivery).
inline bool TicketFlow::collects_result(const Ticket& t, bool at_intake, RandomStream& rng) const {
    const TicketTypeSpec& type = type_of(t);
    if (t.channel != Channel::window || at_intake || type.departments.empty() ||
        (t.cross != CrossMode::none && t.cross != CrossMode::trip_home))
        return false;
    const double delivered = lever(t.unit).result_delivery;
    return delivered <= 0.0 || (delivered < 1.0 && !rng.bernoulli(delivered));
}

/// The callback (回访): solved? satisfied? An unsolved ticket may be handled again (重办).
inline void TicketFlow::close_ticket(
    LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool at_intake) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const Levers& lv = lever(t.unit);
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    // pow(x, 0) is exactly 1: skip the call for the common ticket without returns.
    const double p_solved =
        type.solve_probability *
        (t.returns == 0 ? 1.0 : std::pow(lv.return_solve_factor, static_cast<double>(t.returns)));
    const bool unreasonable = t.has(flag_unreasonable);
    if (unreasonable && lv.three_lists) {
        // The negative list: closed with an explanation, not re-handled, not in the 三率.
        t.draws = rng.draws();
        finish_record(lp, slot, now, false, -1, deadline_of(t));
        return;
    }
    const bool solved = !unreasonable && rng.bernoulli(p_solved);
    if (!solved && type.route == Route::dispatch && !type.departments.empty() &&
        t.rehandles < lv.max_rehandles && lv.rehandle > 0.0 && rng.bernoulli(lv.rehandle)) {
        // 重办: back to its last department, or, answered at intake, dispatched after all.
        t.draws = rng.draws();
        ++t.rehandles;
        trace(lp, t, now, t.unit, -1, EventKind::rehandled);
        if (at_intake) {
            dispatch(lp, lp_index, slot, now);
            return;
        }
        t.step = static_cast<std::int16_t>(type.departments.size() - 1);
        t.phase = Phase::step;
        enqueue(lp, slot, t.step, now);
        return;
    }
    if (collects_result(t, at_intake, rng)) {
        ++t.visits;  // back at the window for the result
        const auto window = static_cast<std::size_t>(Channel::window);
        bump(lp, c_visits, now, static_cast<std::size_t>(spec().channels[window].tier));
    }
    int satisfied = -1;
    const Tick deadline = deadline_of(t);
    if (t.channel != Channel::grid) {
        // Working days are those of the authority tier's calendar.
        double p =
            solved ? spec().citizens.satisfied_if_solved : spec().citizens.satisfied_if_unsolved;
        if (now > deadline)
            p *= spec().citizens.late_factor;
        if (t.visits > 1)
            p *= std::pow(spec().citizens.visit_factor, t.visits - 1);
        if (t.returns != 0)
            p *= std::pow(spec().citizens.return_factor, static_cast<double>(t.returns));
        satisfied = rng.bernoulli(p) ? 1 : 0;
    }
    t.draws = rng.draws();
    finish_record(lp, slot, now, solved, satisfied, deadline);
}

inline Tick TicketFlow::deadline_of(const Ticket& t) const {
    const TicketTypeSpec& type = type_of(t);
    return model.working_days(type).working_day_deadline(t.created, type.resolve_wd);
}

inline void TicketFlow::finish_record(
    LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied) {
    finish_record(lp, slot, now, solved, satisfied, deadline_of(lp.tickets[slot]));
}

inline void TicketFlow::finish_record(
    LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied, Tick deadline) {
    Ticket& t = lp.tickets[slot];
    const std::size_t tier = tier_at(t.unit);
    bump(lp, c_closed, now, tier);
    trace(lp, t, now, t.unit, -1, EventKind::closed);
    TicketRecord r = record_of(t, deadline);
    r.handler = t.unit;
    r.closed_h = to_hours(now);
    r.tier_resolved = static_cast<std::int8_t>(tier);
    r.outcome = Outcome::resolved;
    r.solved = solved ? 1 : 0;
    r.satisfied = static_cast<std::int8_t>(satisfied);
    r.resolved_in_time = now <= deadline ? 1 : 0;
    count_rates(lp, t, now, tier, solved, satisfied, now <= deadline);
    count_unit(r);
    r.recorded_at = lp.now;
    lp.closed.push_back(r);
    lp.release(slot);
}

}  // namespace tiersim::model::flow
