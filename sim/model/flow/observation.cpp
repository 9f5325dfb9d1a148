// SPDX-License-Identifier: MIT
// Observation: ticket and event records, coordination cost, the /series counters and the
// queue snapshots at bucket ends.
#include "ticket_flow.hpp"

#include <algorithm>
#include <limits>

namespace tiersim::model::flow {

inline TicketRecord TicketFlow::record_of(const Ticket& t, Tick deadline) const {
    const TicketTypeSpec& type = type_of(t);
    TicketRecord r;
    r.id = static_cast<std::int64_t>(t.id);
    r.type = t.type;
    r.parent = t.parent;
    r.origin = t.origin;
    r.handler = t.phase == Phase::intake ? -1 : t.unit;
    r.created_h = to_hours(t.created);
    r.responded_h =
        t.responded >= 0 ? to_hours(t.responded) : std::numeric_limits<double>::quiet_NaN();
    r.closed_h = std::numeric_limits<double>::quiet_NaN();
    r.hops = t.hops;
    r.handoffs = t.handoffs;
    r.returns = t.returns;
    r.escalations = t.escalations;
    r.leader = t.has(flag_leader_assigned) ? 1 : 0;
    r.visits = t.visits;
    r.materials_requested = t.materials_requested;
    r.reworks = t.reworks;
    r.rehandles = t.rehandles;
    r.channel = static_cast<std::int8_t>(t.channel);
    Tick total = 0;
    for (std::size_t k = 0; k < t.cost.size(); ++k) {
        r.coord_by_kind_h[k] = to_hours(t.cost[k]);
        total += t.cost[k];
    }
    r.coord_cost_h = to_hours(total);
    r.cross_mode = static_cast<std::int8_t>(t.cross);
    r.home_province = t.cross == CrossMode::none
                          ? std::int8_t{-1}
                          : static_cast<std::int8_t>(org.province_index(t.home));
    r.responded_in_time =
        (t.responded >= 0 && t.responded - t.created <= from_hours(type.respond_h)) ? 1 : 0;
    r.province = static_cast<std::int8_t>(org.province_index(t.origin));
    r.deadline_h =
        deadline == engine::never ? std::numeric_limits<double>::infinity() : to_hours(deadline);
    return r;
}

inline void TicketFlow::trace(
    LpState& lp, const Ticket& t, Tick at, UnitId unit, int dept, EventKind kind) {
    if (!trace_events || t.has(flag_shadow))
        return;
    lp.events.push_back(EventRecord{static_cast<std::int64_t>(t.id),
                                    to_hours(at),
                                    unit,
                                    static_cast<std::int16_t>(dept),
                                    kind,
                                    lp.now});
}

/// A closing's 三率 counters, by the closing tier and, for a hotline ticket, at the hotline's.
inline void TicketFlow::count_rates(LpState& lp,
                                    const Ticket& t,
                                    Tick now,
                                    std::size_t tier,
                                    bool solved,
                                    int satisfied,
                                    bool in_time) const {
    // As the summary counts them: solved and satisfied among the tickets asked at the callback.
    const bool surveyed = satisfied >= 0;
    bump_by(lp, c_in_time, now, tier, in_time ? 1 : 0);
    bump_by(lp, c_surveyed, now, tier, surveyed ? 1 : 0);
    bump_by(lp, c_solved, now, tier, surveyed && solved ? 1 : 0);
    bump_by(lp, c_satisfied, now, tier, satisfied > 0 ? 1 : 0);
    if (t.channel != Channel::hotline)
        return;
    const auto hotline =
        static_cast<std::size_t>(spec().channels[static_cast<std::size_t>(Channel::hotline)].tier);
    bump(lp, c_hotline_closed, now, hotline);
    bump_by(lp, c_hotline_surveyed, now, hotline, surveyed ? 1 : 0);
    bump_by(lp, c_hotline_solved, now, hotline, surveyed && solved ? 1 : 0);
    bump_by(lp, c_hotline_satisfied, now, hotline, satisfied > 0 ? 1 : 0);
    if (surveyed)
        count_hotline(lp, t, now, solved);  // what demand feedback sees (demand.cpp)
}

/// Records queue lengths and working servers (and open ones) at every bucket end <= t.
inline void TicketFlow::snapshot_until(LpState& lp, Tick t) const {
    while (lp.next_bucket < bucket_count) {
        const Tick at = std::min(end, static_cast<Tick>(lp.next_bucket + 1) * bucket);
        if (at > t)
            break;
        BucketSnapshot& snapshot = lp.snapshot_at(lp.next_bucket);
        snapshot.queue_len = lp.waiting_now;
        TierCounters busy{};
        TierCounters open{};
        for (std::size_t c = 0; c < lp.busy_by_calendar.size(); ++c) {
            const bool is_open = model.calendars()[c].is_open(at);
            for (std::size_t tier = 0; tier < tier_count; ++tier) {
                const std::int64_t on_call = lp.on_call_by_calendar[c].v[tier];
                busy.v[tier] += is_open ? lp.busy_by_calendar[c].v[tier] : on_call;
                open.v[tier] += is_open ? lp.staff_by_calendar[c].v[tier] : on_call;
            }
        }
        snapshot.busy = busy;
        snapshot.open_staff = open;
        ++lp.next_bucket;
    }
}

inline void TicketFlow::add_cost(
    LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, double h) {
    add_cost_ticks(lp, t, now, tier, kind, from_hours(h));
}

inline void TicketFlow::add_cost_ticks(
    LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, Tick c) {
    t.cost[static_cast<std::size_t>(kind)] += c;
    const std::size_t b = bucket_index(now);
    if (b < bucket_count)
        lp.counts_at(b).cost[static_cast<std::size_t>(kind)][tier] += c;
}

/// Sorts one window's records into the canonical order of the output.
inline void TicketFlow::sort_records(std::vector<TicketRecord>& tickets,
                                     std::vector<EventRecord>& events) {
    // By the time they were recorded first: every record of a window was recorded inside it, so
    // the order does not depend on where windows end (barriers, rank counts).
    std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
        if (a.recorded_at != b.recorded_at)
            return a.recorded_at < b.recorded_at;
        return a.closed_h != b.closed_h ? a.closed_h < b.closed_h : a.id < b.id;
    });
    // Stable: one ticket's events at one instant keep the order it made them in.
    std::stable_sort(events.begin(), events.end(), [](const EventRecord& a, const EventRecord& b) {
        if (a.recorded_at != b.recorded_at)
            return a.recorded_at < b.recorded_at;
        return a.t_h != b.t_h ? a.t_h < b.t_h : a.ticket < b.ticket;
    });
}

/// Folds the LP's final buckets (before the window's end, their snapshots taken) into the
/// rank's per-province sums.
inline void TicketFlow::fold_series(LpState& lp, Tick window_end) {
    const auto provinces = static_cast<std::size_t>(org.province_count());
    const std::size_t province = province_of_lp[lp.index];
    for (const auto& [b, counts] : lp.late)
        add_bucket(
            &folded[(b * provinces + province) * tier_count * series_fields], counts, nullptr);
    lp.late.clear();
    const std::size_t upto = std::min({lp.next_bucket, bucket_index(window_end), bucket_count});
    if (upto <= lp.first_bucket)
        return;
    const std::size_t k = upto - lp.first_bucket;
    static const BucketCounts none{};
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t b = lp.first_bucket + i;
        add_bucket(&folded[(b * provinces + province) * tier_count * series_fields],
                   i < lp.counts.size() ? lp.counts[i] : none,
                   &lp.snapshots[i]);
    }
    lp.counts.erase(lp.counts.begin(),
                    lp.counts.begin() + static_cast<std::ptrdiff_t>(std::min(k, lp.counts.size())));
    lp.snapshots.erase(lp.snapshots.begin(), lp.snapshots.begin() + static_cast<std::ptrdiff_t>(k));
    lp.first_bucket = upto;
}

/// The sums over the ranks, by (row × groups + group) × tiers + tier: a bucket adds its flows
/// to its row (row_of_bucket), a row's snapshots are those of its last bucket, and a province
/// counts in its group (group_of_province): the folded buckets, then what the LPs still hold.
inline std::vector<std::int64_t> TicketFlow::series_sums(
    std::span<const std::size_t> row_of_bucket,
    std::size_t rows,
    std::span<const std::size_t> group_of_province,
    std::size_t groups) const {
    const std::size_t buckets = row_of_bucket.size();
    const auto provinces = static_cast<std::size_t>(org.province_count());
    std::vector<std::int64_t> sum(rows * groups * tier_count * series_fields, 0);
    auto at = [&](std::size_t b, std::size_t group) {
        return &sum[(row_of_bucket[b] * groups + group) * tier_count * series_fields];
    };
    auto is_last = [&](std::size_t b) {
        return b + 1 == buckets || row_of_bucket[b + 1] != row_of_bucket[b];
    };
    for (std::size_t b = 0; b < buckets; ++b) {
        const bool last = is_last(b);
        for (std::size_t p = 0; p < provinces; ++p) {
            const std::int64_t* from = &folded[(b * provinces + p) * tier_count * series_fields];
            std::int64_t* to = at(b, group_of_province[p]);
            for (std::size_t k = 0; k < tier_count * series_fields; ++k) {
                const std::size_t field = k % series_fields;
                if (last || (field != f_queue && field != f_busy && field != f_open))
                    to[k] += from[k];
            }
        }
    }
    std::vector<TierCounters> staff(model.calendars().size() * groups);
    for (std::size_t i = part.begin; i < part.end; ++i) {
        const LpState& lp = lp_states[i];
        const std::size_t group = group_of_province[province_of_lp[i]];
        for (const auto& [b, counts] : lp.late) {
            if (b < buckets)
                add_bucket(at(b, group), counts, nullptr);
        }
        for (std::size_t j = 0; j < lp.counts.size() || j < lp.snapshots.size(); ++j) {
            const std::size_t b = lp.first_bucket + j;
            if (b >= buckets)
                break;
            static const BucketCounts none{};
            add_bucket(at(b, group),
                       j < lp.counts.size() ? lp.counts[j] : none,
                       j < lp.snapshots.size() && is_last(b) ? &lp.snapshots[j] : nullptr);
        }
        for (std::size_t c = 0; c < model.calendars().size(); ++c) {
            for (std::size_t tier = 0; tier < tier_count; ++tier)
                staff[c * groups + group].v[tier] += lp.staff_by_calendar[c].v[tier];
        }
    }
    for (std::size_t b = 0; b < buckets; ++b) {
        const Tick from = static_cast<Tick>(b) * bucket;
        const Tick to = std::min(end, from + bucket);
        for (std::size_t c = 0; c < model.calendars().size(); ++c) {
            const Tick open = model.calendars()[c].open_between(from, to);
            for (std::size_t group = 0; group < groups; ++group) {
                for (std::size_t tier = 0; tier < tier_count; ++tier)
                    at(b, group)[tier * series_fields + f_capacity] +=
                        staff[c * groups + group].v[tier] * open;
            }
        }
    }
    if (ranks > 1)
        world->allreduce_sum(sum);
    return sum;
}

/// One row of /series (or /series_by_province) from its sums `f` at `tier`.
inline SeriesRow TicketFlow::series_row(const std::int64_t* f, std::size_t tier, Tick until) const {
    SeriesRow p;
    p.t_h = to_hours(until);
    p.tier = static_cast<std::int8_t>(tier);
    p.arrivals = f[c_arrivals];
    p.closed = f[c_closed];
    p.returns = f[c_returns];
    p.escalations = f[c_escalations];
    p.leader = f[c_leader];
    p.materials_requested = f[c_materials];
    p.visits = f[c_visits];
    p.repeat_calls = f[c_repeat_calls];
    p.abandoned = f[c_abandoned];
    p.data_applied = f[c_data_applied];
    p.solved = f[c_solved];
    p.surveyed = f[c_surveyed];
    p.satisfied = f[c_satisfied];
    p.in_time = f[c_in_time];
    p.hotline_closed = f[c_hotline_closed];
    p.hotline_solved = f[c_hotline_solved];
    p.hotline_surveyed = f[c_hotline_surveyed];
    p.hotline_satisfied = f[c_hotline_satisfied];
    p.queue_len = f[f_queue];
    p.busy_staff = f[f_busy];
    p.open_staff = f[f_open];
    p.worked_h = to_hours(f[f_worked]);
    p.open_staff_h = to_hours(f[f_capacity]);
    Tick total = 0;
    for (std::size_t k = 0; k < cost_kind_count; ++k) {
        p.coord_by_kind_h[k] = to_hours(f[f_cost + k]);
        total += f[f_cost + k];
    }
    p.coord_cost_h = to_hours(total);
    const double rate = spec().tiers[tier].staff_hour_yuan;
    p.payroll_yuan = p.open_staff_h * rate;
    p.coord_yuan = p.coord_cost_h * rate;
    return p;
}

inline std::size_t TicketFlow::buckets_reached(Tick reached) const {
    return std::min(bucket_count, static_cast<std::size_t>((reached + bucket - 1) / bucket));
}

/// The /series rows up to `reached`: every LP's counts, summed over this rank's LPs and
/// then over the ranks (integers, so the sum does not depend on the split).
inline std::vector<SeriesRow> TicketFlow::series_rows(Tick reached) const {
    const std::size_t buckets = buckets_reached(reached);
    std::vector<std::size_t> row_of_bucket(buckets);
    for (std::size_t b = 0; b < buckets; ++b)
        row_of_bucket[b] = b;
    const std::vector<std::size_t> one_group(static_cast<std::size_t>(org.province_count()), 0);
    const std::vector<std::int64_t> sum = series_sums(row_of_bucket, buckets, one_group, 1);
    std::vector<SeriesRow> series;
    series.reserve(buckets * tier_count);
    for (std::size_t b = 0; b < buckets; ++b) {
        const Tick until = std::min(end, static_cast<Tick>(b + 1) * bucket);
        for (std::size_t tier = 0; tier < tier_count; ++tier)
            series.push_back(
                series_row(&sum[(b * tier_count + tier) * series_fields], tier, until));
    }
    return series;
}

/// /series_by_province: each province's series over the periods of adaptation.period_days (a
/// bucket counts in the period it starts in; a period's queues and staff are those at the end
/// of its last bucket), so that a five-year national run stays a table of some thousand rows.
inline std::vector<SeriesRow> TicketFlow::province_series_rows(Tick reached) const {
    const std::size_t buckets = buckets_reached(reached);
    const Tick period = static_cast<Tick>(spec().adaptation.period_days) * engine::ticks_per_day;
    // A row per period, numbered densely: a bucket longer than the period (bench/mmc's year
    // against 30 days) is a row of its own, rather than leaving empty rows between buckets.
    std::vector<std::size_t> row_of_bucket(buckets);
    Tick last_period = -1;
    std::size_t rows = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
        const Tick in_period = static_cast<Tick>(b) * bucket / period;
        if (in_period != last_period) {
            last_period = in_period;
            ++rows;
        }
        row_of_bucket[b] = rows - 1;
    }
    const auto provinces = static_cast<std::size_t>(org.province_count());
    std::vector<std::size_t> own_group(provinces);
    for (std::size_t p = 0; p < provinces; ++p)
        own_group[p] = p;
    const std::vector<std::int64_t> sum = series_sums(row_of_bucket, rows, own_group, provinces);
    std::vector<SeriesRow> series;
    series.reserve(rows * provinces * tier_count);
    std::size_t b = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        while (b + 1 < buckets && row_of_bucket[b + 1] == row)
            ++b;
        const Tick until = std::min(end, static_cast<Tick>(b + 1) * bucket);
        for (std::size_t p = 0; p < provinces; ++p) {
            for (std::size_t tier = 0; tier < tier_count; ++tier) {
                SeriesRow r = series_row(
                    &sum[((row * provinces + p) * tier_count + tier) * series_fields], tier, until);
                r.province = static_cast<std::int16_t>(p);
                series.push_back(r);
            }
        }
        ++b;
    }
    return series;
}

}  // namespace tiersim::model::flow
