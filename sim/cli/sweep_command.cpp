// SPDX-License-Identifier: MIT
// `tiersim sweep`: the runs of a sweep, their bookkeeping on disk and the final file.
//
// Each finished run is a complete run file OUT.parts/run-NNNN.h5 (renamed into place by
// RunWriter, so it exists only once whole); a run that failed leaves OUT.parts/run-NNNN.failed
// holding its error. OUT.parts/sweep.json records what the sweep is, so that --resume continues
// only the same sweep. Rank 0 assembles OUT from the parts when the runs stop (all done,
// interrupted or some failed) and removes OUT.parts once every point is complete. Ranks share
// nothing but the file system and three collectives (the start, the run list, the exit code),
// so OUT.parts must be on a file system every rank sees.
#include "sweep_command.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/run_writer.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/sweep_file.hpp"
#include "tiersim/io/sweep_plan.hpp"
#include "tiersim/io/utc_time.hpp"
#include "tiersim/model/replication_stats.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/traffic.hpp"
#include "tiersim/version.hpp"

#include "progress.hpp"
#include "run_options.hpp"

#include <nlohmann/json.hpp>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tiersim::cli {

namespace {

namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_usage = 2;
constexpr int exit_runtime = 3;
constexpr int exit_interrupted = 130;

/// The overall metrics the text summary shows per point.
constexpr const char* headline_metrics[] = {
    "resolution_rate", "satisfaction_rate", "lead_time_mean_h", "coord_cost_h"};

Diagnostic sweep_error(const std::string& where, const std::string& message) {
    return Diagnostic{SourceLocation{where, 0, 0}, "", message};
}

fs::path run_file(const fs::path& parts, std::size_t run) {
    return parts / ("run-" + io::sweep_index_name(run) + ".h5");
}

fs::path failed_file(const fs::path& parts, std::size_t run) {
    return parts / ("run-" + io::sweep_index_name(run) + ".failed");
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text_atomically(const fs::path& path, const std::string& text) {
    fs::path partial = path;
    partial += ".partial";
    {
        std::ofstream out(partial, std::ios::trunc);
        out << text;
        if (!out)
            throw IoError("cannot write " + partial.string());
    }
    fs::rename(partial, path);
}

/// What a sweep is, as --resume compares it: everything that changes a dataset.
nlohmann::ordered_json identity(const SweepOptions& options,
                                const model::ScenarioSpec& base,
                                const io::SweepPlan& plan) {
    return {{"tiersim_version", tiersim::version},
            {"scenario_toml", base.resolved_toml},
            {"vary", nlohmann::ordered_json::parse(plan.axes_json())},
            {"replications", plan.replications()},
            {"crn", plan.common_random_numbers()},
            {"seed", plan.base_seed()},
            {"trace", options.trace},
            {"allow_unstable", options.allow_unstable}};
}

/// The first differing top-level field of two identities, or "" if they agree.
std::string first_difference(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
    for (const auto& [key, value] : a.items()) {
        if (!b.contains(key) || b[key] != value)
            return key;
    }
    for (const auto& [key, value] : b.items()) {
        if (!a.contains(key))
            return key;
    }
    return {};
}

/// Whether `out` is a sweep file of this very sweep with every point complete.
bool already_complete(const fs::path& out, const nlohmann::ordered_json& me) {
    try {
        if (!fs::is_regular_file(out) ||
            io::read_string_attribute(out, "/provenance", "sweep_identity") != me.dump())
            return false;
        const auto status = io::read_string_column(out, "/points/status");
        return std::all_of(
            status.begin(), status.end(), [](const std::string& s) { return s == "complete"; });
    } catch (const Error&) {
        return false;  // not a sweep file
    }
}

/// Loads every point's scenario once: a point whose values do not make a valid scenario, or
/// (without --allow-unstable) make a queue unstable, fails before anything runs.
struct PointSetup {
    std::vector<std::string> overrides;  ///< --set, --days, --seed, then the point's values
    std::string error;                   ///< why the point cannot run
};

std::string unstable_message(const model::TrafficReport& report) {
    std::string message = "overload guard: " + report.unstable.front();
    if (report.unstable.size() > 1)
        message += " (and " + std::to_string(report.unstable.size() - 1) + " more)";
    return message + "; --allow-unstable runs it anyway";
}

std::vector<PointSetup> set_up_points(const SweepOptions& options,
                                      const std::vector<std::string>& base_overrides,
                                      const io::SweepPlan& plan,
                                      std::vector<Diagnostic>& first_diagnostics) {
    std::vector<PointSetup> points(plan.point_count());
    for (std::size_t p = 0; p < points.size(); ++p) {
        PointSetup& setup = points[p];
        setup.overrides = base_overrides;
        for (auto& o : plan.overrides(p))
            setup.overrides.push_back(std::move(o));
        try {
            const model::CompiledModel model =
                io::compile_scenario(options.scenario, setup.overrides);
            if (!options.allow_unstable) {
                const model::TrafficReport report = model::analyse_traffic(model);
                if (!report.unstable.empty())
                    setup.error = unstable_message(report);
            }
        } catch (const ScenarioError& e) {
            for (const auto& d : e.diagnostics()) {
                if (!setup.error.empty())
                    setup.error += "; ";
                setup.error += d.str();
            }
            if (first_diagnostics.empty())
                first_diagnostics = e.diagnostics();
        }
    }
    return points;
}

/// One run, into its part file. Returns "" when it completed (or was interrupted: then no
/// part exists), else the error.
std::string run_one(const SweepOptions& options,
                    const PointSetup& point,
                    std::uint64_t seed,
                    const fs::path& out,
                    int threads,
                    const std::atomic<bool>& stop_requested,
                    const std::function<void(double)>& on_progress,
                    bool& interrupted) {
    try {
        std::vector<std::string> overrides = point.overrides;
        overrides.push_back("simulation.seed=" + std::to_string(seed));
        const model::CompiledModel model = io::compile_scenario(options.scenario, overrides);
        const io::TraceLevel trace = parse_trace(options.trace);
        io::RunWriter writer(out, trace, model.spec(), model.org());
        io::RunRequest request;
        request.trace_events = trace == io::TraceLevel::events;
        request.threads = threads;
        request.stop = &stop_requested;
        request.finish_when_interrupted = false;  // the writer's destructor removes its part
        request.on_progress = [&on_progress](double t_h, std::int64_t /*closed*/) {
            on_progress(t_h);
        };
        interrupted = io::simulate_into(model, &writer, request).outcome.interrupted;
        return {};
    } catch (const ScenarioError& e) {
        std::string message;
        for (const auto& d : e.diagnostics())
            message += (message.empty() ? "" : "; ") + d.str();
        return message;
    } catch (const std::exception& e) {
        return e.what();
    }
}

/// Comma-separated run indices (the run list rank 0 broadcasts).
std::string join(const std::vector<std::size_t>& runs) {
    std::string text;
    for (const std::size_t r : runs)
        text += (text.empty() ? "" : ",") + std::to_string(r);
    return text;
}

std::vector<std::size_t> split_runs(const std::string& text) {
    std::vector<std::size_t> runs;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        runs.push_back(static_cast<std::size_t>(std::stoull(item)));
    return runs;
}

std::string format_value(double v) {
    if (!std::isfinite(v))
        return "-";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
    return buffer;
}

double overall_value(const io::SweepRun& run, const std::string& metric) {
    if (run.summary.empty())
        return std::nan("");
    const io::SummaryTable& t = run.summary.front();
    for (std::size_t f = 0; f < t.fields.size(); ++f) {
        if (t.fields[f] == metric)
            return t.values[f].front();
    }
    return std::nan("");
}

/// The point's overall metric over its complete replications.
model::MeanInterval point_metric(const io::SweepPlan& plan,
                                 const std::vector<io::SweepRun>& runs,
                                 std::size_t point,
                                 const std::string& metric) {
    std::vector<double> values;
    const auto r_count = static_cast<std::size_t>(plan.replications());
    for (std::size_t r = 0; r < r_count; ++r) {
        const io::SweepRun& run = runs[point * r_count + r];
        if (run.status == io::RunStatus::complete)
            values.push_back(overall_value(run, metric));
    }
    return model::mean_interval(values);
}

std::string point_status(const io::SweepPlan& plan,
                         const std::vector<io::SweepRun>& runs,
                         std::size_t point,
                         std::string& error) {
    const auto r_count = static_cast<std::size_t>(plan.replications());
    bool pending = false;
    for (std::size_t r = 0; r < r_count; ++r) {
        const io::SweepRun& run = runs[point * r_count + r];
        if (run.status == io::RunStatus::failed) {
            error = run.error;
            return "failed";
        }
        pending = pending || run.status == io::RunStatus::pending;
    }
    return pending ? "pending" : "complete";
}

void print_text(const io::SweepPlan& plan,
                const std::vector<io::SweepRun>& runs,
                const io::SweepInfo& info,
                const fs::path& out) {
    std::ostringstream text;
    text << "sweep " << info.scenario_name << ": " << plan.point_count() << " points x "
         << plan.replications() << " replications, seed " << plan.base_seed()
         << (plan.common_random_numbers() ? " (common random numbers)" : " (independent seeds)")
         << ", threads " << info.threads << ", ranks " << info.ranks << ", "
         << format_value(info.wall_seconds) << " s\n";
    text << "point";
    for (const auto& axis : plan.axes())
        text << "  " << axis.key;
    text << "  status";
    for (const char* m : headline_metrics)
        text << "  " << m << " (mean ± 95% CI)";
    text << '\n';
    for (std::size_t p = 0; p < plan.point_count(); ++p) {
        text << io::sweep_index_name(p);
        const auto c = plan.coordinates(p);
        for (std::size_t a = 0; a < plan.axes().size(); ++a)
            text << "  " << plan.axes()[a].values[c[a]];
        std::string error;
        text << "  " << point_status(plan, runs, p, error);
        for (const char* m : headline_metrics) {
            const model::MeanInterval mi = point_metric(plan, runs, p, m);
            text << "  " << format_value(mi.mean);
            if (std::isfinite(mi.low))
                text << " ± " << format_value(mi.high - mi.mean);
        }
        if (!error.empty())
            text << "  (" << error << ')';
        text << '\n';
    }
    text << "output: " << out.string() << '\n';
    std::cout << text.str();
}

void print_json(const io::SweepPlan& plan,
                const std::vector<io::SweepRun>& runs,
                const io::SweepInfo& info,
                const fs::path& out) {
    nlohmann::ordered_json j;
    j["scenario"] = info.scenario_name;
    j["output"] = out.string();
    j["points"] = plan.point_count();
    j["replications"] = plan.replications();
    j["crn"] = plan.common_random_numbers();
    j["seed"] = plan.base_seed();
    j["threads"] = info.threads;
    j["ranks"] = info.ranks;
    j["wall_seconds"] = info.wall_seconds;
    j["interrupted"] = info.interrupted;
    auto number = [](double v) {
        return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr;
    };
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (std::size_t p = 0; p < plan.point_count(); ++p) {
        nlohmann::ordered_json point;
        point["point"] = p;
        nlohmann::ordered_json values;
        const auto c = plan.coordinates(p);
        for (std::size_t a = 0; a < plan.axes().size(); ++a)
            values[plan.axes()[a].key] = plan.axes()[a].values[c[a]];
        point["values"] = values;
        std::string error;
        point["status"] = point_status(plan, runs, p, error);
        point["error"] = error;
        nlohmann::ordered_json overall;
        const io::SweepRun* first = nullptr;
        for (std::size_t r = 0; r < static_cast<std::size_t>(plan.replications()); ++r) {
            const auto& run = runs[p * static_cast<std::size_t>(plan.replications()) + r];
            if (run.status == io::RunStatus::complete && first == nullptr)
                first = &run;
        }
        if (first != nullptr) {
            for (const auto& metric : first->summary.front().fields) {
                const model::MeanInterval mi = point_metric(plan, runs, p, metric);
                overall[metric] = {{"mean", number(mi.mean)},
                                   {"ci95_low", number(mi.low)},
                                   {"ci95_high", number(mi.high)},
                                   {"n", mi.n}};
            }
        }
        point["overall"] = overall;
        list.push_back(point);
    }
    j["point_results"] = list;
    std::cout << j.dump() << '\n';
}

/// Rank 0, when the runs stop: reads every run's part, writes OUT, prints the result and
/// returns the exit code.
int assemble(const SweepOptions& options,
             const io::SweepPlan& plan,
             const std::vector<PointSetup>& points,
             const model::ScenarioSpec& base,
             const fs::path& out,
             const fs::path& parts,
             std::chrono::steady_clock::time_point started,
             int threads,
             int rank_count,
             bool was_interrupted) {
    std::vector<io::SweepRun> runs(plan.run_count());
    bool all_complete = true;
    bool any_failed = false;
    for (std::size_t run = 0; run < runs.size(); ++run) {
        const std::size_t p = run / static_cast<std::size_t>(plan.replications());
        const int r = static_cast<int>(run % static_cast<std::size_t>(plan.replications()));
        io::SweepRun& result = runs[run];
        result.seed = plan.seed(p, r);
        if (!points[p].error.empty()) {
            result.status = io::RunStatus::failed;
            result.error = points[p].error;
        } else if (fs::exists(run_file(parts, run))) {
            result.status = io::RunStatus::complete;
            result.run_file = run_file(parts, run);
            result.summary = io::read_run_summary(result.run_file);
            result.events = io::read_int_attribute(result.run_file, "/provenance", "events");
        } else if (fs::exists(failed_file(parts, run))) {
            result.status = io::RunStatus::failed;
            result.error = read_text(failed_file(parts, run));
        }
        all_complete = all_complete && result.status == io::RunStatus::complete;
        any_failed = any_failed || result.status == io::RunStatus::failed;
    }
    io::SweepInfo info;
    info.tiersim_version = tiersim::version;
    info.scenario_name = base.name;
    info.scenario_toml = base.resolved_toml;
    info.trace = options.trace;
    info.created_utc = io::utc_now();
    info.days = base.days;
    info.threads = threads;
    info.ranks = rank_count;
    info.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    info.interrupted = was_interrupted;
    info.identity = identity(options, base, plan).dump();
    io::write_sweep_file(out, plan, runs, info);
    if (all_complete)
        fs::remove_all(parts);
    if (options.json)
        print_json(plan, runs, info, out);
    else
        print_text(plan, runs, info, out);
    return was_interrupted ? exit_interrupted : any_failed ? exit_runtime : exit_ok;
}

}  // namespace

int command_sweep(const SweepOptions& options,
                  const SweepRanks& ranks,
                  const std::atomic<bool>& stop_requested) {
    const auto started = std::chrono::steady_clock::now();
    if (options.vary.empty())
        throw ScenarioError(sweep_error("--vary", "a sweep needs at least one --vary KEY=VALUES"));
    std::vector<io::SweepAxis> axes;
    for (const auto& v : options.vary)
        axes.push_back(io::parse_vary(v));

    const std::vector<std::string> base_overrides =
        with_days_and_seed(options.overrides, options.days, options.seed);
    const model::ScenarioSpec base = io::load_scenario(options.scenario, base_overrides);
    const io::SweepPlan plan(
        std::move(axes), options.replications, base.seed, options.common_random_numbers);

    std::vector<Diagnostic> first_diagnostics;
    const std::vector<PointSetup> points =
        set_up_points(options, base_overrides, plan, first_diagnostics);
    bool any_runnable = false;
    for (const auto& p : points)
        any_runnable = any_runnable || p.error.empty();
    // A key or value wrong at every point is a usage error, not a sweep of failures.
    if (!any_runnable && !first_diagnostics.empty())
        throw ScenarioError(first_diagnostics);

    const fs::path out = options.output.empty() ? fs::path(file_stem(base.name) + "-sweep.h5")
                                                : fs::path(options.output);
    io::check_output_path(out, base);  // every rank alike: exit 2 before anything is written
    fs::path parts = out;
    parts += ".parts";
    const fs::path identity_file = parts / "sweep.json";
    const auto me = identity(options, base, plan);

    // Rank 0 prepares OUT.parts; every rank learns whether it may go on (an error prefixed
    // with io_failure is an I/O failure, exit 3; any other a usage error, exit 2).
    const std::string io_failure = "io:";
    std::string start_error;
    if (ranks.rank == 0) {
        std::error_code ec;
        if (fs::exists(out, ec) && !fs::is_regular_file(out, ec)) {
            start_error = out.string() + " exists and is not a regular file; choose another -o";
        } else if (options.resume) {
            if (!fs::exists(identity_file)) {
                if (already_complete(out, me)) {
                    start_error = "done";
                } else {
                    start_error = "nothing to resume: " + identity_file.string() +
                                  " does not exist (a sweep that completed removes " +
                                  parts.string() + ")";
                }
            } else {
                const auto before = nlohmann::ordered_json::parse(read_text(identity_file),
                                                                  nullptr,
                                                                  /*allow_exceptions=*/false);
                const std::string diff = first_difference(me, before);
                if (before.is_discarded())
                    start_error = identity_file.string() + " is not valid JSON";
                else if (!diff.empty())
                    start_error = "--resume: this sweep differs from the one in " + parts.string() +
                                  " in '" + diff +
                                  "'; run it with the same scenario, --set, --days, --seed, "
                                  "--vary, --replications, --trace and CRN setting";
            }
        } else if (fs::exists(parts, ec)) {
            start_error = parts.string() +
                          " exists: a sweep into this file did not finish. Continue it with "
                          "--resume, or remove the folder to start again";
        } else {
            try {
                fs::create_directories(parts);
                write_text_atomically(identity_file, me.dump(2) + "\n");
            } catch (const std::exception& e) {
                start_error = io_failure + "cannot create " + parts.string() + ": " + e.what();
            }
        }
    }
    ranks.broadcast(start_error);
    if (start_error == "done") {
        if (ranks.rank == 0 && !options.quiet)
            std::cerr << "tiersim: " << out.string()
                      << " is this sweep, complete: nothing to resume\n";
        return exit_ok;
    }
    if (start_error.rfind(io_failure, 0) == 0) {
        if (ranks.rank == 0)
            throw IoError(start_error.substr(io_failure.size()));
        return exit_runtime;
    }
    if (!start_error.empty()) {
        if (ranks.rank == 0)
            throw ScenarioError(sweep_error(options.resume ? "--resume" : "-o", start_error));
        return exit_usage;
    }

    // The runs still to do, the same list on every rank. Failures of an earlier try run again:
    // they fail the same way, but a fixed input or a bigger machine may now let them finish.
    std::string run_list;
    if (ranks.rank == 0) {
        std::vector<std::size_t> todo;
        for (std::size_t run = 0; run < plan.run_count(); ++run) {
            const std::size_t p = run / static_cast<std::size_t>(plan.replications());
            fs::remove(failed_file(parts, run));
            if (points[p].error.empty() && !fs::exists(run_file(parts, run)))
                todo.push_back(run);
        }
        run_list = join(todo);
    }
    ranks.broadcast(run_list);
    const std::vector<std::size_t> todo = split_runs(run_list);
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        if (static_cast<int>(i % static_cast<std::size_t>(ranks.size)) == ranks.rank)
            mine.push_back(todo[i]);
    }

    const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    SweepProgress progress(
        static_cast<std::int64_t>(mine.size()), base.days * 24.0, options.quiet || ranks.rank != 0);
    std::atomic<bool> interrupted{false};
    // Runs in parallel, each run's windows in parallel inside it. Isolation keeps a thread that
    // waits inside one run's windows from starting another run meanwhile, so at most `threads`
    // runs (and their memory) are in flight.
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, mine.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
                if (stop_requested.load())
                    return;
                const std::size_t run = mine[i];
                const std::size_t p = run / static_cast<std::size_t>(plan.replications());
                const int r = static_cast<int>(run % static_cast<std::size_t>(plan.replications()));
                bool stopped = false;
                std::string error;
                tbb::this_task_arena::isolate([&] {
                    error = run_one(
                        options,
                        points[p],
                        plan.seed(p, r),
                        run_file(parts, run),
                        threads,
                        stop_requested,
                        [&progress, i](double t_h) { progress.update(i, t_h); },
                        stopped);
                });
                if (stopped) {
                    interrupted.store(true);
                    continue;
                }
                if (!error.empty()) {
                    try {
                        write_text_atomically(failed_file(parts, run), error);
                    } catch (const std::exception&) {
                        // Rank 0 then finds the run pending: it runs again on --resume.
                    }
                }
                progress.run_done(i, !error.empty());
            }
        },
        tbb::simple_partitioner());
    const bool was_interrupted = interrupted.load() || stop_requested.load();
    progress.finish(was_interrupted);
    ranks.barrier();

    std::string exit_text = std::to_string(exit_ok);
    if (ranks.rank == 0) {
        try {
            exit_text = std::to_string(assemble(options,
                                                plan,
                                                points,
                                                base,
                                                out,
                                                parts,
                                                started,
                                                threads,
                                                ranks.size,
                                                was_interrupted));
        } catch (const std::exception& e) {
            // The other ranks wait for the exit code: tell them rather than leave them hanging.
            std::cerr << "tiersim: error: " << e.what() << '\n';
            exit_text = std::to_string(exit_runtime);
        }
    }
    ranks.broadcast(exit_text);
    return std::stoi(exit_text);
}

}  // namespace tiersim::cli
