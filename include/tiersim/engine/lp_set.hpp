// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/event_queue.hpp"

#include <cstdint>
#include <vector>

namespace tiersim::engine {

/// The logical processes (LPs) as the engine sees them: each one's pending events and its
/// outbox of messages to other LPs. A model schedules and sends through this object; a
/// scheduler (WindowScheduler, SequentialScheduler) takes the events out in order and delivers
/// the messages.
///
/// Each LP has its own event queue until share_one_queue(), after which every LP schedules into
/// one queue (the sequential reference scheduler's). Events carry the LP they belong to.
///
/// The event being handled stays at the top of its queue until the handler returns: the first
/// event the handler schedules on that queue takes its place in one sift (EventQueue::
/// replace_top), the hold model's step; otherwise the scheduler pops it. The order of events
/// is total, so this changes nothing but the cost.
///
/// `Message` is the model's cross-LP message: trivially copyable (it may travel between MPI
/// ranks as bytes).
template <class Message>
class LpSet {
public:
    explicit LpSet(std::size_t count)
        : lanes_(count),
          outboxes_(count),
          lane_of_(count) {
        for (std::size_t i = 0; i < count; ++i)
            lane_of_[i] = &lanes_[i];
    }

    LpSet(const LpSet&) = delete;
    LpSet& operator=(const LpSet&) = delete;

    [[nodiscard]] std::size_t size() const { return lanes_.size(); }

    // ---- the model's side ---------------------------------------------------------------

    /// Schedules `e` at LP `lp` (it must not be earlier than the event being handled there).
    [[gnu::always_inline]] void schedule(std::uint32_t lp, Event e) {
        e.lp = lp;
        Lane& lane = *lane_of_[lp];
        if (lane.head_pending) {
            lane.head_pending = false;
            lane.queue.replace_top(e);
        } else {
            lane.queue.push(e);
        }
    }

    /// Sends `m` from LP `from`; the scheduler delivers it to the model (Model::deliver) after
    /// the window, in the order of source LPs and then of sending.
    void send(std::uint32_t from, const Message& m) { outboxes_[from].push_back(m); }

    /// Reserves room for `n` pending events at LP `lp`.
    void reserve(std::uint32_t lp, std::size_t n) { lane_of_[lp]->queue.reserve(n); }

    // ---- the scheduler's side -----------------------------------------------------------

    [[nodiscard]] EventQueue& queue(std::size_t lp) { return lane_of_[lp]->queue; }

    [[nodiscard]] const EventQueue& queue(std::size_t lp) const { return lane_of_[lp]->queue; }

    [[nodiscard]] std::vector<Message>& outbox(std::size_t lp) { return outboxes_[lp]; }

    [[nodiscard]] const std::vector<Message>& outbox(std::size_t lp) const { return outboxes_[lp]; }

    /// Calls f(event) for every pending event, of every LP's queue or the shared one.
    template <class F>
    void for_each_pending(F&& f) const {
        for (const Lane& lane : lanes_)
            for (const Event& e : lane.queue.events())
                f(e);
        for (const Event& e : shared_.queue.events())
            f(e);
    }

    /// Pops the top of `lp`'s queue unless the handler's first schedule took its place.
    template <class Handler>
    void handle_top(std::size_t lp, Handler&& handler) {
        Lane& lane = *lane_of_[lp];
        const Event e = lane.queue.top();
        lane.head_pending = true;
        handler(e);
        if (lane.head_pending) {
            lane.head_pending = false;
            lane.queue.pop();
        }
    }

    /// The one queue of share_one_queue().
    [[nodiscard]] EventQueue& shared_queue() { return shared_.queue; }

    /// Moves every LP's events into one queue and makes every LP schedule there.
    void share_one_queue() {
        for (Lane& lane : lanes_) {
            while (!lane.queue.empty())
                shared_.queue.push(lane.queue.pop());
            lane.queue = EventQueue{};
        }
        for (auto& lane : lane_of_)
            lane = &shared_;
    }

    /// Drops the events and messages of an LP that another MPI rank advances.
    void release(std::size_t lp) {
        lanes_[lp].queue = EventQueue{};
        outboxes_[lp] = {};
    }

private:
    struct Lane {
        EventQueue queue;
        bool head_pending = false;
    };

    std::vector<Lane> lanes_;
    Lane shared_;
    std::vector<std::vector<Message>> outboxes_;
    std::vector<Lane*> lane_of_;
};

}  // namespace tiersim::engine
