// SPDX-License-Identifier: MIT
// The tiersim command line (DESIGN §4.1): the only code that sees argv, stdout and exit codes.
//
// Exit codes: 0 ok; 1 internal error; 2 bad usage or bad scenario; 3 runtime or I/O failure;
// 130 interrupted (SIGINT/SIGTERM/SIGHUP: the run stops at the next window and the file is
// complete).
//
// Under `mpirun -n K`, every rank parses the same arguments and scenario (so bad input fails
// with 2 on every rank alike) and runs its block of LPs; rank 0 alone opens the output, prints
// and writes. A failure on one rank once the ranks depend on each other (I/O on rank 0 during
// the run) ends the whole job through MPI_Abort with its exit code.
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/io/embedded_scenarios.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/io/output_lock.hpp"
#include "tiersim/io/recover.hpp"
#include "tiersim/io/run_budget.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/run_writer.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/summary_report.hpp"
#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/run_estimate.hpp"
#include "tiersim/model/traffic.hpp"
#include "tiersim/version.hpp"

#include "bench_command.hpp"
#include "branching.hpp"
#include "check_report.hpp"
#include "plan_command.hpp"
#include "progress.hpp"
#include "run_options.hpp"
#include "schema_command.hpp"
#include "serve_command.hpp"
#include "sweep_command.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace tiersim;

constexpr int exit_ok = 0;
constexpr int exit_unstable = 4;  // `check`: the scenario is valid, but a queue has ρ >= 1
constexpr int exit_internal = 1;
constexpr int exit_usage = 2;
constexpr int exit_runtime = 3;
constexpr int exit_interrupted = 130;

std::atomic<bool> stop_requested{false};

extern "C" void on_signal(int /*signal*/) {
    stop_requested.store(true);
}

struct CommonOptions {
    std::string scenario;
    std::vector<std::string> overrides;
    bool json = false;
    io::RunBudget budget;  ///< --max-tickets, --max-memory
};

struct RunOptions {
    std::string output;
    std::optional<double> days;
    std::optional<std::int64_t> seed;
    int threads = 0;
    std::string trace = "tickets";
    std::string scheduler = "windows";
    bool quiet = false;
    std::string progress = "auto";  ///< --progress: auto (a bar or lines of 10%) or json
    std::string summary = "full";   ///< --summary: full (headline, then tables) or short
    cli::BranchOptions branch;      ///< --checkpoint, --checkpoint-day, --from
};

/// Set once the ranks of an MPI job wait on each other: a failure of one rank must then end all.
bool ranks_coupled = false;

int command_run(const CommonOptions& common,
                const RunOptions& options,
                const engine::MpiWorld& world) {
    std::optional<io::Checkpoint> origin;  // with --from
    const model::CompiledModel model =
        cli::compile_run(common.scenario,
                         cli::with_days_and_seed(common.overrides, options.days, options.seed),
                         options.branch,
                         origin);
    const model::ScenarioSpec& spec = model.spec();
    // The budget: exit 2 before anything is written when the run would not fit.
    const model::TrafficReport traffic = model::analyse_traffic(model);
    io::check_budget(model, model::estimate_run(model, traffic), common.budget);
    if (!traffic.unstable.empty() && world.is_root() && !options.quiet) {
        std::cerr << "tiersim: warning: " << traffic.unstable.size()
                  << " queue(s) cannot keep up (ρ >= 1), their backlog grows for the whole run: "
                  << traffic.unstable.front() << (traffic.unstable.size() > 1 ? ", …" : "")
                  << " (`tiersim check` lists them)\n";
    }
    const io::TraceLevel trace = cli::parse_trace(options.trace);
    const auto scheduler = cli::parse_scheduler(options.scheduler);
    if (scheduler == engine::SchedulerKind::sequential && world.size() > 1) {
        if (world.is_root())
            std::cerr << "tiersim: error: --scheduler sequential runs in one process, not under "
                         "mpirun\n";
        return exit_usage;
    }

    const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));

    // Rank 0 alone opens the output; if it cannot, every rank stops with the I/O error's code.
    const std::string output =
        options.output.empty() ? cli::file_stem(spec.name) + ".h5" : options.output;
    io::check_output_path(output, spec);  // every rank alike: exit 2 before anything is written
    io::RunRequest request;
    cli::plan_digest(options.branch, origin, spec, output, request);
    std::optional<io::OutputLock> lock;  // held until the file is renamed into place
    std::optional<io::RunWriter> writer;
    bool open_failed = false;
    if (world.is_root()) {
        try {
            lock.emplace(output);
            writer.emplace(output, trace, spec, model.org(), &model);
        } catch (const IoError& e) {
            std::cerr << "tiersim: error: " << e.what() << '\n';
            open_failed = true;
        }
    }
    if (world.allreduce_or(open_failed))
        return exit_runtime;
    ranks_coupled = world.size() > 1;

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);  // a closed terminal stops the run as SIGTERM does

    cli::Progress progress(
        spec.days * 24.0, options.quiet || !world.is_root(), options.progress == "json");
    request.trace_events = trace == io::TraceLevel::events;
    request.scheduler = scheduler;
    request.threads = threads;
    request.world = &world;
    request.stop = &stop_requested;
    request.max_open_tickets = io::max_open_tickets(common.budget);
    request.on_progress = [&progress](double t_h, std::int64_t closed) {
        progress.update(t_h, closed);
    };
    const io::RunResult result = io::simulate_into(model, writer ? &*writer : nullptr, request);
    ranks_coupled = false;  // the ranks are done with each other
    const bool interrupted = result.outcome.interrupted;
    // Stopped but not by a signal: some rank's open tickets passed the bound.
    const bool overloaded = interrupted && !stop_requested.load();
    if (!result.outcome.overload.empty())
        std::cerr << "tiersim: error: the run stopped: " << result.outcome.overload << '\n';
    const int stopped_code = overloaded ? exit_runtime : exit_interrupted;
    if (!world.is_root())
        return interrupted ? stopped_code : exit_ok;
    progress.finish(interrupted);
    cli::write_run_checkpoint(options.branch, spec, result, options.quiet);
    if (const std::string warning = io::short_horizon_warning(*result.summary);
        !warning.empty() && !options.quiet) {
        std::cerr << "tiersim: warning: " << warning << '\n';
    }

    if (common.json) {
        std::cout << io::summary_json(*result.summary, result.info, spec.name, output) << '\n';
    } else if (options.summary == "short") {
        std::cout << io::headline_text(*result.summary, result.info, spec.name)
                  << "output: " << output << '\n';
    } else {
        std::cout << io::headline_text(*result.summary, result.info, spec.name)
                  << io::summary_text(*result.summary, result.info, spec.name)
                  << io::timeline_text(spec) << io::adaptation_text(result.outcome.adaptation)
                  << io::cost_text(model::cost_totals(
                         model::cost_rows(model::CostBasis::of(spec, model.org()),
                                          result.outcome.series,
                                          result.outcome.adaptation),
                         spec.warmup_days * 24.0))
                  << "output: " << output << '\n';
    }
    return interrupted ? stopped_code : exit_ok;
}

int command_check(const CommonOptions& common, const engine::MpiWorld& world) {
    // Compiling validates everything a run needs, the lookahead included.
    const model::CompiledModel model = io::compile_scenario(common.scenario, common.overrides);
    const model::TrafficReport report = model::analyse_traffic(model);
    const model::RunEstimate estimate = model::estimate_run(model, report);
    io::check_budget(model, estimate, common.budget);
    // A scenario whose queues are stable only at the start is no more stable than one that is
    // not: each step of its timeline is analysed too.
    const std::vector<cli::StepCheck> steps = cli::check_steps(model);
    const bool steps_stable = std::all_of(
        steps.begin(), steps.end(), [](const cli::StepCheck& c) { return c.unstable.empty(); });
    const int code = report.unstable.empty() && steps_stable ? exit_ok : exit_unstable;
    if (!world.is_root())
        return code;
    if (common.json) {
        std::cout << cli::check_json(report, estimate, steps) << '\n';
    } else {
        std::cout << "scenario " << model.spec().name << ": " << model.org().size() << " units, "
                  << model.org().lp_count() << " logical processes, lookahead "
                  << model.lookahead_h() << " h\n"
                  << cli::check_text(report, estimate) << cli::steps_text(steps);
    }
    return code;
}

/// `tiersim recover FILE.partial [-o OUT]`: what a killed run wrote, as a run file marked
/// interrupted and recovered (io::recover_partial).
int command_recover(const std::string& partial, std::string output) {
    if (output.empty()) {
        std::string stem = partial;
        if (stem.size() > 8 && stem.ends_with(".partial"))
            stem.resize(stem.size() - 8);
        if (stem.size() > 3 && stem.ends_with(".h5"))
            stem.resize(stem.size() - 3);
        output = stem + ".recovered.h5";
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(partial, ec)) {
        std::cerr << "tiersim: error: " << partial << " is not a file\n";
        return exit_usage;
    }
    if (std::filesystem::exists(output, ec)) {
        std::cerr << "tiersim: error: " << output
                  << " exists; recover does not overwrite a file: choose another -o\n";
        return exit_usage;
    }
    const io::OutputLock lock(output);
    const io::Recovered r = io::recover_partial(partial, output);
    std::cout << "recovered " << r.tickets << " tickets and " << r.events << " events into "
              << output
              << " (marked interrupted and recovered; a run writes /summary and /series only "
                 "at its end, so the file has none)\n";
    return exit_ok;
}

int command_list(bool json) {
    const auto& all = io::embedded_scenarios();
    if (json) {
        nlohmann::json names = nlohmann::json::array();
        for (const auto& s : all)
            names.push_back(std::string(s.name));
        std::cout << names.dump() << '\n';
        return exit_ok;
    }
    for (const auto& s : all) {
        // The first comment line of a scenario describes it.
        std::string line;
        const auto text = s.text;
        const auto hash = text.find('#');
        if (hash != std::string_view::npos) {
            const auto eol = text.find('\n', hash);
            line = std::string(text.substr(hash + 1, eol - hash - 1));
            while (!line.empty() && line.front() == ' ')
                line.erase(line.begin());
        }
        std::printf("%-28s %s\n", std::string(s.name).c_str(), line.c_str());
    }
    return exit_ok;
}

/// Reports an error; in an MPI job whose ranks depend on each other, ends them all with `code`.
int fail(const engine::MpiWorld& world, int code) {
    if (ranks_coupled)
        world.abort(code);
    return code;
}

/// --max-tickets and --max-memory, for run, check and sweep.
void add_budget(CLI::App* cmd, io::RunBudget& budget) {
    cmd->add_option("--max-tickets",
                    budget.max_tickets,
                    "refuse a run estimated to create more tickets (default 1e10)")
        ->check(CLI::PositiveNumber.description("> 0"));
    cmd->add_option_function<std::string>(
           "--max-memory",
           [&budget](const std::string& text) {
               budget.max_memory = io::parse_memory_size(text).value_or(0);
           },
           "refuse a run estimated to need more memory, and stop one whose open tickets "
           "outgrow it: 8G, 512M, ... (default: 80% of physical memory)")
        ->check(CLI::Validator(
            [](std::string& text) {
                return io::parse_memory_size(text)
                           ? std::string()
                           : "expected a size such as 8G, 512M or 2.5T, got '" + text + "'";
            },
            "SIZE"));
}

int run_main(int argc, char** argv, const engine::MpiWorld& world) {
    CLI::App app{"tiersim: simulate demand tickets through China's four-tier digital government"};
    app.set_version_flag("--version", std::string("tiersim ") + tiersim::version);
    app.require_subcommand(0, 1);

    CommonOptions common;
    RunOptions run;
    bool list_json = false;

    auto add_common = [&common](CLI::App* cmd) {
        cmd->add_option("scenario",
                        common.scenario,
                        "scenario file or embedded name (default: the embedded 'default')");
        cmd->add_option("--set",
                        common.overrides,
                        "override a key: --set tiers.city.intake_staff=40 (repeatable)")
            ->allow_extra_args(false);
        cmd->add_flag("--json", common.json, "print the result as one JSON object on stdout");
        add_budget(cmd, common.budget);
    };

    CLI::App* run_cmd = app.add_subcommand("run", "run a scenario and write its HDF5 file");
    add_common(run_cmd);
    run_cmd->add_option("-o,--output", run.output, "output file (default: SCENARIO.h5)");
    run_cmd->add_option(
        "--days", run.days, "simulated days (overrides simulation.days, whose range applies)");
    run_cmd->add_option("--seed", run.seed, "random seed (overrides simulation.seed)");
    run_cmd->add_option("--threads", run.threads, "worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    run_cmd->add_option("--trace", run.trace, "what to write per ticket: none, tickets, events")
        ->check(CLI::IsMember({"none", "tickets", "events"}));
    run_cmd
        ->add_option("--scheduler",
                     run.scheduler,
                     "windows (parallel, the default) or sequential (the one-queue reference "
                     "scheduler: the same output, one thread)")
        ->check(CLI::IsMember({"windows", "sequential"}));
    run_cmd->add_flag("-q,--quiet", run.quiet, "no progress on stderr");
    run_cmd
        ->add_option("--progress",
                     run.progress,
                     "progress on stderr: auto (a bar on a terminal, a line per 10% otherwise) "
                     "or json (one object per line, for programs)")
        ->check(CLI::IsMember({"auto", "json"}))
        ->capture_default_str();
    run_cmd
        ->add_option("--summary",
                     run.summary,
                     "what to print at the end: full (the headline in words, then the tables) "
                     "or short (the headline only)")
        ->check(CLI::IsMember({"full", "short"}))
        ->capture_default_str();
    run_cmd->add_option("--checkpoint",
                        run.branch.checkpoint,
                        "write a checkpoint of the state at --checkpoint-day to this file");
    run_cmd->add_option("--checkpoint-day",
                        run.branch.checkpoint_day,
                        "the day (a whole day into the run) whose state --checkpoint keeps");
    run_cmd->add_option("--from",
                        run.branch.from,
                        "run a branch from this checkpoint: the checkpoint's scenario up to its "
                        "day, then what SCENARIO (or --set) changes; SCENARIO defaults to the "
                        "checkpoint's own");

    cli::SweepOptions sweep;
    CLI::App* sweep_cmd = app.add_subcommand(
        "sweep", "run a scenario over a grid of key values, with replications, into one HDF5 file");
    sweep_cmd->add_option("scenario",
                          sweep.scenario,
                          "scenario file or embedded name (default: the embedded 'default')");
    sweep_cmd
        ->add_option("--vary",
                     sweep.vary,
                     "a key and its values: KEY=V1,V2,... or KEY=START:STOP:STEP (repeatable: "
                     "the points are the product)")
        ->allow_extra_args(false)
        ->required();
    sweep_cmd->add_option("--set", sweep.overrides, "override a key at every point (repeatable)")
        ->allow_extra_args(false);
    sweep_cmd->add_option("--replications", sweep.replications, "runs per point (default 1)")
        ->check(CLI::Range(1, 100000));
    sweep_cmd->add_flag(
        "!--no-crn",
        sweep.common_random_numbers,
        "independent seeds at every point (default: replication r has the same seed, and so the "
        "same demand, at every point)");
    sweep_cmd->add_flag("--resume",
                        sweep.resume,
                        "continue an interrupted sweep into the same output, running only the "
                        "runs not yet complete");
    sweep_cmd->add_flag("--allow-unstable",
                        sweep.allow_unstable,
                        "run points whose queues `check` finds unstable (default: they fail)");
    sweep_cmd->add_option("-o,--output", sweep.output, "output file (default: SCENARIO-sweep.h5)");
    sweep_cmd->add_option(
        "--days", sweep.days, "simulated days (overrides simulation.days, whose range applies)");
    sweep_cmd->add_option("--seed", sweep.seed, "base random seed (overrides simulation.seed)");
    sweep_cmd->add_option("--threads", sweep.threads, "worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    sweep_cmd
        ->add_option("--trace",
                     sweep.trace,
                     "keep each run's tables under /runs/NNNN: none (default), tickets, events")
        ->check(CLI::IsMember({"none", "tickets", "events"}));
    sweep_cmd->add_flag("--json", sweep.json, "print the result as one JSON object on stdout");
    sweep_cmd->add_flag("-q,--quiet", sweep.quiet, "no progress on stderr");
    add_budget(sweep_cmd, sweep.budget);

    CLI::App* check_cmd =
        app.add_subcommand("check", "validate a scenario and report the load on every queue");
    add_common(check_cmd);

    std::string recover_input;
    std::string recover_output;
    CLI::App* recover_cmd = app.add_subcommand(
        "recover", "turn the OUT.partial of a killed run into a run file marked interrupted");
    recover_cmd->add_option("partial", recover_input, "the partial file (OUT.partial)")->required();
    recover_cmd->add_option(
        "-o,--output", recover_output, "output file (default: OUT without .h5, .recovered.h5)");

    CLI::App* list_cmd = app.add_subcommand("list", "list the scenarios embedded in the binary");
    list_cmd->add_flag("--json", list_json, "print a JSON array");

    cli::BenchCommand bench(app);
    cli::PlanCommand plan(app);
    cli::SchemaCommand schema(app);
    cli::ServeCommand serve(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }

    try {
        if (*check_cmd)
            return command_check(common, world);
        if (*recover_cmd)
            return world.is_root() ? command_recover(recover_input, recover_output) : exit_ok;
        if (*list_cmd)
            return world.is_root() ? command_list(list_json) : exit_ok;
        if (*sweep_cmd) {
            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);
            std::signal(SIGHUP, on_signal);  // a closed terminal stops the run as SIGTERM does
            cli::SweepRanks ranks;
            ranks.rank = world.rank();
            ranks.size = world.size();
            ranks.barrier = [&world] {
                world.barrier();
            };
            ranks.broadcast = [&world](std::string& value) {
                world.broadcast(value);
            };
            return cli::command_sweep(sweep, ranks, stop_requested);
        }
        if (plan.chosen()) {
            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);
            return world.is_root() ? plan.run(stop_requested) : exit_ok;
        }
        if (bench.chosen())
            return world.is_root() ? bench.run() : exit_ok;  // PHOLD runs in one process
        if (schema.chosen())
            return world.is_root() ? schema.run() : exit_ok;
        if (serve.chosen()) {
            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);
            std::signal(SIGPIPE, SIG_IGN);  // a browser that leaves mid-stream is no failure
            return world.is_root() ? serve.run(stop_requested) : exit_ok;
        }
        return command_run(common, run, world);  // `tiersim` alone runs the default scenario
    } catch (const ScenarioError& e) {
        // Every rank reads the same scenario and finds the same problems: rank 0 tells them.
        if (world.is_root()) {
            for (const auto& d : e.diagnostics())
                std::cerr << d.str() << '\n';
        }
        return fail(world, exit_usage);
    } catch (const IoError& e) {
        std::cerr << "tiersim: error: " << e.what() << '\n';
        return fail(world, exit_runtime);
    } catch (const InternalError& e) {
        std::cerr << "tiersim: " << e.what() << '\n';
        return fail(world, exit_internal);
    } catch (const std::exception& e) {
        std::cerr << "tiersim: error: " << e.what() << '\n';
        return fail(world, exit_runtime);
    }
}

/// Flushes stdout: a summary or JSON that could not be written (a full disk, a closed pipe
/// reader, /dev/full) is a failure, not an exit 0 with the result lost.
int flush_stdout(int code) {
    std::cout.flush();
    const bool failed = !std::cout.good() || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed)
        return code;
    const int error = errno;
    std::cerr << "tiersim: error: cannot write to standard output"
              << (error != 0 ? std::string(": ") + std::strerror(error) : std::string()) << '\n';
    return code == exit_ok ? exit_runtime : code;
}

}  // namespace

int main(int argc, char** argv) {
    int code = exit_ok;
    {
        // Before parsing: MPI may take its own arguments out of argv. Without a launcher, and
        // in a build without MPI, this is a world of one process that never calls MPI.
        const engine::MpiWorld world(argc, argv);
        code = run_main(argc, argv, world);
    }
    code = flush_stdout(code);
    if (io::hdf5_failed()) {
        // HDF5's exit handler may crash on a file whose writing failed (io::hdf5_failed):
        // everything of ours is closed and reported, so leave without it.
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}
