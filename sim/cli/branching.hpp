// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/io/checkpoint.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/model/compiled_model.hpp"

#include <optional>
#include <string>
#include <vector>

/// `tiersim run`'s checkpoints and branches: --checkpoint FILE --checkpoint-day D writes the
/// state at day D (io/checkpoint.hpp); --from FILE runs a branch from it.
namespace tiersim::cli {

struct BranchOptions {
    std::string from;        ///< --from: the checkpoint a branch starts from
    std::string checkpoint;  ///< --checkpoint: where to write one
    std::optional<std::int64_t> checkpoint_day;
};

/// The run's scenario: `scenario` with `overrides`, or with --from the branch of the
/// checkpoint (then `origin` holds it). @throws ScenarioError
model::CompiledModel compile_run(const std::string& scenario,
                                 const std::vector<std::string>& overrides,
                                 const BranchOptions& options,
                                 std::optional<io::Checkpoint>& origin);

/// Refuses options that do not go together or out of range, and a checkpoint path that is an
/// input or the output; then sets the request's digest (exit 2 before anything is written).
/// @throws ScenarioError at the command line
void plan_digest(const BranchOptions& options,
                 const std::optional<io::Checkpoint>& origin,
                 const model::ScenarioSpec& spec,
                 const std::string& output,
                 io::RunRequest& request);

/// After the run (rank 0): writes the checkpoint if the run got to its day, or says that it
/// did not. @throws IoError
void write_run_checkpoint(const BranchOptions& options,
                          const model::ScenarioSpec& spec,
                          const io::RunResult& result,
                          bool quiet);

}  // namespace tiersim::cli
