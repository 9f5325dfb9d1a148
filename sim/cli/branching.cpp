// SPDX-License-Identifier: MIT
#include "branching.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/utc_time.hpp"
#include "tiersim/text_format.hpp"
#include "tiersim/version.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

namespace tiersim::cli {

namespace {

[[noreturn]] void refuse(const std::string& option, const std::string& message) {
    SourceLocation where;
    where.file = "<command line>";
    Diagnostic d;
    d.where = std::move(where);
    d.key = option;
    d.message = option + ": " + message;
    throw ScenarioError(std::move(d));
}

}  // namespace

model::CompiledModel compile_run(const std::string& scenario,
                                 const std::vector<std::string>& overrides,
                                 const BranchOptions& options,
                                 std::optional<io::Checkpoint>& origin) {
    if (options.from.empty())
        return io::compile_scenario(scenario, overrides);
    origin = io::read_checkpoint(options.from);
    io::BranchOrigin from;
    from.path = options.from;
    from.scenario_name = origin->scenario_name;
    from.scenario_toml = origin->scenario_toml;
    from.day = origin->day;
    return io::compile_scenario(io::load_branch(scenario, overrides, from));
}

void plan_digest(const BranchOptions& options,
                 const std::optional<io::Checkpoint>& origin,
                 const model::ScenarioSpec& spec,
                 const std::string& output,
                 io::RunRequest& request) {
    if (options.checkpoint.empty() != !options.checkpoint_day)
        refuse(options.checkpoint.empty() ? "--checkpoint-day" : "--checkpoint",
               "--checkpoint FILE and --checkpoint-day D go together");
    if (origin) {
        if (!options.checkpoint.empty())
            refuse("--checkpoint",
                   "a branch (--from) writes no checkpoint of its own; run its scenario "
                   "(/provenance/scenario_toml of its output, saved as a file) with "
                   "--checkpoint instead");
        request.digest_at = static_cast<engine::Tick>(origin->day) * engine::ticks_per_day;
        request.expected_digest = origin->state_digest;
        request.from_checkpoint = options.from;
        return;
    }
    if (options.checkpoint.empty())
        return;
    const std::int64_t day = *options.checkpoint_day;
    // A day at least before the end: the digest covers the events of the day after it.
    if (day < 1 || static_cast<double>(day + 1) > spec.days)
        refuse("--checkpoint-day",
               "expected a whole day after the start and at least a day before the end of the "
               "run (1 to " +
                   format_fixed(std::floor(spec.days) - 1.0, 0) + "), got " + std::to_string(day));
    std::error_code ec;
    const bool exists = std::filesystem::exists(options.checkpoint, ec);
    if (options.checkpoint == output ||
        (exists && std::filesystem::equivalent(output, options.checkpoint, ec)))
        refuse("--checkpoint", "'" + options.checkpoint + "' is the run's output too");
    for (const std::string& input : spec.input_files) {
        if (exists && std::filesystem::equivalent(options.checkpoint, input, ec))
            refuse("--checkpoint",
                   "'" + options.checkpoint +
                       "' is an input of this run; writing there would "
                       "destroy it");
    }
    request.digest_at = day * engine::ticks_per_day;
}

void write_run_checkpoint(const BranchOptions& options,
                          const model::ScenarioSpec& spec,
                          const io::RunResult& result,
                          bool quiet) {
    if (options.checkpoint.empty())
        return;
    if (!result.outcome.state_digest) {
        if (!quiet)
            std::cerr << "tiersim: warning: the run stopped before day " << *options.checkpoint_day
                      << ": no checkpoint written to " << options.checkpoint << '\n';
        return;
    }
    io::Checkpoint c;
    c.tiersim_version = tiersim::version;
    c.scenario_name = spec.name;
    c.scenario_toml = spec.resolved_toml;
    c.seed = spec.seed;
    c.day = static_cast<double>(*options.checkpoint_day);
    c.state_digest = *result.outcome.state_digest;
    c.created_utc = io::utc_now();
    io::write_checkpoint(options.checkpoint, c);
}

}  // namespace tiersim::cli
