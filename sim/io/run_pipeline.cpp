// SPDX-License-Identifier: MIT
#include "tiersim/io/run_pipeline.hpp"

#include "tiersim/io/division_reader.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/utc_time.hpp"
#include "tiersim/version.hpp"

#include <chrono>

namespace tiersim::io {

model::CompiledModel compile_scenario(const std::string& scenario,
                                      const std::vector<std::string>& overrides) {
    return compile_scenario(load_scenario(scenario, overrides));
}

model::CompiledModel compile_scenario(model::ScenarioSpec spec) {
    model::Organisation org = build_organisation(spec);
    return {std::move(spec), std::move(org)};
}

RunResult simulate_into(const model::CompiledModel& model,
                        RunWriter* writer,
                        const RunRequest& request) {
    std::int64_t closed = 0;
    model::RunHooks hooks;
    hooks.stop = request.stop;
    hooks.max_open_tickets = request.max_open_tickets;
    hooks.digest_at = request.digest_at;
    hooks.expected_digest = request.expected_digest;
    if (writer != nullptr) {
        hooks.on_records = [&](std::vector<model::TicketRecord>& tickets,
                               std::vector<model::EventRecord>& events) {
            closed += static_cast<std::int64_t>(tickets.size());
            RecordBatch batch = writer->acquire_batch();
            batch.tickets.swap(tickets);
            batch.events.swap(events);
            writer->submit(std::move(batch));
        };
        hooks.on_unit_rows = [writer](std::vector<model::UnitPeriodRow>& rows) {
            writer->submit_unit_rows(rows);
        };
        hooks.on_open_tickets = [writer](double end_h) {
            writer->open_tickets_follow(end_h);
        };
        if (request.on_progress) {
            hooks.on_progress = [&](double t_h) {
                request.on_progress(t_h, closed);
            };
        }
    }
    model::Simulation simulation(model, request.trace_events, request.world, request.scheduler);
    const auto started = std::chrono::steady_clock::now();
    RunResult result;
    result.outcome = simulation.run(hooks);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    RunInfo& info = result.info;
    info.tiersim_version = tiersim::version;
    info.seed = model.spec().seed;
    info.days = model.spec().days;
    info.end_h = result.outcome.end_h;
    info.threads = request.threads;
    info.ranks = request.world == nullptr ? 1 : request.world->size();
    info.created_utc = utc_now();
    info.wall_seconds = wall;
    info.events = result.outcome.events;
    info.interrupted = result.outcome.interrupted;
    info.state_digest = result.outcome.state_digest;
    info.digest_day = engine::to_hours(request.digest_at) / 24.0;
    info.from_checkpoint = request.from_checkpoint;
    if (writer != nullptr && (!info.interrupted || request.finish_when_interrupted))
        result.summary = writer->finish(result.outcome, info);
    return result;
}

}  // namespace tiersim::io
