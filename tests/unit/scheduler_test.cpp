// SPDX-License-Identifier: MIT
// The engine's schedulers on a toy model that knows nothing of tickets: tokens that hop around
// a ring of LPs. The window engine (1–3 threads) and the sequential reference scheduler must
// handle every LP's events in the same order; a message that lands inside its own window is a
// bug the schedulers report; the LP set lets a handler's first event take the top's place.
#include "tiersim/engine/lp_set.hpp"
#include "tiersim/engine/model_concept.hpp"
#include "tiersim/engine/partition.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/engine/sequential_scheduler.hpp"
#include "tiersim/engine/window_scheduler.hpp"
#include "tiersim/error.hpp"

#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace {

using namespace tiersim::engine;

/// Each token waits an exponential time at its LP, then either stays or hops to the next LP
/// with a latency of `hop` ticks; every LP logs what it handled, and output is "flushed" per
/// window into a log of (window end, LP, entity) triples.
class Ring {
public:
    struct Message {
        Event event;
        std::uint32_t to = 0;
    };

    Ring(std::uint32_t lps, std::uint32_t tokens, Tick hop)
        : hop_(hop),
          set_(lps),
          handled_(lps),
          pending_(lps) {
        for (std::uint32_t k = 0; k < tokens; ++k)
            set_.schedule(k % lps, Event{1 + k % 7, k, 0, 0, 0, 0});
    }

    LpSet<Message>& lps() { return set_; }

    void handle(std::uint32_t lp, const Event& e) {
        handled_[lp].push_back(e.entity << 20 | e.seq);
        latest_ = std::max(latest_, e.time);
        pending_[lp].push_back(e.entity);
        RandomStream rng(1, e.entity, e.seq);
        const Tick wait = 1 + static_cast<Tick>(rng.exponential(20.0));
        Event next{e.time + wait, e.entity, e.seq + 1, 0, 0, 0};
        if (rng.bernoulli(0.3)) {
            next.time = e.time + hop_;
            set_.send(lp, Message{next, (lp + 1) % static_cast<std::uint32_t>(handled_.size())});
        } else {
            set_.schedule(lp, next);
        }
    }

    void deliver(const Message& m) { set_.schedule(m.to, m.event); }

    static std::size_t destination(const Message& m) { return m.to; }

    static Tick arrival(const Message& m) { return m.event.time; }

    void end_window(Tick window_end) {
        for (std::size_t lp = 0; lp < pending_.size(); ++lp) {
            for (const std::uint64_t entity : pending_[lp])
                log_.push_back({window_end, lp, entity});
            pending_[lp].clear();
        }
    }

    [[nodiscard]] std::size_t buffered() const { return 0; }

    void flush() {}

    struct Entry {
        Tick window_end;
        std::size_t lp;
        std::uint64_t entity;
        bool operator==(const Entry&) const = default;
    };

    /// A barrier: every event before `t` has been handled, none at or after it; a new token
    /// starts at `t` on LP 0.
    void at_barrier(Tick t) {
        barrier_log_.push_back({t, latest_ < t, handled_count()});
        set_.schedule(0, Event{t, 1000 + barrier_log_.size(), 0, 0, 0, 0});
    }

    [[nodiscard]] std::size_t handled_count() const {
        std::size_t n = 0;
        for (const auto& h : handled_)
            n += h.size();
        return n;
    }

    struct BarrierEntry {
        Tick t;
        bool all_before;
        std::size_t handled;
        bool operator==(const BarrierEntry&) const = default;
    };

    Tick hop_;
    Tick latest_ = 0;
    std::vector<BarrierEntry> barrier_log_;
    LpSet<Message> set_;
    std::vector<std::vector<std::uint64_t>> handled_;  // by LP, in order
    std::vector<std::vector<std::uint64_t>> pending_;  // by LP, this window
    std::vector<Entry> log_;
};

static_assert(Model<Ring>);

RunControl control(Tick lookahead, Tick end) {
    RunControl c;
    c.lookahead = lookahead;
    c.end = end;
    return c;
}

RunStats run_windows(Ring& ring, RunControl c, int threads) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
    const std::vector<double> weight(ring.lps().size(), 1.0);
    const LpPartition partition = partition_lps(weight, 1, 0);
    return WindowScheduler<Ring>(ring, partition, nullptr, c).run();
}

}  // namespace

TEST_CASE(
    "the window engine and the sequential scheduler handle the same events in the same "
    "order",
    "[unit][engine][determinism]") {
    Ring reference(9, 40, 5);
    const RunStats seq = SequentialScheduler<Ring>(reference, control(5, 2000)).run();
    CHECK(seq.events > 3000);
    CHECK(seq.reached == 2000);
    CHECK_FALSE(seq.interrupted);
    for (const int threads : {1, 2, 3}) {
        INFO("threads " << threads);
        Ring ring(9, 40, 5);
        const RunStats win = run_windows(ring, control(5, 2000), threads);
        CHECK(win.events == seq.events);
        CHECK(win.windows == seq.windows);
        CHECK(ring.handled_ == reference.handled_);
        CHECK(ring.log_ == reference.log_);  // the same windows, the same output in them
    }
}

TEST_CASE("a message that lands inside its own window is reported", "[unit][engine]") {
    // Hops take 3 ticks but the schedulers are told 5: the lookahead is a lie.
    Ring a(4, 10, 3);
    CHECK_THROWS_AS(SequentialScheduler<Ring>(a, control(5, 500)).run(), tiersim::InternalError);
    Ring b(4, 10, 3);
    CHECK_THROWS_AS(run_windows(b, control(5, 500), 2), tiersim::InternalError);
}

TEST_CASE("a stop request ends the run at a window boundary", "[unit][engine]") {
    std::atomic<bool> stop{true};
    Ring ring(4, 10, 5);
    RunControl c = control(5, 500);
    c.stop = &stop;
    const RunStats stats = run_windows(ring, c, 2);
    CHECK(stats.interrupted);
    CHECK(stats.events == 0);
    CHECK(stats.reached == 1);  // the first pending event
}

TEST_CASE("the LP set: the first event a handler schedules takes the top's place",
          "[unit][engine]") {
    struct Nothing {};

    LpSet<Nothing> set(2);
    set.schedule(0, Event{10, 1, 0, 0, 0, 0});
    set.schedule(0, Event{20, 2, 0, 0, 0, 0});
    set.schedule(1, Event{5, 3, 0, 0, 0, 0});
    CHECK(set.queue(0).top().lp == 0);
    CHECK(set.queue(1).top().lp == 1);
    set.handle_top(0, [&](const Event& e) {
        CHECK(e.entity == 1);
        set.schedule(0, Event{30, 1, 1, 0, 0, 0});  // replaces the top
        set.schedule(0, Event{15, 4, 0, 0, 0, 0});  // an ordinary push
    });
    CHECK(set.queue(0).size() == 3);
    CHECK(set.queue(0).pop().entity == 4);
    CHECK(set.queue(0).pop().entity == 2);
    CHECK(set.queue(0).pop().entity == 1);
    set.handle_top(1, [](const Event&) {});  // schedules nothing: popped
    CHECK(set.queue(1).empty());

    // One shared queue: every LP's events in the global order, each tagged with its LP.
    set.schedule(1, Event{7, 5, 0, 0, 0, 0});
    set.schedule(0, Event{3, 6, 0, 0, 0, 0});
    set.share_one_queue();
    CHECK(&set.queue(0) == &set.queue(1));
    CHECK(set.queue(0).pop().lp == 0);
    CHECK(set.queue(1).pop().lp == 1);
}

TEST_CASE("the LP partition: contiguous blocks of about equal weight", "[unit][engine]") {
    const std::vector<double> weight{1, 1, 1, 1, 10, 1, 1, 1};
    const LpPartition one = partition_lps(weight, 1, 0);
    CHECK(one.begin == 0);
    CHECK(one.end == 8);
    std::size_t covered = 0;
    for (int rank = 0; rank < 3; ++rank) {
        const LpPartition p = partition_lps(weight, 3, rank);
        CHECK(p.begin == covered);
        covered = p.end;
        for (std::size_t i = 1; i < p.rank_of.size(); ++i)
            CHECK(p.rank_of[i] >= p.rank_of[i - 1]);
    }
    CHECK(covered == 8);
    CHECK(partition_lps(weight, 3, 1).rank_of[4] == 1);  // the heavy LP holds the middle
}

TEST_CASE("a barrier cuts the windows: the model changes between the events before and after it",
          "[unit][engine][determinism]") {
    auto with_barriers = [](Ring& ring) {
        RunControl c = control(5, 2000);
        c.barriers = {3, 100, 101, 777, 1500, 2000, 2500};  // the last two are at or past the end
        c.on_barrier = [&ring](Tick t) {
            ring.at_barrier(t);
        };
        return c;
    };
    Ring reference(9, 40, 5);
    const RunStats seq = SequentialScheduler<Ring>(reference, with_barriers(reference)).run();
    REQUIRE(reference.barrier_log_.size() == 5);
    for (const auto& b : reference.barrier_log_)
        CHECK(b.all_before);
    CHECK(reference.barrier_log_[0].t == 3);
    CHECK(reference.barrier_log_[4].t == 1500);
    // Without barriers the same tokens follow other paths (five fewer tokens): the barriers
    // did something.
    Ring plain(9, 40, 5);
    SequentialScheduler<Ring>(plain, control(5, 2000)).run();
    CHECK(plain.handled_ != reference.handled_);
    for (const int threads : {1, 2, 3}) {
        INFO("threads " << threads);
        Ring ring(9, 40, 5);
        const RunStats win = run_windows(ring, with_barriers(ring), threads);
        CHECK(win.events == seq.events);
        CHECK(win.windows == seq.windows);
        CHECK(ring.handled_ == reference.handled_);
        CHECK(ring.barrier_log_ == reference.barrier_log_);
        CHECK(ring.log_ == reference.log_);
    }
}

TEST_CASE("a barrier that changes nothing changes no event", "[unit][engine][determinism]") {
    Ring plain(9, 40, 5);
    const RunStats a = run_windows(plain, control(5, 2000), 2);
    Ring cut(9, 40, 5);
    RunControl c = control(5, 2000);
    c.barriers = {50, 51, 52, 999};
    int calls = 0;
    c.on_barrier = [&calls](Tick) {
        ++calls;
    };
    const RunStats b = run_windows(cut, c, 2);
    CHECK(calls == 4);
    CHECK(b.events == a.events);
    CHECK(b.windows > a.windows);
    CHECK(cut.handled_ == plain.handled_);
}
