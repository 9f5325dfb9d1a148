// SPDX-License-Identifier: MIT
// Stations: a ticket joins a queue, a server takes it on its calendar, a server frees.
#include "ticket_flow.hpp"

#include <algorithm>

namespace tiersim::model::flow {

inline bool TicketFlow::in_bureau(UnitId unit, int department) const {
    const Levers& lv = lever(unit);
    if (lv.design[tier_at(unit)] != Design::approval_bureau)
        return false;
    const auto d = static_cast<std::size_t>(department);
    return d >= spec().department_approval.size() || spec().department_approval[d];
}

inline void TicketFlow::enqueue(LpState& lp, std::uint32_t slot, int step, Tick now) {
    const std::size_t si = station_of(lp.tickets[slot], step);
    Station& s = stations[si];
    TIERSIM_CHECK(
        s.servers > 0,
        "a ticket reached a station without servers: " + index.queue_name(si, spec(), org) +
            " phase " + std::to_string(int(lp.tickets[slot].phase)) + " step " +
            std::to_string(step));
    if (lp.tickets[slot].phase == Phase::intake && !hold_call(lp, s, slot, now))
        return;  // hung up before the closed queue opens
    if (s.busy < s.servers) {
        start_service(lp, s, slot, step, now);
    } else {
        s.push(entry_of(slot, step), priorities ? priority_of(lp.tickets[slot], now) : 0);
        ++lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
    }
}

/// A caller joins a channel with a patience (channels.CHANNEL.patience_min > 0, Erlang-A): the
/// time they hang up unless a server has taken the call goes in abandoned_at (one exponential
/// draw; none without a patience, so such a run draws as before). Reneging is lazy, exact for
/// these non-preemptive queues: a caller who has hung up takes no server time and is skipped
/// when a server would take them (hangs_up). False when the caller hangs up before a free
/// server's queue opens (recorded at once, at the hang-up time).
inline bool TicketFlow::hold_call(LpState& lp, const Station& s, std::uint32_t slot, Tick now) {
    Ticket& t = lp.tickets[slot];
    const double patience_min = spec().channels[static_cast<std::size_t>(t.channel)].patience_min;
    if (!(patience_min > 0.0))
        return true;
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    t.abandoned_at = now + from_hours(rng.exponential(patience_min / 60.0));
    t.draws = rng.draws();
    t.set(flag_on_hold);
    if (s.busy < s.servers && hangs_up(t, s, now)) {
        hang_up(lp, slot);
        return false;
    }
    return true;
}

/// A caller on hold whom a server would take at `now` has hung up: the call would be answered
/// (at the queue's next opening) after their hang-up time. One whose hang-up time is past the
/// end is still waiting at the end: taken, it stays open.
inline bool TicketFlow::hangs_up(const Ticket& t, const Station& s, Tick now) const {
    return t.has(flag_on_hold) && t.abandoned_at < end &&
           t.abandoned_at < model.calendars()[static_cast<std::size_t>(s.calendar)].next_open(now);
}

/// The level at which a ticket joins a full queue (ticket_priority.hpp), under the levers of
/// the province where it waits. The deadline is the one it is closed against (deadline_of).
inline int TicketFlow::priority_of(const Ticket& t, Tick now) const {
    const Levers& lv = lever(t.unit);
    const bool near_deadline =
        lv.deadline_priority_h > 0.0 && deadline_of(t) - now < from_hours(lv.deadline_priority_h);
    return queue_priority(type_of(t).priority,
                          t.has(flag_leader_assigned),
                          lv.leader_priority,
                          near_deadline,
                          adapt.raises ? rule_level(t) : 0);
}

inline void TicketFlow::start_service(
    LpState& lp, Station& s, std::uint32_t slot, int step, Tick now) {
    Ticket& t = lp.tickets[slot];
    const TicketTypeSpec& type = type_of(t);
    const bool summoned = on_call(t);
    if (t.has(flag_on_hold)) {  // the call is answered
        t.clear(flag_on_hold);
        t.abandoned_at = -1;
    }
    const auto tier = static_cast<std::size_t>(s.tier);
    ++s.busy;
    ++lp.busy_by_calendar[static_cast<std::size_t>(s.calendar)].v[tier];
    if (summoned)
        ++lp.on_call_by_calendar[static_cast<std::size_t>(s.calendar)].v[tier];
    RandomStream rng(spec().seed, t.id, t.draws, &lp.blocks);
    const Tick work = std::max<Tick>(0, from_hours(work_hours(t, rng)));
    t.draws = rng.draws();
    t.work = work;
    const bool is_step =
        t.phase == Phase::step || t.phase == Phase::fork || t.phase == Phase::expedite;
    const Calendar& cal =
        model.calendars()[summoned ? always_calendar : static_cast<std::size_t>(s.calendar)];
    const Tick start = cal.next_open(now);
    // Response (受理/签收): a window or portal item is accepted when its intake begins; a
    // hotline or grid ticket when a department first signs for it.
    const bool accepted_at_intake = t.channel == Channel::window || t.channel == Channel::online;
    if (t.responded < 0 && !t.has(flag_shadow) &&
        (accepted_at_intake ? t.phase == Phase::intake : is_step))
        t.responded = start;
    if (t.phase == Phase::intake)
        t.intake_started = start;
    const int dept = is_step ? type.departments[static_cast<std::size_t>(step)] : -1;
    trace(lp,
          t,
          start,
          t.unit,
          dept,
          t.phase == Phase::intake ? EventKind::intake_start : EventKind::step_start);
    const Tick done = cal.advance(start, work);
    credit_work(lp, s, start, done, work, summoned);
    queues.schedule(
        lp.index,
        Event{done, t.id, t.seq++, kind_service_done, static_cast<std::uint16_t>(step), slot});
}

/// A summoned department (吹哨报到) reports at any hour, and so does one that re-handles (重办)
/// such a ticket: its duty staff work on call, on the "always" calendar.
inline bool TicketFlow::on_call(const Ticket& t) const {
    return (t.phase == Phase::step || t.phase == Phase::fork || t.phase == Phase::expedite) &&
           type_of(t).handling == Handling::parallel;
}

/// Books a service's `work` (open time from `start` to `done`) to the buckets it falls in; on
/// call, the part outside the queue's opening hours also as on-call time.
inline void TicketFlow::credit_work(
    LpState& lp, const Station& s, Tick start, Tick done, Tick work, bool summoned) const {
    const auto tier = static_cast<std::size_t>(s.tier);
    const Calendar& cal = model.calendars()[static_cast<std::size_t>(s.calendar)];
    std::size_t b = bucket_index(start);
    if (!summoned && done <= static_cast<Tick>(b + 1) * bucket) {  // the common case
        if (b < bucket_count)
            lp.counts_at(b).worked[tier] += work;
        return;
    }
    for (Tick from = start; from < done && b < bucket_count; ++b) {
        const Tick to = std::min(done, static_cast<Tick>(b + 1) * bucket);
        const Tick open = cal.open_between(from, to);
        BucketCounts& counts = lp.counts_at(b);
        counts.worked[tier] += summoned ? to - from : open;
        if (summoned)
            counts.on_call[tier] += to - from - open;
        from = to;
    }
}

inline void TicketFlow::finish_service(LpState& lp, Station& s, Tick now, bool summoned) {
    const auto tier = static_cast<std::size_t>(s.tier);
    --s.busy;
    --lp.busy_by_calendar[static_cast<std::size_t>(s.calendar)].v[tier];
    if (summoned)
        --lp.on_call_by_calendar[static_cast<std::size_t>(s.calendar)].v[tier];
    serve_waiting(lp, s, now);
}

/// One server is free after a service, and the queue is work-conserving, so this starts one
/// service at most then; staff added by a reform step may start several.
inline void TicketFlow::serve_waiting(LpState& lp, Station& s, Tick now) {
    while (s.busy < s.servers && !s.empty()) {
        --lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
        const std::uint64_t entry = s.pop();
        const auto slot = static_cast<std::uint32_t>(entry & 0xffffffffU);
        if (lp.tickets[slot].has(flag_abandoned)) {
            drop_abandoned(lp, slot);
            continue;
        }
        if (hangs_up(lp.tickets[slot], s, now)) {  // took no server time: the next one
            hang_up(lp, slot);
            continue;
        }
        start_service(lp, s, slot, static_cast<int>(entry >> 32), now);
    }
}

}  // namespace tiersim::model::flow
