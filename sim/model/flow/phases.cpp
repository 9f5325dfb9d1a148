// SPDX-License-Identifier: MIT
// The Phase table: the one place where a ticket's phase decides its station, its work,
// and where a finished service or an arrival takes it next; and the dispatch of event kinds.
#include "tiersim/model/distributions.hpp"

#include "ticket_flow.hpp"

namespace tiersim::model::flow {

inline void TicketFlow::handle(std::uint32_t lp_index, const Event& e) {
    LpState& lp = lp_states[lp_index];
    const auto lp_id = static_cast<std::int32_t>(lp_index);
    lp.now = e.time;
    snapshot_until(lp, e.time);
    switch (e.kind) {
        case kind_generate:
            generate(lp, lp_id, e);
            break;
        case kind_service_done:
            on_service_done(lp, lp_id, e);
            break;
        case kind_arrive:
            arrive(lp, lp_id, e.slot, e.time);
            break;
        case kind_chase:
            on_chase(lp, lp_id, e);
            break;
        default:
            TIERSIM_CHECK(false, "unknown event kind");
    }
}

inline std::size_t TicketFlow::station_of(const Ticket& t, int step) const {
    const TicketTypeSpec& type = type_of(t);
    switch (t.phase) {
        case Phase::intake:
            if (t.channel == Channel::window && !lever(t.unit).generalist_windows &&
                !type.departments.empty())
                return index.split_window(t.unit, type.departments.front(), [this](auto si) {
                    return stations[si].servers;
                });
            return index.intake(t.unit, t.channel);
        case Phase::leader:
        case Phase::negative_list:  // the leader of the handling unit's escalation path
            return index.leader(t.unit);
        case Phase::link:
            return index.link(org.province_index(t.unit), org.province_index(t.home));
        default: {
            const int dept = type.departments[static_cast<std::size_t>(step)];
            return in_bureau(t.unit, dept) ? index.bureau(t.unit) : index.department(t.unit, dept);
        }
    }
}

/// The work of one service, in hours, by what the station does.
inline double TicketFlow::work_hours(const Ticket& t, RandomStream& rng) const {
    const TicketTypeSpec& type = type_of(t);
    switch (t.phase) {
        case Phase::intake: {
            double h = sample_hours(type.intake, rng);
            const Levers& lv = lever(t.unit);
            if (t.channel == Channel::window && lv.generalist_windows)
                h *= lv.generalist_slowdown;
            return h;
        }
        case Phase::leader:
        case Phase::negative_list: {
            const Levers& lv = lever(t.unit);
            return rng.exponential(lv.leader_decision_h / lv.leader_engagement);
        }
        case Phase::link:
            return rng.exponential(spec().cross.link_service_h);
        default: {
            double h = sample_hours(type.service, rng);
            if (type.materials > 0) {
                const Levers& lv = lever(t.unit);
                h *= 1.0 - lv.sharing_speedup * lv.data_sharing[tier_at(t.unit)];
            }
            return h;
        }
    }
}

inline void TicketFlow::on_service_done(LpState& lp, std::int32_t lp_index, const Event& e) {
    const int step = e.aux;
    {
        Ticket& t = lp.tickets[e.slot];
        Station& s = stations[station_of(t, step)];
        finish_service(lp, s, e.time, on_call(t));  // may start the next ticket; `t` stays valid
    }
    Ticket& t = lp.tickets[e.slot];
    if (t.has(flag_abandoned)) {
        drop_abandoned(lp, e.slot);
        return;
    }
    switch (t.phase) {
        case Phase::intake:
            intake_done(lp, lp_index, e.slot, e.time);
            return;
        case Phase::step:
            step_done(lp, lp_index, e.slot, step, e.time);
            return;
        case Phase::fork:
            task_done(lp, e.slot, step, e.time);
            return;
        case Phase::leader:
            leader_done(lp, lp_index, e.slot, e.time);
            return;
        case Phase::negative_list:
            negative_list_done(lp, lp_index, e.slot, e.time);
            return;
        case Phase::link:
            link_done(lp, lp_index, e.slot, e.time);
            return;
        case Phase::expedite:  // the field work is done: on to escalation or the callback
            t.phase = Phase::followup;
            finish_at_unit(lp, lp_index, e.slot, e.time);
            return;
        default:
            TIERSIM_CHECK(false, "a service ended in a phase without a queue");
    }
}

inline void TicketFlow::arrive(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
    Ticket& t = lp.tickets[slot];
    if (t.has(flag_abandoned)) {
        drop_abandoned(lp, slot);
        return;
    }
    switch (t.phase) {
        case Phase::intake:  // a repeat call from another LP, or an applicant back home
            bump(lp, c_arrivals, now, tier_at(t.unit));
            if (t.channel == Channel::window) {
                ++t.visits;
                bump(lp, c_visits, now, tier_at(t.unit));
            }
            enqueue(lp, slot, 0, now);
            return;
        case Phase::transfer:
            bump(lp, c_arrivals, now, tier_at(t.unit));
            trace(lp, t, now, t.unit, -1, EventKind::arrived);
            at_handler(lp, lp_index, slot, now);
            return;
        case Phase::materials:
            trace(lp, t, now, t.unit, -1, EventKind::materials_supplied);
            at_handler(lp, lp_index, slot, now);
            return;
        case Phase::handoff:
            t.phase = Phase::step;
            enqueue(lp, slot, t.step, now);
            return;
        case Phase::leader:
        case Phase::link:
            enqueue(lp, slot, 0, now);
            return;
        case Phase::negative_list:
            negative_list_arrived(lp, lp_index, slot, now);
            return;
        case Phase::join:
            trace(lp, t, now, t.unit, -1, EventKind::joined);
            after_steps(lp, lp_index, slot, now, true);
            return;
        case Phase::followup:
        case Phase::data_wait:
            finish_at_unit(lp, lp_index, slot, now);
            return;
        case Phase::expedite:
            expedite(lp, slot, now);
            return;
        case Phase::closing:
            close_ticket(lp, lp_index, slot, now, t.has(flag_answered_at_intake));
            return;
        case Phase::join_signal:
            local_part_arrived(lp, slot, now);
            return;
        case Phase::cross_join:
            trace(lp, t, now, t.unit, -1, EventKind::joined);
            close_or_wait(lp, lp_index, slot, now);
            return;
        default:
            TIERSIM_CHECK(false, "a ticket arrived in a phase that does not travel");
    }
}

}  // namespace tiersim::model::flow
