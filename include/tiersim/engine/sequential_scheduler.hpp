// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/error.hpp"

#include <algorithm>
#include <vector>

namespace tiersim::engine {

/// The reference scheduler, the oracle of the window engine: one event queue for every LP, one
/// thread, each event handled in the global order and each message delivered as soon as the
/// event that sent it returns. It synchronises nothing and trusts no lookahead, so the window
/// engine is right exactly when the two give the same results (tests/fingerprint).
///
/// It still cuts the run into the window engine's epochs [T, T + L) — T the earliest pending
/// event, L the lookahead, cut short at a barrier — but only to hand the model's output on at the
/// same boundaries (a model may order its output within a window) and to check that no message
/// lands in the epoch that sent it. One process only.
template <Model M>
class SequentialScheduler {
public:
    using Message = typename M::Message;

    SequentialScheduler(M& model, RunControl control)
        : model_(model),
          lps_(model.lps()),
          control_(std::move(control)) {}

    RunStats run() {
        lps_.share_one_queue();
        EventQueue& queue = lps_.shared_queue();
        RunStats stats;
        BarrierCursor barriers(control_);
        for (;;) {
            const Tick next = queue.next_time();
            if (run_is_over(next, control_, stats))
                return stats;
            const Tick epoch_end = barriers.window_end(barriers.pass(next));
            while (!queue.empty() && queue.top().time < epoch_end) {
                const std::uint32_t lp = queue.top().lp;
                lps_.handle_top(lp, [&](const Event& e) { model_.handle(lp, e); });
                ++stats.events;
                std::vector<Message>& outbox = lps_.outbox(lp);
                for (const Message& m : outbox) {
                    TIERSIM_CHECK(M::arrival(m) >= epoch_end,
                                  "a message lands inside the window that sent it (latency "
                                  "below the lookahead)");
                    model_.deliver(m);
                }
                outbox.clear();
            }
            ++stats.windows;
            model_.end_window(epoch_end);
            model_.flush();
            if (control_.on_window)
                control_.on_window(epoch_end);
        }
    }

private:
    M& model_;
    LpSet<Message>& lps_;
    RunControl control_;
};

}  // namespace tiersim::engine
