// SPDX-License-Identifier: MIT
// Private to the model: the ticket life cycle of DESIGN §2.4 as an engine::Model.
//
// Each logical process (LP) owns some units, their stations (see station_plan.hpp: intakes,
// departments, split windows, an approval bureau, a leader queue; the province LPs also own the
// links to other provinces), the tickets currently at them and the arrival streams of the
// streets whose intake it holds. The engine (window_scheduler.hpp) advances the LPs in parallel
// through conservative windows; a ticket that moves to another LP travels as a Message that
// arrives no earlier than the lookahead later.
//
// The life cycle is split by stage, one file each under sim/model/flow/, all members of
// TicketFlow over the per-LP state below. Every Phase transition is dispatched in phases.cpp
// (station_of, work_hours, on_service_done, arrive): a new stage adds its Phase (ticket.hpp),
// its rows there, and its file. The files are compiled as one unit (CMake UNITY_GROUP
// ticket_flow, with simulation.cpp, which runs the schedulers) and every member is defined
// `inline`, so the hot path inlines across stages as it did in one class: those definitions
// are visible to that one unit only, and nothing outside it may call TicketFlow.
//
// A server that takes a ticket while its calendar is closed starts at the next opening, and
// work that is under way at closing resumes at the next opening: Calendar::advance does both.
//
// Ticket ids: a generated ticket has id = count × streams + stream (< 2^56); a repeat call adds
// 2^56 to the id of the ticket it chases (each ticket is chased at most once, so ids stay
// unique); the local part of a 多地联办 ticket (a "shadow", never recorded) sets bit 62.
//
// A citizen's chase (催办) is a timer event at the LP that holds the ticket. A ticket that moves
// to another LP takes its chase time with it and the receiving LP schedules the timer again (at
// the arrival if the time has passed in transit); a stale timer left behind finds its slot free
// or holding another ticket and does nothing. An abandoned ticket is dropped at its next event
// or when it reaches the head of a queue.
//
// A caller waiting for intake at a channel with a patience (channels.CHANNEL.patience_min, the
// Erlang-A model) is on hold (flag_on_hold) with its hang-up time in abandoned_at; a server that
// would take it after that time skips it and it is recorded hung up at that time (stations.cpp).
//
// Output: each window's closed tickets and traced events are taken from the LPs in LP order
// (end_window) and handed on sorted (flush). Under MPI the ranks buffer several windows and
// flush gathers them on rank 0, rank by rank — which is LP order — and sorts each window as one
// process would; the series counters are summed over ranks (integers: exact).
#pragma once

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/lp_set.hpp"
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/engine/partition.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/engine/slot_pool.hpp"
#include "tiersim/model/arrival_variants.hpp"
#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/ticket.hpp"
#include "tiersim/model/ticket_priority.hpp"

#include "adaptation.hpp"

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace tiersim::model::flow {

using engine::Event;
using engine::from_hours;
using engine::RandomStream;
using engine::Tick;
using engine::to_hours;

// Event kinds, in their order among events at the same tick.
inline constexpr std::uint16_t kind_service_done = 0;
inline constexpr std::uint16_t kind_arrive = 1;
inline constexpr std::uint16_t kind_chase = 2;
inline constexpr std::uint16_t kind_generate = 3;

// Generator streams live in their own half of the entity space, apart from ticket ids.
inline constexpr std::uint64_t generator_stream_bit = std::uint64_t{1} << 63;
inline constexpr std::uint64_t shadow_bit = std::uint64_t{1} << 62;
inline constexpr int repeat_shift = 56;
inline constexpr std::uint64_t max_repeat_depth = 63;
inline constexpr std::uint64_t free_id = std::numeric_limits<std::uint64_t>::max();

/// A FIFO of waiting (slot, step) entries of the owning LP's pool.
struct Fifo {
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

/// c servers and one FIFO per priority level (ticket_priority.hpp): a free server takes the
/// head of the highest level that holds anyone, so the queue serves by level, then by arrival,
/// and never interrupts a service. Level 0's FIFO is held inline; the FIFOs of the raised levels
/// are allocated together when the first raised ticket has to wait here — like a ring's first
/// block, once per station at most — so a model without priorities keeps today's station and
/// memory, and a large model pays only where raised tickets actually queue.
struct Station {
    std::int32_t servers = 0;
    std::int32_t busy = 0;
    std::int32_t calendar = 0;
    std::int8_t tier = 0;
    std::uint8_t nonempty = 0;  // bit k: level k's FIFO holds an entry
    Fifo level0;
    std::unique_ptr<std::array<Fifo, priority_levels - 1>> raised;

    [[nodiscard]] bool empty() const { return nonempty == 0; }

    /// Entries waiting, over every level.
    [[nodiscard]] std::uint32_t waiting() const {
        std::uint32_t n = level0.count;
        if (raised)
            for (const Fifo& f : *raised)
                n += f.count;
        return n;
    }

    /// Joins the back of `level`'s FIFO.
    void push(std::uint64_t entry, int level) {
        if (level > 0 && !raised)
            raised = std::make_unique<std::array<Fifo, priority_levels - 1>>();
        fifo(level).push(entry);
        nonempty = static_cast<std::uint8_t>(nonempty | (1U << level));
    }

    /// Takes the head of the highest level that holds an entry; the station must not be empty.
    std::uint64_t pop() {
        const int level = static_cast<int>(std::bit_width(static_cast<unsigned>(nonempty))) - 1;
        Fifo& f = fifo(level);
        const std::uint64_t entry = f.pop();
        if (f.count == 0)
            nonempty = static_cast<std::uint8_t>(nonempty & ~(1U << level));
        return entry;
    }

private:
    Fifo& fifo(int level) {
        return level == 0 ? level0 : (*raised)[static_cast<std::size_t>(level - 1)];
    }
};

// run_estimate.cpp counts 64 bytes a station (the raised levels' FIFOs, 96 bytes more, only
// where a raised ticket has waited).
static_assert(sizeof(Station) <= 64 && sizeof(std::array<Fifo, priority_levels - 1>) <= 96);

inline std::uint64_t entry_of(std::uint32_t slot, int step) {
    return (static_cast<std::uint64_t>(static_cast<std::uint16_t>(step)) << 32) | slot;
}

/// How far one arrival stream has got; the stream itself is the compiled model's
/// (CompiledModel::arrivals(), the same index in the LP).
struct Generator {
    std::uint64_t count = 0;  // tickets created so far
    std::uint64_t draws = 0;
    std::uint16_t epoch = 0;  // bumped when its next arrival is drawn again (Event::aux)
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
    // The 三率 over time: closings by the closing tier that were solved, surveyed at the
    // callback and satisfied there, and within the limit; and the hotline's own (V1, V2), at
    // the hotline's tier.
    c_solved,
    c_surveyed,
    c_satisfied,
    c_in_time,
    c_hotline_closed,
    c_hotline_solved,
    c_hotline_surveyed,
    c_hotline_satisfied,
    counter_count
};

struct BucketCounts {
    std::array<std::array<std::int64_t, tier_count>, counter_count> n{};
    std::array<std::array<Tick, tier_count>, cost_kind_count> cost{};
    std::array<Tick, tier_count> worked{};   ///< staff time spent serving, by tier
    std::array<Tick, tier_count> on_call{};  ///< of which outside the queue's opening hours
};

// The /series sums per row, group and tier: the counters, the costs by kind, queue_len,
// busy_staff, open_staff, the time worked and the staff time open (ticks).
inline constexpr std::size_t series_fields = counter_count + cost_kind_count + 5;
inline constexpr std::size_t f_cost = counter_count;
inline constexpr std::size_t f_queue = counter_count + cost_kind_count;
inline constexpr std::size_t f_busy = f_queue + 1;
inline constexpr std::size_t f_open = f_queue + 2;
inline constexpr std::size_t f_worked = f_queue + 3;
inline constexpr std::size_t f_capacity = f_queue + 4;

struct TierCounters {
    std::array<std::int64_t, tier_count> v{};
};

/// What the snapshot at a bucket's end saw, by tier.
struct BucketSnapshot {
    TierCounters queue_len, busy, open_staff;
};

/// Adds one bucket of an LP to `f`, the sums of its tier 0 (the tiers follow): its counts,
/// and its snapshot where given.
inline void add_bucket(std::int64_t* f, const BucketCounts& c, const BucketSnapshot* snapshot) {
    for (std::size_t tier = 0; tier < tier_count; ++tier, f += series_fields) {
        for (std::size_t k = 0; k < counter_count; ++k)
            f[k] += c.n[k][tier];
        for (std::size_t k = 0; k < cost_kind_count; ++k)
            f[f_cost + k] += c.cost[k][tier];
        f[f_worked] += c.worked[tier];
        f[f_capacity] += c.on_call[tier];  // on duty outside opening hours
        if (snapshot != nullptr) {
            f[f_queue] += snapshot->queue_len.v[tier];
            f[f_busy] += snapshot->busy.v[tier];
            f[f_open] += snapshot->open_staff.v[tier];
        }
    }
}

/// The state of one LP (its events and outbox are in the engine's LpSet).
struct LpState {
    std::uint32_t index = 0;
    Tick now = 0;  // the time of the event being handled (or the barrier): what records carry
    // The Philox blocks its tickets' and generators' streams computed last: a ticket's stream
    // is made again at each of its events, and its next draw is often in the same block.
    engine::BlockCache blocks;

    engine::SlotPool<Ticket> tickets;  // slots never move: a ticket pool grows without copying
    std::vector<std::uint32_t> free_slots;
    std::vector<Generator> generators;
    std::vector<TicketRecord> closed;
    std::vector<EventRecord> events;
    // 多地联办 at a home authority: main tickets waiting for their local part, and local parts
    // that arrived first. Rare, so hash containers are fine here.
    std::unordered_map<std::uint64_t, std::uint32_t> join_waiting;
    std::unordered_map<std::uint64_t, std::array<std::int64_t, cost_kind_count>> join_early;

    // Demand feedback: hotline tickets closed and solved here, by day (trust on only).
    std::vector<std::array<std::int64_t, 2>> hotline_days;
    // Series: the counts and snapshots of the buckets from first_bucket on. Every event adds
    // to its own bucket or later ones (a service's work, booked when it starts), so the
    // buckets before the window's end are final: end_window folds them into the rank's
    // per-province sums (TicketFlow::folded) and an LP keeps a few buckets, whatever the
    // horizon.
    std::vector<BucketCounts> counts;
    std::vector<BucketSnapshot> snapshots;
    std::size_t first_bucket = 0;
    // Counts of folded buckets since the last fold: a caller found to have hung up is counted
    // when the hang-up was, which may be a window before (stations.cpp). Rare, and few.
    std::vector<std::pair<std::size_t, BucketCounts>> late;
    TierCounters waiting_now{};
    // Servers holding a ticket, of them those working on call (吹哨报到, at any hour), and
    // servers, by their queue's calendar (index into model.calendars()): the snapshot counts
    // the servers of open queues and those on call at closed ones.
    std::vector<TierCounters> busy_by_calendar, on_call_by_calendar, staff_by_calendar;
    std::size_t next_bucket = 0;  // first bucket whose snapshot is still to be taken

    /// Bucket b's counts (b >= first_bucket); a later bucket than any yet is added.
    BucketCounts& counts_at(std::size_t b) {
        // b < first_bucket wraps to a large i: one comparison for the common case.
        const std::size_t i = b - first_bucket;
        if (i < counts.size()) [[likely]]
            return counts[i];
        return counts_beyond(b);
    }

    /// A folded bucket (a late count) or one beyond those kept so far.
    [[gnu::noinline]] BucketCounts& counts_beyond(std::size_t b) {
        if (b < first_bucket)
            return late_counts(b);
        counts.resize(b - first_bucket + 1);
        return counts.back();
    }

    BucketCounts& late_counts(std::size_t b) {
        for (auto& [at, c] : late) {
            if (at == b)
                return c;
        }
        return late.emplace_back(b, BucketCounts{}).second;
    }

    BucketSnapshot& snapshot_at(std::size_t b) {
        const std::size_t i = b - first_bucket;
        if (i >= snapshots.size())
            snapshots.resize(i + 1);
        return snapshots[i];
    }

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

/// The output of the windows since the last flush, with each window's counts.
struct RecordBuffer {
    std::vector<TicketRecord> tickets;
    std::vector<EventRecord> events;
    std::vector<std::uint64_t> counts;  // per window: tickets, events
};

/// The ticket flow on one CompiledModel: the engine::Model that Simulation runs.
class TicketFlow {
public:
    using Message = flow::Message;

    /// Sets up this rank's LPs (all of them without MPI) and schedules the first arrivals.
    TicketFlow(const CompiledModel& model,
               bool trace_events,
               const engine::MpiWorld* world,
               const RunHooks& hooks);

    // ---- engine::Model (handle in phases.cpp, the rest in flow.cpp) ----------------------
    engine::LpSet<Message>& lps() { return queues; }

    void handle(std::uint32_t lp_index, const Event& e);
    void deliver(const Message& m);

    static std::size_t destination(const Message& m) { return static_cast<std::size_t>(m.to_lp); }

    static Tick arrival(const Message& m) { return m.event.time; }

    void end_window(Tick window_end);

    /// The times of the reform timeline's steps, and the move to the steps at `t` (between
    /// windows, on every rank; reforms.cpp).
    [[nodiscard]] std::vector<Tick> barriers() const;
    void at_barrier(Tick t);

    [[nodiscard]] std::size_t buffered() const {
        return buffer.tickets.size() + buffer.events.size();
    }

    void flush();

    /// Set when this rank's open tickets pass RunHooks::max_open_tickets (the run then stops,
    /// as on a signal); overload() says where.
    [[nodiscard]] const std::atomic<bool>& halt_flag() const { return overloaded; }

    [[nodiscard]] const std::string& overload() const { return overload_text; }

    /// After the run: the last snapshots, every open ticket handed on (rank 0); the series,
    /// the per-unit table and what the adaptation rules did (the last two on rank 0).
    void finish(Tick reached, RunOutcome& outcome);

    [[nodiscard]] const engine::LpPartition& partition() const { return part; }

private:
    // ---- small helpers -----------------------------------------------------------------
    /// The scenario and levers of the reform step the run is in (reforms.cpp).
    [[nodiscard]] const ScenarioSpec& spec() const { return *spec_now; }

    [[nodiscard]] const Levers& lever(UnitId unit) const {
        return step_now->levers[static_cast<std::size_t>(org.province_index(unit))];
    }

    [[nodiscard]] const TicketTypeSpec& type_of(const Ticket& t) const {
        return spec().ticket_types[static_cast<std::size_t>(t.type)];
    }

    [[nodiscard]] std::size_t tier_at(UnitId unit) const {
        return static_cast<std::size_t>(org.unit(unit).tier);
    }

    /// Hops between a unit and its ancestor or descendant.
    [[nodiscard]] int tier_distance(UnitId a, UnitId b) const {
        return std::abs(static_cast<int>(org.unit(a).tier) - static_cast<int>(org.unit(b).tier));
    }

    /// The leader (一把手) a unit's tickets go to: its city's, or its own at the province.
    [[nodiscard]] UnitId leader_of(UnitId unit) const {
        return org.unit(unit).tier == Tier::province ? unit : org.ancestor(unit, Tier::city);
    }

    [[nodiscard]] bool is_ancestor(UnitId a, UnitId of) const {
        return org.ancestor(of, org.unit(a).tier) == a;
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
            lp.counts_at(b).n[c][tier] += n;
    }

    // phases.cpp — the Phase table: which station serves a phase, its work, where a finished
    // service or an arrival goes next
    [[nodiscard]] std::size_t station_of(const Ticket& t, int step) const;
    double work_hours(const Ticket& t, RandomStream& rng) const;
    void on_service_done(LpState& lp, std::int32_t lp_index, const Event& e);
    void arrive(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    // stations.cpp — queues and servers
    [[nodiscard]] bool in_bureau(UnitId unit, int department) const;
    void enqueue(LpState& lp, std::uint32_t slot, int step, Tick now);
    bool hold_call(LpState& lp, const Station& s, std::uint32_t slot, Tick now);
    [[nodiscard]] bool hangs_up(const Ticket& t, const Station& s, Tick now) const;
    [[nodiscard]] int priority_of(const Ticket& t, Tick now) const;
    void start_service(LpState& lp, Station& s, std::uint32_t slot, int step, Tick now);
    [[nodiscard]] bool on_call(const Ticket& t) const;
    void credit_work(
        LpState& lp, const Station& s, Tick start, Tick done, Tick work, bool on_call) const;
    void finish_service(LpState& lp, Station& s, Tick now, bool on_call);
    /// Free servers take the heads of the queue (a finished service, or staff added).
    void serve_waiting(LpState& lp, Station& s, Tick now);

    // demand.cpp — demand that follows perceived responsiveness (citizens.trust_*)
    [[nodiscard]] std::size_t stream_factor(const ArrivalStream& a) const {
        return a.share_index / arrival_variant_count;  // (province × types + type)
    }

    [[nodiscard]] bool follows_demand(Tick t) const;
    void follow_demand(Tick t);
    void count_hotline(LpState& lp, const Ticket& t, Tick now, bool solved) const;
    // reforms.cpp — the reform timeline's staff changes
    [[nodiscard]] std::size_t lp_of_station(std::uint32_t station) const;
    void change_staff(const CompiledStep::StaffChange& c, Tick now);
    void reroute_waiting(LpState& lp, Station& s, Tick now);
    // unit_periods.cpp — the per-unit table (/unit_series)
    void count_unit(const TicketRecord& r);
    [[nodiscard]] bool overdue_at(const Ticket& t, Tick at) const;
    [[nodiscard]] bool at_period_end(Tick t) const;
    [[nodiscard]] std::vector<std::int64_t> station_load(
        std::span<const std::uint32_t> of_stations) const;
    std::vector<UnitPeriodRow> close_period(Tick t);
    void keep_period(std::vector<UnitPeriodRow>& rows);
    // adaptation.cpp — ranking and leader attention; teams_instructions.cpp — project teams
    // and leader instructions
    void set_up_adaptation();
    [[nodiscard]] std::vector<std::uint32_t> rule_queues(UnitId unit) const;
    [[nodiscard]] int rule_level(const Ticket& t) const;
    void move_servers(std::uint32_t station, std::int32_t servers, Tick now);
    void note(AdaptationRecord r);
    void adapt_at(Tick t, std::vector<UnitPeriodRow>* rows);
    void rank_units(Tick t, std::vector<UnitPeriodRow>& rows);
    void plan_attention(UnitId u, Tick t);
    void attend(Tick t);
    [[nodiscard]] int station_department(std::uint32_t station) const;
    void check_teams(Tick t);
    void form_team(ProjectTeam& team,
                   std::uint32_t station,
                   std::span<const std::uint32_t> unit_queues,
                   std::span<const std::int64_t> unit_waiting,
                   Tick t);
    void release_team(ProjectTeam& team, std::uint32_t station, Tick t);
    void follow_instructions(Tick t);
    [[nodiscard]] std::vector<std::int64_t> overdue_by_type(Tick t) const;
    // routing.cpp — moving tickets between units and LPs
    void schedule(LpState& lp, std::uint32_t slot, Tick at);
    void send(LpState& lp, std::int32_t lp_index, std::uint32_t slot, UnitId to, Tick at);
    [[nodiscard]] double travel_h(UnitId from, UnitId to) const;
    [[nodiscard]] UnitId authority_of(const Ticket& t) const;
    // arrivals.cpp — non-homogeneous Poisson arrivals
    void schedule_next_arrival(LpState& lp, std::uint32_t gi, Tick from);
    void generate(LpState& lp, std::int32_t lp_index, const Event& e);
    void travel_home(LpState& lp, std::int32_t lp_index, Ticket t, Tick now);
    void to_leader(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, Phase phase);
    // intake.cpp — intake and dispatch (派单)
    void intake_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    void dispatch(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    void to_authority(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    [[nodiscard]] double dispatch_latency_h(const Ticket& t, UnitId authority) const;
    // materials.cpp — cross-province standards and materials (data sharing between
    // departments, the negative list's leader decision, 补正, 容缺受理)
    void at_handler(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    void negative_list_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    void negative_list_arrived(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    bool request_materials(LpState& lp, std::uint32_t slot, Tick now, int requested);
    // steps.cpp — department steps by design (fragmented, approval bureau, joint review) or
    // by summons (parallel handling, 吹哨报到)
    void enter_steps(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    [[nodiscard]] double return_probability(const Ticket& t, int step, bool in_meeting) const;
    void step_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, int step, Tick now);
    void task_done(LpState& lp, std::uint32_t slot, int step, Tick now);
    void after_steps(
        LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool meeting);
    // returns.cpp — returns (退单) and leaders (一把手)
    void do_return(LpState& lp, std::int32_t lp_index, std::uint32_t slot, int dept, Tick now);
    void leader_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    // cross_province.cpp — 跨省通办: the link, 多地联办 local parts, closing with the courier
    void link_done(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    void spawn_local_part(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    static void merge_local_cost(Ticket& t, const std::array<std::int64_t, cost_kind_count>& cost);
    void start_cross_join(LpState& lp, std::uint32_t slot, Tick now);
    void local_part_arrived(LpState& lp, std::uint32_t slot, Tick now);
    void close_or_wait(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    // citizens.cpp — citizens: patience, chases (催办), repeat calls, abandonment
    void start_patience(Ticket& t, Tick now) const;
    void schedule_chase(LpState& lp, std::uint32_t slot, Tick not_before);
    void drop_abandoned(LpState& lp, std::uint32_t slot);
    void hang_up(LpState& lp, std::uint32_t slot);
    void record_given_up(LpState& lp, std::uint32_t slot, Outcome outcome);
    void on_chase(LpState& lp, std::int32_t lp_index, const Event& e);
    void repeat_call(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    // closing.cpp — done at a unit: follow-up, escalation, closing and the callback
    void finish_at_unit(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    [[nodiscard]] Tick expedite_at(Ticket& t, Tick now, Tick done) const;
    void expedite(LpState& lp, std::uint32_t slot, Tick now);
    void close_ticket(
        LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now, bool at_intake);
    [[nodiscard]] Tick deadline_of(const Ticket& t) const;
    [[nodiscard]] bool collects_result(const Ticket& t, bool at_intake, RandomStream& rng) const;
    void finish_record(LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied);
    void finish_record(
        LpState& lp, std::uint32_t slot, Tick now, bool solved, int satisfied, Tick deadline);
    // data_updates.cpp — grid data updates (D1): district review, city batch, province sync
    [[nodiscard]] Tick data_ready_at(Ticket& t, Tier tier, Tick now) const;
    void pass_data_update(LpState& lp, std::int32_t lp_index, std::uint32_t slot, Tick now);
    // observation.cpp — records, traces, series counters and snapshots
    [[nodiscard]] TicketRecord record_of(const Ticket& t, Tick deadline) const;
    void trace(LpState& lp, const Ticket& t, Tick at, UnitId unit, int dept, EventKind kind);
    void snapshot_until(LpState& lp, Tick t) const;
    void count_rates(LpState& lp,
                     const Ticket& t,
                     Tick now,
                     std::size_t tier,
                     bool solved,
                     int satisfied,
                     bool in_time) const;
    void add_cost(LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, double h);
    void add_cost_ticks(LpState& lp, Ticket& t, Tick now, std::size_t tier, CostKind kind, Tick c);
    static void sort_records(std::vector<TicketRecord>& tickets, std::vector<EventRecord>& events);
    void fold_series(LpState& lp, Tick window_end);
    [[nodiscard]] std::vector<std::int64_t> series_sums(
        std::span<const std::size_t> row_of_bucket,
        std::size_t rows,
        std::span<const std::size_t> group_of_province,
        std::size_t groups) const;
    [[nodiscard]] SeriesRow series_row(const std::int64_t* f, std::size_t tier, Tick until) const;
    [[nodiscard]] std::size_t buckets_reached(Tick reached) const;
    std::vector<SeriesRow> series_rows(Tick reached) const;
    std::vector<SeriesRow> province_series_rows(Tick reached) const;
    // checkpoint.cpp — the state digest of a checkpoint (RunHooks::digest_at)
    [[nodiscard]] std::uint64_t local_digest(Tick t) const;
    [[nodiscard]] std::uint64_t series_digest(std::size_t buckets_due) const;
    [[nodiscard]] std::uint64_t state_digest(Tick t) const;
    void digest_at_checkpoint(Tick t);

    // ---- set-up and output (flow.cpp) --------------------------------------------------
    void set_up_lps();
    void take_records();
    void report_overload(std::size_t open, Tick now);
    TicketRecord open_record(LpState& lp, const Ticket& t, Tick reached);
    void hand_on_open(Tick reached);

    const CompiledModel& model;
    std::size_t step_index = 0;  // into model.reform_steps()
    const CompiledStep* step_now;
    const ScenarioSpec* spec_now;
    std::vector<double> demand_factor;  // by (province × types + type): demand feedback
    AdaptationState adapt;
    const Organisation& org;
    const StationIndex& index;
    const bool trace_events;
    const engine::MpiWorld* world;  // null: one process
    const int ranks;
    const RunHooks& hooks;
    const std::uint64_t generator_count;
    const Tick end;
    const Tick bucket;
    const std::size_t bucket_count;
    const bool priorities;     // some ticket can wait above level 0 (uses_priorities)
    engine::LpPartition part;  // this rank's LPs: [part.begin, part.end)
    std::vector<Station> stations;
    std::vector<LpState> lp_states;
    engine::LpSet<Message> queues;
    RecordBuffer buffer;
    std::atomic<bool> overloaded{false};
    std::string overload_text;
    std::optional<std::uint64_t> digest;  // at RunHooks::digest_at, once reached
    // The series of the buckets that this rank's LPs have folded (LpState::first_bucket), by
    // ((bucket × provinces + province) × tiers + tier) × series_fields (observation.cpp).
    std::vector<std::int64_t> folded;
    std::vector<std::size_t> province_of_lp;
};

}  // namespace tiersim::model::flow
