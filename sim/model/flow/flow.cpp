// SPDX-License-Identifier: MIT
// The ticket flow as an engine::Model: setting up this rank's LPs, taking messages in, and the
// output of each window and of the end of the run.
#include "tiersim/text_format.hpp"

#include "ticket_flow.hpp"

#include <algorithm>

namespace tiersim::model::flow {

inline TicketFlow::TicketFlow(const CompiledModel& compiled,
                              bool trace,
                              const engine::MpiWorld* mpi,
                              const RunHooks& run_hooks)
    : model(compiled),
      step_now(&compiled.reform_steps().front()),
      spec_now(&compiled.spec()),
      org(compiled.org()),
      index(compiled.stations()),
      trace_events(trace),
      world(mpi),
      ranks(mpi == nullptr ? 1 : mpi->size()),
      hooks(run_hooks),
      generator_count(compiled.stream_count()),
      end(compiled.end()),
      bucket(compiled.bucket()),
      bucket_count(compiled.bucket_count()),
      priorities(std::any_of(
          compiled.reform_steps().begin(),
          compiled.reform_steps().end(),
          [&](const CompiledStep& step) { return uses_priorities(compiled.spec_of(step)); })),
      part(engine::partition_lps(compiled.lp_weight(), ranks, mpi == nullptr ? 0 : mpi->rank())),
      queues(compiled.lp_count()) {
    const auto& plan = model.station_plan();
    stations.resize(plan.size());
    const auto province_tier = static_cast<std::int8_t>(Tier::province);
    for (std::size_t i = 0; i < plan.size(); ++i) {
        stations[i].servers = plan[i].servers;
        stations[i].calendar = plan[i].calendar;
        const UnitId u = index.unit_of(i);
        stations[i].tier =
            u == no_unit ? province_tier : static_cast<std::int8_t>(org.unit(u).tier);
    }
    demand_factor.assign(
        static_cast<std::size_t>(org.province_count()) * spec().ticket_types.size(), 1.0);
    set_up_lps();
    set_up_adaptation();  // after the LPs: an instruction of day 0 may count their tickets
}

/// This rank's LPs get their series and their arrival streams, each with its first arrival;
/// the others stay empty (another rank advances them).
inline void TicketFlow::set_up_lps() {
    lp_states.resize(model.lp_count());
    province_of_lp.assign(lp_states.size(), 0);
    for (std::size_t u = 0; u < org.size(); ++u)
        province_of_lp[static_cast<std::size_t>(org.units()[u].lp)] =
            static_cast<std::size_t>(org.province_index(static_cast<UnitId>(u)));
    folded.assign(
        bucket_count * static_cast<std::size_t>(org.province_count()) * tier_count * series_fields,
        0);
    for (std::size_t i = 0; i < lp_states.size(); ++i)
        lp_states[i].index = static_cast<std::uint32_t>(i);
    for (std::size_t i = part.begin; i < part.end; ++i) {
        LpState& lp = lp_states[i];
        lp.counts.reserve(8);
        lp.snapshots.reserve(8);
        lp.busy_by_calendar.resize(model.calendars().size());
        lp.on_call_by_calendar.resize(model.calendars().size());
        lp.staff_by_calendar.resize(model.calendars().size());
        if (spec().citizens.trust_elasticity > 0.0)
            lp.hotline_days.resize(static_cast<std::size_t>(std::ceil(spec().days)) + 1);
        lp.generators.resize(model.arrivals()[i].size());
        for (std::size_t g = 0; g < lp.generators.size(); ++g)
            schedule_next_arrival(lp, static_cast<std::uint32_t>(g), 0);
    }
    // The servers of each LP's stations, by calendar and tier; a link belongs to the LP of
    // the province it leaves.
    for (std::size_t si = 0; si < stations.size(); ++si) {
        const auto lp_index = static_cast<std::size_t>(org.unit(index.owner(si, org)).lp);
        if (lp_index < part.begin || lp_index >= part.end)
            continue;
        const Station& s = stations[si];
        lp_states[lp_index]
            .staff_by_calendar[static_cast<std::size_t>(s.calendar)]
            .v[static_cast<std::size_t>(s.tier)] += s.servers;
    }
}

/// Nothing it schedules is earlier than m.event.time (the ranks agree on the next window from
/// the message times before delivering). A ticket whose citizen has not chased yet gets its
/// timer again.
inline void TicketFlow::deliver(const Message& m) {
    LpState& to = lp_states[static_cast<std::size_t>(m.to_lp)];
    Event e = m.event;
    e.slot = to.allocate(m.ticket);
    queues.schedule(to.index, e);
    schedule_chase(to, e.slot, e.time);
}

inline void TicketFlow::end_window(Tick window_end) {
    std::size_t open = 0;
    for (std::size_t i = part.begin; i < part.end; ++i) {
        LpState& lp = lp_states[i];
        snapshot_until(lp, window_end);
        fold_series(lp, window_end);
        open += lp.tickets.size() - lp.free_slots.size();
    }
    take_records();
    if (hooks.max_open_tickets > 0 && open > hooks.max_open_tickets && !overloaded.load())
        report_overload(open, window_end);
}

/// Says why the run stops (the open tickets of this rank past the bound) and names the queue
/// with the most tickets waiting, then raises the flag that the scheduler stops on.
inline void TicketFlow::report_overload(std::size_t open, Tick now) {
    std::size_t longest = 0;
    for (std::size_t i = 1; i < stations.size(); ++i) {
        if (stations[i].waiting() > stations[longest].waiting())
            longest = i;
    }
    const UnitId unit = index.unit_of(longest);
    overload_text = "on day " + format_fixed(to_hours(now) / 24.0, 1) + ", " +
                    std::to_string(open) + " tickets were open, more than the " +
                    std::to_string(hooks.max_open_tickets) +
                    " that --max-memory allows; the longest queue is " +
                    index.queue_name(longest, spec(), org) +
                    (unit == no_unit ? std::string() : " at " + org.unit(unit).name) + ", " +
                    std::to_string(stations[longest].waiting()) + " waiting" +
                    (stations[longest].waiting() * 10 >= open
                         ? ": it cannot keep up (`tiersim check` names the queues with ρ >= 1)"
                         : "; most open tickets wait in no queue but on delays (the *_h keys: "
                           "transfers, handoffs, supplying materials)");
    overloaded.store(true);
}

/// Appends this rank's LPs' records of the window to the buffer, in LP order.
inline void TicketFlow::take_records() {
    const std::size_t t0 = buffer.tickets.size();
    const std::size_t e0 = buffer.events.size();
    for (std::size_t i = part.begin; i < part.end; ++i) {
        LpState& lp = lp_states[i];
        buffer.tickets.insert(buffer.tickets.end(), lp.closed.begin(), lp.closed.end());
        lp.closed.clear();
        buffer.events.insert(buffer.events.end(), lp.events.begin(), lp.events.end());
        lp.events.clear();
    }
    buffer.counts.push_back(buffer.tickets.size() - t0);
    buffer.counts.push_back(buffer.events.size() - e0);
}

/// Hands the buffered windows' records on, window by window, each window's records in LP
/// order and then sorted. Under MPI they are gathered on rank 0 first, rank by rank (LP order).
inline void TicketFlow::flush() {
    const std::size_t windows = buffer.counts.size() / 2;  // the same on every rank
    if (windows == 0)
        return;
    if (ranks == 1) {
        // One process flushes every window.
        TIERSIM_CHECK(windows == 1, "one process hands on its records window by window");
        sort_records(buffer.tickets, buffer.events);
        if (hooks.on_records)
            hooks.on_records(buffer.tickets, buffer.events);
        buffer.tickets.clear();
        buffer.events.clear();
        buffer.counts.clear();
        return;
    }
    const std::vector<std::uint64_t> counts = world->gatherv(buffer.counts);
    const std::vector<TicketRecord> all_tickets = world->gatherv(buffer.tickets);
    std::vector<EventRecord> all_events;
    if (trace_events)
        all_events = world->gatherv(buffer.events);
    buffer.tickets.clear();
    buffer.events.clear();
    buffer.counts.clear();
    if (!world->is_root())
        return;
    const auto k = static_cast<std::size_t>(ranks);
    // Where each rank's part starts in the gathered vectors.
    std::vector<std::size_t> t_at(k, 0), e_at(k, 0);
    for (std::size_t r = 0; r + 1 < k; ++r) {
        t_at[r + 1] = t_at[r];
        e_at[r + 1] = e_at[r];
        for (std::size_t w = 0; w < windows; ++w) {
            t_at[r + 1] += counts[(r * windows + w) * 2];
            e_at[r + 1] += counts[(r * windows + w) * 2 + 1];
        }
    }
    std::vector<TicketRecord> tickets;
    std::vector<EventRecord> events;
    for (std::size_t w = 0; w < windows; ++w) {
        for (std::size_t r = 0; r < k; ++r) {
            const std::size_t nt = counts[(r * windows + w) * 2];
            const std::size_t ne = counts[(r * windows + w) * 2 + 1];
            const auto t = all_tickets.begin() + static_cast<std::ptrdiff_t>(t_at[r]);
            tickets.insert(tickets.end(), t, t + static_cast<std::ptrdiff_t>(nt));
            t_at[r] += nt;
            if (ne > 0) {
                const auto e = all_events.begin() + static_cast<std::ptrdiff_t>(e_at[r]);
                events.insert(events.end(), e, e + static_cast<std::ptrdiff_t>(ne));
                e_at[r] += ne;
            }
        }
        sort_records(tickets, events);
        if (hooks.on_records)
            hooks.on_records(tickets, events);
        tickets.clear();
        events.clear();
    }
}

/// The record of a ticket still in the system at `reached` (a citizen who gave up counts as
/// abandoned).
inline TicketRecord TicketFlow::open_record(LpState& lp, const Ticket& t, Tick reached) {
    // The deadline tells the summary whether an open ticket is already late.
    TicketRecord r = record_of(t, deadline_of(t));
    r.outcome = Outcome::open_at_end;
    if (t.has(flag_abandoned)) {
        r.outcome = Outcome::abandoned;
        r.closed_h = to_hours(t.abandoned_at);
    } else if (t.has(flag_on_hold) && t.abandoned_at < reached) {
        // Hung up in the queue and not skipped yet: counted here, at the hang-up time
        // (series_rows comes after).
        bump(lp, c_abandoned, t.abandoned_at, tier_at(t.unit));
        r.outcome = Outcome::hung_up;
        r.closed_h = to_hours(t.abandoned_at);
    }
    return r;
}

/// Hands on every ticket still in the system, by id; with several ranks, all of them on rank 0.
/// One process hands them on in batches from a sorted index of (id, LP, slot), 16 bytes a
/// ticket, rather than as one vector of records: at the end of a long run the open tickets are
/// the largest batch of all, and their records would double the memory of the ticket pools.
inline void TicketFlow::hand_on_open(Tick reached) {
    std::vector<TicketRecord> tickets;
    std::vector<EventRecord> events;
    const auto live = [](const Ticket& t) {
        return t.id != free_id && !t.has(flag_shadow);
    };
    if (ranks > 1) {
        for (std::size_t i = part.begin; i < part.end; ++i) {
            for (const Ticket& t : lp_states[i].tickets) {
                if (live(t))
                    tickets.push_back(open_record(lp_states[i], t, reached));
            }
        }
        tickets = world->gatherv(tickets);
        std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
            return a.id < b.id;
        });
        if (world->is_root() && hooks.on_records)
            hooks.on_records(tickets, events);
        return;
    }

    struct OpenTicket {
        std::uint64_t id;
        std::uint32_t lp;
        std::uint32_t slot;
    };

    std::vector<OpenTicket> open;
    std::size_t live_slots = 0;
    for (std::size_t i = part.begin; i < part.end; ++i)
        live_slots += lp_states[i].tickets.size() - lp_states[i].free_slots.size();
    open.reserve(live_slots);
    for (std::size_t i = part.begin; i < part.end; ++i) {
        const auto& pool = lp_states[i].tickets;
        for (std::uint32_t slot = 0; slot < pool.size(); ++slot) {
            if (live(pool[slot]))
                open.push_back({pool[slot].id, static_cast<std::uint32_t>(i), slot});
        }
    }
    std::sort(open.begin(), open.end(), [](const OpenTicket& a, const OpenTicket& b) {
        return a.id < b.id;
    });
    constexpr std::size_t batch = 1 << 16;
    for (std::size_t at = 0; at < open.size(); at += batch) {
        const std::size_t stop = std::min(open.size(), at + batch);
        tickets.clear();
        tickets.reserve(stop - at);
        for (std::size_t k = at; k < stop; ++k) {
            LpState& lp = lp_states[open[k].lp];
            tickets.push_back(open_record(lp, lp.tickets[open[k].slot], reached));
        }
        if (hooks.on_records)
            hooks.on_records(tickets, events);
    }
}

inline void TicketFlow::finish(Tick reached, RunOutcome& outcome) {
    for (std::size_t i = part.begin; i < part.end; ++i)
        snapshot_until(lp_states[i], reached);
    // Every window has been flushed: give the buffer's capacity back before the open tickets,
    // often the largest batch of a run, are gathered.
    TIERSIM_CHECK(buffered() == 0, "the scheduler flushes every window before the end");
    buffer = RecordBuffer{};
    // The period under way when the run ends has its rows too (it may be shorter).
    if (reached > adapt.period_start) {
        std::vector<UnitPeriodRow> rows = close_period(reached);
        keep_period(rows);
    }
    if ((world == nullptr || world->is_root()) && hooks.on_open_tickets)
        hooks.on_open_tickets(to_hours(reached));
    hand_on_open(reached);
    outcome.series = series_rows(reached);
    outcome.province_series = province_series_rows(reached);
    outcome.unit_periods = std::move(adapt.unit_rows);
    outcome.adaptation = std::move(adapt.records);
    outcome.state_digest = digest;
}

}  // namespace tiersim::model::flow
