// SPDX-License-Identifier: MIT
#include "tiersim/io/sweep_file.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/model/replication_stats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string_view>

namespace tiersim::io {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double to_double(const std::string& text) {
    double v = nan;
    const char* begin = text.data();
    if (!text.empty() && text.front() == '+')
        ++begin;
    std::from_chars(begin, text.data() + text.size(), v);
    return v;
}

/// The runs of one point that completed, in replication order.
std::vector<const SweepRun*> complete_runs(const SweepPlan& plan,
                                           const std::vector<SweepRun>& runs,
                                           std::size_t point) {
    std::vector<const SweepRun*> out;
    const auto r_count = static_cast<std::size_t>(plan.replications());
    for (std::size_t r = 0; r < r_count; ++r) {
        const SweepRun& run = runs[point * r_count + r];
        if (run.status == RunStatus::complete)
            out.push_back(&run);
    }
    return out;
}

/// The first run that completed (its summary holds at least the overall table), or null.
const SweepRun* first_complete(const std::vector<SweepRun>& runs) {
    const auto it = std::find_if(runs.begin(), runs.end(), [](const SweepRun& r) {
        return r.status == RunStatus::complete;
    });
    return it == runs.end() ? nullptr : &*it;
}

/// The value of (table, row, field) in one run's summary; NaN where the run lacks it.
double lookup(const std::vector<SummaryTable>& summary,
              std::size_t table_index,
              const SummaryTable& like,
              std::size_t field,
              std::size_t row) {
    if (table_index < summary.size()) {
        const SummaryTable& t = summary[table_index];
        if (t.group == like.group && t.fields.size() > field &&
            t.fields[field] == like.fields[field] && t.rows.size() > row &&
            t.rows[row] == like.rows[row]) {
            return t.values[field][row];
        }
        for (const auto& other : summary) {
            if (other.group != like.group)
                continue;
            const auto f = std::find(other.fields.begin(), other.fields.end(), like.fields[field]);
            const auto r = std::find(other.rows.begin(), other.rows.end(), like.rows[row]);
            if (f != other.fields.end() && r != other.rows.end()) {
                return other.values[static_cast<std::size_t>(f - other.fields.begin())]
                                   [static_cast<std::size_t>(r - other.rows.begin())];
            }
        }
    }
    return nan;
}

struct MetricsColumns {
    std::vector<std::int64_t> point;
    std::vector<std::string> group;
    std::vector<std::string> name;
    std::vector<std::string> metric;
    std::vector<double> mean;
    std::vector<double> low;
    std::vector<double> high;
    std::vector<double> sd;
    std::vector<std::int64_t> n;
};

void write_points(Hdf5File& file, const SweepPlan& plan, const std::vector<SweepRun>& runs) {
    const std::size_t points = plan.point_count();
    file.create_group("/points");
    std::vector<std::int64_t> index(points);
    std::vector<std::string> status(points);
    std::vector<std::string> error(points);
    std::vector<std::int64_t> done(points);
    for (std::size_t p = 0; p < points; ++p) {
        index[p] = static_cast<std::int64_t>(p);
        RunStatus s = RunStatus::complete;
        for (int r = 0; r < plan.replications(); ++r) {
            const SweepRun& run = runs[p * static_cast<std::size_t>(plan.replications()) +
                                       static_cast<std::size_t>(r)];
            if (run.status == RunStatus::complete) {
                ++done[p];
            } else if (run.status == RunStatus::failed) {
                if (s != RunStatus::failed)
                    error[p] = run.error;
                s = RunStatus::failed;
            } else if (s == RunStatus::complete) {
                s = RunStatus::pending;
            }
        }
        status[p] = run_status_name(s);
    }
    file.write_column("/points/point", index);
    for (std::size_t a = 0; a < plan.axes().size(); ++a) {
        const SweepAxis& axis = plan.axes()[a];
        const std::string path = "/points/" + axis.key;
        if (axis.numeric()) {
            std::vector<double> values(points);
            for (std::size_t p = 0; p < points; ++p)
                values[p] = to_double(axis.values[plan.coordinates(p)[a]]);
            file.write_column(path, values);
        } else {
            std::vector<std::string> values(points);
            for (std::size_t p = 0; p < points; ++p) {
                std::string v = axis.values[plan.coordinates(p)[a]];
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                    v = v.substr(1, v.size() - 2);
                values[p] = v;
            }
            file.write_string_column(path, values);
        }
    }
    file.write_string_column("/points/status", status);
    file.write_string_column("/points/error", error);
    file.write_column("/points/replications_done", done);
}

void write_replications(Hdf5File& file, const SweepPlan& plan, const std::vector<SweepRun>& runs) {
    file.create_group("/replications");
    const std::size_t n = runs.size();
    std::vector<std::int64_t> run(n), point(n), replication(n), seed(n), events(n);
    std::vector<std::string> status(n), error(n);
    const auto r_count = static_cast<std::size_t>(plan.replications());
    for (std::size_t i = 0; i < n; ++i) {
        run[i] = static_cast<std::int64_t>(i);
        point[i] = static_cast<std::int64_t>(i / r_count);
        replication[i] = static_cast<std::int64_t>(i % r_count);
        seed[i] = static_cast<std::int64_t>(runs[i].seed);
        events[i] = runs[i].events;
        status[i] = run_status_name(runs[i].status);
        error[i] = runs[i].error;
    }
    file.write_column("/replications/run", run);
    file.write_column("/replications/point", point);
    file.write_column("/replications/replication", replication);
    file.write_column("/replications/seed", seed);
    file.write_string_column("/replications/status", status);
    file.write_string_column("/replications/error", error);
    file.write_column("/replications/events", events);

    // One column per overall metric, named as in a run's /summary attributes.
    const SweepRun* first = first_complete(runs);
    if (first == nullptr)
        return;
    const SummaryTable& like = first->summary.front();
    for (std::size_t f = 0; f < like.fields.size(); ++f) {
        const std::string& name = like.fields[f];
        if (name == "run" || name == "point" || name == "replication" || name == "seed" ||
            name == "status" || name == "error" || name == "events")
            continue;
        std::vector<double> values(n, nan);
        for (std::size_t i = 0; i < n; ++i) {
            if (runs[i].status == RunStatus::complete)
                values[i] = lookup(runs[i].summary, 0, like, f, 0);
        }
        file.write_column("/replications/" + name, values);
    }
}

void write_point_summaries(Hdf5File& file,
                           const SweepPlan& plan,
                           const std::vector<SweepRun>& runs,
                           MetricsColumns& metrics) {
    file.create_group("/point");
    for (std::size_t p = 0; p < plan.point_count(); ++p) {
        const auto done = complete_runs(plan, runs, p);
        if (done.empty())
            continue;
        const std::string base = "/point/" + sweep_index_name(p);
        file.create_group(base);
        const std::string summary = base + "/summary";
        file.create_group(summary);
        const auto& tables = done.front()->summary;
        std::vector<double> values(done.size());
        for (std::size_t t = 0; t < tables.size(); ++t) {
            const SummaryTable& like = tables[t];
            const bool overall = like.group == "overall";
            const std::string table_path = summary + "/" + like.group;
            if (!overall) {
                file.create_group(table_path);
                file.write_string_column(table_path + "/name", like.rows);
            }
            for (std::size_t f = 0; f < like.fields.size(); ++f) {
                std::vector<double> means(like.rows.size());
                for (std::size_t row = 0; row < like.rows.size(); ++row) {
                    for (std::size_t i = 0; i < done.size(); ++i)
                        values[i] = lookup(done[i]->summary, t, like, f, row);
                    const model::MeanInterval m = model::mean_interval(values);
                    means[row] = m.mean;
                    metrics.point.push_back(static_cast<std::int64_t>(p));
                    metrics.group.push_back(like.group);
                    metrics.name.push_back(like.rows[row]);
                    metrics.metric.push_back(like.fields[f]);
                    metrics.mean.push_back(m.mean);
                    metrics.low.push_back(m.low);
                    metrics.high.push_back(m.high);
                    metrics.sd.push_back(m.sd);
                    metrics.n.push_back(m.n);
                }
                if (overall)
                    file.set_attribute(summary, like.fields[f], means.front());
                else
                    file.write_column(table_path + "/" + like.fields[f], means);
            }
        }
    }
}

void write_metrics(Hdf5File& file, const MetricsColumns& m) {
    file.create_group("/metrics");
    file.write_column("/metrics/point", m.point);
    file.write_string_column("/metrics/group", m.group);
    file.write_string_column("/metrics/name", m.name);
    file.write_string_column("/metrics/metric", m.metric);
    file.write_column("/metrics/mean", m.mean);
    file.write_column("/metrics/ci95_low", m.low);
    file.write_column("/metrics/ci95_high", m.high);
    file.write_column("/metrics/sd", m.sd);
    file.write_column("/metrics/n", m.n);
}

void copy_traces(Hdf5File& file, const std::vector<SweepRun>& runs, bool trace) {
    const SweepRun* first = first_complete(runs);
    if (first == nullptr)
        return;
    const auto first_groups = list_groups(first->run_file, "/");
    for (const char* table : {"units", "ticket_types"}) {
        if (std::find(first_groups.begin(), first_groups.end(), table) != first_groups.end())
            file.copy_from(first->run_file, std::string("/") + table, std::string("/") + table);
    }
    if (!trace)
        return;
    file.create_group("/runs");
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].status != RunStatus::complete)
            continue;
        const std::string base = "/runs/" + sweep_index_name(i);
        file.create_group(base);
        const auto groups = list_groups(runs[i].run_file, "/");
        for (const char* table : {"tickets", "events", "series"}) {
            if (std::find(groups.begin(), groups.end(), table) != groups.end())
                file.copy_from(runs[i].run_file, std::string("/") + table, base + "/" + table);
        }
    }
}

/// 64-bit FNV-1a: every byte changes the state bijectively, so any single damaged byte changes
/// the hash; enough to tell a damaged or altered part, not a defence against forgery.
class Fnv1a {
public:
    void add(const unsigned char* data, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            state_ ^= data[i];
            state_ *= 0x100000001b3ULL;
        }
    }

    /// The length first, so that consecutive items cannot run into each other.
    void add_item(const unsigned char* data, std::size_t n) {
        const std::uint64_t size = n;
        unsigned char length[8];
        for (int i = 0; i < 8; ++i)
            length[i] = static_cast<unsigned char>(size >> (8 * i));
        add(length, sizeof length);
        add(data, n);
    }

    void add_item(std::string_view text) {
        add_item(reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }

    void add_item(const std::vector<unsigned char>& bytes) { add_item(bytes.data(), bytes.size()); }

    [[nodiscard]] std::string hex() const {
        char buffer[17];
        std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(state_));
        return buffer;
    }

private:
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

constexpr const char* part_attributes[] = {
    "sweep_identity", "sweep_point", "sweep_replication", "sweep_seed", "sweep_checksum"};

bool is_part_attribute(const std::string& object, const std::string& name) {
    return object == "/provenance" && name.rfind("sweep_", 0) == 0;
}

std::string child_path(const std::string& group, const std::string& name) {
    return group == "/" ? "/" + name : group + "/" + name;
}

void hash_attributes(const std::filesystem::path& file, const std::string& object, Fnv1a& hash) {
    for (const auto& name : list_attributes(file, object)) {
        if (is_part_attribute(object, name))
            continue;
        hash.add_item("attribute " + object + "@" + name);
        hash.add_item(read_raw_attribute(file, object, name));
    }
}

void hash_group(const std::filesystem::path& file, const std::string& group, Fnv1a& hash) {
    hash.add_item("group " + group);
    hash_attributes(file, group, hash);
    for (const auto& name : list_datasets(file, group)) {
        const std::string path = child_path(group, name);
        hash.add_item("dataset " + path);
        hash.add_item(read_raw_column(file, path));
        hash_attributes(file, path, hash);
    }
    for (const auto& name : list_groups(file, group))
        hash_group(file, child_path(group, name), hash);
}

}  // namespace

std::string content_hash(const std::string& text) {
    Fnv1a hash;
    hash.add(reinterpret_cast<const unsigned char*>(text.data()), text.size());
    return hash.hex();
}

std::string run_file_checksum(const std::filesystem::path& run_file) {
    Fnv1a hash;
    hash_group(run_file, "/", hash);
    return hash.hex();
}

void seal_sweep_part(const std::filesystem::path& run_file, const SweepPartLabel& label) {
    const std::string checksum = run_file_checksum(run_file);
    Hdf5File file = Hdf5File::open_write(run_file);
    const std::string p = "/provenance";
    file.set_attribute(p, "sweep_identity", label.identity);
    file.set_attribute(p, "sweep_point", label.point);
    file.set_attribute(p, "sweep_replication", label.replication);
    file.set_attribute(p, "sweep_seed", static_cast<std::int64_t>(label.seed));
    file.set_attribute(p, "sweep_checksum", checksum);
    file.close();
}

SweepPartCheck check_sweep_part(const std::filesystem::path& run_file) {
    SweepPartCheck check;
    try {
        const auto names = list_attributes(run_file, "/provenance");
        for (const char* name : part_attributes) {
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                check.problem = std::string("it has no sweep label (no /provenance@") + name +
                                "): not a part written by this version of tiersim sweep";
                return check;
            }
        }
        check.label.identity = read_string_attribute(run_file, "/provenance", "sweep_identity");
        check.label.point = read_string_attribute(run_file, "/provenance", "sweep_point");
        check.label.replication = read_int_attribute(run_file, "/provenance", "sweep_replication");
        check.label.seed =
            static_cast<std::uint64_t>(read_int_attribute(run_file, "/provenance", "sweep_seed"));
        const std::string recorded =
            read_string_attribute(run_file, "/provenance", "sweep_checksum");
        const std::string actual = run_file_checksum(run_file);
        if (actual != recorded) {
            check.problem = "its contents do not match its checksum (recorded " + recorded +
                            ", found " + actual + "): it is damaged";
        }
    } catch (const std::exception& e) {
        check.problem = std::string("it cannot be read: ") + e.what();
    }
    return check;
}

const char* run_status_name(RunStatus status) {
    switch (status) {
        case RunStatus::complete:
            return "complete";
        case RunStatus::failed:
            return "failed";
        case RunStatus::pending:
            break;
    }
    return "pending";
}

std::string sweep_index_name(std::size_t index) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%04zu", index);
    return buffer;
}

std::vector<SummaryTable> read_run_summary(const std::filesystem::path& run_file) {
    std::vector<SummaryTable> tables;
    SummaryTable overall;
    overall.group = "overall";
    overall.rows = {""};
    for (const auto& name : list_attributes(run_file, "/summary")) {
        overall.fields.push_back(name);
        overall.values.push_back({read_double_attribute(run_file, "/summary", name)});
    }
    tables.push_back(std::move(overall));
    for (const auto& group : list_groups(run_file, "/summary")) {
        SummaryTable t;
        t.group = group;
        const std::string path = "/summary/" + group;
        t.rows = read_string_column(run_file, path + "/name");
        for (const auto& column : list_datasets(run_file, path)) {
            if (column == "name")
                continue;
            t.fields.push_back(column);
            t.values.push_back(read_column<double>(run_file, path + "/" + column));
        }
        tables.push_back(std::move(t));
    }
    return tables;
}

void write_sweep_file(const std::filesystem::path& out,
                      const SweepPlan& plan,
                      const std::vector<SweepRun>& runs,
                      const SweepInfo& info) {
    TIERSIM_CHECK(runs.size() == plan.run_count(), "one result per run");
    std::filesystem::path partial = out;
    partial += ".partial";
    try {
        Hdf5File file = Hdf5File::create(partial);
        write_points(file, plan, runs);
        write_replications(file, plan, runs);
        MetricsColumns metrics;
        write_point_summaries(file, plan, runs, metrics);
        write_metrics(file, metrics);
        copy_traces(file, runs, info.trace != "none");

        file.create_group("/provenance");
        const std::string p = "/provenance";
        file.set_attribute(p, "kind", std::string("sweep"));
        file.set_attribute(p, "tiersim_version", info.tiersim_version);
        file.set_attribute(p, "scenario_name", info.scenario_name);
        file.set_attribute(p, "scenario_toml", info.scenario_toml);
        file.set_attribute(p, "vary", plan.axes_json());
        file.set_attribute(p, "sweep_identity", info.identity);
        file.set_attribute(p, "seed", static_cast<std::int64_t>(plan.base_seed()));
        file.set_attribute(p, "replications", static_cast<std::int64_t>(plan.replications()));
        file.set_attribute(
            p, "crn", static_cast<std::int64_t>(plan.common_random_numbers() ? 1 : 0));
        file.set_attribute(p, "points", static_cast<std::int64_t>(plan.point_count()));
        file.set_attribute(p, "days", info.days);
        file.set_attribute(p, "trace", info.trace);
        file.set_attribute(p, "threads", static_cast<std::int64_t>(info.threads));
        file.set_attribute(p, "ranks", static_cast<std::int64_t>(info.ranks));
        file.set_attribute(p, "created_utc", info.created_utc);
        file.set_attribute(p, "wall_seconds", info.wall_seconds);
        file.set_attribute(p, "interrupted", static_cast<std::int64_t>(info.interrupted ? 1 : 0));
        file.close();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);  // an earlier OUT stays as it was
        throw;
    }
    try {
        std::filesystem::rename(partial, out);
    } catch (const std::filesystem::filesystem_error& e) {
        throw IoError("cannot write " + out.string() + ": " + e.what());
    }
}

}  // namespace tiersim::io
