// SPDX-License-Identifier: MIT
// Two of the adaptation rules (adaptation.cpp has the ranking): project teams (项目小组) that
// move staff to a queue whose backlog stays high, and leader instructions (批示) that lift a
// ticket class for a period. Both act at the end of a day, on every rank alike.
#include "ticket_flow.hpp"

#include <algorithm>

namespace tiersim::model::flow {

// ---- project teams -------------------------------------------------------------------

/// Every queue of the teams' tier, checked once a day: a team arrives when due, goes back
/// once the backlog per server is below release_threshold, and is called when the backlog
/// per server has stayed above `threshold` for sustain_days (it arrives lag_days later).
inline void TicketFlow::check_teams(Tick t) {
    const AdaptationSpec::ProjectTeams& p = spec().adaptation.project_teams;
    std::vector<std::uint32_t> candidates;
    for (const UnitId u : adapt.team_units) {
        const std::vector<std::uint32_t> q = rule_queues(u);
        candidates.insert(candidates.end(), q.begin(), q.end());
    }
    const std::vector<std::int64_t> waiting = station_load(candidates);
    const std::size_t per_unit = spec().departments.size() + 1;
    const Tick sustain = static_cast<Tick>(p.sustain_days) * engine::ticks_per_day;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const std::uint32_t station = candidates[k];
        const std::int32_t servers = stations[station].servers;
        if (servers == 0)
            continue;
        const double load = static_cast<double>(waiting[k]) / static_cast<double>(servers);
        const auto found = adapt.teams.find(station);
        if (found == adapt.teams.end() && !(p.threshold > 0.0 && load > p.threshold))
            continue;  // the common case: no team and no call for one
        ProjectTeam& team = adapt.teams[station];
        const std::size_t first = k - k % per_unit;
        const std::span<const std::uint32_t> unit_queues(&candidates[first], per_unit);
        const std::span<const std::int64_t> unit_waiting(&waiting[first], per_unit);
        if (team.arrives >= 0 && team.arrives <= t) {
            team.arrives = -1;
            form_team(team, station, unit_queues, unit_waiting, t);
        } else if (!team.moved.empty() && load < p.release_threshold) {
            release_team(team, station, t);
        } else if (team.moved.empty() && team.arrives < 0) {
            if (!(p.threshold > 0.0 && load > p.threshold)) {
                team.over_since = -1;
            } else {
                if (team.over_since < 0)
                    team.over_since = t;
                if (t - team.over_since >= sustain) {
                    const UnitId u = index.unit_of(station);
                    note({to_hours(t),
                          AdaptationAction::team_requested,
                          u,
                          static_cast<std::int16_t>(station_department(station)),
                          -1,
                          load,
                          0.0,
                          -1});
                    team.arrives = t + static_cast<Tick>(p.lag_days) * engine::ticks_per_day;
                    if (team.arrives <= t) {
                        team.arrives = -1;
                        form_team(team, station, unit_queues, unit_waiting, t);
                    }
                }
            }
        }
        if (team.moved.empty() && team.arrives < 0 && team.over_since < 0)
            adapt.teams.erase(station);
    }
}

/// The team's servers join `station`: from the unit's pool, or one at a time from its queue
/// with the least waiting per server below donor_threshold that keeps one server at least.
inline void TicketFlow::form_team(ProjectTeam& team,
                                  std::uint32_t station,
                                  std::span<const std::uint32_t> unit_queues,
                                  std::span<const std::int64_t> unit_waiting,
                                  Tick t) {
    const AdaptationSpec::ProjectTeams& p = spec().adaptation.project_teams;
    const UnitId u = index.unit_of(station);
    std::int32_t got = 0;
    if (!p.from_departments) {
        std::int32_t& used = adapt.pool_used[u];
        got = std::clamp(p.pool - used, 0, p.staff);
        used += got;
        team.from_pool = got;
    } else {
        std::vector<std::int32_t> given(unit_queues.size(), 0);
        for (; got < p.staff; ++got) {
            std::size_t best = unit_queues.size();
            double best_load = p.donor_threshold;
            for (std::size_t q = 0; q < unit_queues.size(); ++q) {
                const std::int32_t left = stations[unit_queues[q]].servers - given[q];
                if (unit_queues[q] == station || left < 2)
                    continue;
                const double load =
                    static_cast<double>(unit_waiting[q]) / static_cast<double>(left);
                if (load < best_load) {
                    best_load = load;
                    best = q;
                }
            }
            if (best == unit_queues.size())
                break;
            ++given[best];
        }
        for (std::size_t q = 0; q < unit_queues.size(); ++q) {
            if (given[q] == 0)
                continue;
            team.moved.push_back({unit_queues[q], -given[q]});
            move_servers(unit_queues[q], -given[q], t);
        }
    }
    const auto dept = static_cast<std::int16_t>(station_department(station));
    if (got == 0) {
        note({to_hours(t), AdaptationAction::team_unavailable, u, dept, -1, 0.0, 0.0, -1});
        team.moved.clear();
        team.over_since = -1;
        return;
    }
    team.moved.push_back({station, got});
    move_servers(station, got, t);
    note({to_hours(t),
          AdaptationAction::team_arrived,
          u,
          dept,
          -1,
          static_cast<double>(got),
          p.move_cost_h * got,
          -1});
}

inline void TicketFlow::release_team(ProjectTeam& team, std::uint32_t station, Tick t) {
    const AdaptationSpec::ProjectTeams& p = spec().adaptation.project_teams;
    const UnitId u = index.unit_of(station);
    std::int32_t servers = 0;
    for (auto m = team.moved.rbegin(); m != team.moved.rend(); ++m) {
        move_servers(m->station, -m->servers, t);
        servers += std::max(0, m->servers);
    }
    adapt.pool_used[u] -= team.from_pool;
    team = ProjectTeam{};
    note({to_hours(t),
          AdaptationAction::team_released,
          u,
          static_cast<std::int16_t>(station_department(station)),
          -1,
          static_cast<double>(servers),
          p.move_cost_h * servers,
          -1});
}

// ---- leader instructions -------------------------------------------------------------

/// Ends the instructions whose period is over, then issues those due by date or by their
/// type's overdue tickets (counted over every rank, only when some instruction asks).
inline void TicketFlow::follow_instructions(Tick t) {
    const auto& list = spec().adaptation.instructions;
    std::vector<std::int64_t> overdue;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const AdaptationSpec::Instruction& in = list[i];
        InstructionState& st = adapt.instructions[i];
        if (st.until >= 0 && st.until <= t) {
            st.until = -1;
            adapt.type_level[static_cast<std::size_t>(in.type)] = static_cast<std::uint8_t>(
                adapt.type_level[static_cast<std::size_t>(in.type)] - in.priority);
            note({to_hours(t),
                  AdaptationAction::instruction_end,
                  -1,
                  -1,
                  in.type,
                  static_cast<double>(in.priority),
                  0.0,
                  static_cast<std::int32_t>(i)});
        }
        bool issue = false;
        double value = 0.0;
        if (in.day >= 0 && !st.dated_issued &&
            t >= static_cast<Tick>(in.day) * engine::ticks_per_day) {
            st.dated_issued = true;
            issue = true;
        }
        if (!issue && in.overdue_threshold > 0 && st.until < 0) {
            if (overdue.empty())
                overdue = overdue_by_type(t);
            value = static_cast<double>(overdue[static_cast<std::size_t>(in.type)]);
            issue = value > in.overdue_threshold;
        }
        if (!issue)
            continue;
        if (st.until < 0)
            adapt.type_level[static_cast<std::size_t>(in.type)] = static_cast<std::uint8_t>(
                adapt.type_level[static_cast<std::size_t>(in.type)] + in.priority);
        st.until =
            std::max(st.until, t + static_cast<Tick>(in.duration_days) * engine::ticks_per_day);
        note({to_hours(t),
              AdaptationAction::instruction_start,
              -1,
              -1,
              in.type,
              value,
              0.0,
              static_cast<std::int32_t>(i)});
    }
}

/// Open tickets past their limit, by type, over every rank.
inline std::vector<std::int64_t> TicketFlow::overdue_by_type(Tick t) const {
    std::vector<std::int64_t> n(spec().ticket_types.size(), 0);
    for (std::size_t i = part.begin; i < part.end; ++i) {
        for (const Ticket& tk : lp_states[i].tickets) {
            if (overdue_at(tk, t))
                ++n[static_cast<std::size_t>(tk.type)];
        }
    }
    if (world != nullptr && ranks > 1)
        world->allreduce_sum(std::span<std::int64_t>(n));
    return n;
}

}  // namespace tiersim::model::flow
