// SPDX-License-Identifier: MIT
// Units that adapt ([adaptation], docs/model.md *Units that adapt*): evaluation and ranking
// (三率考核, domain.md §1.4 and §6.3 S4: monthly ranking, the bottom units get leader attention
// after a lag of 1–3 months), project teams (项目小组: staff move to a department whose backlog
// stays high, the seed paper's 灵活进行部门和人员的组织与调整) and leader instructions (批示: a
// ticket class is lifted for a period, §6.3 S4 "discrete priority shocks"). Each acts at a barrier
// at the end of a day, on loads and counts summed over every rank, so every rank decides alike;
// what it does is recorded in /adaptation.
#include "ticket_flow.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::model::flow {

inline void TicketFlow::set_up_adaptation() {
    adapt.unit_counts.assign(org.size(), {});
    adapt.type_level.assign(spec().ticket_types.size(), 0);
    adapt.instructions.resize(spec().adaptation.instructions.size());
    const AdaptationSpec& a = spec().adaptation;
    adapt.any_step = std::any_of(
        model.reform_steps().begin(), model.reform_steps().end(), [&](const CompiledStep& s) {
            return model.spec_of(s).adaptation.any();
        });
    for (UnitId u = 0; u < static_cast<UnitId>(org.size()); ++u) {
        if (org.unit(u).tier == a.ranking.tier)
            adapt.ranked_units.push_back(u);
        if (org.unit(u).tier == a.project_teams.tier)
            adapt.team_units.push_back(u);
    }
    // An instruction of day 0 is in force from the start (the first barrier is a day later).
    if (std::any_of(a.instructions.begin(), a.instructions.end(), [](const auto& in) {
            return in.day == 0;
        })) {
        follow_instructions(0);
        adapt.raises = true;
    }
}

/// The queues a rule may staff at a unit: its departments' and its approval bureau.
inline std::vector<std::uint32_t> TicketFlow::rule_queues(UnitId unit) const {
    std::vector<std::uint32_t> out;
    for (std::size_t d = 0; d < spec().departments.size(); ++d)
        out.push_back(static_cast<std::uint32_t>(index.department(unit, static_cast<int>(d))));
    out.push_back(static_cast<std::uint32_t>(index.bureau(unit)));
    return out;
}

/// Levels that the rules add to a ticket joining a queue: its type's instructions, and leader
/// attention at the unit of the ranked tier it belongs to (by its home street).
inline int TicketFlow::rule_level(const Ticket& t) const {
    int level = adapt.type_level[static_cast<std::size_t>(t.type)];
    if (!adapt.attention_level.empty()) {
        const UnitId u = org.ancestor(t.home, spec().adaptation.ranking.tier);
        if (u != no_unit)
            level += adapt.attention_level[static_cast<std::size_t>(u)];
    }
    return level;
}

/// Moves `servers` onto a queue (negative: off it), over its timeline staff. A queue the
/// timeline has closed stays closed, and one that gave staff keeps at least one server.
inline void TicketFlow::move_servers(std::uint32_t station, std::int32_t servers, Tick now) {
    std::int32_t& extra = adapt.extra_servers[station];
    const Station& s = stations[station];
    const std::int32_t base = s.servers > 0 ? s.servers - extra : 0;
    extra += servers;
    const std::int32_t now_servers = base > 0 ? std::max(1, base + extra) : 0;
    change_staff({station, now_servers, s.calendar}, now);
    const std::size_t lp_index = lp_of_station(station);
    if (servers > 0 && lp_index >= part.begin && lp_index < part.end)
        serve_waiting(lp_states[lp_index], stations[station], now);
}

inline void TicketFlow::note(AdaptationRecord r) {
    if (world == nullptr || world->is_root())
        adapt.records.push_back(r);
}

/// The rules due at `t`, a day's end; `rows` is the period's table when a period ends at t.
inline void TicketFlow::adapt_at(Tick t, std::vector<UnitPeriodRow>* rows) {
    const AdaptationSpec& a = spec().adaptation;
    if (rows != nullptr && a.ranks())
        rank_units(t, *rows);  // first, so that attention without a lag starts at once
    attend(t);
    if (a.forms_teams() || !adapt.teams.empty())
        check_teams(t);
    if (!a.instructions.empty())
        follow_instructions(t);
    adapt.raises = std::any_of(adapt.type_level.begin(),
                               adapt.type_level.end(),
                               [](std::uint8_t l) { return l > 0; }) ||
                   !adapt.attention_level.empty();
}

// ---- ranking -------------------------------------------------------------------------

/// Scores the period's units of the ranked tier, ranks them within their province, and sends
/// leader attention to the bottom share after the lag.
inline void TicketFlow::rank_units(Tick t, std::vector<UnitPeriodRow>& rows) {
    const AdaptationSpec::Ranking& r = spec().adaptation.ranking;
    const auto provinces = static_cast<std::size_t>(org.province_count());
    std::vector<std::vector<UnitId>> ranked(provinces);
    for (const UnitId u : adapt.ranked_units) {
        UnitPeriodRow& row = rows[static_cast<std::size_t>(u)];
        if (row.surveyed < r.min_surveyed || row.surveyed == 0 || row.closed == 0)
            continue;  // nothing to score (a NaN would break the sort's order)
        const auto share = [](std::int64_t n, std::int64_t of) {
            return static_cast<double>(n) / static_cast<double>(of);
        };
        row.score = r.weight_response * share(row.responded_in_time, row.closed) +
                    r.weight_resolution * share(row.solved, row.surveyed) +
                    r.weight_satisfaction * share(row.satisfied, row.surveyed);
        ranked[static_cast<std::size_t>(org.province_index(u))].push_back(u);
    }
    for (auto& units : ranked) {
        std::stable_sort(units.begin(), units.end(), [&](UnitId x, UnitId y) {
            return rows[static_cast<std::size_t>(x)].score >
                   rows[static_cast<std::size_t>(y)].score;
        });
        for (std::size_t k = 0; k < units.size(); ++k)
            rows[static_cast<std::size_t>(units[k])].rank = static_cast<std::int32_t>(k + 1);
        const auto bottom = std::min<std::size_t>(
            units.size(),
            static_cast<std::size_t>(
                std::lround(r.bottom_share * static_cast<double>(units.size()))));
        for (std::size_t k = units.size() - bottom; k < units.size(); ++k) {
            const UnitId u = units[k];
            note({to_hours(t),
                  AdaptationAction::ranked_bottom,
                  u,
                  -1,
                  -1,
                  rows[static_cast<std::size_t>(u)].score,
                  0.0,
                  -1});
            plan_attention(u, t);
        }
    }
}

/// Attention `lag_days` after the ranking for `attention_days`; a unit already due for it, or
/// under it, has it extended. Its reserve staff go to the queues with the most waiting per
/// server at the ranking, one at a time.
inline void TicketFlow::plan_attention(UnitId u, Tick t) {
    const AdaptationSpec::Ranking& r = spec().adaptation.ranking;
    const Tick start = t + static_cast<Tick>(r.lag_days) * engine::ticks_per_day;
    const Tick stop = start + static_cast<Tick>(r.attention_days) * engine::ticks_per_day;
    const auto found = adapt.attention.find(u);
    if (found != adapt.attention.end()) {
        found->second.end = std::max(found->second.end, stop);
        return;
    }
    Attention at{start, stop, false, {}};
    const std::vector<std::uint32_t> candidates = rule_queues(u);
    const std::vector<std::int64_t> waiting = station_load(candidates);
    std::vector<std::int32_t> added(candidates.size(), 0);
    for (int k = 0; k < r.attention_staff; ++k) {
        std::size_t best = candidates.size();
        double best_load = -1.0;
        for (std::size_t q = 0; q < candidates.size(); ++q) {
            const std::int32_t servers = stations[candidates[q]].servers;
            if (servers == 0)
                continue;
            const double load =
                static_cast<double>(waiting[q]) / static_cast<double>(servers + added[q]);
            if (load > best_load) {
                best_load = load;
                best = q;
            }
        }
        if (best == candidates.size())
            break;
        ++added[best];
    }
    for (std::size_t q = 0; q < candidates.size(); ++q) {
        if (added[q] > 0)
            at.staff.push_back({candidates[q], added[q]});
    }
    adapt.attention.emplace(u, std::move(at));
}

/// Starts and ends the attention due at `t`, in unit order.
inline void TicketFlow::attend(Tick t) {
    if (adapt.attention.empty())
        return;
    const auto& r = spec().adaptation.ranking;
    std::vector<UnitId> due;
    for (const auto& [u, at] : adapt.attention) {
        if ((!at.active && at.start <= t) || (at.active && at.end <= t))
            due.push_back(u);
    }
    std::sort(due.begin(), due.end());
    for (const UnitId u : due) {
        Attention& at = adapt.attention.at(u);
        const bool starting = !at.active;
        if (adapt.attention_level.empty() && starting && r.attention_priority > 0)
            adapt.attention_level.assign(org.size(), 0);
        for (const MovedStaff& m : at.staff) {
            move_servers(m.station, starting ? m.servers : -m.servers, t);
            note({to_hours(t),
                  starting ? AdaptationAction::attention_start : AdaptationAction::attention_end,
                  u,
                  static_cast<std::int16_t>(station_department(m.station)),
                  -1,
                  static_cast<double>(m.servers),
                  0.0,
                  -1});
        }
        if (at.staff.empty())
            note({to_hours(t),
                  starting ? AdaptationAction::attention_start : AdaptationAction::attention_end,
                  u,
                  -1,
                  -1,
                  0.0,
                  0.0,
                  -1});
        if (!adapt.attention_level.empty())
            adapt.attention_level[static_cast<std::size_t>(u)] =
                static_cast<std::uint8_t>(starting ? std::max(0, r.attention_priority) : 0);
        if (starting)
            at.active = true;
        else
            adapt.attention.erase(u);
    }
    if (!adapt.attention_level.empty() && std::none_of(adapt.attention_level.begin(),
                                                       adapt.attention_level.end(),
                                                       [](std::uint8_t l) { return l > 0; }))
        adapt.attention_level.clear();
}

/// The department index of a unit queue (-1 for the bureau).
inline int TicketFlow::station_department(std::uint32_t station) const {
    const std::size_t at = station % index.stride();
    const std::size_t first = static_cast<std::size_t>(channel_count);
    return at >= first && at < first + spec().departments.size() ? static_cast<int>(at - first)
                                                                 : -1;
}

}  // namespace tiersim::model::flow
