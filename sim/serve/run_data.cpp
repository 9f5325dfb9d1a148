// SPDX-License-Identifier: MIT
#include "run_data.hpp"

#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/io/scenario_schema.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string_view>

namespace tiersim::serve {

namespace {

using Json = nlohmann::ordered_json;

std::mutex hdf5_mutex;

/// The /series columns the page draws; queue columns are also given by tier.
constexpr const char* series_columns[] = {"arrivals",
                                          "closed",
                                          "in_time",
                                          "solved",
                                          "satisfied",
                                          "surveyed",
                                          "abandoned",
                                          "escalations",
                                          "returns",
                                          "coord_cost_h",
                                          "queue_len",
                                          "busy_staff",
                                          "open_staff"};
constexpr const char* queue_columns[] = {"queue_len", "busy_staff", "open_staff"};

double ratio(double a, double b) {
    return b > 0 ? a / b : 0.0;
}

}  // namespace

Json series_json(const std::filesystem::path& file) {
    const std::lock_guard lock(hdf5_mutex);
    const auto t_h = io::read_column<double>(file, "/series/t_h");
    const auto tier = io::read_column<std::int8_t>(file, "/series/tier");
    // The distinct bucket ends in order, and each row's among them.
    std::vector<double> buckets = t_h;
    std::sort(buckets.begin(), buckets.end());
    buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    std::vector<std::size_t> bucket_of(t_h.size());
    for (std::size_t row = 0; row < t_h.size(); ++row)
        bucket_of[row] = static_cast<std::size_t>(
            std::lower_bound(buckets.begin(), buckets.end(), t_h[row]) - buckets.begin());
    Json out = Json::object();
    out["t_h"] = buckets;
    Json by_tier = Json::object();
    for (const char* column : series_columns) {
        const auto values = io::read_column<double>(file, std::string("/series/") + column);
        std::vector<double> total(buckets.size(), 0.0);
        for (std::size_t row = 0; row < values.size(); ++row)
            total[bucket_of[row]] += values[row];
        out[column] = std::move(total);
        if (std::none_of(std::begin(queue_columns), std::end(queue_columns), [&](const char* q) {
                return std::string_view(q) == column;
            }))
            continue;
        std::vector<std::vector<double>> per_tier(io::schema::tier_values.size(),
                                                  std::vector<double>(buckets.size(), 0.0));
        for (std::size_t row = 0; row < values.size(); ++row)
            if (tier[row] >= 0 && static_cast<std::size_t>(tier[row]) < per_tier.size())
                per_tier[static_cast<std::size_t>(tier[row])][bucket_of[row]] += values[row];
        for (std::size_t t = 0; t < per_tier.size(); ++t)
            by_tier[std::string(io::schema::tier_values[t])][column] = std::move(per_tier[t]);
    }
    out["by_tier"] = std::move(by_tier);
    return out;
}

Json units_json(const std::vector<std::filesystem::path>& files, int tier, double warmup_h) {
    const std::lock_guard lock(hdf5_mutex);
    if (files.empty())
        return Json::array();
    const auto& first = files.front();
    const auto unit_tier = io::read_column<std::int8_t>(first, "/units/tier");
    const auto names = io::read_string_column(first, "/units/name");
    const auto parent = io::read_column<std::int32_t>(first, "/units/parent");
    const auto province = io::read_column<std::int32_t>(first, "/units/province");
    const auto code = io::read_column<std::int64_t>(first, "/units/code");

    struct Sums {
        double closed = 0, responded = 0, surveyed = 0, solved = 0, satisfied = 0, in_time = 0;
        double overdue = 0, backlog = 0, staff = 0, periods = 0;
    };

    std::vector<Sums> sums(unit_tier.size());
    // The mean lead time of the tickets that arose in each district, city (and street, with
    // simulation.street_summary), from /summary/by_*: averaged over the replications.
    std::vector<double> lead_sum(unit_tier.size(), 0.0);
    std::vector<int> lead_runs(unit_tier.size(), 0);
    for (const auto& file : files) {
        for (const char* table : {"by_district", "by_city", "by_street"}) {
            const std::string path = std::string("/summary/") + table;
            if (!io::has_object(file, path + "/unit"))
                continue;
            const auto units = io::read_column<std::int32_t>(file, path + "/unit");
            const auto lead = io::read_column<double>(file, path + "/lead_time_mean_h");
            for (std::size_t i = 0; i < units.size(); ++i) {
                const auto u = static_cast<std::size_t>(units[i]);
                if (u < lead_sum.size() && std::isfinite(lead[i])) {
                    lead_sum[u] += lead[i];
                    ++lead_runs[u];
                }
            }
        }
    }
    for (const auto& file : files) {
        const auto t = io::read_column<double>(file, "/unit_series/t_h");
        const auto unit = io::read_column<std::int32_t>(file, "/unit_series/unit");
        auto col = [&](const char* name) {
            return io::read_column<double>(file, std::string("/unit_series/") + name);
        };
        const auto closed = col("closed");
        const auto responded = col("responded_in_time");
        const auto surveyed = col("surveyed");
        const auto solved = col("solved");
        const auto satisfied = col("satisfied");
        const auto in_time = col("in_time");
        const auto overdue = col("overdue");
        const auto backlog = col("backlog");
        const auto staff = col("staff");
        for (std::size_t row = 0; row < unit.size(); ++row) {
            if (t[row] <= warmup_h || unit[row] < 0 ||
                static_cast<std::size_t>(unit[row]) >= sums.size())
                continue;
            Sums& s = sums[static_cast<std::size_t>(unit[row])];
            s.closed += closed[row];
            s.responded += responded[row];
            s.surveyed += surveyed[row];
            s.solved += solved[row];
            s.satisfied += satisfied[row];
            s.in_time += in_time[row];
            s.overdue += overdue[row];
            s.backlog += backlog[row];
            s.staff += staff[row];
            s.periods += 1;
        }
    }
    const double runs = static_cast<double>(files.size());
    Json out = Json::array();
    for (std::size_t u = 0; u < unit_tier.size(); ++u) {
        if (tier >= 0 && unit_tier[u] != tier)
            continue;
        const Sums& s = sums[u];
        out.push_back({{"unit", u},
                       {"code", code[u]},
                       {"name", names[u]},
                       {"tier", io::schema::tier_values[static_cast<std::size_t>(unit_tier[u])]},
                       {"parent", parent[u]},
                       {"province", province[u]},
                       {"closed", s.closed / runs},
                       {"response_rate", ratio(s.responded, s.closed)},
                       {"resolution_rate", ratio(s.solved, s.surveyed)},
                       {"satisfaction_rate", ratio(s.satisfied, s.surveyed)},
                       {"within_limit_share", ratio(s.in_time, s.closed)},
                       {"overdue", ratio(s.overdue, s.periods)},
                       {"backlog", ratio(s.backlog, s.periods)},
                       {"staff", ratio(s.staff, s.periods)},
                       {"lead_time_mean_h",
                        lead_runs[u] > 0 ? Json(lead_sum[u] / lead_runs[u]) : Json(nullptr)},
                       {"periods", s.periods / runs}});
    }
    return out;
}

}  // namespace tiersim::serve
