// SPDX-License-Identifier: MIT
// A run: the ticket flow of one CompiledModel on the scheduler asked for.
#include "tiersim/model/simulation.hpp"

#include "tiersim/engine/sequential_scheduler.hpp"
#include "tiersim/engine/window_scheduler.hpp"

#include "flow/ticket_flow.hpp"

namespace tiersim::model {

static_assert(engine::Model<flow::TicketFlow>);

Simulation::Simulation(const CompiledModel& model,
                       bool trace_events,
                       const engine::MpiWorld* world,
                       engine::SchedulerKind scheduler)
    : model_(model),
      trace_events_(trace_events),
      world_(world),
      scheduler_(scheduler) {
    if (scheduler == engine::SchedulerKind::sequential && world != nullptr && world->size() > 1)
        throw std::invalid_argument("the sequential scheduler runs in one process, not under MPI");
}

Simulation::~Simulation() = default;

std::size_t Simulation::series_bytes_per_province_bucket() {
    return tier_count * flow::series_fields * sizeof(std::int64_t);
}

RunOutcome Simulation::run(const RunHooks& hooks) {
    flow::TicketFlow flow(model_, trace_events_, world_, hooks);
    engine::RunControl control;
    control.lookahead = model_.lookahead();
    control.end = model_.end();
    control.stop = hooks.stop;
    control.halt = &flow.halt_flag();
    control.barriers = flow.barriers();
    control.on_barrier = [&flow](engine::Tick t) {
        flow.at_barrier(t);
    };
    if (hooks.on_progress) {
        control.on_window = [&hooks](engine::Tick window_end) {
            hooks.on_progress(engine::to_hours(window_end));
        };
    }
    const engine::RunStats stats =
        scheduler_ == engine::SchedulerKind::sequential
            ? engine::SequentialScheduler<flow::TicketFlow>(flow, control).run()
            : engine::WindowScheduler<flow::TicketFlow>(flow, flow.partition(), world_, control)
                  .run();
    RunOutcome outcome;
    outcome.events = stats.events;
    outcome.windows = stats.windows;
    outcome.end_h = engine::to_hours(stats.reached);
    outcome.interrupted = stats.interrupted;
    outcome.overload = flow.overload();
    flow.finish(stats.reached, outcome);
    return outcome;
}

}  // namespace tiersim::model
