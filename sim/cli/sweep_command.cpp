// SPDX-License-Identifier: MIT
// `tiersim sweep`: the runs of a sweep, their bookkeeping on disk and the final file.
//
// Each finished run is a complete run file OUT.parts/run-NNNN.h5, sealed with a label (the
// sweep's identity hash, its point's values, its replication and seed) and a checksum of its
// contents before it is renamed into place, so it exists only once whole; a run that failed
// leaves OUT.parts/run-NNNN.failed holding its error. --resume verifies every part against
// this sweep before it uses one: a part that is damaged, from another sweep or of another
// point is reported and run again; parts are matched to runs by their values, so a reordered
// --vary cannot mislabel them. OUT.parts/sweep.json records what the sweep is, so that --resume
// continues only the same sweep. Rank 0 assembles OUT from the parts when the runs stop (all done,
// interrupted or some failed) and removes OUT.parts once every point is complete. Ranks share
// nothing but the file system and three collectives (the start, the run list, the exit code),
// so OUT.parts must be on a file system every rank sees.
#include "sweep_command.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/io/output_lock.hpp"
#include "tiersim/io/run_budget.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/run_writer.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/sweep_file.hpp"
#include "tiersim/io/sweep_plan.hpp"
#include "tiersim/io/utc_time.hpp"
#include "tiersim/model/replication_stats.hpp"
#include "tiersim/model/run_estimate.hpp"
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
#include <map>
#include <sstream>
#include <tuple>

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

/// Where a run is written before its part is sealed and renamed to run_file.
fs::path unsealed_file(const fs::path& parts, std::size_t run) {
    return parts / ("run-" + io::sweep_index_name(run) + ".h5.unsealed");
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

/// An identity with what does not change any run put in one order: with common random
/// numbers a run's seed does not depend on its point's position, so the order of the --vary
/// axes and of their values changes only the numbering of the points (--resume matches parts
/// to points by their values); without, it changes the seeds, so it stays.
nlohmann::ordered_json canonical(nlohmann::ordered_json identity) {
    const auto crn = identity.is_object() ? identity.find("crn") : identity.end();
    if (crn == identity.end() || *crn != true || !identity["vary"].is_array())
        return identity;
    auto& axes = identity["vary"];
    for (auto& axis : axes) {
        if (axis.is_object() && axis.contains("values") && axis["values"].is_array())
            std::sort(axis["values"].begin(), axis["values"].end());
    }
    std::sort(axes.begin(), axes.end(), [](const auto& a, const auto& b) {
        return a.dump() < b.dump();  // {"key": …} first: by key
    });
    return identity;
}

/// What a part records as its sweep: the hash of the canonical identity.
std::string identity_hash(const nlohmann::ordered_json& identity) {
    return io::content_hash(canonical(identity).dump());
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
            const model::TrafficReport report = model::analyse_traffic(model);
            io::check_budget(model, model::estimate_run(model, report), options.budget);
            if (!options.allow_unstable && !report.unstable.empty())
                setup.error = unstable_message(report);
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
                    const fs::path& unsealed,
                    const fs::path& out,
                    const io::SweepPartLabel& label,
                    int threads,
                    const std::atomic<bool>& stop_requested,
                    const std::function<void(double)>& on_progress,
                    bool& interrupted) {
    try {
        std::vector<std::string> overrides = point.overrides;
        overrides.push_back("simulation.seed=" + std::to_string(seed));
        const model::CompiledModel model = io::compile_scenario(options.scenario, overrides);
        const io::TraceLevel trace = parse_trace(options.trace);
        {
            io::RunWriter writer(unsealed, trace, model.spec(), model.org(), &model);
            io::RunRequest request;
            request.trace_events = trace == io::TraceLevel::events;
            request.threads = threads;
            request.stop = &stop_requested;
            // `threads` runs are in flight at once: each keeps to its share of --max-memory.
            request.max_open_tickets = io::max_open_tickets(options.budget, threads);
            request.finish_when_interrupted = false;  // the writer's destructor removes its part
            request.on_progress = [&on_progress](double t_h, std::int64_t /*closed*/) {
                on_progress(t_h);
            };
            const model::RunOutcome outcome = io::simulate_into(model, &writer, request).outcome;
            if (!outcome.overload.empty())
                return "the run stopped: " + outcome.overload;  // its part is removed
            interrupted = outcome.interrupted;
        }
        if (!interrupted) {
            // The label and checksum go in before the part takes its name: a part named
            // run-NNNN.h5 is always whole and sealed.
            io::seal_sweep_part(unsealed, label);
            fs::rename(unsealed, out);
        }
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

/// The label a run's part must carry.
io::SweepPartLabel part_label(const io::SweepPlan& plan,
                              const std::string& identity,
                              std::size_t run) {
    const std::size_t p = run / static_cast<std::size_t>(plan.replications());
    const int r = static_cast<int>(run % static_cast<std::size_t>(plan.replications()));
    return io::SweepPartLabel{identity, plan.point_label(p), r, plan.seed(p, r)};
}

/// Why `check` (of the part at `file`) cannot be the part of `run`, or "" when it can.
std::string label_mismatch(const io::SweepPartCheck& check, const io::SweepPartLabel& want) {
    if (!check.problem.empty())
        return check.problem;
    const io::SweepPartLabel& got = check.label;
    if (got.identity != want.identity)
        return "it is a part of another sweep (sweep identity " + got.identity + ", this sweep's " +
               want.identity + ")";
    if (got.point != want.point || got.replication != want.replication)
        return "it is the part of point " + got.point + " replication " +
               std::to_string(got.replication) + ", not of point " + want.point + " replication " +
               std::to_string(want.replication);
    if (got.seed != want.seed)
        return "its seed " + std::to_string(got.seed) + " is not the run's seed " +
               std::to_string(want.seed);
    return {};
}

void report_part(const fs::path& file, const std::string& why) {
    std::cerr << "tiersim: --resume: " << file.string() << " is not used (" << why
              << "); its run runs again\n";
}

/// --resume, on rank 0 before the run list: checks every part in OUT.parts against this sweep
/// and leaves only parts it can use, each under the name of its own run. A part that cannot be
/// read, does not match its checksum, belongs to another sweep, carries values or a seed this
/// sweep has no run for, or duplicates a part already taken is reported on stderr and removed
/// (its run runs again); a whole part of this sweep under another run's name (the --vary order
/// changed) is renamed to its run. Leftovers of runs that never finished are removed.
void verify_parts(const fs::path& parts,
                  const io::SweepPlan& plan,
                  const std::string& identity,
                  bool quiet) {
    // The runs a label can belong to: (point values, replication, seed) → runs, in order.
    std::map<std::tuple<std::string, std::int64_t, std::uint64_t>, std::vector<std::size_t>>
        runs_of;
    for (std::size_t run = 0; run < plan.run_count(); ++run) {
        const auto want = part_label(plan, identity, run);
        runs_of[{want.point, want.replication, want.seed}].push_back(run);
    }

    struct Found {
        fs::path file;
        std::size_t index = 0;  // from its name
        io::SweepPartCheck check;
    };

    std::vector<Found> found;
    for (const auto& entry : fs::directory_iterator(parts)) {
        const std::string name = entry.path().filename().string();
        // "run-DIGITS.h5" is a part; "run-DIGITS.h5." and a writer's suffix, a leftover.
        constexpr std::string_view prefix = "run-";
        const std::size_t digits = name.find_first_not_of("0123456789", prefix.size());
        if (!name.starts_with(prefix) || digits == prefix.size() || digits == std::string::npos ||
            name.compare(digits, 3, ".h5") != 0)
            continue;
        const std::string rest = name.substr(digits + 3);
        if (rest.empty()) {
            const std::string index = name.substr(prefix.size(), digits - prefix.size());
            found.push_back({entry.path(), static_cast<std::size_t>(std::stoull(index)), {}});
        } else if (rest == ".unsealed" || rest == ".unsealed.partial" || rest == ".partial" ||
                   rest == ".moving") {
            fs::remove(entry.path());
        }
    }
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
        return a.index < b.index;
    });
    for (auto& f : found)
        f.check = io::check_sweep_part(f.file);

    // A part whose name is its own run's keeps it; then the others take the first free run
    // with their label.
    std::vector<bool> taken(plan.run_count(), false);
    std::vector<std::size_t> target(found.size(), plan.run_count());  // run_count: rejected
    std::vector<std::string> why(found.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        const Found& f = found[i];
        if (f.index < plan.run_count()) {
            why[i] = label_mismatch(f.check, part_label(plan, identity, f.index));
            if (why[i].empty()) {
                target[i] = f.index;
                taken[f.index] = true;
            }
        } else {
            why[i] = "this sweep has no run " + std::to_string(f.index);
        }
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        const io::SweepPartCheck& c = found[i].check;
        if (target[i] != plan.run_count() || !c.problem.empty() || c.label.identity != identity)
            continue;
        const auto it = runs_of.find({c.label.point, c.label.replication, c.label.seed});
        if (it == runs_of.end())
            continue;  // keeps the reason found against its own run
        const auto free = std::find_if(
            it->second.begin(), it->second.end(), [&](std::size_t run) { return !taken[run]; });
        if (free == it->second.end()) {
            why[i] = "a copy of the part already used for run " +
                     io::sweep_index_name(it->second.front());
            continue;
        }
        target[i] = *free;
        taken[*free] = true;
    }

    // Rejected parts go first, then moved parts through temporary names, so that no rename
    // lands on a part still in use.
    std::size_t moved = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (target[i] == plan.run_count()) {
            report_part(found[i].file, why[i]);
            fs::remove(found[i].file);
        }
    }
    std::vector<std::pair<fs::path, fs::path>> moves;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (target[i] == plan.run_count() || target[i] == found[i].index)
            continue;
        fs::path temporary = run_file(parts, target[i]);
        temporary += ".moving";
        fs::rename(found[i].file, temporary);
        moves.emplace_back(temporary, run_file(parts, target[i]));
        ++moved;
    }
    for (const auto& [from, to] : moves)
        fs::rename(from, to);
    if (moved > 0 && !quiet) {
        std::cerr << "tiersim: --resume: " << moved
                  << " parts matched to their points by value (the --vary order changed)\n";
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
    const auto me = identity(options, base, plan);
    const std::string my_identity = identity_hash(me);
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
            // Checked again before it is merged: only a whole part with this run's label counts.
            const fs::path file = run_file(parts, run);
            const std::string why =
                label_mismatch(io::check_sweep_part(file), part_label(plan, my_identity, run));
            if (why.empty()) {
                result.status = io::RunStatus::complete;
                result.run_file = file;
                result.summary = io::read_run_summary(result.run_file);
                result.events = io::read_int_attribute(result.run_file, "/provenance", "events");
            } else {
                result.status = io::RunStatus::failed;
                result.error = "its part " + file.string() + " is not used: " + why +
                               "; --resume runs it again";
                std::cerr << "tiersim: " << result.error << '\n';
            }
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
    info.identity = me.dump();
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
    const std::string my_identity = identity_hash(me);

    // Rank 0 prepares OUT.parts; every rank learns whether it may go on (an error prefixed
    // with io_failure is an I/O failure, exit 3; any other a usage error, exit 2).
    const std::string io_failure = "io:";
    std::string start_error;
    std::optional<io::OutputLock> lock;  // rank 0: OUT and OUT.parts are this sweep's alone
    if (ranks.rank == 0) {
        std::error_code ec;
        try {
            lock.emplace(out);
        } catch (const IoError& e) {
            start_error = io_failure + e.what();
        }
        if (!start_error.empty()) {
            // another sweep or run writes OUT: touch nothing of it
        } else if (fs::exists(out, ec) && !fs::is_regular_file(out, ec)) {
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
                if (before.is_discarded()) {
                    start_error = identity_file.string() + " is not valid JSON";
                } else if (const std::string diff =
                               first_difference(canonical(me), canonical(before));
                           !diff.empty()) {
                    start_error = "--resume: this sweep differs from the one in " + parts.string() +
                                  " in '" + diff +
                                  "'; run it with the same scenario, --set, --days, --seed, "
                                  "--vary, --replications, --trace and CRN setting";
                    if (diff == "vary" && !plan.common_random_numbers())
                        start_error +=
                            " (with --no-crn a run's seed depends on its point's "
                            "position, so the --vary order must be the same too)";
                } else {
                    // sweep.json only says which sweep this is: every part is checked against
                    // the arguments themselves, so an edited sweep.json cannot let one in.
                    try {
                        verify_parts(parts, plan, my_identity, options.quiet);
                        if (before.dump() != me.dump())
                            write_text_atomically(identity_file, me.dump(2) + "\n");
                    } catch (const std::exception& e) {
                        start_error = io_failure + "cannot check the parts in " + parts.string() +
                                      ": " + e.what();
                    }
                }
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
                        unsealed_file(parts, run),
                        run_file(parts, run),
                        part_label(plan, my_identity, run),
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
