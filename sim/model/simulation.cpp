// SPDX-License-Identifier: MIT
// The ticket life cycle of DESIGN §2.4 on the engine of §3.
//
// Each logical process (LP) owns some units, their stations (see station_plan.hpp: intakes,
// departments, split windows, an approval bureau, a leader queue; the province LPs also own the
// links to other provinces), the tickets currently at them and the arrival generators of the
// streets whose intake it holds. LPs advance in parallel through conservative windows
// [T, T + L), L being the least latency of any edge between LPs; a ticket that moves to another
// LP travels as a message that arrives no earlier than T + L.
//
// A server that takes a ticket while its calendar is closed starts at the next opening, and
// work that is under way at closing resumes at the next opening: Calendar::advance does both.
//
// Ticket ids: a generated ticket has id = count × generators + generator (< 2^56); a repeat
// call adds 2^56 to the id of the ticket it chases (each ticket is chased at most once, so ids
// stay unique); the local part of a 多地联办 ticket (a "shadow", never recorded) sets bit 62.
//
// A citizen's chase (催办) is a timer event at the LP that holds the ticket. A ticket that moves
// to another LP takes its chase time with it and the receiving LP schedules the timer again (at
// the arrival if the time has passed in transit); a stale timer left behind finds its slot free
// or holding another ticket and does nothing. An abandoned ticket is dropped at its next event
// or when it reaches the head of a queue.
//
// MPI (DESIGN §3, `mpirun -n K tiersim run`): every rank builds the whole model, then keeps a
// contiguous block of LPs, balanced by arrival rate (partition_lps), and frees the rest. The
// ranks run the same windows as one process (run_ranks). After a window, one allgather carries
// each rank's next event time (its queues and the messages it sends: delivery schedules nothing
// earlier than a message's time), its stop flag, its buffered records and its message count per
// rank, so that every rank knows the next window, whether to stop and what it will receive;
// an alltoallv then carries the messages that cross ranks. A receiving LP must allocate slots
// and chase timers in the one-process order (source LP, then outbox order): the buffers arrive
// by source rank and the blocks ascend with the rank, so taking them in rank order (this rank's
// own outboxes at its turn) is that order. Every few windows the records are gathered on rank 0
// rank by rank, which is again LP order, and each window's are sorted as in one process
// (flush); the series counters are summed over ranks (integers: exact). Only rank 0 sees the
// records and the progress.
#include "tiersim/model/simulation.hpp"

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/model/arrival_variants.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/distributions.hpp"
#include "tiersim/model/province_levers.hpp"
#include "tiersim/model/station_plan.hpp"
#include "tiersim/model/ticket.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

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
constexpr std::uint16_t kind_chase = 2;
constexpr std::uint16_t kind_generate = 3;

// Generator streams live in their own half of the entity space, apart from ticket ids.
constexpr std::uint64_t generator_stream_bit = std::uint64_t{1} << 63;
constexpr std::uint64_t shadow_bit = std::uint64_t{1} << 62;
constexpr int repeat_shift = 56;
constexpr std::uint64_t max_repeat_depth = 63;
constexpr std::uint64_t free_id = std::numeric_limits<std::uint64_t>::max();

/// c servers and a FIFO of waiting (slot, step) entries of the owning LP's pool.
struct Station {
    std::int32_t servers = 0;
    std::int32_t busy = 0;
    std::int32_t calendar = 0;
    std::int8_t tier = 0;
    std::vector<std::uint64_t> ring;  // grows by doubling, never shrinks
    std::uint32_t head = 0;
    std::uint32_t count = 0;

    void push(std::uint64_t entry) {
        if (count == ring.size())
            grow();
        ring[(head + count) % ring.size()] = entry;
        ++count;
    }

    std::uint64_t pop() {
        const std::uint64_t entry = ring[head];
        head = static_cast<std::uint32_t>((head + 1) % ring.size());
        --count;
        return entry;
    }

private:
    void grow() {
        std::vector<std::uint64_t> bigger(ring.empty() ? 16 : ring.size() * 2);
        for (std::uint32_t i = 0; i < count; ++i)
            bigger[i] = ring[(head + i) % ring.size()];
        ring.swap(bigger);
        head = 0;
    }
};

std::uint64_t entry_of(std::uint32_t slot, int step) {
    return (static_cast<std::uint64_t>(static_cast<std::uint16_t>(step)) << 32) | slot;
}

/// Non-homogeneous Poisson arrivals of one ticket type at one street, in one variant.
struct Generator {
    std::uint64_t id = 0;  // global: (street ordinal × types + type) × variants + variant
    UnitId street = no_unit;
    UnitId intake = no_unit;
    std::int32_t type = 0;
    Channel channel = Channel::hotline;
    CrossMode cross = CrossMode::none;
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

static_assert(std::is_trivially_copyable_v<Message>, "messages travel between MPI ranks as bytes");

/// Per-bucket counts of one LP: the /series columns, by tier.
enum Counter : std::uint8_t {
    c_arrivals,
    c_closed,
    c_returns,
    c_escalations,
    c_leader,
    c_materials,
    c_visits,
    c_repeat_calls,
    c_abandoned,
    c_data_applied,
    counter_count
};

struct BucketCounts {
    std::array<std::array<std::int64_t, tier_count>, counter_count> n{};
    std::array<std::array<Tick, tier_count>, cost_kind_count> cost{};
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
    // 多地联办 at a home authority: main tickets waiting for their local part, and local parts
    // that arrived first. Rare, so hash containers are fine here.
    std::unordered_map<std::uint64_t, std::uint32_t> join_waiting;
    std::unordered_map<std::uint64_t, std::array<std::int64_t, cost_kind_count>> join_early;

    // Series: per bucket; snapshots per tier.
    std::vector<BucketCounts> counts;
    std::vector<TierCounters> queue_len, busy;
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

    void release(std::uint32_t slot) {
        tickets[slot].id = free_id;
        free_slots.push_back(slot);
    }
};

}  // namespace

struct Simulation::Impl {
    const ScenarioSpec& spec;
    const Organisation& org;
    bool trace_events;
    std::vector<Calendar> calendars;
    std::vector<Levers> levers;     // by province index
    std::vector<double> migration;  // P(home j | origin i), row-major
    std::vector<std::vector<UnitId>> province_streets;
    std::vector<std::vector<double>> province_street_cdf;  // cumulative population
    StationIndex index;
    std::vector<Station> stations;
    std::vector<LpState> lps;
    const engine::MpiWorld* world = nullptr;  // null: one process
    int rank = 0;
    int ranks = 1;
    std::size_t lp_begin = 0;  // this rank's LPs: [lp_begin, lp_end)
    std::size_t lp_end = 0;
    std::vector<int> lp_rank;  // owning rank of each LP
    std::uint64_t generator_count = 0;
    Tick lookahead = 0;
    Tick end = 0;
    Tick bucket = 0;
    std::size_t bucket_count = 0;

    Impl(const ScenarioSpec& s, const Organisation& o, bool trace, const engine::MpiWorld* w)
        : spec(s),
          org(o),
          trace_events(trace),
          index(s, o),
          world(w),
          rank(w == nullptr ? 0 : w->rank()),
          ranks(w == nullptr ? 1 : w->size()) {}

    // ---- set-up ------------------------------------------------------------------------

    void build() {
        for (const auto& c : spec.calendars)
            calendars.emplace_back(c);
        levers = levers_by_province(spec, org);
        migration = migration_matrix(spec, org);
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

        province_streets.resize(static_cast<std::size_t>(org.province_count()));
        province_street_cdf.resize(province_streets.size());
        for (UnitId s : org.units_at(Tier::street)) {
            const auto p = static_cast<std::size_t>(org.province_index(s));
            const double before =
                province_street_cdf[p].empty() ? 0.0 : province_street_cdf[p].back();
            province_streets[p].push_back(s);
            province_street_cdf[p].push_back(before + org.unit(s).population);
        }
        build_stations();
        build_lps();
        partition_lps();
    }

    /// Contiguous blocks of LPs, one per rank, of about equal arrival rate (plus one ticket an
    /// hour per LP, so that LPs without generators count too). Deterministic; it does not
    /// change the results, only the balance. Other ranks' LPs are freed here.
    void partition_lps() {
        lp_rank.assign(lps.size(), 0);
        lp_begin = 0;
        lp_end = lps.size();
        if (ranks == 1)
            return;
        std::vector<double> weight(lps.size(), 1.0);
        double total = 0.0;
        for (std::size_t i = 0; i < lps.size(); ++i) {
            for (const Generator& g : lps[i].generators)
                weight[i] += g.base_per_hour;
            total += weight[i];
        }
        // LP i goes to the rank whose share of the total holds the middle of its weight.
        double before = 0.0;
        for (std::size_t i = 0; i < lps.size(); ++i) {
            const double middle = before + weight[i] / 2.0;
            before += weight[i];
            const auto r = static_cast<int>(middle / total * ranks);
            lp_rank[i] = std::clamp(r, i == 0 ? 0 : lp_rank[i - 1], ranks - 1);
        }
        lp_begin = static_cast<std::size_t>(std::lower_bound(lp_rank.begin(), lp_rank.end(), rank) -
                                            lp_rank.begin());
        lp_end = static_cast<std::size_t>(std::upper_bound(lp_rank.begin(), lp_rank.end(), rank) -
                                          lp_rank.begin());
        for (std::size_t i = 0; i < lps.size(); ++i) {
            if (lp_rank[i] != rank)
                lps[i] = LpState{};
        }
    }

    void build_stations() {
        const auto plan = plan_stations(spec, org, levers, index);
        stations.resize(plan.size());
        const auto province_tier = static_cast<std::int8_t>(Tier::province);
        for (std::size_t i = 0; i < plan.size(); ++i) {
            stations[i].servers = plan[i].servers;
            stations[i].calendar = plan[i].calendar;
            const UnitId u = index.unit_of(i);
            stations[i].tier =
                u == no_unit ? province_tier : static_cast<std::int8_t>(org.unit(u).tier);
        }
    }

    void build_lps() {
        lps.resize(static_cast<std::size_t>(org.lp_count()));
        for (auto& lp : lps) {
            lp.counts.resize(bucket_count);
            lp.queue_len.resize(bucket_count);
            lp.busy.resize(bucket_count);
        }
        const auto streets = org.units_at(Tier::street);
        const std::size_t types = spec.ticket_types.size();
        generator_count = streets.size() * types * arrival_variant_count;
        for (std::size_t s = 0; s < streets.size(); ++s) {
            const UnitId street = streets[s];
            const Levers& lv = lever(street);
            for (std::size_t t = 0; t < types; ++t) {
                const TicketTypeSpec& type = spec.ticket_types[t];
                if (type.rate <= 0.0)
                    continue;
                const double base = type.rate * org.unit(street).population / 10'000.0 / 24.0;
                const auto variants = arrival_variants(type, lv);
                for (std::size_t v = 0; v < arrival_variant_count; ++v) {
                    if (!(variants[v].share > 0.0))
                        continue;
                    Generator g;
                    g.id = (s * types + t) * arrival_variant_count + v;
                    g.street = street;
                    g.channel = variants[v].channel;
                    g.cross = variants[v].cross;
                    g.intake = org.ancestor(
                        street, spec.channels[static_cast<std::size_t>(g.channel)].tier);
                    g.type = static_cast<std::int32_t>(t);
                    g.base_per_hour = base * variants[v].share;
                    // The generator lives where its tickets are taken in, so creation never
                    // crosses LPs.
                    LpState& lp = lps[static_cast<std::size_t>(org.unit(g.intake).lp)];
                    lp.generators.push_back(g);
                    const auto gi = static_cast<std::uint32_t>(lp.generators.size() - 1);
                    schedule_next_arrival(lp, gi, 0);
                }
            }
        }
    }

    [[nodiscard]] const Levers& lever(UnitId unit) const {
        return levers[static_cast<std::size_t>(org.province_index(unit))];
    }

    [[nodiscard]] const TicketTypeSpec& type_of(const Ticket& t) const {
        return spec.ticket_types[static_cast<std::size_t>(t.type)];
    }

    [[nodiscard]] std::size_t tier_at(UnitId unit) const {
        return static_cast<std::size_t>(org.unit(unit).tier);
    }

    // ---- arrivals ----------------------------------------------------------------------

    /// Next arrival after `from` by inverting the cumulative hazard of the hourly
    /// piecewise-constant rate rate × daily(hour) × weekly(day).
    void schedule_next_arrival(LpState& lp, std::uint32_t gi, Tick from) {
        Generator& g = lp.generators[gi];
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
                    Event{at, g.id, static_cast<std::uint32_t>(g.count), kind_generate, 0, gi});
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
        t.home = g.street;
        t.intake = g.intake;
        t.unit = g.intake;
        t.channel = g.channel;
        t.cross = g.cross;
        t.phase = Phase::intake;
        t.visits = static_cast<std::int16_t>(g.channel == Channel::window ? 1 : 0);
        ++g.count;
        if (t.cross != CrossMode::none) {
            // The home: another province by the migration matrix, then a street there by
            // population.
            RandomStream rng(spec.seed, t.id, t.draws);
            const auto n = static_cast<std::size_t>(org.province_count());
            const auto from = static_cast<std::size_t>(org.province_index(g.street));
            double u = rng.uniform();
            std::size_t home = from;
            for (std::size_t j = 0; j < n; ++j) {
                const double p = migration[from * n + j];
                if (!(p > 0.0))
                    continue;
                home = j;  // the last possible home takes what rounding leaves of the row
                if (u < p)
                    break;
                u -= p;
            }
            const auto& cdf = province_street_cdf[home];
            const double x = rng.uniform() * cdf.back();
            const auto it = std::upper_bound(cdf.begin(), cdf.end(), x);
            const auto k =
                std::min<std::size_t>(static_cast<std::size_t>(it - cdf.begin()), cdf.size() - 1);
            t.home = province_streets[home][k];
            t.draws = rng.draws();
        }
        start_patience(t, e.time);
        const std::uint32_t slot = lp.allocate(t);
        schedule_chase(lp, slot, e.time);
        bump(lp, c_arrivals, e.time, tier_at(g.intake));
        if (t.visits > 0)
            bump(lp, c_visits, e.time, tier_at(g.intake));
        trace(lp, lp.tickets[slot], e.time, g.intake, -1, EventKind::created);
        enqueue(lp, slot, 0, e.time);
        schedule_next_arrival(lp, e.slot, e.time);
    }

    void start_patience(Ticket& t, Tick now) const {
        if (t.channel == Channel::grid || std::isinf(spec.citizens.patience_h))
            return;
        t.chase_at = now + from_hours(spec.citizens.patience_h);
    }

    void schedule_chase(LpState& lp, std::uint32_t slot, Tick not_before) {
        Ticket& t = lp.tickets[slot];
        if (t.chase_at < 0 || t.chase_at >= end)
            return;
        lp.queue.push(Event{std::max(t.chase_at, not_before), t.id, t.seq++, kind_chase, 0, slot});
    }

    // ---- stations ----------------------------------------------------------------------

    [[nodiscard]] bool in_bureau(UnitId unit, int department) const {
        const Levers& lv = lever(unit);
        if (lv.design[tier_at(unit)] != Design::approval_bureau)
            return false;
        const auto d = static_cast<std::size_t>(department);
        return d >= spec.department_approval.size() || spec.department_approval[d];
    }

    [[nodiscard]] std::size_t station_of(const Ticket& t, int step) const {
        const TicketTypeSpec& type = type_of(t);
        switch (t.phase) {
            case Phase::intake:
                if (t.channel == Channel::window && !lever(t.unit).generalist_windows &&
                    !type.departments.empty())
                    return index.window(t.unit, type.departments.front());
                return index.intake(t.unit, t.channel);
            case Phase::leader:
                return index.leader(t.unit);
            case Phase::link:
                return index.link(org.province_index(t.unit), org.province_index(t.home));
            default: {
                const int dept = type.departments[static_cast<std::size_t>(step)];
                return in_bureau(t.unit, dept) ? index.bureau(t.unit)
                                               : index.department(t.unit, dept);
            }
        }
    }

    void enqueue(LpState& lp, std::uint32_t slot, int step, Tick now) {
        const std::size_t si = station_of(lp.tickets[slot], step);
        Station& s = stations[si];
        TIERSIM_CHECK(s.servers > 0, "a ticket reached a station without servers");
        if (s.busy < s.servers) {
            start_service(lp, s, slot, step, now);
        } else {
            s.push(entry_of(slot, step));
            ++lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
        }
    }

    /// The work of one service, in hours, by what the station does.
    double work_hours(const Ticket& t, RandomStream& rng) const {
        const TicketTypeSpec& type = type_of(t);
        switch (t.phase) {
            case Phase::intake: {
                double h = sample_hours(type.intake, rng);
                const Levers& lv = lever(t.unit);
                if (t.channel == Channel::window && lv.generalist_windows)
                    h *= lv.generalist_slowdown;
                return h;
            }
            case Phase::leader: {
                const Levers& lv = lever(t.unit);
                return rng.exponential(lv.leader_decision_h / lv.leader_engagement);
            }
            case Phase::link:
                return rng.exponential(spec.cross.link_service_h);
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

    void start_service(LpState& lp, Station& s, std::uint32_t slot, int step, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        ++s.busy;
        ++lp.busy_now.v[static_cast<std::size_t>(s.tier)];
        RandomStream rng(spec.seed, t.id, t.draws);
        const Tick work = std::max<Tick>(0, from_hours(work_hours(t, rng)));
        t.draws = rng.draws();
        t.work = work;
        const Calendar& cal = calendars[static_cast<std::size_t>(s.calendar)];
        const Tick start = cal.next_open(now);
        const bool is_step = t.phase == Phase::step || t.phase == Phase::fork;
        // Response (受理/签收): a window or portal item is accepted when its intake begins; a
        // hotline or grid ticket when a department first signs for it.
        const bool accepted_at_intake =
            t.channel == Channel::window || t.channel == Channel::online;
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
        lp.queue.push(Event{cal.advance(start, work),
                            t.id,
                            t.seq++,
                            kind_service_done,
                            static_cast<std::uint16_t>(step),
                            slot});
    }

    void finish_service(LpState& lp, Station& s, Tick now) {
        --s.busy;
        --lp.busy_now.v[static_cast<std::size_t>(s.tier)];
        while (s.count > 0) {
            --lp.waiting_now.v[static_cast<std::size_t>(s.tier)];
            const std::uint64_t entry = s.pop();
            const auto slot = static_cast<std::uint32_t>(entry & 0xffffffffU);
            if (lp.tickets[slot].has(flag_abandoned)) {
                drop_abandoned(lp, slot);
                continue;
            }
            start_service(lp, s, slot, static_cast<int>(entry >> 32), now);
            break;
        }
    }

    // ---- moving tickets ----------------------------------------------------------------

    void schedule(LpState& lp, std::uint32_t slot, Tick at) {
        Ticket& t = lp.tickets[slot];
        lp.queue.push(Event{at, t.id, t.seq++, kind_arrive, 0, slot});
    }

    /// Moves a ticket to `to`, arriving at `at`, through the outbox if `to` is another LP's.
    void send(LpState& lp, std::int32_t lp_index, std::uint32_t slot, UnitId to, Tick at) {
        Ticket& t = lp.tickets[slot];
        t.unit = to;
        const std::int32_t dest = org.unit(to).lp;
        if (dest == lp_index) {
            schedule(lp, slot, at);
            return;
        }
        lp.outbox.push_back(Message{Event{at, t.id, t.seq++, kind_arrive, 0, 0}, t, dest});
        lp.release(slot);
    }

    /// Hops between a unit and its ancestor or descendant.
    [[nodiscard]] int tier_distance(UnitId a, UnitId b) const {
        return std::abs(static_cast<int>(org.unit(a).tier) - static_cast<int>(org.unit(b).tier));
    }

    [[nodiscard]] bool is_ancestor(UnitId a, UnitId of) const {
        return org.ancestor(of, org.unit(a).tier) == a;
    }

    /// Travel time between any two units: up to the lowest common ancestor and down again, or
    /// up to the province, over the link and down in the other province.
    [[nodiscard]] double travel_h(UnitId from, UnitId to) const {
        double h = 0.0;
        UnitId a = from;
        while (!is_ancestor(a, to)) {
            const UnitId parent = org.unit(a).parent;
            if (parent == no_unit) {
                h += spec.link_h;
                a = org.unit(to).province;
                break;
            }
            h += spec.tiers[tier_at(a)].transfer_h;
            a = parent;
        }
        return h + org.path_latency_h(a, to, spec);
    }

    /// The unit with authority for a ticket: in its home's chain (another province's for
    /// 跨省通办).
    [[nodiscard]] UnitId authority_of(const Ticket& t) const {
        // The local part of a 多地联办 ticket is handled where the applicant lives; it keeps
        // the home so that its result can find the main ticket.
        return org.ancestor(t.has(flag_shadow) ? t.origin : t.home, type_of(t).authority);
    }

    void add_cost(LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, double h) {
        add_cost_ticks(lp, t, now, tier, kind, from_hours(h));
    }

    void add_cost_ticks(LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, Tick c) {
        t.cost[static_cast<std::size_t>(kind)] += c;
        const std::size_t b = bucket_index(now);
        if (b < bucket_count)
            lp.counts[b].cost[static_cast<std::size_t>(kind)][tier] += c;
    }

    // ---- the life cycle ----------------------------------------------------------------

    void on_service_done(LpState& lp, std::int32_t lp_index, const Event& e) {
        const int step = e.aux;
        {
            Ticket& t = lp.tickets[e.slot];
            Station& s = stations[station_of(t, step)];
            finish_service(lp, s, e.time);  // may start the next ticket; `t` stays valid
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
            case Phase::link:
                link_done(lp, lp_index, e.slot, e.time);
                return;
            default:
                TIERSIM_CHECK(false, "a service ended in a phase without a queue");
        }
    }

    void intake_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        trace(lp, t, now, t.unit, -1, EventKind::intake_done);
        if (type.route == Route::upward) {
            finish_at_unit(lp, lp_index, slot, now);
            return;
        }
        RandomStream rng(spec.seed, t.id, t.draws);
        const bool close = type.departments.empty() ||
                           (t.cross == CrossMode::none && rng.bernoulli(type.close_at_intake));
        t.draws = rng.draws();
        if (close) {
            if (t.responded < 0)
                t.responded = t.intake_started;
            close_ticket(lp, lp_index, slot, now, true);
            return;
        }
        if (t.cross == CrossMode::joint)
            spawn_local_part(lp, lp_index, slot, now);
        dispatch(lp, lp_index, slot, now);
    }

    /// 派单: from the intake unit to the unit with authority; 跨省通办 tickets go up to their
    /// province and through the link queue to the home province first.
    void dispatch(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const UnitId authority = authority_of(t);
        trace(lp, t, now, authority, -1, EventKind::dispatched);
        if (t.cross != CrossMode::none) {
            const UnitId province = org.unit(t.intake).province;
            t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.intake, province));
            double latency = org.path_latency_h(t.intake, province, spec);
            if (t.cross == CrossMode::proxy)
                latency += spec.cross.courier_h;  // 异地代收: materials go by courier
            t.phase = Phase::link;
            send(lp, lp_index, slot, province, now + from_hours(latency));
            return;
        }
        t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.intake, authority));
        to_authority(lp, lp_index, slot, now);
    }

    /// From the intake unit down (or up) to the unit with authority.
    void to_authority(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const UnitId authority = authority_of(t);
        t.phase = Phase::transfer;
        t.step = 0;
        if (authority == t.intake) {
            arrive(lp, lp_index, slot, now);
            return;
        }
        send(lp,
             lp_index,
             slot,
             authority,
             now + from_hours(org.path_latency_h(t.intake, authority, spec)));
    }

    void link_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const UnitId authority = authority_of(t);
        const UnitId home_province = org.unit(t.home).province;
        add_cost(lp, t, now, tier_at(t.unit), CostKind::cross, lever(t.unit).handoff_cost_h);
        t.hops = static_cast<std::int16_t>(t.hops + 1 + tier_distance(home_province, authority));
        trace(lp, t, now, home_province, -1, EventKind::link);
        t.phase = Phase::transfer;
        send(lp,
             lp_index,
             slot,
             authority,
             now + from_hours(spec.link_h + org.path_latency_h(home_province, authority, spec)));
    }

    /// 多地联办: the local part, handled by the applicant's own authority in parallel.
    void spawn_local_part(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket local = lp.tickets[slot];
        local.id |= shadow_bit;
        local.draws = 0;
        local.seq = 0;
        local.flags = flag_shadow;
        local.chase_at = -1;
        local.cross = CrossMode::none;
        local.cost = {};
        to_authority(lp, lp_index, lp.allocate(local), now);
    }

    void arrive(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        if (t.has(flag_abandoned)) {
            drop_abandoned(lp, slot);
            return;
        }
        switch (t.phase) {
            case Phase::intake:  // a repeat call reaching its hotline from another LP
                bump(lp, c_arrivals, now, tier_at(t.unit));
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
            case Phase::join:
                trace(lp, t, now, t.unit, -1, EventKind::joined);
                after_steps(lp, lp_index, slot, now, true);
                return;
            case Phase::followup:
                finish_at_unit(lp, lp_index, slot, now);
                return;
            case Phase::closing:
                close_ticket(lp, lp_index, slot, now, false);
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

    /// A ticket at the unit that will handle it: cross-province standards, then materials, then
    /// the department steps.
    void at_handler(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        if (type.route == Route::upward || t.has(flag_shadow)) {
            enter_steps(lp, lp_index, slot, now);
            return;
        }
        const Levers& lv = lever(t.unit);
        const std::size_t tier = tier_at(t.unit);
        if (t.cross != CrossMode::none && !t.has(flag_cross_checked)) {
            t.set(flag_cross_checked);
            RandomStream rng(spec.seed, t.id, t.draws);
            const bool mismatch = rng.bernoulli((1.0 - lv.standardization) * spec.cross.mismatch);
            t.draws = rng.draws();
            if (mismatch) {
                // Back to the applicant and over the link again (by courier for 代收代办).
                ++t.reworks;
                double delay = 2.0 * spec.link_h + spec.citizens.supply_h;
                if (t.cross == CrossMode::proxy)
                    delay += 2.0 * spec.cross.courier_h;
                if (t.channel == Channel::window) {
                    ++t.visits;
                    bump(lp, c_visits, now, tier);
                }
                add_cost(lp, t, now, tier, CostKind::cross, lv.handoff_cost_h);
                trace(lp, t, now, t.unit, -1, EventKind::rework);
                t.phase = Phase::materials;
                schedule(lp, slot, now + from_hours(delay));
                return;
            }
        }
        if (type.materials > 0 && !t.has(flag_materials_done)) {
            t.set(flag_materials_done);
            RandomStream rng(spec.seed, t.id, t.draws);
            int requested = 0;
            for (int m = 0; m < type.materials; ++m)
                requested += rng.bernoulli(lv.data_sharing[tier]) ? 0 : 1;
            int rounds = 0;
            if (requested > 0) {
                // 补正: e-licences also spare re-submissions (P × (1 − s), domain.md §6.2).
                const double incomplete = spec.citizens.incomplete * (1.0 - lv.data_sharing[tier]);
                rounds = 1;
                while (rounds < 100 && rng.bernoulli(incomplete))
                    ++rounds;
            }
            t.draws = rng.draws();
            if (rounds > 0) {
                t.materials_requested =
                    static_cast<std::int16_t>(t.materials_requested + requested);
                t.reworks = static_cast<std::int16_t>(t.reworks + rounds - 1);
                bump_by(lp, c_materials, now, tier, requested);
                if (t.channel == Channel::window) {
                    t.visits = static_cast<std::int16_t>(t.visits + rounds);
                    bump_by(lp, c_visits, now, tier, rounds);
                }
                trace(lp, t, now, t.unit, requested, EventKind::materials_requested);
                const double per_round = t.channel == Channel::online
                                             ? spec.citizens.supply_online_h
                                             : spec.citizens.supply_h;
                const Tick ready = now + from_hours(rounds * per_round);
                if (!lv.accept_incomplete) {
                    t.phase = Phase::materials;
                    schedule(lp, slot, ready);
                    return;
                }
                t.materials_ready = ready;  // 容缺受理: work starts now, closing waits
            }
        }
        enter_steps(lp, lp_index, slot, now);
    }

    void enter_steps(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        const auto n = static_cast<int>(type.departments.size());
        if (n == 0) {
            finish_at_unit(lp, lp_index, slot, now);
            return;
        }
        if (n > 1 && lever(t.unit).design[tier_at(t.unit)] == Design::joint_review) {
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
    [[nodiscard]] double return_probability(const Ticket& t, int step, bool in_meeting) const {
        const TicketTypeSpec& type = type_of(t);
        if (t.returns >= spec.max_returns || t.has(flag_leader_assigned) || t.has(flag_shadow) ||
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

    void step_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, int step, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        const int dept = type.departments[static_cast<std::size_t>(step)];
        trace(lp, t, now, t.unit, dept, EventKind::step_done);
        const double q = return_probability(t, step, false);
        if (q > 0.0) {
            RandomStream rng(spec.seed, t.id, t.draws);
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

    void task_done(LpState& lp, std::uint32_t slot, int step, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        trace(lp,
              t,
              now,
              t.unit,
              type.departments[static_cast<std::size_t>(step)],
              EventKind::step_done);
        if (--t.pending > 0)
            return;
        // 联合审: the departments meet once to join their opinions.
        const Levers& lv = lever(t.unit);
        const auto n = static_cast<double>(type.departments.size());
        add_cost(lp, t, now, tier_at(t.unit), CostKind::meeting, lv.join_cost_h * n);
        t.phase = Phase::join;
        schedule(lp, slot, now + from_hours(lv.join_h));
    }

    /// After the steps at a unit (a joint review's meeting may still return the ticket).
    void after_steps(
        LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool meeting) {
        Ticket& t = lp.tickets[slot];
        if (meeting) {
            const double q = return_probability(t, 0, true);
            if (q > 0.0) {
                RandomStream rng(spec.seed, t.id, t.draws);
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

    /// 退单: back to dispatch, which reviews and re-dispatches it, or after too many returns
    /// to the leader (一把手) of its city or province.
    void do_return(LpState& lp, std::int32_t lp_index, std::uint32_t slot, int dept, Tick now) {
        Ticket& t = lp.tickets[slot];
        const Levers& lv = lever(t.unit);
        const std::size_t tier = tier_at(t.unit);
        ++t.returns;
        t.step = 0;
        bump(lp, c_returns, now, tier);
        add_cost(lp, t, now, tier, CostKind::returned, lv.handoff_cost_h);
        trace(lp, t, now, t.unit, dept, EventKind::returned);
        if (lv.escalate_after_returns > 0 && t.returns >= lv.escalate_after_returns &&
            !t.has(flag_leader_assigned)) {
            const UnitId leader_unit =
                org.unit(t.unit).tier == Tier::province ? t.unit : org.ancestor(t.unit, Tier::city);
            t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, leader_unit));
            t.phase = Phase::leader;
            send(lp,
                 lp_index,
                 slot,
                 leader_unit,
                 now + from_hours(org.path_latency_h(t.unit, leader_unit, spec)));
            return;
        }
        t.phase = Phase::transfer;
        if (t.cross != CrossMode::none) {
            // The home province's dispatch reviews it where it is.
            schedule(lp, slot, now + from_hours(spec.return_review_h));
            return;
        }
        const UnitId authority = authority_of(t);
        t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, t.intake) +
                                           tier_distance(t.intake, authority));
        const double latency = org.path_latency_h(t.unit, t.intake, spec) + spec.return_review_h +
                               org.path_latency_h(t.intake, authority, spec);
        send(lp, lp_index, slot, authority, now + from_hours(latency));
    }

    void leader_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const std::size_t tier = tier_at(t.unit);
        t.set(flag_leader_assigned);
        bump(lp, c_leader, now, tier);
        add_cost_ticks(lp, t, now, tier, CostKind::leader, t.work);
        trace(lp, t, now, t.unit, -1, EventKind::leader);
        const UnitId authority = authority_of(t);
        t.hops = static_cast<std::int16_t>(t.hops + tier_distance(t.unit, authority));
        t.phase = Phase::transfer;
        send(lp,
             lp_index,
             slot,
             authority,
             now + from_hours(org.path_latency_h(t.unit, authority, spec)));
    }

    /// Done with the department steps at a unit: pass a data update up, escalate, or close.
    void finish_at_unit(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        const std::size_t tier = tier_at(t.unit);
        const UnitId parent = org.unit(t.unit).parent;
        if (type.route == Route::upward) {
            if (org.unit(t.unit).tier == Tier::district && type.reject_probability > 0.0) {
                RandomStream rng(spec.seed, t.id, t.draws);
                const bool rejected = rng.bernoulli(type.reject_probability);
                t.draws = rng.draws();
                if (rejected) {
                    trace(lp, t, now, t.unit, -1, EventKind::rejected);
                    finish_record(lp, slot, now, false, -1);
                    return;
                }
            }
            if (parent == no_unit) {
                bump(lp, c_data_applied, now, tier);
                finish_record(lp, slot, now, true, -1);
                return;
            }
            ++t.hops;
            t.phase = Phase::transfer;
            send(lp, lp_index, slot, parent, now + from_hours(spec.tiers[tier].transfer_h));
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
            RandomStream rng(spec.seed, t.id, t.draws);
            const Tick delay = std::max<Tick>(0, from_hours(sample_hours(type.followup, rng)));
            t.draws = rng.draws();
            t.phase = Phase::followup;
            schedule(lp, slot, now + delay);
            return;
        }
        const bool can_escalate = parent != no_unit && t.cross == CrossMode::none &&
                                  !t.has(flag_leader_assigned) && type.escalate[tier] > 0.0;
        if (can_escalate) {
            RandomStream rng(spec.seed, t.id, t.draws);
            const bool escalate = rng.bernoulli(type.escalate[tier]);
            t.draws = rng.draws();
            if (escalate) {
                ++t.escalations;
                ++t.hops;
                bump(lp, c_escalations, now, tier);
                t.phase = Phase::transfer;
                t.step = 0;
                trace(lp, t, now, parent, -1, EventKind::escalated);
                send(lp, lp_index, slot, parent, now + from_hours(spec.tiers[tier].transfer_h));
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

    static void merge_local_cost(Ticket& t, const std::array<std::int64_t, cost_kind_count>& cost) {
        for (std::size_t k = 0; k < cost.size(); ++k)
            t.cost[k] += cost[k];
    }

    void start_cross_join(LpState& lp, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        const Levers& lv = lever(t.unit);
        add_cost(lp, t, now, tier_at(t.unit), CostKind::cross, 2.0 * lv.join_cost_h);
        t.phase = Phase::cross_join;
        schedule(lp, slot, now + from_hours(lv.join_h));
    }

    /// The local part of a 多地联办 ticket reaches the home authority.
    void local_part_arrived(LpState& lp, std::uint32_t slot, Tick now) {
        const Ticket local = lp.tickets[slot];
        lp.release(slot);
        const std::uint64_t main_id = local.id & ~shadow_bit;
        const auto waiting = lp.join_waiting.find(main_id);
        if (waiting == lp.join_waiting.end()) {
            lp.join_early.emplace(main_id, local.cost);
            return;
        }
        const std::uint32_t main_slot = waiting->second;
        lp.join_waiting.erase(waiting);
        merge_local_cost(lp.tickets[main_slot], local.cost);
        start_cross_join(lp, main_slot, now);
    }

    /// Closes now, or when the result has reached the applicant (代收代办: by courier) and the
    /// materials accepted as incomplete (容缺受理) are complete.
    void close_or_wait(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        Ticket& t = lp.tickets[slot];
        Tick at = now;
        if (t.cross == CrossMode::proxy)
            at += from_hours(spec.cross.courier_h);
        at = std::max(at, t.materials_ready);
        if (at > now) {
            t.phase = Phase::closing;
            schedule(lp, slot, at);
            return;
        }
        close_ticket(lp, lp_index, slot, now, false);
    }

    /// The callback (回访): solved? satisfied? An unsolved ticket may be handled again (重办).
    void close_ticket(
        LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool at_intake) {
        Ticket& t = lp.tickets[slot];
        const TicketTypeSpec& type = type_of(t);
        const Levers& lv = lever(t.unit);
        RandomStream rng(spec.seed, t.id, t.draws);
        // pow(x, 0) is exactly 1: skip the call for the common ticket without returns.
        const double p_solved =
            type.solve_probability *
            (t.returns == 0 ? 1.0
                            : std::pow(lv.return_solve_factor, static_cast<double>(t.returns)));
        const bool solved = rng.bernoulli(p_solved);
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
        int satisfied = -1;
        const Tick deadline = deadline_of(t);
        if (t.channel != Channel::grid) {
            // Working days are those of the authority tier's calendar.
            double p =
                solved ? spec.citizens.satisfied_if_solved : spec.citizens.satisfied_if_unsolved;
            if (now > deadline)
                p *= spec.citizens.late_factor;
            if (t.visits > 1)
                p *= std::pow(spec.citizens.visit_factor, t.visits - 1);
            if (t.returns != 0)
                p *= std::pow(spec.citizens.return_factor, static_cast<double>(t.returns));
            satisfied = rng.bernoulli(p) ? 1 : 0;
        }
        t.draws = rng.draws();
        finish_record(lp, slot, now, solved, satisfied, deadline);
    }

    [[nodiscard]] Tick deadline_of(const Ticket& t) const {
        const TicketTypeSpec& type = type_of(t);
        const Calendar& working_days = calendars[static_cast<std::size_t>(
            spec.tiers[static_cast<std::size_t>(type.authority)].calendar)];
        return working_days.working_day_deadline(t.created, type.resolve_wd);
    }

    void finish_record(LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied) {
        finish_record(lp, slot, now, solved, satisfied, deadline_of(lp.tickets[slot]));
    }

    void finish_record(
        LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied, Tick deadline) {
        Ticket& t = lp.tickets[slot];
        const std::size_t tier = tier_at(t.unit);
        bump(lp, c_closed, now, tier);
        trace(lp, t, now, t.unit, -1, EventKind::closed);
        TicketRecord r = record_of(t);
        r.handler = t.unit;
        r.closed_h = to_hours(now);
        r.tier_resolved = static_cast<std::int8_t>(tier);
        r.outcome = Outcome::resolved;
        r.solved = solved ? 1 : 0;
        r.satisfied = static_cast<std::int8_t>(satisfied);
        r.resolved_in_time = now <= deadline ? 1 : 0;
        lp.closed.push_back(r);
        lp.release(slot);
    }

    void drop_abandoned(LpState& lp, std::uint32_t slot) {
        Ticket& t = lp.tickets[slot];
        bump(lp, c_abandoned, t.abandoned_at, tier_at(t.unit));
        trace(lp, t, t.abandoned_at, t.unit, -1, EventKind::abandoned);
        TicketRecord r = record_of(t);
        r.closed_h = to_hours(t.abandoned_at);
        r.outcome = Outcome::abandoned;
        lp.closed.push_back(r);
        lp.release(slot);
    }

    /// 催办: the citizen has had no response for patience_h.
    void on_chase(LpState& lp, std::int32_t lp_index, const Event& e) {
        if (e.slot >= lp.tickets.size())
            return;
        Ticket& t = lp.tickets[e.slot];
        if (t.id != e.entity || t.chase_at < 0 || t.responded >= 0 || t.has(flag_abandoned))
            return;  // a stale timer, or answered in time
        t.chase_at = -1;
        trace(lp, t, e.time, t.unit, -1, EventKind::chased);
        RandomStream rng(spec.seed, t.id, t.draws);
        const double u = rng.uniform();
        t.draws = rng.draws();
        if (u < spec.citizens.repeat_call) {
            repeat_call(lp, lp_index, e.slot, e.time);
        } else if (u < spec.citizens.repeat_call + spec.citizens.abandon) {
            t.set(flag_abandoned);
            t.abandoned_at = e.time;
            // Dropped at its next event or when it leaves its queue; one waiting for nothing
            // else (materials, closing) has an event pending too.
        }
    }

    /// A repeat call: a new hotline ticket of the same type, linked to the one it chases.
    void repeat_call(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now) {
        const Ticket& first = lp.tickets[slot];
        if ((first.id >> repeat_shift & max_repeat_depth) >= max_repeat_depth)
            return;
        Ticket t;
        t.id = first.id + (std::uint64_t{1} << repeat_shift);
        t.parent = static_cast<std::int64_t>(first.id);
        t.created = now;
        t.type = first.type;
        t.origin = first.origin;
        t.home = first.origin;
        t.channel = Channel::hotline;
        t.intake =
            org.ancestor(t.origin, spec.channels[static_cast<std::size_t>(Channel::hotline)].tier);
        t.phase = Phase::intake;
        start_patience(t, now);
        const UnitId from = first.unit;
        bump(lp, c_repeat_calls, now, tier_at(t.intake));
        const std::uint32_t ns = lp.allocate(t);
        trace(lp, lp.tickets[ns], now, t.intake, -1, EventKind::created);
        schedule_chase(lp, ns, now);
        const double latency = org.unit(t.intake).lp == lp_index ? 0.0 : travel_h(from, t.intake);
        send(lp, lp_index, ns, t.intake, now + from_hours(latency));
    }

    [[nodiscard]] TicketRecord record_of(const Ticket& t) const {
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
        return r;
    }

    void trace(LpState& lp, const Ticket& t, Tick at, UnitId unit, int dept, EventKind kind) {
        if (!trace_events || t.has(flag_shadow))
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

    void bump(LpState& lp, Counter c, Tick t, std::size_t tier) const {
        bump_by(lp, c, t, tier, 1);
    }

    void bump_by(LpState& lp, Counter c, Tick t, std::size_t tier, std::int64_t n) const {
        const std::size_t b = bucket_index(t);
        if (b < bucket_count)
            lp.counts[b].n[c][tier] += n;
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
                    arrive(lp, lp_index, e.slot, e.time);
                    break;
                case kind_chase:
                    on_chase(lp, lp_index, e);
                    break;
                default:
                    TIERSIM_CHECK(false, "unknown event kind");
            }
        }
        snapshot_until(lp, window_end);
    }

    /// Delivers every outbox message to its LP, in the order of source LPs and then of each
    /// outbox: slots and chase timers depend on it (the event order itself is total). A ticket
    /// whose citizen has not chased yet gets its timer again.
    void exchange() {
        for (auto& from : lps) {
            for (const Message& m : from.outbox)
                deliver(m);
            from.outbox.clear();
        }
    }

    /// Nothing it schedules is earlier than m.event.time (the ranks agree on the next window
    /// from the message times before delivering).
    void deliver(const Message& m) {
        LpState& to = lps[static_cast<std::size_t>(m.to_lp)];
        Event e = m.event;
        e.slot = to.allocate(m.ticket);
        to.queue.push(e);
        schedule_chase(to, e.slot, e.time);
    }

    /// Sorts one window's records into the canonical order of the output.
    static void sort_records(std::vector<TicketRecord>& tickets, std::vector<EventRecord>& events) {
        std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
            return a.closed_h != b.closed_h ? a.closed_h < b.closed_h : a.id < b.id;
        });
        // Stable: one ticket's events at one instant keep the order it made them in.
        std::stable_sort(
            events.begin(), events.end(), [](const EventRecord& a, const EventRecord& b) {
                return a.t_h != b.t_h ? a.t_h < b.t_h : a.ticket < b.ticket;
            });
    }

    /// Appends this rank's LPs' records of the window, in LP order.
    void take_records(std::vector<TicketRecord>& tickets, std::vector<EventRecord>& events) {
        for (std::size_t i = lp_begin; i < lp_end; ++i) {
            LpState& lp = lps[i];
            tickets.insert(tickets.end(), lp.closed.begin(), lp.closed.end());
            lp.closed.clear();
            events.insert(events.end(), lp.events.begin(), lp.events.end());
            lp.events.clear();
        }
    }

    void collect(std::vector<TicketRecord>& tickets, std::vector<EventRecord>& events) {
        take_records(tickets, events);
        sort_records(tickets, events);
    }

    /// Every ticket still in the system, by id (a citizen who gave up counts as abandoned); with
    /// several ranks, all of them on rank 0.
    void collect_open(std::vector<TicketRecord>& tickets) {
        for (std::size_t i = lp_begin; i < lp_end; ++i) {
            for (const Ticket& t : lps[i].tickets) {
                if (t.id == free_id || t.has(flag_shadow))
                    continue;
                TicketRecord r = record_of(t);
                r.outcome = Outcome::open_at_end;
                if (t.has(flag_abandoned)) {
                    r.outcome = Outcome::abandoned;
                    r.closed_h = to_hours(t.abandoned_at);
                }
                tickets.push_back(r);
            }
        }
        if (ranks > 1)
            tickets = world->gatherv(tickets);
        std::sort(tickets.begin(), tickets.end(), [](const TicketRecord& a, const TicketRecord& b) {
            return a.id < b.id;
        });
    }

    RunOutcome run(const RunHooks& hooks) {
        RunOutcome outcome;
        const Tick reached = ranks == 1 ? run_windows(hooks, outcome) : run_ranks(hooks, outcome);
        std::vector<TicketRecord> tickets;
        std::vector<EventRecord> events;
        for (std::size_t i = lp_begin; i < lp_end; ++i)
            snapshot_until(lps[i], reached);
        collect_open(tickets);
        if (rank == 0 && hooks.on_records)
            hooks.on_records(tickets, events);

        outcome.end_h = to_hours(reached);
        std::int64_t processed = 0;
        for (std::size_t i = lp_begin; i < lp_end; ++i)
            processed += static_cast<std::int64_t>(lps[i].processed);
        if (ranks > 1)
            world->allreduce_sum(std::span<std::int64_t>(&processed, 1));
        outcome.events = static_cast<std::uint64_t>(processed);
        outcome.series = series_rows(reached);
        return outcome;
    }

    void process_own(Tick window_end) {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(lp_begin, lp_end, 1),
            [&](const tbb::blocked_range<std::size_t>& r) {
                for (std::size_t i = r.begin(); i != r.end(); ++i) {
                    process_window(static_cast<std::int32_t>(i), window_end);
                }
            },
            tbb::simple_partitioner());
    }

    /// One process: the windows up to the end or a stop; returns the time reached.
    Tick run_windows(const RunHooks& hooks, RunOutcome& outcome) {
        std::vector<TicketRecord> tickets;
        std::vector<EventRecord> events;
        for (;;) {
            Tick next = engine::never;
            for (const auto& lp : lps)
                next = std::min(next, lp.queue.next_time());
            if (next >= end)
                return end;
            if (hooks.stop != nullptr && hooks.stop->load()) {
                outcome.interrupted = true;
                return next;
            }
            const Tick window_end = std::min(end, next + lookahead);
            process_own(window_end);
            exchange();
            ++outcome.windows;
            collect(tickets, events);
            if (hooks.on_records)
                hooks.on_records(tickets, events);
            tickets.clear();
            events.clear();
            if (hooks.on_progress)
                hooks.on_progress(to_hours(window_end));
        }
    }

    /// This rank's records of the windows since the last flush, with each window's counts.
    struct RecordBuffer {
        std::vector<TicketRecord> tickets;
        std::vector<EventRecord> events;
        std::vector<std::uint64_t> counts;  // per window: tickets, events
    };

    // A flush costs a few collectives: gather the records of several windows at once.
    static constexpr std::size_t flush_records = std::size_t{1} << 15;
    static constexpr std::size_t flush_windows = 64;

    /// Several ranks: the same windows. Per window one allgather carries each rank's next event
    /// time (its queues and the messages it sends: delivery schedules nothing earlier), its
    /// stop flag, the records it holds and its message counts per rank; an alltoallv then
    /// carries the messages, if any cross ranks. Records reach rank 0 every few windows.
    Tick run_ranks(const RunHooks& hooks, RunOutcome& outcome) {
        const auto k = static_cast<std::size_t>(ranks);
        const auto me = static_cast<std::size_t>(rank);
        constexpr std::size_t h_next = 0, h_stop = 1, h_buffered = 2, h_counts = 3;
        const std::size_t stride = h_counts + k;
        std::vector<std::int64_t> mine(stride, 0);
        auto local_flags = [&](Tick next, std::size_t buffered) {
            mine[h_next] = next;
            mine[h_stop] = hooks.stop != nullptr && hooks.stop->load() ? 1 : 0;
            mine[h_buffered] = static_cast<std::int64_t>(buffered);
        };
        Tick next = engine::never;
        for (std::size_t i = lp_begin; i < lp_end; ++i)
            next = std::min(next, lps[i].queue.next_time());
        local_flags(next, 0);
        std::vector<std::int64_t> all = world->allgather(mine);

        RecordBuffer buffer;
        std::vector<std::vector<Message>> send(k);
        std::vector<std::size_t> recv_counts(k);
        for (;;) {
            next = engine::never;
            bool stop = false;
            std::size_t buffered = 0;
            for (std::size_t r = 0; r < k; ++r) {
                next = std::min(next, all[r * stride + h_next]);
                stop = stop || all[r * stride + h_stop] != 0;
                buffered =
                    std::max(buffered, static_cast<std::size_t>(all[r * stride + h_buffered]));
            }
            if (next < end && !stop && outcome.windows > 0 &&
                (buffered >= flush_records || buffer.counts.size() >= 2 * flush_windows))
                flush(buffer, hooks);
            if (next >= end || stop) {
                flush(buffer, hooks);
                if (next >= end)
                    return end;
                outcome.interrupted = true;
                return next;
            }
            const Tick window_end = std::min(end, next + lookahead);
            process_own(window_end);
            ++outcome.windows;
            const std::size_t t0 = buffer.tickets.size();
            const std::size_t e0 = buffer.events.size();
            take_records(buffer.tickets, buffer.events);
            buffer.counts.push_back(buffer.tickets.size() - t0);
            buffer.counts.push_back(buffer.events.size() - e0);

            Tick local_next = engine::never;
            for (auto& s : send)
                s.clear();
            for (std::size_t i = lp_begin; i < lp_end; ++i) {
                local_next = std::min(local_next, lps[i].queue.next_time());
                for (const Message& m : lps[i].outbox) {
                    local_next = std::min(local_next, m.event.time);
                    const auto to =
                        static_cast<std::size_t>(lp_rank[static_cast<std::size_t>(m.to_lp)]);
                    if (to != me)
                        send[to].push_back(m);
                }
            }
            local_flags(local_next, buffer.tickets.size() + buffer.events.size());
            for (std::size_t r = 0; r < k; ++r)
                mine[h_counts + r] = static_cast<std::int64_t>(send[r].size());
            all = world->allgather(mine);

            bool crossing = false;
            for (std::size_t r = 0; r < k; ++r) {
                recv_counts[r] = static_cast<std::size_t>(all[r * stride + h_counts + me]);
                for (std::size_t q = 0; q < k; ++q)
                    crossing = crossing || (q != r && all[r * stride + h_counts + q] != 0);
            }
            std::vector<std::vector<Message>> received(k);
            if (crossing)
                received = world->alltoallv(send, recv_counts);
            // Blocks ascend with the rank, so rank order is source-LP order.
            for (std::size_t r = 0; r < k; ++r) {
                if (r != me) {
                    for (const Message& m : received[r])
                        deliver(m);
                    continue;
                }
                for (std::size_t i = lp_begin; i < lp_end; ++i) {
                    for (const Message& m : lps[i].outbox) {
                        if (lp_rank[static_cast<std::size_t>(m.to_lp)] == rank)
                            deliver(m);
                    }
                    lps[i].outbox.clear();
                }
            }
            if (rank == 0 && hooks.on_progress)
                hooks.on_progress(to_hours(window_end));
        }
    }

    /// Gathers the buffered windows' records on rank 0 and hands them on window by window, each
    /// window's records in LP order (rank by rank) and then sorted, as in one process.
    void flush(RecordBuffer& buffer, const RunHooks& hooks) {
        const std::size_t windows = buffer.counts.size() / 2;  // the same on every rank
        if (windows == 0)
            return;
        const std::vector<std::uint64_t> counts = world->gatherv(buffer.counts);
        const std::vector<TicketRecord> all_tickets = world->gatherv(buffer.tickets);
        std::vector<EventRecord> all_events;
        if (trace_events)
            all_events = world->gatherv(buffer.events);
        buffer.tickets.clear();
        buffer.events.clear();
        buffer.counts.clear();
        if (rank != 0)
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

    /// The /series rows up to `reached`: every LP's counts, summed over this rank's LPs and
    /// then over the ranks (integers, so the sum does not depend on the split).
    std::vector<SeriesRow> series_rows(Tick reached) const {
        const std::size_t buckets =
            std::min(bucket_count, static_cast<std::size_t>((reached + bucket - 1) / bucket));
        // Per bucket and tier: the counters, the costs by kind, queue_len, busy_staff.
        constexpr std::size_t fields = counter_count + cost_kind_count + 2;
        constexpr std::size_t f_cost = counter_count;
        constexpr std::size_t f_queue = counter_count + cost_kind_count;
        constexpr std::size_t f_busy = f_queue + 1;
        std::vector<std::int64_t> sum(buckets * tier_count * fields, 0);
        for (std::size_t i = lp_begin; i < lp_end; ++i) {
            const LpState& lp = lps[i];
            for (std::size_t b = 0; b < buckets; ++b) {
                for (std::size_t tier = 0; tier < tier_count; ++tier) {
                    std::int64_t* f = &sum[(b * tier_count + tier) * fields];
                    for (std::size_t c = 0; c < counter_count; ++c)
                        f[c] += lp.counts[b].n[c][tier];
                    for (std::size_t k = 0; k < cost_kind_count; ++k)
                        f[f_cost + k] += lp.counts[b].cost[k][tier];
                    f[f_queue] += lp.queue_len[b].v[tier];
                    f[f_busy] += lp.busy[b].v[tier];
                }
            }
        }
        if (ranks > 1)
            world->allreduce_sum(sum);

        std::vector<SeriesRow> series;
        series.reserve(buckets * tier_count);
        for (std::size_t b = 0; b < buckets; ++b) {
            for (std::size_t tier = 0; tier < tier_count; ++tier) {
                const std::int64_t* f = &sum[(b * tier_count + tier) * fields];
                SeriesRow p;
                p.t_h = to_hours(std::min(end, static_cast<Tick>(b + 1) * bucket));
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
                p.queue_len = f[f_queue];
                p.busy_staff = f[f_busy];
                Tick total = 0;
                for (std::size_t k = 0; k < cost_kind_count; ++k) {
                    p.coord_by_kind_h[k] = to_hours(f[f_cost + k]);
                    total += f[f_cost + k];
                }
                p.coord_cost_h = to_hours(total);
                series.push_back(p);
            }
        }
        return series;
    }
};

Simulation::Simulation(const ScenarioSpec& spec,
                       const Organisation& org,
                       bool trace_events,
                       const engine::MpiWorld* world)
    : impl_(std::make_unique<Impl>(spec, org, trace_events, world)) {
    impl_->build();
}

Simulation::~Simulation() = default;

RunOutcome Simulation::run(const RunHooks& hooks) {
    return impl_->run(hooks);
}

std::pair<std::size_t, std::size_t> Simulation::owned_lps() const {
    return {impl_->lp_begin, impl_->lp_end};
}

double Simulation::lookahead_h() const {
    return to_hours(impl_->lookahead);
}

}  // namespace tiersim::model
