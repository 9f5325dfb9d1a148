// SPDX-License-Identifier: MIT
// The ticket life cycle of DESIGN §2.4 (this issue: the fragmented design) on the engine of §3.
//
// Each logical process (LP) owns some units, their stations (an intake queue per channel and a
// queue per department, each with c servers on a calendar), the tickets currently at them and
// the arrival generators of the streets whose intake it holds. LPs advance in parallel through
// conservative windows [T, T + L), L being the least latency of any edge between LPs; a ticket
// that moves to another LP travels as a message that arrives no earlier than T + L.
//
// A server that takes a ticket while its calendar is closed starts at the next opening, and
// work that is under way at closing resumes at the next opening: Calendar::advance does both.
#include "tiersim/model/simulation.hpp"

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/distributions.hpp"
#include "tiersim/model/station_plan.hpp"
#include "tiersim/model/ticket.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace tiersim::model {

using engine::Event;
using engine::from_hours;
using engine::RandomStream;
using engine::Tick;
using engine::to_hours;

namespace {

// Event kinds, in their order among events at the same tick.
constexpr std::uint16_t kind_service_done = 0;
constexpr std::uint16_t kind_arrive = 1;
constexpr std::uint16_t kind_generate = 2;

// Generator streams live in their own half of the entity space, apart from ticket ids.
constexpr std::uint64_t generator_stream_bit = std::uint64_t{1} << 63;

/// c servers and a FIFO of waiting tickets (slots of the owning LP's pool).
struct Station {
    std::int32_t servers = 0;
    std::int32_t busy = 0;
    std::int32_t calendar = 0;
    std::int8_t tier = 0;
    std::vector<std::uint32_t> ring;  // grows by doubling, never shrinks
    std::uint32_t head = 0;
    std::uint32_t count = 0;

    void push(std::uint32_t slot) {
        if (count == ring.size())
            grow();
        ring[(head + count) % ring.size()] = slot;
        ++count;
    }

    std::uint32_t pop() {
        const std::uint32_t slot = ring[head];
        head = static_cast<std::uint32_t>((head + 1) % ring.size());
        --count;
        return slot;
    }

private:
    void grow() {
        std::vector<std::uint32_t> bigger(ring.empty() ? 16 : ring.size() * 2);
        for (std::uint32_t i = 0; i < count; ++i)
            bigger[i] = ring[(head + i) % ring.size()];
        ring.swap(bigger);
        head = 0;
    }
};

/// Non-homogeneous Poisson arrivals of one ticket type at one street.
struct Generator {
    std::uint64_t id = 0;  // global: street ordinal * types + type
    UnitId street = no_unit;
    UnitId intake = no_unit;
    std::int32_t type = 0;
    double base_per_hour = 0.0;  // mean arrivals per hour before profiles
    std::uint64_t count = 0;     // tickets created so far
    std::uint64_t draws = 0;
};

/// A ticket on its way to another LP.
struct Message {
    Event event;
    Ticket ticket;
    std::int32_t to_lp = 0;
};

struct TierCounters {
    std::array<std::int64_t, tier_count> v{};
};

struct LpState {
    engine::EventQueue queue;
    std::vector<Ticket> tickets;
    std::vector<std::uint32_t> free_slots;
    std::vector<Generator> generators;
    std::vector<Message> outbox;
    std::vector<TicketRecord> closed;
    std::vector<EventRecord> events;
    std::uint64_t processed = 0;

    // Series: per bucket, per tier.
    std::vector<TierCounters> arrivals, closed_count, queue_len, busy, coord_cost;
    TierCounters waiting_now{}, busy_now{};
    std::size_t next_bucket = 0;  // first bucket whose snapshot is still to be taken

    std::uint32_t allocate(const Ticket& t) {
        if (free_slots.empty()) {
            tickets.push_back(t);
            return static_cast<std::uint32_t>(tickets.size() - 1);
        }
        const std::uint32_t slot = free_slots.back();
        free_slots.pop_back();
        tickets[slot] = t;
        return slot;
    }
};

}  // namespace

struct Simulation::Impl {
    const ScenarioSpec& spec;
    const Organisation& org;
    bool trace_events;
    std::vector<Calendar> calendars;
    std::vector<Station> stations;
    std::vector<LpState> lps;
    std::uint64_t generator_count = 0;
    Tick lookahead = 0;
    Tick end = 0;
    Tick bucket = 0;
    std::size_t bucket_count = 0;

    Impl(const ScenarioSpec& s, const Organisation& o, bool trace)
        : spec(s),
          org(o),
          trace_events(trace) {}

    // ---- set-up ------------------------------------------------------------------------

    void build() {
        for (const auto& c : spec.calendars)
            calendars.emplace_back(c);
        const double lookahead_h = org.lookahead_h();
        if (!(lookahead_h > 0.0) || from_hours(lookahead_h) <= 0) {
            // Only two kinds of edge cross LPs: city–province hops and provincial links.
            const std::string key =
                spec.tiers[static_cast<std::size_t>(Tier::city)].transfer_h == lookahead_h
                    ? "tiers.city.transfer_h"
                    : "technology.link_h";
            std::ostringstream got;
            got << lookahead_h;
            throw ScenarioError(Diagnostic{
                spec.where(key),
                key,
                "zero cross-LP latency: " + key +
                    " is the latency of edges between logical processes (each city with its "
                    "districts and streets, each province unit), which must be at least one "
                    "second so that the parallel windows have a length; got " +
                    got.str() + " h"});
        }
        lookahead =
            std::isinf(lookahead_h) ? from_hours(spec.days * 24.0) + 1 : from_hours(lookahead_h);
        end = from_hours(spec.days * 24.0);
        bucket = std::max<Tick>(1, from_hours(spec.bucket_hours));
        bucket_count = static_cast<std::size_t>((end + bucket - 1) / bucket);

        build_stations();
        build_lps();
    }

    void build_stations() {
        const auto plan = plan_stations(spec, org);
        const std::size_t stride = station_stride(spec);
        stations.resize(plan.size());
        for (std::size_t i = 0; i < plan.size(); ++i) {
            stations[i].servers = plan[i].servers;
            stations[i].calendar = plan[i].calendar;
            stations[i].tier = static_cast<std::int8_t>(org.units()[i / stride].tier);
        }
    }

    void build_lps() {
        lps.resize(static_cast<std::size_t>(org.lp_count()));
        for (auto& lp : lps) {
            lp.arrivals.resize(bucket_count);
            lp.closed_count.resize(bucket_count);
            lp.queue_len.resize(bucket_count);
            lp.busy.resize(bucket_count);
            lp.coord_cost.resize(bucket_count);
        }
        const auto streets = org.units_at(Tier::street);
        const std::size_t types = spec.ticket_types.size();
        generator_count = streets.size() * types;
        for (std::size_t s = 0; s < streets.size(); ++s) {
            const UnitId street = streets[s];
            for (std::size_t t = 0; t < types; ++t) {
                const TicketTypeSpec& type = spec.ticket_types[t];
                if (type.rate <= 0.0)
                    continue;
                Generator g;
                g.id = s * types + t;
                g.street = street;
                g.intake = org.ancestor(street,
                                        spec.channels[static_cast<std::size_t>(type.channel)].tier);
                g.type = static_cast<std::int32_t>(t);
                g.base_per_hour = type.rate * org.unit(street).population / 10'000.0 / 24.0;
                // The generator lives where its tickets are taken in, so creation never
                // crosses LPs.
                LpState& lp = lps[static_cast<std::size_t>(org.unit(g.intake).lp)];
                lp.generators.push_back(g);
                const auto index = static_cast<std::uint32_t>(lp.generators.size() - 1);
                schedule_next_arrival(lp, index, 0);
            }
        }
    }

    // ---- arrivals ----------------------------------------------------------------------

    /// Next arrival after `from` by inverting the cumulative hazard of the hourly
    /// piecewise-constant rate rate × daily(hour) × weekly(day).
    void schedule_next_arrival(LpState& lp, std::uint32_t index, Tick from) {
        Generator& g = lp.generators[index];
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(g.type)];
        RandomStream rng(spec.seed, g.id | generator_stream_bit, g.draws);
        double hazard = rng.exponential(1.0);
        g.draws = rng.draws();
        double t_h = to_hours(from);
        const double end_h = to_hours(end);
        while (t_h < end_h) {
            const double hour_index = std::floor(t_h);
            const auto hour_of_week = static_cast<long>(hour_index) % 168;
            const double rate = g.base_per_hour *
                                type.daily_profile[static_cast<std::size_t>(hour_of_week % 24)] *
                                type.weekly_profile[static_cast<std::size_t>(hour_of_week / 24)];
            const double segment = hour_index + 1.0 - t_h;
            if (rate > 0.0 && hazard <= rate * segment) {
                t_h += hazard / rate;
                const Tick at = std::max(from, from_hours(t_h));
                if (at >= end)
                    return;
                lp.queue.push(
                    Event{at, g.id, static_cast<std::uint32_t>(g.count), kind_generate, index});
                return;
            }
            hazard -= rate * segment;
            t_h = hour_index + 1.0;
        }
    }

    void generate(LpState& lp, const Event& e) {
        Generator& g = lp.generators[e.slot];
        Ticket t;
        t.id = g.count * generator_count + g.id;
        t.created = e.time;
        t.type = g.type;
        t.origin = g.street;
        t.intake = g.intake;
        t.unit = g.intake;
        t.phase = Phase::intake;
        ++g.count;
        const std::uint32_t slot = lp.allocate(t);
        bump(lp.arrivals, e.time, static_cast<std::size_t>(org.unit(g.intake).tier));
        trace(lp, lp.tickets[slot], e.time, g.intake, -1, EventKind::created);
        enqueue(lp, slot, e.time);
        schedule_next_arrival(lp, e.slot, e.time);
    }

    // ---- stations ----------------------------------------------------------------------

    [[nodiscard]] std::size_t station_of(const Ticket& t) const {
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        if (t.phase == Phase::intake)
            return intake_station(spec, t.unit, type.channel);
        return department_station(spec, t.unit, type.departments[static_cast<std::size_t>(t.step)]);
    }

    void enqueue(LpState& lp, std::uint32_t slot, Tick now) {
        Station& s = stations[station_of(lp.tickets[slot])];
        TIERSIM_CHECK(s.servers > 0, "a ticket reached a station without servers");
        if (s.busy < s.servers) {
            start_service(lp, s, slot, now);
        } else {
            s.push(slot);
            ++lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
        }
    }

    void start_service(LpState& lp, Station& s, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        ++s.busy;
        ++lp.busy_now.v[static_cast<std::size_t>(s.tier)];
        RandomStream rng(spec.seed, t.id, t.draws);
        const DistSpec& dist = t.phase == Phase::intake ? type.intake : type.service;
        const Tick work = std::max<Tick>(0, from_hours(sample_hours(dist, rng)));
        t.draws = rng.draws();
        const Calendar& cal = calendars[static_cast<std::size_t>(s.calendar)];
        const Tick start = cal.next_open(now);
        // Response (响应): a department signs for it; for a ticket closed at intake, the
        // moment its intake service began (the call was answered).
        if (t.phase == Phase::step && t.responded < 0)
            t.responded = start;
        if (t.phase == Phase::intake)
            t.intake_started = start;
        const int dept =
            t.phase == Phase::intake ? -1 : type.departments[static_cast<std::size_t>(t.step)];
        trace(lp,
              t,
              start,
              t.unit,
              dept,
              t.phase == Phase::intake ? EventKind::intake_start : EventKind::step_start);
        schedule(lp, slot, cal.advance(start, work), kind_service_done);
    }

    void finish_service(LpState& lp, Station& s, Tick now) {
        --s.busy;
        --lp.busy_now.v[static_cast<std::size_t>(s.tier)];
        if (s.count > 0) {
            --lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
            start_service(lp, s, s.pop(), now);
        }
    }

    // ---- the life cycle ----------------------------------------------------------------

    void schedule(LpState& lp, std::uint32_t slot, Tick at, std::uint16_t kind) {
        Ticket& t = lp.tickets[slot];
        lp.queue.push(Event{at, t.id, t.seq++, kind, slot});
    }

    /// Moves a ticket to `to` after `latency` ticks, through the outbox if `to` is another LP's.
    void send(LpState& lp, std::int32_t lp_index, std::uint32_t slot, UnitId to, Tick at) {
        Ticket& t = lp.tickets[slot];
        t.unit = to;
        const std::int32_t dest = org.unit(to).lp;
        if (dest == lp_index) {
            schedule(lp, slot, at, kind_arrive);
            return;
        }
        lp.outbox.push_back(Message{Event{at, t.id, t.seq++, kind_arrive, 0}, t, dest});
        lp.free_slots.push_back(slot);
    }

    void on_service_done(LpState& lp, std::int32_t lp_index, const Event& e) {
        Ticket& t = lp.tickets[e.slot];
        Station& s = stations[station_of(t)];
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        const std::size_t tier = static_cast<std::size_t>(org.unit(t.unit).tier);
        const Phase phase = t.phase;
        const std::int16_t step = t.step;
        finish_service(lp, s, e.time);  // may start the next ticket; `t` stays valid (no realloc)

        Ticket& tk = lp.tickets[e.slot];
        RandomStream rng(spec.seed, tk.id, tk.draws);
        if (phase == Phase::intake) {
            trace(lp, tk, e.time, tk.unit, -1, EventKind::intake_done);
            const bool close = type.departments.empty() || rng.bernoulli(type.close_at_intake);
            tk.draws = rng.draws();
            if (close) {
                if (tk.responded < 0)
                    tk.responded = tk.intake_started;
                close_ticket(lp, e.slot, e.time);
                return;
            }
            dispatch(lp, lp_index, e.slot, e.time);
            return;
        }
        const int dept = type.departments[static_cast<std::size_t>(step)];
        trace(lp, tk, e.time, tk.unit, dept, EventKind::step_done);
        // 退单: the department sends it back to dispatch, which reviews and re-dispatches.
        if (tk.returns < spec.max_returns && rng.bernoulli(spec.levers.return_probability)) {
            tk.draws = rng.draws();
            ++tk.returns;
            add_cost(lp, tk, e.time, tier, spec.levers.handoff_cost_h);
            trace(lp, tk, e.time, tk.unit, dept, EventKind::returned);
            const UnitId authority = org.ancestor(tk.origin, type.authority);
            tk.hops = static_cast<std::int16_t>(tk.hops + tier_distance(tk.unit, tk.intake) +
                                                tier_distance(tk.intake, authority));
            const double latency = org.path_latency_h(tk.unit, tk.intake, spec) +
                                   spec.return_review_h +
                                   org.path_latency_h(tk.intake, authority, spec);
            tk.phase = Phase::transfer;
            tk.step = 0;
            send(lp, lp_index, e.slot, authority, e.time + from_hours(latency));
            return;
        }
        if (static_cast<std::size_t>(step) + 1 < type.departments.size()) {
            ++tk.handoffs;
            tk.step = static_cast<std::int16_t>(step + 1);
            tk.phase = Phase::handoff;
            tk.draws = rng.draws();
            add_cost(lp, tk, e.time, tier, spec.levers.handoff_cost_h);
            trace(lp,
                  tk,
                  e.time,
                  tk.unit,
                  type.departments[static_cast<std::size_t>(tk.step)],
                  EventKind::handoff);
            schedule(lp, e.slot, e.time + from_hours(spec.levers.handoff_h), kind_arrive);
            return;
        }
        // Done here: escalate to the parent with the tier's probability, else close.
        const UnitId parent = org.unit(tk.unit).parent;
        const bool escalate = parent != no_unit && rng.bernoulli(type.escalate[tier]);
        tk.draws = rng.draws();
        if (escalate) {
            ++tk.escalations;
            ++tk.hops;
            tk.phase = Phase::transfer;
            tk.step = 0;
            trace(lp, tk, e.time, parent, -1, EventKind::escalated);
            send(lp, lp_index, e.slot, parent, e.time + from_hours(spec.tiers[tier].transfer_h));
            return;
        }
        close_ticket(lp, e.slot, e.time);
    }

    /// Hops between a unit and its ancestor or descendant.
    [[nodiscard]] int tier_distance(UnitId a, UnitId b) const {
        return std::abs(static_cast<int>(org.unit(a).tier) - static_cast<int>(org.unit(b).tier));
    }

    /// 派单: from the intake unit to the unit with authority in the origin's chain.
    void dispatch(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        const UnitId authority = org.ancestor(t.origin, type.authority);
        const double latency = org.path_latency_h(t.intake, authority, spec);
        t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.intake, authority));
        t.phase = Phase::transfer;
        t.step = 0;
        trace(lp, t, now, authority, -1, EventKind::dispatched);
        if (authority == t.intake) {
            arrive(lp, slot, now);
            return;
        }
        send(lp, lp_index, slot, authority, now + from_hours(latency));
    }

    void arrive(LpState& lp, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        if (t.phase == Phase::transfer) {
            bump(lp.arrivals, now, static_cast<std::size_t>(org.unit(t.unit).tier));
            trace(lp, t, now, t.unit, -1, EventKind::arrived);
        }
        t.phase = Phase::step;
        enqueue(lp, slot, now);
    }

    void close_ticket(LpState& lp, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        RandomStream rng(spec.seed, t.id, t.draws);
        const bool solved = rng.bernoulli(type.solve_probability);
        // Working days are those of the authority tier's calendar.
        const Calendar& working_days = calendars[static_cast<std::size_t>(
            spec.tiers[static_cast<std::size_t>(type.authority)].calendar)];
        const Tick deadline = working_days.working_day_deadline(t.created, type.resolve_wd);
        const bool in_time = now <= deadline;
        double p_satisfied =
            solved ? spec.citizens.satisfied_if_solved : spec.citizens.satisfied_if_unsolved;
        if (!in_time)
            p_satisfied *= spec.citizens.late_factor;
        const bool satisfied = rng.bernoulli(p_satisfied);
        t.draws = rng.draws();

        const std::size_t tier = static_cast<std::size_t>(org.unit(t.unit).tier);
        bump(lp.closed_count, now, tier);
        trace(lp, t, now, t.unit, -1, EventKind::closed);
        TicketRecord r = record_of(t);
        r.handler = t.unit;
        r.closed_h = to_hours(now);
        r.tier_resolved = static_cast<std::int8_t>(tier);
        r.outcome = Outcome::resolved;
        r.solved = solved ? 1 : 0;
        r.satisfied = satisfied ? 1 : 0;
        r.resolved_in_time = in_time ? 1 : 0;
        lp.closed.push_back(r);
        lp.free_slots.push_back(slot);
    }

    [[nodiscard]] TicketRecord record_of(const Ticket& t) const {
        const TicketTypeSpec& type = spec.ticket_types[static_cast<std::size_t>(t.type)];
        TicketRecord r;
        r.id = static_cast<std::int64_t>(t.id);
        r.type = t.type;
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
        r.visits = static_cast<std::int16_t>(type.channel == Channel::window ? 1 : 0);
        r.coord_cost_h = to_hours(t.coord_cost);
        r.responded_in_time =
            (t.responded >= 0 && t.responded - t.created <= from_hours(type.respond_h)) ? 1 : 0;
        r.province = static_cast<std::int8_t>(org.province_index(t.origin));
        return r;
    }

    void add_cost(LpState& lp, Ticket& t, Tick now, std::size_t tier, double staff_hours) {
        const Tick cost = from_hours(staff_hours);
        t.coord_cost += cost;
        const std::size_t b = bucket_index(now);
        if (b < bucket_count)
            lp.coord_cost[b].v[tier] += cost;
    }

    void trace(LpState& lp, const Ticket& t, Tick at, UnitId unit, int dept, EventKind kind) {
        if (!trace_events)
            return;
        lp.events.push_back(EventRecord{static_cast<std::int64_t>(t.id),
                                        to_hours(at),
                                        unit,
                                        static_cast<std::int16_t>(dept),
                                        kind});
    }

    [[nodiscard]] std::size_t bucket_index(Tick t) const {
        return static_cast<std::size_t>(t / bucket);
    }

    void bump(std::vector<TierCounters>& series, Tick t, std::size_t tier) const {
        const std::size_t b = bucket_index(t);
        if (b < bucket_count)
            ++series[b].v[tier];
    }

    /// Records queue lengths and busy servers at every bucket end <= t.
    void snapshot_until(LpState& lp, Tick t) const {
        while (lp.next_bucket < bucket_count &&
               std::min(end, static_cast<Tick>(lp.next_bucket + 1) * bucket) <= t) {
            lp.queue_len[lp.next_bucket] = lp.waiting_now;
            lp.busy[lp.next_bucket] = lp.busy_now;
            ++lp.next_bucket;
        }
    }

    // ---- the engine loop ---------------------------------------------------------------

    void process_window(std::int32_t lp_index, Tick window_end) {
        LpState& lp = lps[static_cast<std::size_t>(lp_index)];
        while (!lp.queue.empty() && lp.queue.top().time < window_end) {
            const Event e = lp.queue.pop();
            ++lp.processed;
            snapshot_until(lp, e.time);
            switch (e.kind) {
                case kind_generate:
                    generate(lp, e);
                    break;
                case kind_service_done:
                    on_service_done(lp, lp_index, e);
                    break;
                case kind_arrive:
                    arrive(lp, e.slot, e.time);
                    break;
                default:
                    TIERSIM_CHECK(false, "unknown event kind");
            }
        }
        snapshot_until(lp, window_end);
    }

    /// Delivers every outbox message to its LP (the order of delivery does not matter: the
    /// event order is total).
    void exchange() {
        for (auto& from : lps) {
            for (const Message& m : from.outbox) {
                LpState& to = lps[static_cast<std::size_t>(m.to_lp)];
                Event e = m.event;
                e.slot = to.allocate(m.ticket);
                to.queue.push(e);
            }
            from.outbox.clear();
        }
    }

    void collect(std::vector<TicketRecord>& tickets, std::vector<EventRecord>& events) {
        for (auto& lp : lps) {
            tickets.insert(tickets.end(), lp.closed.begin(), lp.closed.end());
            lp.closed.clear();
            events.insert(events.end(), lp.events.begin(), lp.events.end());
            lp.events.clear();
        }
        std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
            return a.closed_h != b.closed_h ? a.closed_h < b.closed_h : a.id < b.id;
        });
        // Stable: one ticket's events at one instant keep the order it made them in.
        std::stable_sort(
            events.begin(), events.end(), [](const EventRecord& a, const EventRecord& b) {
                return a.t_h != b.t_h ? a.t_h < b.t_h : a.ticket < b.ticket;
            });
    }

    /// Every ticket still in the system, by id.
    void collect_open(std::vector<TicketRecord>& tickets) {
        for (auto& lp : lps) {
            std::vector<bool> is_free(lp.tickets.size(), false);
            for (auto slot : lp.free_slots)
                is_free[slot] = true;
            for (std::size_t i = 0; i < lp.tickets.size(); ++i) {
                if (is_free[i])
                    continue;
                TicketRecord r = record_of(lp.tickets[i]);
                r.outcome = Outcome::open_at_end;
                tickets.push_back(r);
            }
        }
        std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
            return a.id < b.id;
        });
    }

    RunOutcome run(const RunHooks& hooks) {
        RunOutcome outcome;
        std::vector<TicketRecord> tickets;
        std::vector<EventRecord> events;
        Tick reached = 0;
        for (;;) {
            Tick next = engine::never;
            for (const auto& lp : lps)
                next = std::min(next, lp.queue.next_time());
            if (next >= end) {
                reached = end;
                break;
            }
            if (hooks.stop != nullptr && hooks.stop->load()) {
                reached = next;
                outcome.interrupted = true;
                break;
            }
            const Tick window_end = std::min(end, next + lookahead);
            tbb::parallel_for(
                tbb::blocked_range<std::size_t>(0, lps.size(), 1),
                [&](const tbb::blocked_range<std::size_t>& r) {
                    for (std::size_t i = r.begin(); i != r.end(); ++i) {
                        process_window(static_cast<std::int32_t>(i), window_end);
                    }
                },
                tbb::simple_partitioner());
            exchange();
            ++outcome.windows;
            collect(tickets, events);
            if (hooks.on_records)
                hooks.on_records(tickets, events);
            tickets.clear();
            events.clear();
            reached = window_end;
            if (hooks.on_progress)
                hooks.on_progress(to_hours(reached));
        }
        for (auto& lp : lps)
            snapshot_until(lp, reached);
        collect_open(tickets);
        if (hooks.on_records)
            hooks.on_records(tickets, events);

        outcome.end_h = to_hours(reached);
        for (const auto& lp : lps)
            outcome.events += lp.processed;
        const std::size_t buckets =
            std::min(bucket_count, static_cast<std::size_t>((reached + bucket - 1) / bucket));
        for (std::size_t b = 0; b < buckets; ++b) {
            for (std::size_t tier = 0; tier < tier_count; ++tier) {
                SeriesRow p;
                p.t_h = to_hours(std::min(end, static_cast<Tick>(b + 1) * bucket));
                p.tier = static_cast<std::int8_t>(tier);
                Tick cost = 0;
                for (const auto& lp : lps) {
                    p.arrivals += lp.arrivals[b].v[tier];
                    p.closed += lp.closed_count[b].v[tier];
                    p.queue_len += lp.queue_len[b].v[tier];
                    p.busy_staff += lp.busy[b].v[tier];
                    cost += lp.coord_cost[b].v[tier];
                }
                p.coord_cost_h = to_hours(cost);
                outcome.series.push_back(p);
            }
        }
        return outcome;
    }
};

Simulation::Simulation(const ScenarioSpec& spec, const Organisation& org, bool trace_events)
    : impl_(std::make_unique<Impl>(spec, org, trace_events)) {
    impl_->build();
}

Simulation::~Simulation() = default;

RunOutcome Simulation::run(const RunHooks& hooks) {
    return impl_->run(hooks);
}

double Simulation::lookahead_h() const {
    return to_hours(impl_->lookahead);
}

}  // namespace tiersim::model
