// SPDX-License-Identifier: MIT
// PHOLD on the engine's pieces (see phold.hpp).
//
// Event identity: the initial event k of LP l starts chain c = l × E + k; processing the
// event of generation s of a chain schedules its generation s + 1, so a chain holds exactly one
// pending event and (time, chain, generation) orders events totally. The draws of generation s
// are Philox block s of the stream (seed, chain): lane 0 decides remote or local, lane 1 picks
// the remote LP, lane 2 is the exponential delay. Nothing depends on the thread that processes
// an event or on the order in which LPs run.
//
// It runs on the engine the governance model uses (window_scheduler.hpp): each LP's events in a
// window [T, T + lookahead) are all events it held when the window began (every new event is at
// least `lookahead` later), a local successor takes its parent's place at the top of the queue
// in one sift, and remote ones travel as messages delivered after the window. The sequential
// reference scheduler gives the same committed events and checksum.
#include "tiersim/engine/phold.hpp"

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/lp_set.hpp"
#include "tiersim/engine/partition.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/engine/sequential_scheduler.hpp"
#include "tiersim/engine/window_scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tiersim::engine {

namespace {

constexpr std::int64_t block_lps = 16;
constexpr std::int64_t max_lps = std::int64_t{1} << 31;
constexpr std::int64_t max_events = std::int64_t{1} << 32;

std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

Tick to_ticks(double units) {
    return static_cast<Tick>(std::llround(units * phold_ticks_per_unit));
}

/// One LP's tally, on its own cache line (neighbouring LPs run on other threads).
struct alignas(64) Tally {
    std::uint64_t hash = 0;
    std::uint64_t remote = 0;
};

/// PHOLD as an engine::Model. A message is the new event itself, its `lp` the destination.
class Phold {
public:
    using Message = Event;

    explicit Phold(const PholdConfig& c)
        : config_(c),
          n_(c.lps),
          lookahead_(to_ticks(c.lookahead)),
          end_(to_ticks(c.end)),
          lps_(static_cast<std::size_t>(c.lps)),
          tally_(static_cast<std::size_t>(c.lps)) {
        const auto e = static_cast<std::uint64_t>(c.events_per_lp);
        for (std::int64_t l = 0; l < n_; ++l) {
            const auto lp = static_cast<std::uint32_t>(l);
            lps_.reserve(lp, static_cast<std::size_t>(c.events_per_lp) * 2);
            for (std::uint64_t k = 0; k < e; ++k) {
                const std::uint64_t chain = static_cast<std::uint64_t>(l) * e + k;
                RandomStream rng(config_.seed, chain, 0);
                rng.next_u64();
                rng.next_u64();
                const Tick at = lookahead_ + delay_ticks(rng.uniform());
                if (at < end_)
                    lps_.schedule(lp, Event{at, chain, 0, 0, 0, 0});
            }
        }
    }

    // ---- engine::Model ------------------------------------------------------------------

    LpSet<Event>& lps() { return lps_; }

    void handle(std::uint32_t lp, const Event& e) {
        Tally& tally = tally_[lp];
        tally.hash = mix64(tally.hash ^ mix64(static_cast<std::uint64_t>(e.time) ^
                                              mix64(e.entity + (std::uint64_t{e.seq} << 40))));
        RandomStream rng(config_.seed, e.entity, (std::uint64_t{e.seq} + 1) * 4);
        const double u_remote = rng.uniform();
        const std::uint64_t u_lp = rng.next_u64();
        const Tick at = e.time + lookahead_ + delay_ticks(rng.uniform());
        std::int64_t to = lp;
        if (u_remote < config_.remote) {
            // floor(u × N) with u uniform on [0, 1) in 53 bits: exact in doubles.
            to = static_cast<std::int64_t>(static_cast<double>(u_lp >> 11) * 0x1p-53 *
                                           static_cast<double>(n_));
        }
        if (to != lp)
            ++tally.remote;
        if (at >= end_)
            return;  // never committed: the chain ends here
        Event child{at, e.entity, e.seq + 1, 0, 0, 0};
        if (to == lp) {
            lps_.schedule(lp, child);  // takes the parent's place at the top
        } else {
            child.lp = static_cast<std::uint32_t>(to);
            lps_.send(lp, child);
        }
    }

    void deliver(const Event& m) { lps_.schedule(m.lp, m); }

    static std::size_t destination(const Event& m) { return m.lp; }

    static Tick arrival(const Event& m) { return m.time; }

    void end_window(Tick /*window_end*/) {}

    [[nodiscard]] std::size_t buffered() const { return 0; }

    void flush() {}

    // ---- running ------------------------------------------------------------------------

    PholdResult run(SchedulerKind scheduler, const MpiWorld* world) {
        RunControl control;
        control.lookahead = lookahead_;
        control.end = end_;
        control.lps_per_task = static_cast<std::size_t>(block_lps);
        const int ranks = world == nullptr ? 1 : world->size();
        const std::vector<double> weight(static_cast<std::size_t>(n_), 1.0);
        const LpPartition partition =
            partition_lps(weight, ranks, world == nullptr ? 0 : world->rank());
        for (std::size_t l = 0; l < weight.size(); ++l) {
            if (!partition.owns(l))
                lps_.release(l);
        }
        PholdResult result;
        const auto started = std::chrono::steady_clock::now();
        RunStats stats;
        if (scheduler == SchedulerKind::sequential) {
            TIERSIM_CHECK(ranks == 1, "the sequential scheduler runs in one process");
            stats = SequentialScheduler<Phold>(*this, control).run();
        } else {
            stats = WindowScheduler<Phold>(*this, partition, world, control).run();
        }
        result.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        result.committed = stats.events;
        result.windows = stats.windows;

        // Every LP's tally, in LP order (rank order is LP order), on rank 0.
        std::vector<std::uint64_t> own;
        for (std::size_t l = partition.begin; l < partition.end; ++l) {
            own.push_back(tally_[l].hash);
            own.push_back(tally_[l].remote);
        }
        const std::vector<std::uint64_t> all = world == nullptr ? own : world->gatherv(own);
        std::uint64_t checksum = 0;
        for (std::size_t l = 0; l < all.size() / 2; ++l) {
            result.remote += all[2 * l + 1];
            checksum = mix64(checksum ^ mix64(all[2 * l] + l));
        }
        result.checksum = checksum;
        return result;
    }

private:
    [[nodiscard]] Tick delay_ticks(double u) const {
        // Exp(mean) in ticks, rounded (x >= 0, so + 0.5 and truncation round half up).
        const double x = -config_.mean * std::log(u) * phold_ticks_per_unit;
        return static_cast<Tick>(x + 0.5);
    }

    PholdConfig config_;
    std::int64_t n_;
    Tick lookahead_;
    Tick end_;
    LpSet<Event> lps_;
    std::vector<Tally> tally_;
};

static_assert(Model<Phold>);

}  // namespace

std::string phold_config_error(const PholdConfig& c) {
    std::ostringstream out;
    if (c.lps < 1 || c.lps > max_lps)
        out << "--lps must be in [1, " << max_lps << "], got " << c.lps;
    else if (c.events_per_lp < 1 || c.events_per_lp > max_events / c.lps)
        out << "--events-per-lp must be >= 1 with lps x events-per-lp <= " << max_events << ", got "
            << c.events_per_lp;
    else if (!(c.remote >= 0.0 && c.remote <= 1.0))
        out << "--remote must be a probability in [0, 1], got " << c.remote;
    else if (!(c.lookahead >= 1.0 / phold_ticks_per_unit && c.lookahead <= 1e9))
        out << "--lookahead must be in [1e-6, 1e9] time units, got " << c.lookahead;
    else if (!(c.mean >= 0.0 && c.mean <= 1e9))
        out << "--mean must be in [0, 1e9], got " << c.mean;
    else if (!(c.end > 0.0 && c.end <= 1e12))
        out << "--end must be in (0, 1e12], got " << c.end;
    return out.str();
}

PholdResult run_phold(const PholdConfig& config, SchedulerKind scheduler, const MpiWorld* world) {
    const std::string error = phold_config_error(config);
    if (!error.empty())
        throw std::invalid_argument(error);
    Phold phold(config);
    return phold.run(scheduler, world);
}

}  // namespace tiersim::engine
