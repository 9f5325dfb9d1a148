// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tiersim::engine {

/// A pending event: a small POD. The order (time, kind, entity, seq) is total and depends only
/// on the model, never on the thread or LP that holds the event: that is the determinism contract.
struct Event {
    Tick time = 0;
    std::uint64_t entity = 0;  ///< ticket id or generator id, global
    std::uint32_t seq = 0;     ///< per-entity sequence number
    std::uint16_t kind = 0;
    std::uint16_t aux = 0;   ///< model data carried with the event (not part of the order)
    std::uint32_t slot = 0;  ///< index into the owning LP's pool (not part of the order)
    std::uint32_t lp = 0;  ///< the LP that holds it, set by LpSet::schedule (not part of the order)
};

static_assert(sizeof(Event) == 32, "lp fills the padding: an event stays half a cache line");

inline bool operator<(const Event& a, const Event& b) {
    if (a.time != b.time)
        return a.time < b.time;
    if (a.kind != b.kind)
        return a.kind < b.kind;
    if (a.entity != b.entity)
        return a.entity < b.entity;
    return a.seq < b.seq;
}

/// A 4-ary min-heap of events in one contiguous vector: no allocation per event once grown.
class EventQueue {
public:
    [[nodiscard]] bool empty() const { return heap_.empty(); }

    [[nodiscard]] std::size_t size() const { return heap_.size(); }

    [[nodiscard]] const Event& top() const { return heap_.front(); }

    [[nodiscard]] Tick next_time() const { return heap_.empty() ? never : heap_.front().time; }

    void reserve(std::size_t n) { heap_.reserve(n); }

    /// The pending events, in heap order (which depends on how they came in: read them as a
    /// set).
    [[nodiscard]] std::span<const Event> events() const { return heap_; }

    /// Hints the cache to load the earliest events (and their children in the heap).
    void prefetch() const {
        if (!heap_.empty()) {
            __builtin_prefetch(heap_.data());
            __builtin_prefetch(heap_.data() + 2);
        }
    }

    void push(const Event& e) {
        heap_.push_back(e);
        sift_up(heap_.size() - 1);
    }

    Event pop() {
        Event result = heap_.front();
        const Event last = heap_.back();
        heap_.pop_back();
        if (!heap_.empty()) {
            heap_.front() = last;
            sift_down(0);
        }
        return result;
    }

    /// Pops the earliest event and pushes `e` in one sift (the hold model's step: an event that
    /// schedules one successor). The queue must not be empty.
    void replace_top(const Event& e) {
        heap_.front() = e;
        sift_down(0);
    }

    void clear() { heap_.clear(); }

private:
    static constexpr std::size_t arity = 4;

    void sift_up(std::size_t i) {
        const Event e = heap_[i];
        while (i > 0) {
            const std::size_t parent = (i - 1) / arity;
            if (!(e < heap_[parent]))
                break;
            heap_[i] = heap_[parent];
            i = parent;
        }
        heap_[i] = e;
    }

    void sift_down(std::size_t i) {
        const std::size_t n = heap_.size();
        const Event e = heap_[i];
        for (;;) {
            const std::size_t first = i * arity + 1;
            if (first >= n)
                break;
            std::size_t best = first;
            const std::size_t last = first + arity < n ? first + arity : n;
            for (std::size_t c = first + 1; c < last; ++c) {
                if (heap_[c] < heap_[best])
                    best = c;
            }
            if (!(heap_[best] < e))
                break;
            heap_[i] = heap_[best];
            i = best;
        }
        heap_[i] = e;
    }

    std::vector<Event> heap_;
};

}  // namespace tiersim::engine
