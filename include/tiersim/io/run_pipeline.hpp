// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/io/run_writer.hpp"
#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/summary.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

/// The one run pipeline — load, compile, simulate, write — that `tiersim run`, every point of
/// `tiersim sweep` and the tests share.
namespace tiersim::io {

/// Loads a scenario (a file or an embedded name, with `--set` overrides), reads the division
/// files it names and compiles it. @throws ScenarioError listing what is wrong with it.
model::CompiledModel compile_scenario(const std::string& scenario,
                                      const std::vector<std::string>& overrides);

/// Compiles a loaded scenario (reading its division files). @throws ScenarioError
model::CompiledModel compile_scenario(model::ScenarioSpec spec);

/// How to simulate a compiled model into a file.
struct RunRequest {
    bool trace_events = false;  ///< the writer's trace level must agree
    engine::SchedulerKind scheduler = engine::SchedulerKind::windows;
    int threads = 1;                               ///< recorded in /provenance
    const engine::MpiWorld* world = nullptr;       ///< several ranks: collective
    const std::atomic<bool>* stop = nullptr;       ///< set to stop at the next window
    std::size_t max_open_tickets = 0;              ///< RunHooks::max_open_tickets
    bool finish_when_interrupted = true;           ///< write the file up to the stop, or drop it
    engine::Tick digest_at = -1;                   ///< RunHooks::digest_at (a checkpoint's time)
    std::optional<std::uint64_t> expected_digest;  ///< RunHooks::expected_digest (a branch)
    std::string from_checkpoint;                   ///< a branch's checkpoint, for /provenance
    /// Simulated hours reached and tickets closed so far (rank 0, between windows).
    std::function<void(double, std::int64_t)> on_progress;
};

struct RunResult {
    model::RunOutcome outcome;              ///< its series are in the file
    RunInfo info;                           ///< what /provenance says of the run
    std::optional<model::Summary> summary;  ///< once the file is finished (rank 0)
};

/// Simulates `model` and streams its records into `writer` (null on MPI ranks other than 0,
/// which receive no records), then finishes the file (/series, /summary, /provenance).
/// @throws IoError when the writer fails.
RunResult simulate_into(const model::CompiledModel& model,
                        RunWriter* writer,
                        const RunRequest& request);

}  // namespace tiersim::io
