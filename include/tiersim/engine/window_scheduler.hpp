// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/engine/partition.hpp"
#include "tiersim/error.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <span>
#include <vector>

namespace tiersim::engine {

/// The conservative window engine (DESIGN §3). Every window [T, T + L) starts at the earliest
/// pending event T, L being the lookahead (and ends early at a barrier, RunControl); in it, every
/// LP of this rank handles its events before T + L, LPs in parallel on oneTBB. No message sent in
/// the window can land in it, so the LPs need not wait for each other inside it. After the window
/// the messages are delivered in the order of source LPs and then of sending, which fixes every
/// LP's state whatever the thread count.
///
/// With an MPI world of several ranks, each rank advances its block of LPs (LpPartition) and
/// the ranks run the same windows. After a window one allgather carries each rank's next event
/// time (its queues and the messages it sends: delivery schedules nothing earlier than a
/// message's arrival), its stop flag, the output it buffers and its message count per rank, so
/// that every rank knows the next window, whether to stop, whether to flush and what it will
/// receive; an alltoallv then carries the messages that cross ranks. Messages are delivered in
/// rank order, this rank's own outboxes at its turn: blocks ascend with the rank, so that is
/// the one-process order. The model flushes its output every few windows, on every rank at once.
template <Model M>
class WindowScheduler {
public:
    using Message = typename M::Message;

    /// `world` may be null (one process); `partition` must come from partition_lps over the
    /// model's LPs with this world's size and rank. Both must outlive the scheduler.
    WindowScheduler(M& model,
                    const LpPartition& partition,
                    const MpiWorld* world,
                    RunControl control)
        : model_(model),
          lps_(model.lps()),
          partition_(partition),
          world_(world),
          control_(std::move(control)),
          handled_(lps_.size(), 0) {}

    /// Runs to control.end or a stop; collective under MPI.
    RunStats run() {
        RunStats stats = world_ == nullptr || world_->size() == 1 ? run_local() : run_ranks();
        std::int64_t events = 0;
        for (std::size_t i = partition_.begin; i < partition_.end; ++i)
            events += static_cast<std::int64_t>(handled_[i]);
        if (world_ != nullptr && world_->size() > 1)
            world_->allreduce_sum(std::span<std::int64_t>(&events, 1));
        stats.events = static_cast<std::uint64_t>(events);
        return stats;
    }

private:
    // A flush costs a few collectives: under MPI, output is gathered every few windows.
    static constexpr std::size_t flush_buffered = std::size_t{1} << 15;
    static constexpr std::uint64_t flush_windows = 64;

    [[nodiscard]] Tick next_local() const {
        Tick next = never;
        for (std::size_t i = partition_.begin; i < partition_.end; ++i)
            next = std::min(next, lps_.queue(i).next_time());
        return next;
    }

    void advance(std::size_t lp, Tick window_end) {
        EventQueue& queue = lps_.queue(lp);
        const auto index = static_cast<std::uint32_t>(lp);
        std::uint64_t handled = 0;
        while (!queue.empty() && queue.top().time < window_end) {
            lps_.handle_top(lp, [&](const Event& e) { model_.handle(index, e); });
            ++handled;
        }
        handled_[lp] += handled;
    }

    /// This rank's LPs, in parallel, up to the window's end.
    void advance_owned(Tick window_end) {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(
                partition_.begin, partition_.end, std::max<std::size_t>(1, control_.lps_per_task)),
            [&](const tbb::blocked_range<std::size_t>& r) {
                for (std::size_t i = r.begin(); i != r.end(); ++i) {
                    if (i + 1 != r.end())
                        lps_.queue(i + 1).prefetch();  // hides the next LP's cache miss
                    advance(i, window_end);
                }
            },
            tbb::simple_partitioner());
    }

    void deliver(const Message& m, Tick window_end) {
        TIERSIM_CHECK(M::arrival(m) >= window_end,
                      "a message lands inside the window that sent it (latency below the "
                      "lookahead)");
        model_.deliver(m);
    }

    RunStats run_local() {
        RunStats stats;
        BarrierCursor barriers(control_);
        for (;;) {
            const Tick next = next_local();
            if (run_is_over(next, control_, stats))
                return stats;
            const Tick window_end = barriers.window_end(barriers.pass(next));
            advance_owned(window_end);
            for (std::size_t i = partition_.begin; i < partition_.end; ++i) {
                for (const Message& m : lps_.outbox(i))
                    deliver(m, window_end);
                lps_.outbox(i).clear();
            }
            ++stats.windows;
            model_.end_window(window_end);
            model_.flush();
            if (control_.on_window)
                control_.on_window(window_end);
        }
    }

    RunStats run_ranks() {
        const auto k = static_cast<std::size_t>(world_->size());
        const auto me = static_cast<std::size_t>(world_->rank());
        constexpr std::size_t h_next = 0, h_stop = 1, h_buffered = 2, h_counts = 3;
        const std::size_t stride = h_counts + k;
        std::vector<std::int64_t> mine(stride, 0);
        auto local_flags = [&](Tick next) {
            mine[h_next] = next;
            mine[h_stop] = stop_asked(control_) ? 1 : 0;
            mine[h_buffered] = static_cast<std::int64_t>(model_.buffered());
        };
        local_flags(next_local());
        std::vector<std::int64_t> all = world_->allgather(mine);

        RunStats stats;
        BarrierCursor barriers(control_);
        std::uint64_t unflushed = 0;  // windows since the last flush
        std::vector<std::vector<Message>> send(k);
        std::vector<std::size_t> recv_counts(k);
        for (;;) {
            Tick next = never;
            bool stop = false;
            std::size_t buffered = 0;
            for (std::size_t r = 0; r < k; ++r) {
                next = std::min(next, all[r * stride + h_next]);
                stop = stop || all[r * stride + h_stop] != 0;
                buffered =
                    std::max(buffered, static_cast<std::size_t>(all[r * stride + h_buffered]));
            }
            if (next < control_.end && !stop && unflushed > 0 &&
                (buffered >= flush_buffered || unflushed >= flush_windows)) {
                model_.flush();
                unflushed = 0;
            }
            if (next >= control_.end || stop) {
                model_.flush();
                stats.interrupted = next < control_.end;
                stats.reached = stats.interrupted ? next : control_.end;
                return stats;
            }
            // Every rank passes the same barriers at the same `next`.
            const Tick window_end = barriers.window_end(barriers.pass(next));
            advance_owned(window_end);
            ++stats.windows;
            ++unflushed;
            model_.end_window(window_end);

            Tick local_next = never;
            for (auto& s : send)
                s.clear();
            for (std::size_t i = partition_.begin; i < partition_.end; ++i) {
                local_next = std::min(local_next, lps_.queue(i).next_time());
                for (const Message& m : lps_.outbox(i)) {
                    local_next = std::min(local_next, M::arrival(m));
                    const auto to = static_cast<std::size_t>(partition_.rank_of[M::destination(m)]);
                    if (to != me)
                        send[to].push_back(m);
                }
            }
            local_flags(local_next);
            for (std::size_t r = 0; r < k; ++r)
                mine[h_counts + r] = static_cast<std::int64_t>(send[r].size());
            all = world_->allgather(mine);

            bool crossing = false;
            for (std::size_t r = 0; r < k; ++r) {
                recv_counts[r] = static_cast<std::size_t>(all[r * stride + h_counts + me]);
                for (std::size_t q = 0; q < k; ++q)
                    crossing = crossing || (q != r && all[r * stride + h_counts + q] != 0);
            }
            std::vector<std::vector<Message>> received(k);
            if (crossing)
                received = world_->alltoallv(send, recv_counts);
            for (std::size_t r = 0; r < k; ++r) {
                if (r != me) {
                    for (const Message& m : received[r])
                        deliver(m, window_end);
                    continue;
                }
                for (std::size_t i = partition_.begin; i < partition_.end; ++i) {
                    for (const Message& m : lps_.outbox(i)) {
                        if (partition_.owns(M::destination(m)))
                            deliver(m, window_end);
                    }
                    lps_.outbox(i).clear();
                }
            }
            if (world_->is_root() && control_.on_window)
                control_.on_window(window_end);
        }
    }

    M& model_;
    LpSet<Message>& lps_;
    const LpPartition& partition_;
    const MpiWorld* world_;
    RunControl control_;
    std::vector<std::uint64_t> handled_;  // by LP, written only by the LP's worker
};

}  // namespace tiersim::engine
