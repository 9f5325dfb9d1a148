// SPDX-License-Identifier: MIT
#include "job_result.hpp"

#include "tiersim/error.hpp"
#include "tiersim/model/replication_stats.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace tiersim::serve {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* group_tables[] = {
    "by_tier", "by_type", "by_province", "by_channel", "by_cross_mode"};

Json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    Json j = Json::parse(in, nullptr, false);
    if (!j.is_object())
        throw IoError("no result in " + path.filename().string());
    return j;
}

double number_or_nan(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>()
                                            : std::numeric_limits<double>::quiet_NaN();
}

Json finite(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json interval_json(const model::MeanInterval& m) {
    return {{"n", m.n}, {"mean", finite(m.mean)}, {"low", finite(m.low)}, {"high", finite(m.high)}};
}

/// The mean over replications of every number of a group object (null where none has one).
Json mean_group(const std::vector<const Json*>& groups) {
    Json out = Json::object();
    if (groups.empty() || groups.front() == nullptr)
        return out;
    for (const auto& [key, value] : groups.front()->items()) {
        if (!value.is_number() && !value.is_null())
            continue;
        std::vector<double> values;
        for (const Json* g : groups)
            if (g != nullptr)
                values.push_back(number_or_nan(*g, key.c_str()));
        out[key] = finite(model::mean_interval(values).mean);
    }
    return out;
}

Json mean_table(const std::vector<Json>& runs, const char* table) {
    Json out = Json::object();
    if (runs.empty() || !runs.front().contains(table))
        return out;
    for (const auto& [name, ignored] : runs.front()[table].items()) {
        std::vector<const Json*> groups;
        for (const Json& run : runs) {
            const auto t = run.find(table);
            const auto g = t != run.end() ? t->find(name) : t;
            groups.push_back(t != run.end() && g != t->end() ? &*g : nullptr);
        }
        out[name] = mean_group(groups);
    }
    return out;
}

}  // namespace

Json job_result(const std::filesystem::path& dir, int replications) {
    std::vector<Json> baseline;
    std::vector<Json> redesign;
    const auto n = static_cast<std::size_t>(replications);
    for (int r = 1; r <= replications; ++r) {
        baseline.push_back(read_json(dir / ("baseline-" + std::to_string(r) + ".json")));
        redesign.push_back(read_json(dir / ("redesign-" + std::to_string(r) + ".json")));
    }
    Json cards = Json::array();
    for (const char* metric : card_metrics) {
        std::vector<double> b;
        std::vector<double> d;
        std::vector<double> x;
        for (std::size_t r = 0; r < n; ++r) {
            b.push_back(number_or_nan(baseline[r]["overall"], metric));
            x.push_back(number_or_nan(redesign[r]["overall"], metric));
            d.push_back(x.back() - b.back());  // paired: replication r of both saw one demand
        }
        Json diff = interval_json(model::mean_interval(d));
        diff["paired"] = true;
        cards.push_back({{"metric", metric},
                         {"baseline", interval_json(model::mean_interval(b))},
                         {"redesign", interval_json(model::mean_interval(x))},
                         {"diff", std::move(diff)}});
    }
    Json tables = Json::object();
    std::vector<const Json*> b_overall;
    std::vector<const Json*> x_overall;
    for (std::size_t r = 0; r < n; ++r) {
        b_overall.push_back(&baseline[r]["overall"]);
        x_overall.push_back(&redesign[r]["overall"]);
    }
    tables["overall"] = {{"baseline", mean_group(b_overall)}, {"redesign", mean_group(x_overall)}};
    for (const char* table : group_tables)
        tables[table] = {{"baseline", mean_table(baseline, table)},
                         {"redesign", mean_table(redesign, table)}};
    Json runs = Json::array();
    for (std::size_t r = 0; r < n; ++r)
        for (const auto* arm : {&baseline, &redesign})
            runs.push_back(
                {{"arm", arm == &baseline ? "baseline" : "redesign"},
                 {"replication", r + 1},
                 {"seed", (*arm)[r].value("seed", 0)},
                 {"file",
                  (arm == &baseline ? "baseline-" : "redesign-") + std::to_string(r + 1) + ".h5"},
                 {"wall_seconds", (*arm)[r].value("wall_seconds", 0.0)},
                 {"tickets", (*arm)[r].value("tickets", Json::object())}});
    return {{"cards", std::move(cards)}, {"tables", std::move(tables)}, {"runs", std::move(runs)}};
}

}  // namespace tiersim::serve
