// SPDX-License-Identifier: MIT
// The per-unit table (/unit_series): every unit's closings and their 三率 over each period of
// adaptation.period_days, with its overdue tickets, backlog and staff at the period's end —
// what the ranking reads (adaptation.cpp). The counts of a unit are kept by its LP; at a
// period's end (a barrier, on every rank) they are summed over the ranks, so every rank ranks
// the same table, and rank 0 keeps the rows.
#include "ticket_flow.hpp"

#include <algorithm>
#include <span>

namespace tiersim::model::flow {

/// A closing counts against the unit that closed it (its handler).
inline void TicketFlow::count_unit(const TicketRecord& r) {
    auto& n = adapt.unit_counts[static_cast<std::size_t>(r.handler)];
    const bool surveyed = r.satisfied >= 0;
    ++n[u_closed];
    n[u_responded_in_time] += r.responded_in_time;
    n[u_surveyed] += surveyed ? 1 : 0;
    n[u_solved] += surveyed && r.solved > 0 ? 1 : 0;
    n[u_satisfied] += r.satisfied > 0 ? 1 : 0;
    n[u_in_time] += r.resolved_in_time;
}

/// An open ticket (not given up) past its limit at `t`: what the table and instructions count.
inline bool TicketFlow::overdue_at(const Ticket& t, Tick at) const {
    return t.id != free_id && !t.has(flag_shadow) && !t.has(flag_abandoned) && deadline_of(t) < at;
}

inline bool TicketFlow::at_period_end(Tick t) const {
    return t % (static_cast<Tick>(spec().adaptation.period_days) * engine::ticks_per_day) == 0;
}

/// Waiting and in service at each station of `stations`, summed over the ranks.
inline std::vector<std::int64_t> TicketFlow::station_load(
    std::span<const std::uint32_t> of_stations) const {
    std::vector<std::int64_t> load(of_stations.size(), 0);
    for (std::size_t k = 0; k < of_stations.size(); ++k) {
        const std::size_t lp_index = lp_of_station(of_stations[k]);
        if (lp_index < part.begin || lp_index >= part.end)
            continue;
        const Station& s = stations[of_stations[k]];
        load[k] = static_cast<std::int64_t>(s.waiting());
    }
    if (world != nullptr && ranks > 1)
        world->allreduce_sum(std::span<std::int64_t>(load));
    return load;
}

/// The table's rows for the period that ends at `t`: the counts, and at `t` the overdue
/// tickets, the backlog and the staff; every rank gets the same rows (rank 0 keeps them).
inline std::vector<UnitPeriodRow> TicketFlow::close_period(Tick t) {
    constexpr std::size_t fields = unit_counter_count + 2;  // the counts, overdue, backlog
    const std::size_t units = org.size();
    std::vector<std::int64_t> sum(units * fields, 0);
    for (std::size_t u = 0; u < units; ++u) {
        for (std::size_t k = 0; k < unit_counter_count; ++k)
            sum[u * fields + k] = adapt.unit_counts[u][k];
        adapt.unit_counts[u] = {};
    }
    for (std::size_t i = part.begin; i < part.end; ++i) {
        for (const Ticket& tk : lp_states[i].tickets) {
            if (overdue_at(tk, t))
                ++sum[static_cast<std::size_t>(tk.unit) * fields + unit_counter_count];
        }
    }
    std::vector<std::int64_t> staff(units, 0);
    for (std::size_t si = 0; si < index.unit_stations(); ++si) {
        const Station& s = stations[si];
        const auto u = static_cast<std::size_t>(index.unit_of(si));
        staff[u] += s.servers;
        const std::size_t lp_index = lp_of_station(static_cast<std::uint32_t>(si));
        if (lp_index >= part.begin && lp_index < part.end)
            sum[u * fields + unit_counter_count + 1] +=
                static_cast<std::int64_t>(s.waiting()) + s.busy;
    }
    if (world != nullptr && ranks > 1)
        world->allreduce_sum(std::span<std::int64_t>(sum));
    std::vector<UnitPeriodRow> rows(units);
    for (std::size_t u = 0; u < units; ++u) {
        const std::int64_t* n = &sum[u * fields];
        UnitPeriodRow& r = rows[u];
        r.t_h = to_hours(t);
        r.unit = static_cast<std::int32_t>(u);
        r.closed = n[u_closed];
        r.responded_in_time = n[u_responded_in_time];
        r.surveyed = n[u_surveyed];
        r.solved = n[u_solved];
        r.satisfied = n[u_satisfied];
        r.in_time = n[u_in_time];
        r.overdue = n[unit_counter_count];
        r.backlog = n[unit_counter_count + 1];
        r.staff = staff[u];
    }
    adapt.period_start = t;
    return rows;
}

/// Rank 0 hands the period's rows on (RunHooks::on_unit_rows), or keeps them for the outcome.
inline void TicketFlow::keep_period(std::vector<UnitPeriodRow>& rows) {
    if (world != nullptr && !world->is_root())
        return;
    if (hooks.on_unit_rows)
        hooks.on_unit_rows(rows);
    else
        adapt.unit_rows.insert(adapt.unit_rows.end(), rows.begin(), rows.end());
}

}  // namespace tiersim::model::flow
