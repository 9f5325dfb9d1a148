// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/lp_set.hpp"
#include "tiersim/engine/sim_time.hpp"

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

namespace tiersim::engine {

/// What a scheduler needs of a model: a compile-time interface (no virtual call per event).
///
/// - `lps()`: the LpSet the model schedules into and sends through.
/// - `handle(lp, event)`: processes one event of LP `lp`. It may touch only that LP's state,
///   schedule at that LP, and send messages; it runs on any worker thread, LPs in parallel.
/// - `deliver(message)`: takes a message into its destination LP (scheduling nothing earlier
///   than `arrival(message)`); called on one thread, between windows, in a fixed order.
/// - `destination(message)`, `arrival(message)`: where and when a message lands; the arrival
///   is at least the lookahead after the event that sent it (the scheduler checks it).
/// - `end_window(window_end)`: after each window, on every rank (the model takes its LPs'
///   output of the window, in LP order).
/// - `buffered()`: how much output this rank holds; `flush()`: hands it on (collective under
///   MPI: every rank calls it at the same windows; the scheduler decides when).
template <class M>
concept Model = requires(M& m,
                         const M& cm,
                         std::uint32_t lp,
                         const Event& e,
                         Tick t,
                         const typename M::Message& message) {
    requires std::is_trivially_copyable_v<typename M::Message>;
    { m.lps() } -> std::same_as<LpSet<typename M::Message>&>;
    { m.handle(lp, e) } -> std::same_as<void>;
    { m.deliver(message) } -> std::same_as<void>;
    { M::destination(message) } -> std::convertible_to<std::size_t>;
    { M::arrival(message) } -> std::convertible_to<Tick>;
    { m.end_window(t) } -> std::same_as<void>;
    { cm.buffered() } -> std::convertible_to<std::size_t>;
    { m.flush() } -> std::same_as<void>;
};

/// Which scheduler runs a model: the parallel conservative windows (window_scheduler.hpp) or
/// the one-queue reference (sequential_scheduler.hpp). Results are bit-identical.
enum class SchedulerKind : std::uint8_t { windows, sequential };

/// How a scheduler runs a model.
struct RunControl {
    Tick lookahead = 1;  ///< the least latency of any message: a window's length (> 0)
    Tick end = 0;        ///< events at times < end are processed
    /// LPs per oneTBB task (many light LPs, as PHOLD's, share a task; heavy ones do not).
    std::size_t lps_per_task = 1;
    /// Set (by a signal handler, say) to stop at the next window boundary.
    const std::atomic<bool>* stop = nullptr;
    /// Set by the model itself (an overload it detects) to stop in the same way.
    const std::atomic<bool>* halt = nullptr;
    /// Called after each window with its end (on rank 0 only under MPI), on the calling thread.
    std::function<void(Tick)> on_window;
    /// Times at which the model changes (a reform timeline), ascending: a window never spans
    /// one, and on_barrier(t) is called once for each t < end, on every rank, between windows,
    /// after every event before t and before any at or after it. It may change the model's
    /// state and schedule events at its own LPs no earlier than t.
    std::vector<Tick> barriers;
    std::function<void(Tick)> on_barrier;
};

/// The barriers a scheduler has not reached yet; both schedulers cut their windows by it.
class BarrierCursor {
public:
    explicit BarrierCursor(const RunControl& control)
        : control_(control) {}

    /// Calls on_barrier for every barrier at or before `next` (the earliest pending event) and
    /// returns where the window starts: `next`, or the last barrier passed if that is earlier
    /// (what it scheduled is then pending, on whichever rank it was scheduled).
    Tick pass(Tick next) {
        const auto& b = control_.barriers;
        Tick start = next;
        while (i_ < b.size() && b[i_] <= next && b[i_] < control_.end) {
            if (control_.on_barrier)
                control_.on_barrier(b[i_]);
            start = std::min(next, b[i_]);
            ++i_;
        }
        return start;
    }

    /// The end of a window that starts at `start`: one lookahead on, the run's end, or the next
    /// barrier, whichever comes first.
    [[nodiscard]] Tick window_end(Tick start) const {
        Tick end = std::min(control_.end, start + control_.lookahead);
        if (i_ < control_.barriers.size())
            end = std::min(end, control_.barriers[i_]);
        return end;
    }

private:
    const RunControl& control_;
    std::size_t i_ = 0;
};

/// What a scheduler reports; under MPI the same on every rank.
struct RunStats {
    Tick reached = 0;           ///< `end`, or the next event time when stopped
    std::uint64_t windows = 0;  ///< windows (the sequential scheduler: its record epochs)
    std::uint64_t events = 0;   ///< events handled, over every rank
    bool interrupted = false;
};

/// Whether the stop or the halt flag is set.
inline bool stop_asked(const RunControl& control) {
    return (control.stop != nullptr && control.stop->load()) ||
           (control.halt != nullptr && control.halt->load());
}

/// Whether a run stops before the window that would start at `next` (the earliest pending
/// event): it has reached control.end, or a stop was asked for. Sets stats.reached and
/// stats.interrupted accordingly.
inline bool run_is_over(Tick next, const RunControl& control, RunStats& stats) {
    if (next >= control.end) {
        stats.reached = control.end;
        return true;
    }
    if (stop_asked(control)) {
        stats.interrupted = true;
        stats.reached = next;
        return true;
    }
    return false;
}

}  // namespace tiersim::engine
