// SPDX-License-Identifier: MIT
// Validation of a merged scenario table and its translation into a ScenarioSpec. Every check
// records a Diagnostic and carries on, so that one run of `tiersim check` lists every problem;
// the collected diagnostics are thrown together at the end. The key schema is documented in
// scenarios/README.md.
#include "io/scenario_builder.hpp"

#include "tiersim/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

namespace tiersim::io::detail {

namespace {

using model::ScenarioSpec;
using Names = std::span<const std::string_view>;

// ---- key schema: the keys each table accepts ----

constexpr std::array<std::string_view, 16> top_keys = {"base",
                                                       "description",
                                                       "simulation",
                                                       "divisions",
                                                       "calendars",
                                                       "departments",
                                                       "tiers",
                                                       "channels",
                                                       "ticket_types",
                                                       "strategy",
                                                       "technology",
                                                       "organization",
                                                       "institution",
                                                       "citizens",
                                                       "cross_province",
                                                       "provinces"};
constexpr std::array<std::string_view, 4> simulation_keys = {
    "days", "warmup_days", "seed", "bucket_hours"};
constexpr std::array<std::string_view, 8> divisions_keys = {"source",
                                                            "provinces",
                                                            "cities_per_province",
                                                            "districts_per_city",
                                                            "streets_per_district",
                                                            "population_per_street",
                                                            "dir",
                                                            "include"};
constexpr std::array<std::string_view, 2> calendar_keys = {"weekdays", "hours"};
constexpr std::array<std::string_view, 3> department_keys = {"label", "calendar", "approval"};
constexpr std::array<std::string_view, 7> tier_keys = {
    "calendar", "intake_staff", "staff", "transfer_h", "design", "scale_staff", "leader_capacity"};
constexpr std::array<std::string_view, 3> channel_keys = {"tier", "calendar", "staff"};
constexpr std::array<std::string_view, 20> ticket_keys = {"channel",        "rate",
                                                          "daily_profile",  "weekly_profile",
                                                          "intake",         "close_at_intake",
                                                          "authority",      "escalate",
                                                          "departments",    "service",
                                                          "followup",       "respond_h",
                                                          "resolve_wd",     "solve_probability",
                                                          "route",          "reject_probability",
                                                          "materials",      "online",
                                                          "cross_province", "cross_mode"};
constexpr std::array<std::string_view, 3> dist_keys = {"dist", "mean_h", "cv"};
constexpr std::array<std::string_view, 3> escalate_keys = {"street", "district", "city"};
constexpr std::array<std::string_view, 4> technology_keys = {
    "link_h", "data_sharing", "online_share", "sharing_speedup"};
constexpr std::array<std::string_view, 8> organization_keys = {"generalist_windows",
                                                               "generalist_slowdown",
                                                               "handoff_h",
                                                               "handoff_cost_h",
                                                               "bureau_handoff_factor",
                                                               "bureau_return_factor",
                                                               "join_h",
                                                               "join_cost_h"};
constexpr std::array<std::string_view, 8> institution_keys = {"return_probability",
                                                              "max_returns",
                                                              "return_review_h",
                                                              "return_solve_factor",
                                                              "three_lists",
                                                              "three_lists_factor",
                                                              "standardization",
                                                              "accept_incomplete"};
constexpr std::array<std::string_view, 5> strategy_keys = {"leader_engagement",
                                                           "leader_decision_h",
                                                           "escalate_after_returns",
                                                           "rehandle",
                                                           "max_rehandles"};
constexpr std::array<std::string_view, 11> citizens_keys = {"satisfied_if_solved",
                                                            "satisfied_if_unsolved",
                                                            "late_factor",
                                                            "visit_factor",
                                                            "return_factor",
                                                            "patience_h",
                                                            "repeat_call",
                                                            "abandon",
                                                            "supply_h",
                                                            "supply_online_h",
                                                            "incomplete"};
constexpr std::array<std::string_view, 5> cross_province_keys = {
    "mismatch", "courier_h", "link_staff", "link_service_h", "migration"};

// The lever keys that [provinces.NAME] may override (a subset of the top-level tables' keys).
constexpr std::array<std::string_view, 5> province_keys = {
    "tiers", "strategy", "technology", "organization", "institution"};
constexpr std::array<std::string_view, 2> tier_lever_keys = {"design", "leader_capacity"};
constexpr std::array<std::string_view, 3> technology_lever_keys = {
    "data_sharing", "online_share", "sharing_speedup"};
constexpr std::array<std::string_view, 6> institution_lever_keys = {"return_probability",
                                                                    "return_solve_factor",
                                                                    "three_lists",
                                                                    "three_lists_factor",
                                                                    "standardization",
                                                                    "accept_incomplete"};

constexpr std::array<std::string_view, 4> tier_choices = {"street", "district", "city", "province"};
constexpr std::array<std::string_view, 4> channel_choices = {"window", "hotline", "online", "grid"};
constexpr std::array<std::string_view, 3> design_choices = {
    "fragmented", "joint_review", "approval_bureau"};
constexpr std::array<std::string_view, 2> route_choices = {"dispatch", "upward"};
// Index = CrossMode - 1, as in TicketTypeSpec::cross_modes.
constexpr std::array<std::string_view, 3> cross_mode_choices = {"online", "proxy", "joint"};
constexpr std::array<std::string_view, 5> dist_choices = {
    "exponential", "deterministic", "lognormal", "gamma", "uniform"};
constexpr std::array<std::string_view, 2> source_choices = {"synthetic", "csv"};
constexpr std::array<std::string_view, 7> weekday_names = {
    "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 4> csv_files = {
    "provinces.csv", "cities.csv", "areas.csv", "streets.csv"};

// Defaults that differ per tier (index = Tier).
constexpr std::array<double, model::tier_count> default_transfer_h = {1.0, 2.0, 4.0, 4.0};
constexpr int default_intake_staff = 2;
constexpr double uniform_max_cv = 0.5773502691896258;  // 1/sqrt(3): lower bound reaches 0

// ---- numeric rules ----

struct Range {
    double lo;
    double hi;
    bool lo_open;
    const char* what;
    bool hi_open = false;

    // Infinity passes only a range whose upper end is infinity itself.
    [[nodiscard]] bool contains(double v) const {
        return !std::isnan(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    }
};

constexpr double huge = std::numeric_limits<double>::max();
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr Range positive{0.0, huge, true, "a number > 0"};
constexpr Range non_negative{0.0, huge, false, "a number >= 0"};
constexpr Range probability{0.0, 1.0, false, "a probability in [0, 1]"};
constexpr Range fraction{0.0, 1.0, false, "a number in [0, 1]"};
constexpr Range below_one{0.0, 1.0, false, "a number in [0, 1) (< 1)", true};
constexpr Range engagement{0.0, 10.0, true, "a number > 0 and <= 10"};
constexpr Range positive_or_inf{0.0, infinity, true, "a number > 0 (inf = never)"};
constexpr double share_tolerance = 1e-9;  // |sum of shares - 1| allowed

// ---- text helpers ----

std::string join(const std::string& path, std::string_view key) {
    if (path.empty())
        return std::string(key);
    return path + "." + std::string(key);
}

std::string number_text(double v) {
    std::array<char, 32> buf{};
    auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    std::string s(buf.data(), result.ptr);
    if (s.find_first_of(".en") == std::string::npos)
        s += ".0";
    return s;
}

std::string in_quotes(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string in_single_quotes(std::string_view s) {
    return "'" + std::string(s) + "'";
}

std::string list_text(Names names, std::string (*quote)(std::string_view)) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            text += (i + 1 == names.size()) ? (names.size() > 2 ? ", or " : " or ") : ", ";
        text += quote(names[i]);
    }
    return text;
}

std::string value_text(const toml::node& n) {
    if (const auto* s = n.as_string())
        return in_quotes(s->get());
    if (const auto* i = n.as_integer())
        return std::to_string(i->get());
    if (const auto* f = n.as_floating_point())
        return number_text(f->get());
    if (const auto* b = n.as_boolean())
        return b->get() ? "true" : "false";
    if (n.is_table())
        return "{...}";
    std::ostringstream os;
    n.visit([&os](const auto& x) { os << x; });
    std::string text = os.str();
    if (text.size() > 60)
        text = text.substr(0, 57) + "...";
    return text;
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "string";
        case toml::node_type::integer:
            return "integer";
        case toml::node_type::floating_point:
            return "floating-point number";
        case toml::node_type::boolean:
            return "boolean";
        case toml::node_type::array:
            return "array";
        case toml::node_type::table:
            return "table";
        case toml::node_type::date:
            return "date";
        case toml::node_type::time:
            return "time";
        case toml::node_type::date_time:
            return "date-time";
        case toml::node_type::none:
            break;
    }
    return "value";
}

/// "string \"two\"" for a value of the wrong type.
std::string typed_text(const toml::node& n) {
    return type_name(n) + " " + value_text(n);
}

/// The best candidate for a misspelt name: edit distance <= 2 (less for short names), or a
/// prefix either way.
std::optional<std::string> suggest(std::string_view key, Names candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    const std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(1, key.size() / 2));
    for (auto candidate : candidates) {
        std::size_t d = edit_distance(key, candidate);
        if (d > limit) {
            const bool prefix =
                key.size() >= 3 && (candidate.starts_with(key) || key.starts_with(candidate));
            if (!prefix)
                continue;
            d = limit + 1;  // prefixes rank after close spellings
        }
        if (d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

bool contains(Names names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

int index_of(Names names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

SourceLocation location_of_node(const toml::node& n) {
    const auto& src = n.source();
    if (src.begin.line == 0 || !src.path)
        return {};
    return {*src.path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

// ---- the builder ----

class Builder {
public:
    explicit Builder(const MergedScenario& merged)
        : merged_(merged) {}

    ScenarioSpec build();

private:
    const MergedScenario& merged_;
    ScenarioSpec spec_;
    std::vector<Diagnostic> diags_;
    std::vector<std::string> calendar_names_;  // index = spec_.calendars index
    std::vector<std::string_view> calendar_views_;
    std::vector<std::string_view> department_views_;
    std::string divisions_dir_;  // absolute; written back into resolved_toml

    // Locations.
    bool is_overridden(const std::string& key) const;
    void record_locations(const toml::table& t,
                          const std::string& prefix,
                          const SourceLocation& parent);
    SourceLocation location(const toml::node& n, const std::string& key) const;

    // Diagnostics.
    void error(const std::string& key, std::string message) {
        diags_.push_back({spec_.where(key), key, std::move(message)});
    }

    void error_at(const toml::node& n, const std::string& key, std::string message) {
        SourceLocation where = location(n, key);
        if (where.file.empty())
            where = spec_.where(key);
        diags_.push_back({std::move(where), key, std::move(message)});
    }

    void expected(const toml::node& n, const std::string& key, std::string_view what) {
        error_at(n, key, key + ": expected " + std::string(what) + ", got " + typed_text(n));
    }

    // Readers: each returns whether `out` was set from a valid value (a missing key is valid
    // and leaves the default in place, but returns false).
    void check_keys(const toml::table& t, const std::string& path, Names known);
    const toml::table* table(const toml::table& parent,
                             const std::string& path,
                             std::string_view key);
    bool read_number(const toml::table& t,
                     const std::string& path,
                     std::string_view key,
                     const Range& range,
                     double& out);
    bool read_int(const toml::table& t,
                  const std::string& path,
                  std::string_view key,
                  std::int64_t min,
                  std::int64_t max,
                  std::int64_t& out);
    bool read_int(
        const toml::table& t, const std::string& path, std::string_view key, int min, int& out);
    bool read_int(const toml::table& t,
                  const std::string& path,
                  std::string_view key,
                  int min,
                  int max,
                  int& out);
    bool read_bool(const toml::table& t, const std::string& path, std::string_view key, bool& out);
    bool read_string(const toml::table& t,
                     const std::string& path,
                     std::string_view key,
                     std::string& out);
    int read_choice(const toml::table& t,
                    const std::string& path,
                    std::string_view key,
                    Names allowed,
                    std::string_view noun);
    int read_calendar(const toml::table& t, const std::string& path, std::string_view key);
    int department_index(const toml::node& n, const std::string& key, std::string_view name);
    template <std::size_t N>
    bool read_profile(const toml::table& t,
                      const std::string& path,
                      std::string_view key,
                      std::array<double, N>& out);
    void read_dist(const toml::table& t,
                   const std::string& path,
                   std::string_view key,
                   model::DistSpec& out);

    // Sections, in dependency order.
    void read_top(const toml::table& root);
    void read_simulation(const toml::table& root);
    void read_divisions(const toml::table& root);
    void read_calendars(const toml::table& root);
    void read_calendar_spec(const toml::table& t, const std::string& path, model::CalendarSpec& c);
    void read_departments(const toml::table& root);
    void read_tiers(const toml::table& root);
    void read_channels(const toml::table& root);
    void read_ticket_types(const toml::table& root);
    void read_ticket_type(const toml::table& t, const std::string& path, model::TicketTypeSpec& tt);
    void read_levers(const toml::table& root);
    void read_lever_keys(const toml::table& t,
                         const std::string& prefix,
                         bool only_levers,
                         model::Levers& out);
    void read_citizens(const toml::table& root);
    void read_cross_province(const toml::table& root);
    void read_provinces(const toml::table& root);
    void check_department_staff();
    std::string resolved_toml() const;
};

bool Builder::is_overridden(const std::string& key) const {
    // The key itself, or a table above it, came from --set.
    std::string prefix = key;
    while (true) {
        if (merged_.overridden.count(prefix) != 0)
            return true;
        auto dot = prefix.rfind('.');
        if (dot == std::string::npos)
            return false;
        prefix.resize(dot);
    }
}

SourceLocation Builder::location(const toml::node& n, const std::string& key) const {
    if (is_overridden(key))
        return {std::string(command_line_file), 0, 0};
    return location_of_node(n);
}

void Builder::record_locations(const toml::table& t,
                               const std::string& prefix,
                               const SourceLocation& parent) {
    for (auto&& [k, v] : t) {
        const std::string key = join(prefix, k.str());
        SourceLocation where = location(v, key);
        if (where.file.empty())
            where = parent;
        spec_.locations[key] = where;
        if (const auto* sub = v.as_table())
            record_locations(*sub, key, where);
    }
}

void Builder::check_keys(const toml::table& t, const std::string& path, Names known) {
    for (auto&& [k, v] : t) {
        const std::string key = join(path, k.str());
        if (contains(known, k.str()))
            continue;
        std::string message = "unknown key " + in_single_quotes(key);
        if (auto hint = suggest(k.str(), known)) {
            message += "; did you mean " + in_single_quotes(*hint) + "?";
        } else {
            message += " (expected " + list_text(known, in_single_quotes) + ")";
        }
        error_at(v, key, std::move(message));
    }
}

const toml::table* Builder::table(const toml::table& parent,
                                  const std::string& path,
                                  std::string_view key) {
    const toml::node* n = parent.get(key);
    if (n == nullptr)
        return nullptr;
    if (const auto* t = n->as_table())
        return t;
    expected(*n, join(path, key), "a table");
    return nullptr;
}

bool Builder::read_number(const toml::table& t,
                          const std::string& path,
                          std::string_view key,
                          const Range& range,
                          double& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    const std::string full = join(path, key);
    if (!n->is_number()) {
        expected(*n, full, range.what);
        return false;
    }
    const double v = n->value<double>().value_or(0.0);
    if (!range.contains(v)) {
        error_at(*n, full, full + ": expected " + range.what + ", got " + value_text(*n));
        return false;
    }
    out = v;
    return true;
}

bool Builder::read_int(const toml::table& t,
                       const std::string& path,
                       std::string_view key,
                       std::int64_t min,
                       std::int64_t max,
                       std::int64_t& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    const std::string full = join(path, key);
    std::string what = "an integer >= " + std::to_string(min);
    const auto* i = n->as_integer();
    if (i == nullptr) {
        expected(*n, full, what);
        return false;
    }
    if (i->get() < min || i->get() > max) {
        if (i->get() > max)
            what += " and <= " + std::to_string(max);
        error_at(*n, full, full + ": expected " + what + ", got " + value_text(*n));
        return false;
    }
    out = i->get();
    return true;
}

bool Builder::read_int(
    const toml::table& t, const std::string& path, std::string_view key, int min, int& out) {
    return read_int(t, path, key, min, INT_MAX, out);
}

bool Builder::read_int(const toml::table& t,
                       const std::string& path,
                       std::string_view key,
                       int min,
                       int max,
                       int& out) {
    std::int64_t v = 0;
    if (!read_int(t, path, key, std::int64_t{min}, std::int64_t{max}, v))
        return false;
    out = static_cast<int>(v);
    return true;
}

bool Builder::read_bool(const toml::table& t,
                        const std::string& path,
                        std::string_view key,
                        bool& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    if (const auto* b = n->as_boolean()) {
        out = b->get();
        return true;
    }
    expected(*n, join(path, key), "a boolean (true or false)");
    return false;
}

bool Builder::read_string(const toml::table& t,
                          const std::string& path,
                          std::string_view key,
                          std::string& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    if (const auto* s = n->as_string()) {
        out = s->get();
        return true;
    }
    expected(*n, join(path, key), "a string");
    return false;
}

int Builder::read_choice(const toml::table& t,
                         const std::string& path,
                         std::string_view key,
                         Names allowed,
                         std::string_view noun) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return -1;
    const std::string full = join(path, key);
    const std::string what = std::string(noun) + " (" + list_text(allowed, in_quotes) + ")";
    const auto* s = n->as_string();
    if (s == nullptr) {
        expected(*n, full, what);
        return -1;
    }
    const std::string& v = s->get();
    if (int i = index_of(allowed, v); i >= 0)
        return i;
    std::string message = full + ": expected " + what + ", got " + in_quotes(v);
    if (auto hint = suggest(v, allowed))
        message += "; did you mean " + in_quotes(*hint) + "?";
    error_at(*n, full, std::move(message));
    return -1;
}

int Builder::read_calendar(const toml::table& t, const std::string& path, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return -1;
    const std::string full = join(path, key);
    const auto* s = n->as_string();
    if (s == nullptr) {
        expected(*n, full, "a calendar name (a string)");
        return -1;
    }
    const std::string& v = s->get();
    if (int i = index_of(calendar_views_, v); i >= 0)
        return i;
    std::string message = full + ": unknown calendar " + in_single_quotes(v);
    if (auto hint = suggest(v, calendar_views_)) {
        message += "; did you mean " + in_single_quotes(*hint) + "?";
    } else {
        message += "; define it under [calendars." + v + "] or use " +
                   list_text(calendar_views_, in_single_quotes);
    }
    error_at(*n, full, std::move(message));
    return -1;
}

int Builder::department_index(const toml::node& n, const std::string& key, std::string_view name) {
    if (int i = index_of(department_views_, name); i >= 0)
        return i;
    std::string message = key + ": unknown department " + in_single_quotes(name);
    if (auto hint = suggest(name, department_views_)) {
        message += "; did you mean " + in_single_quotes(*hint) + "?";
    } else {
        message += "; declare it under [departments." + std::string(name) + "]";
    }
    error_at(n, key, std::move(message));
    return -1;
}

template <std::size_t N>
bool Builder::read_profile(const toml::table& t,
                           const std::string& path,
                           std::string_view key,
                           std::array<double, N>& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    const std::string full = join(path, key);
    const std::string what = "an array of " + std::to_string(N) + " numbers >= 0, not all 0";
    const auto* arr = n->as_array();
    if (arr == nullptr) {
        expected(*n, full, what);
        return false;
    }
    if (arr->size() != N) {
        error_at(*n,
                 full,
                 full + ": expected " + what + ", got " + std::to_string(arr->size()) + " values");
        return false;
    }
    std::array<double, N> values{};
    double sum = 0.0;
    bool ok = true;
    for (std::size_t i = 0; i < N; ++i) {
        const toml::node& e = (*arr)[i];
        const std::optional<double> v = e.is_number() ? e.value<double>() : std::nullopt;
        if (!v || !non_negative.contains(*v)) {
            error_at(e,
                     full,
                     full + "[" + std::to_string(i) + "]: expected a number >= 0, got " +
                         (e.is_number() ? value_text(e) : typed_text(e)));
            ok = false;
            continue;
        }
        values[i] = *v;
        sum += *v;
    }
    if (!ok)
        return false;
    if (sum <= 0.0) {
        error_at(*n, full, full + ": expected " + what + ", got all 0");
        return false;
    }
    for (std::size_t i = 0; i < N; ++i)
        out[i] = values[i] * static_cast<double>(N) / sum;
    return true;
}

void Builder::read_dist(const toml::table& parent,
                        const std::string& parent_path,
                        std::string_view key,
                        model::DistSpec& out) {
    const toml::table* t = table(parent, parent_path, key);
    if (t == nullptr)
        return;
    const std::string path = join(parent_path, key);
    check_keys(*t, path, dist_keys);
    if (int kind = read_choice(*t, path, "dist", dist_choices, "a distribution"); kind >= 0) {
        out.kind = static_cast<model::DistKind>(kind);
    }
    read_number(*t, path, "mean_h", positive, out.mean_h);
    double cv = out.cv;
    const bool cv_given = read_number(*t, path, "cv", non_negative, cv);
    const std::string cv_key = join(path, "cv");
    const auto name = std::string(dist_choices[static_cast<std::size_t>(out.kind)]);
    switch (out.kind) {
        case model::DistKind::exponential:
        case model::DistKind::deterministic: {
            // The family fixes the cv; a different explicit one would be silently ignored.
            const double fixed = out.kind == model::DistKind::exponential ? 1.0 : 0.0;
            if (cv_given && cv != fixed) {
                error(cv_key,
                      cv_key + ": the " + name + " distribution has cv " + number_text(fixed) +
                          ", got " + number_text(cv) + "; use \"gamma\" or \"lognormal\"" +
                          " for another cv");
            }
            out.cv = fixed;
            break;
        }
        case model::DistKind::lognormal:
        case model::DistKind::gamma:
            if (cv <= 0.0) {
                error(cv_key,
                      cv_key + ": expected a number > 0 for the " + name + " distribution, got " +
                          number_text(cv));
            }
            out.cv = cv;
            break;
        case model::DistKind::uniform:
            if (cv > uniform_max_cv) {
                error(cv_key,
                      cv_key + ": expected a number in [0, 0.5773] for the uniform distribution" +
                          " (its lower end would be negative), got " + number_text(cv));
            }
            out.cv = cv;
            break;
    }
}

void Builder::read_top(const toml::table& root) {
    check_keys(root, "", top_keys);
    std::string description;
    read_string(root, "", "description", description);
    if (const toml::node* base = root.get("base")) {
        // The loader consumes `base`; one left here came from somewhere it should not.
        error_at(*base, "base", "base: inheritance is resolved before validation; remove it");
    }
}

void Builder::read_simulation(const toml::table& root) {
    const toml::table* t = table(root, "", "simulation");
    if (t == nullptr)
        return;
    const std::string path = "simulation";
    check_keys(*t, path, simulation_keys);
    read_number(*t, path, "days", positive, spec_.days);
    const bool warmup_ok = read_number(*t, path, "warmup_days", non_negative, spec_.warmup_days);
    std::int64_t seed = 1;
    if (read_int(*t, path, "seed", 0, std::numeric_limits<std::int64_t>::max(), seed)) {
        spec_.seed = static_cast<std::uint64_t>(seed);
    }
    read_number(*t, path, "bucket_hours", positive, spec_.bucket_hours);
    if (warmup_ok && spec_.warmup_days >= spec_.days) {
        // Point at whichever of the two the file sets (warmup_days when both are set).
        const bool warmup_set = t->get("warmup_days") != nullptr;
        error(warmup_set ? "simulation.warmup_days" : "simulation.days",
              "simulation.warmup_days: expected a number >= 0 and < simulation.days (" +
                  number_text(spec_.days) + "), got " + number_text(spec_.warmup_days));
    }
}

void Builder::read_divisions(const toml::table& root) {
    auto& d = spec_.divisions;
    const toml::table* t = table(root, "", "divisions");
    const toml::table empty;
    if (t == nullptr)
        t = &empty;
    const std::string path = "divisions";
    check_keys(*t, path, divisions_keys);
    if (int s = read_choice(*t, path, "source", source_choices, "a source"); s >= 0) {
        d.source = static_cast<model::DivisionsSpec::Source>(s);
    }
    read_int(*t, path, "provinces", 1, d.provinces);
    read_int(*t, path, "cities_per_province", 1, d.cities_per_province);
    read_int(*t, path, "districts_per_city", 1, d.districts_per_city);
    read_int(*t, path, "streets_per_district", 1, d.streets_per_district);
    read_number(*t, path, "population_per_street", positive, d.population_per_street);

    // dir: relative to the folder of the file that set it (the scenario's own folder when
    // defaulted; the working directory for --set).
    std::string dir = "data/divisions";
    std::filesystem::path folder;
    if (read_string(*t, path, "dir", dir)) {
        const SourceLocation where = spec_.where("divisions.dir");
        if (auto it = merged_.folders.find(where.file); it != merged_.folders.end()) {
            folder = it->second;
        }
    } else if (auto it = merged_.folders.find(merged_.file); it != merged_.folders.end()) {
        folder = it->second;
    }
    if (folder.empty())
        folder = std::filesystem::current_path();
    std::filesystem::path resolved(dir);
    if (resolved.is_relative())
        resolved = folder / resolved;
    d.dir = resolved.lexically_normal().string();
    divisions_dir_ = d.dir;
    if (d.source == model::DivisionsSpec::Source::csv) {
        std::error_code ec;
        if (!std::filesystem::is_directory(d.dir, ec)) {
            error("divisions.dir", "divisions.dir: folder '" + d.dir + "' does not exist");
        } else {
            for (auto file : csv_files) {
                if (!std::filesystem::is_regular_file(resolved / file, ec)) {
                    error("divisions.dir",
                          "divisions.dir: folder '" + d.dir + "' has no " + std::string(file));
                }
            }
        }
    }

    if (const toml::node* n = t->get("include")) {
        const std::string key = "divisions.include";
        const auto* arr = n->as_array();
        if (arr == nullptr) {
            expected(*n, key, "an array of province codes (strings or integers)");
            return;
        }
        for (const toml::node& e : *arr) {
            if (const auto* s = e.as_string()) {
                d.include.push_back(s->get());
            } else if (const auto* i = e.as_integer()) {
                d.include.push_back(std::to_string(i->get()));
            } else {
                expected(e, key, "province codes (strings or integers)");
            }
        }
    }
}

void Builder::read_calendar_spec(const toml::table& t,
                                 const std::string& path,
                                 model::CalendarSpec& c) {
    check_keys(t, path, calendar_keys);
    if (const toml::node* n = t.get("weekdays")) {
        const std::string key = join(path, "weekdays");
        const std::string what =
            "an array of weekday names (" + list_text(weekday_names, in_quotes) + ")";
        if (const auto* arr = n->as_array(); arr == nullptr) {
            expected(*n, key, what);
        } else if (arr->empty()) {
            error_at(*n, key, key + ": expected at least one weekday, got []");
        } else {
            std::array<bool, 7> days{};
            bool ok = true;
            for (const toml::node& e : *arr) {
                const auto* s = e.as_string();
                const int day = s == nullptr ? -1 : index_of(weekday_names, s->get());
                if (day < 0) {
                    std::string message = key + ": expected a weekday name (" +
                                          list_text(weekday_names, in_quotes) + "), got " +
                                          (s == nullptr ? typed_text(e) : in_quotes(s->get()));
                    if (s != nullptr) {
                        if (auto hint = suggest(s->get(), weekday_names)) {
                            message += "; did you mean " + in_quotes(*hint) + "?";
                        }
                    }
                    error_at(e, key, std::move(message));
                    ok = false;
                } else if (days[static_cast<std::size_t>(day)]) {
                    error_at(e, key, key + ": weekday " + in_quotes(s->get()) + " is listed twice");
                    ok = false;
                } else {
                    days[static_cast<std::size_t>(day)] = true;
                }
            }
            if (ok)
                c.weekdays = days;
        }
    }
    if (const toml::node* n = t.get("hours")) {
        const std::string key = join(path, "hours");
        const std::string what = "an array of [open, close] pairs of hours, like [[9.0, 12.0]]";
        const auto* arr = n->as_array();
        if (arr == nullptr) {
            expected(*n, key, what);
            return;
        }
        if (arr->empty()) {
            error_at(*n, key, key + ": expected at least one [open, close] pair, got []");
            return;
        }
        std::vector<std::array<double, 2>> hours;
        bool ok = true;
        for (const toml::node& e : *arr) {
            const auto* pair = e.as_array();
            if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_number() ||
                !(*pair)[1].is_number()) {
                expected(e, key, "an [open, close] pair of hours");
                ok = false;
                continue;
            }
            const double open = (*pair)[0].value<double>().value_or(0.0);
            const double close = (*pair)[1].value<double>().value_or(0.0);
            const std::string text = "[" + number_text(open) + ", " + number_text(close) + "]";
            if (!(open >= 0.0 && close <= 24.0)) {
                error_at(e, key, key + ": expected hours within [0, 24], got " + text);
                ok = false;
            } else if (!(open < close)) {
                error_at(e, key, key + ": expected open < close, got " + text);
                ok = false;
            } else if (!hours.empty() && open < hours.back()[1]) {
                error_at(e,
                         key,
                         key + ": expected sorted, non-overlapping pairs, got " + text +
                             " after [" + number_text(hours.back()[0]) + ", " +
                             number_text(hours.back()[1]) + "]");
                ok = false;
            } else {
                hours.push_back({open, close});
            }
        }
        if (ok)
            c.hours = std::move(hours);
    }
}

void Builder::read_calendars(const toml::table& root) {
    model::CalendarSpec always;
    always.name = "always";
    always.always = true;
    always.weekdays.fill(true);
    always.hours = {{0.0, 24.0}};
    model::CalendarSpec office;
    office.name = "office";
    office.weekdays = {true, true, true, true, true, false, false};
    office.hours = {{9.0, 12.0}, {13.5, 17.5}};
    spec_.calendars = {always, office};

    if (const toml::table* t = table(root, "", "calendars")) {
        for (auto&& [k, v] : *t) {
            const std::string name(k.str());
            const std::string path = join("calendars", name);
            if (name == "always") {
                error_at(v,
                         path,
                         "calendars.always: the calendar 'always' is built in (open 24/7) and "
                         "cannot be redefined; choose another name");
                continue;
            }
            const auto* ct = v.as_table();
            if (ct == nullptr) {
                expected(v, path, "a table with weekdays and hours");
                continue;
            }
            model::CalendarSpec c = office;  // defaults: mon-fri, 9-12 and 13.5-17.5
            c.name = name;
            read_calendar_spec(*ct, path, c);
            if (name == "office") {
                spec_.calendars[1] = std::move(c);
            } else {
                spec_.calendars.push_back(std::move(c));  // table order = name order
            }
        }
    }
    for (const auto& c : spec_.calendars)
        calendar_names_.push_back(c.name);
    for (const auto& name : calendar_names_)
        calendar_views_.push_back(name);
}

void Builder::read_departments(const toml::table& root) {
    // name, calendar (-1: the tier's), approval
    std::vector<std::tuple<std::string, int, bool>> declared;
    if (const toml::table* t = table(root, "", "departments")) {
        for (auto&& [k, v] : *t) {
            const std::string path = join("departments", k.str());
            int calendar = -1;
            bool approval = true;
            if (const auto* dt = v.as_table()) {
                check_keys(*dt, path, department_keys);
                std::string label;
                read_string(*dt, path, "label", label);
                calendar = read_calendar(*dt, path, "calendar");
                read_bool(*dt, path, "approval", approval);
            } else {
                expected(v, path, "a table (write [departments.NAME], optionally with label)");
            }
            // Declared even when malformed, so that its uses do not raise follow-on errors.
            declared.emplace_back(k.str(), calendar, approval);
        }
    }
    std::sort(declared.begin(), declared.end());
    for (const auto& [name, calendar, approval] : declared) {
        spec_.departments.push_back(name);
        spec_.department_calendar.push_back(calendar);
        spec_.department_approval.push_back(approval);
    }
    for (const auto& name : spec_.departments)
        department_views_.push_back(name);
}

void Builder::read_tiers(const toml::table& root) {
    const std::size_t n_departments = spec_.departments.size();
    for (int k = 0; k < model::tier_count; ++k) {
        auto& tier = spec_.tiers[static_cast<std::size_t>(k)];
        tier.calendar = 1;  // office
        tier.intake_staff = default_intake_staff;
        tier.staff.assign(n_departments, 0);
        tier.transfer_h = default_transfer_h[static_cast<std::size_t>(k)];
        tier.scale_staff = false;
    }
    const toml::table* t = table(root, "", "tiers");
    if (t == nullptr)
        return;
    check_keys(*t, "tiers", tier_choices);
    for (std::size_t k = 0; k < tier_choices.size(); ++k) {
        const toml::table* tt = table(*t, "tiers", tier_choices[k]);
        if (tt == nullptr)
            continue;
        auto& tier = spec_.tiers[k];
        const std::string path = join("tiers", tier_choices[k]);
        check_keys(*tt, path, tier_keys);
        if (int c = read_calendar(*tt, path, "calendar"); c >= 0)
            tier.calendar = c;
        read_int(*tt, path, "intake_staff", 1, tier.intake_staff);
        read_number(*tt, path, "transfer_h", non_negative, tier.transfer_h);
        // design and leader_capacity are levers: read_lever_keys reads them.
        read_bool(*tt, path, "scale_staff", tier.scale_staff);
        if (const toml::table* staff = table(*tt, path, "staff")) {
            const std::string staff_path = join(path, "staff");
            for (auto&& [name, value] : *staff) {
                const std::string key = join(staff_path, name.str());
                const int d = department_index(value, key, name.str());
                int count = 0;
                if (read_int(*staff, staff_path, name.str(), 0, count) && d >= 0) {
                    tier.staff[static_cast<std::size_t>(d)] = count;
                }
            }
        }
    }
}

void Builder::read_channels(const toml::table& root) {
    // Defaults: window at the street, hotline and online at the city.
    constexpr std::array<model::Tier, model::channel_count> default_tier = {
        model::Tier::street, model::Tier::city, model::Tier::city, model::Tier::street};
    std::array<bool, model::channel_count> calendar_set{};
    for (std::size_t c = 0; c < model::channel_count; ++c) {
        spec_.channels[c].tier = default_tier[c];
        spec_.channels[c].staff = -1;
        spec_.channels[c].calendar = 0;  // always
    }
    const toml::table* t = table(root, "", "channels");
    if (t != nullptr) {
        check_keys(*t, "channels", channel_choices);
        for (std::size_t c = 0; c < channel_choices.size(); ++c) {
            const toml::table* ct = table(*t, "channels", channel_choices[c]);
            if (ct == nullptr)
                continue;
            auto& channel = spec_.channels[c];
            const std::string path = join("channels", channel_choices[c]);
            check_keys(*ct, path, channel_keys);
            if (int k = read_choice(*ct, path, "tier", tier_choices, "a tier"); k >= 0) {
                channel.tier = static_cast<model::Tier>(k);
            }
            if (int cal = read_calendar(*ct, path, "calendar"); cal >= 0) {
                channel.calendar = cal;
                calendar_set[c] = true;
            } else if (ct->get("calendar") != nullptr) {
                calendar_set[c] = true;  // bad value, already reported
            }
            read_int(*ct, path, "staff", 1, channel.staff);
        }
    }
    // Windows and grid workers keep the working hours of the tier they sit at.
    for (const auto channel : {model::Channel::window, model::Channel::grid}) {
        auto& ch = spec_.channels[static_cast<std::size_t>(channel)];
        if (!calendar_set[static_cast<std::size_t>(channel)]) {
            ch.calendar = spec_.tiers[static_cast<std::size_t>(ch.tier)].calendar;
        }
    }
}

void Builder::read_ticket_type(const toml::table& t,
                               const std::string& path,
                               model::TicketTypeSpec& tt) {
    check_keys(t, path, ticket_keys);
    if (int c = read_choice(t, path, "channel", channel_choices, "a channel"); c >= 0) {
        tt.channel = static_cast<model::Channel>(c);
    }
    if (int r = read_choice(t, path, "route", route_choices, "a route"); r >= 0) {
        tt.route = static_cast<model::Route>(r);
    }
    if (t.get("rate") == nullptr) {
        error(path, join(path, "rate") + " is required (arrivals per 10,000 residents per day)");
    } else {
        read_number(t, path, "rate", non_negative, tt.rate);
    }
    tt.daily_profile.fill(1.0);
    tt.weekly_profile.fill(1.0);
    read_profile(t, path, "daily_profile", tt.daily_profile);
    read_profile(t, path, "weekly_profile", tt.weekly_profile);
    tt.intake = {model::DistKind::exponential, 0.1, 1.0};
    read_dist(t, path, "intake", tt.intake);
    const bool close_ok =
        read_number(t, path, "close_at_intake", probability, tt.close_at_intake) ||
        t.get("close_at_intake") == nullptr;
    if (int k = read_choice(t, path, "authority", tier_choices, "a tier"); k >= 0) {
        tt.authority = static_cast<model::Tier>(k);
    }
    tt.escalate.fill(0.0);
    if (const toml::node* n = t.get("escalate")) {
        const std::string key = join(path, "escalate");
        if (n->is_number()) {
            double p = 0.0;
            if (read_number(t, path, "escalate", probability, p)) {
                tt.escalate = {p, p, p, 0.0};
            }
        } else if (const auto* et = n->as_table()) {
            check_keys(*et, key, escalate_keys);
            for (std::size_t k = 0; k < escalate_keys.size(); ++k) {
                read_number(*et, key, escalate_keys[k], probability, tt.escalate[k]);
            }
        } else {
            expected(
                *n, key, "a probability in [0, 1] or a table {street = P, district = P, city = P}");
        }
    }
    bool listed_department = false;
    if (const toml::node* n = t.get("departments")) {
        const std::string key = join(path, "departments");
        if (const auto* arr = n->as_array()) {
            for (const toml::node& e : *arr) {
                listed_department = true;
                if (const auto* s = e.as_string()) {
                    if (int d = department_index(e, key, s->get()); d >= 0) {
                        tt.departments.push_back(d);
                    }
                } else {
                    expected(e, key, "department names (strings)");
                }
            }
        } else {
            expected(*n, key, "an array of department names");
            listed_department = true;  // reported already
        }
    }
    // An upward ticket (a grid data update) passes every tier above its intake and may need no
    // department step on the way.
    if (!listed_department && close_ok && tt.close_at_intake < 1.0 &&
        tt.route == model::Route::dispatch) {
        const std::string key = join(path, "departments");
        error(t.get("departments") != nullptr ? key : path,
              key + ": expected at least one department (a ticket not closed at intake needs " +
                  "one to handle it), or close_at_intake = 1");
    }
    tt.service = {model::DistKind::exponential, 8.0, 1.0};
    read_dist(t, path, "service", tt.service);
    tt.followup = {model::DistKind::exponential, 0.0, 1.0};
    if (const toml::table* f = t.get_as<toml::table>("followup");
        f != nullptr && f->get("mean_h") == nullptr) {
        error(join(path, "followup"),
              join(path, "followup") +
                  ": expected mean_h (the hours a case waits after its "
                  "department steps without holding staff)");
    }
    read_dist(t, path, "followup", tt.followup);
    read_number(t, path, "respond_h", positive, tt.respond_h);
    read_number(t, path, "resolve_wd", positive, tt.resolve_wd);
    read_number(t, path, "solve_probability", probability, tt.solve_probability);
    read_number(t, path, "reject_probability", probability, tt.reject_probability);
    read_int(t, path, "materials", 0, 100, tt.materials);
    read_bool(t, path, "online", tt.online);
    read_number(t, path, "cross_province", probability, tt.cross_province);
    if (const toml::node* n = t.get("cross_mode")) {
        const std::string key = join(path, "cross_mode");
        if (n->is_string()) {
            if (int m =
                    read_choice(t, path, "cross_mode", cross_mode_choices, "a cross-province mode");
                m >= 0) {
                tt.cross_modes = {0.0, 0.0, 0.0};
                tt.cross_modes[static_cast<std::size_t>(m)] = 1.0;
            }
        } else if (const auto* mt = n->as_table()) {
            check_keys(*mt, key, cross_mode_choices);
            std::array<double, 3> shares{};
            bool ok = true;
            for (std::size_t m = 0; m < cross_mode_choices.size(); ++m) {
                ok = (read_number(*mt, key, cross_mode_choices[m], non_negative, shares[m]) ||
                      mt->get(cross_mode_choices[m]) == nullptr) &&
                     ok;
            }
            const double sum = shares[0] + shares[1] + shares[2];
            if (ok && std::abs(sum - 1.0) > share_tolerance) {
                error_at(*n,
                         key,
                         key + ": expected shares {online, proxy, joint} that sum to 1, got " +
                             number_text(shares[0]) + " + " + number_text(shares[1]) + " + " +
                             number_text(shares[2]) + " = " + number_text(sum));
            } else if (ok) {
                tt.cross_modes = shares;
            }
        } else {
            expected(*n,
                     key,
                     "a cross-province mode (" + list_text(cross_mode_choices, in_quotes) +
                         ") or a table {online = S, proxy = S, joint = S} of shares summing to 1");
        }
    }
}

void Builder::read_ticket_types(const toml::table& root) {
    const toml::node* n = root.get("ticket_types");
    if (const toml::table* t = table(root, "", "ticket_types")) {
        for (auto&& [k, v] : *t) {
            const std::string path = join("ticket_types", k.str());
            const auto* tt_table = v.as_table();
            if (tt_table == nullptr) {
                expected(v, path, "a table (write [ticket_types.NAME])");
                continue;
            }
            model::TicketTypeSpec tt;
            tt.name = k.str();
            read_ticket_type(*tt_table, path, tt);
            spec_.ticket_types.push_back(std::move(tt));  // table order = name order
        }
    }
    if (spec_.ticket_types.empty() && (n == nullptr || n->is_table())) {
        error("ticket_types",
              "ticket_types: a scenario needs at least one ticket type "
              "([ticket_types.NAME] with a rate)");
    }
}

void Builder::read_levers(const toml::table& root) {
    // The tables' own keys first; read_tiers checked those of tiers.<tier>.
    if (const toml::table* t = table(root, "", "strategy"))
        check_keys(*t, "strategy", strategy_keys);
    if (const toml::table* t = table(root, "", "technology")) {
        check_keys(*t, "technology", technology_keys);
        read_number(*t, "technology", "link_h", positive, spec_.link_h);
    }
    if (const toml::table* t = table(root, "", "organization"))
        check_keys(*t, "organization", organization_keys);
    if (const toml::table* t = table(root, "", "institution")) {
        check_keys(*t, "institution", institution_keys);
        read_int(*t, "institution", "max_returns", 0, spec_.max_returns);
        read_number(*t, "institution", "return_review_h", non_negative, spec_.return_review_h);
    }
    read_lever_keys(root, "", false, spec_.levers);
}

// The lever keys under `t`: the scenario's top level (prefix "") or a [provinces.NAME] table,
// laid over `out`. With `only_levers`, any other key is an error; the top-level tables hold
// other keys too, and their callers check those.
void Builder::read_lever_keys(const toml::table& t,
                              const std::string& prefix,
                              bool only_levers,
                              model::Levers& out) {
    // A top-level table that is not a table was reported by its section's reader already.
    auto sub_table = [&](const toml::table& parent,
                         const std::string& path,
                         std::string_view key) -> const toml::table* {
        return only_levers ? table(parent, path, key) : parent.get_as<toml::table>(key);
    };
    auto section = [&](std::string_view key, Names lever_keys) -> const toml::table* {
        const toml::table* sub = sub_table(t, prefix, key);
        if (sub != nullptr && only_levers)
            check_keys(*sub, join(prefix, key), lever_keys);
        return sub;
    };
    if (const toml::table* tiers = section("tiers", tier_choices)) {
        const std::string tiers_path = join(prefix, "tiers");
        for (std::size_t k = 0; k < tier_choices.size(); ++k) {
            const toml::table* tt = sub_table(*tiers, tiers_path, tier_choices[k]);
            if (tt == nullptr)
                continue;
            const std::string path = join(tiers_path, tier_choices[k]);
            if (only_levers)
                check_keys(*tt, path, tier_lever_keys);
            if (int d = read_choice(*tt, path, "design", design_choices, "a design"); d >= 0)
                out.design[k] = static_cast<model::Design>(d);
            read_int(*tt, path, "leader_capacity", 1, out.leader_capacity[k]);
        }
    }
    if (const toml::table* st = section("strategy", strategy_keys)) {
        const std::string path = join(prefix, "strategy");
        read_number(*st, path, "leader_engagement", engagement, out.leader_engagement);
        read_number(*st, path, "leader_decision_h", positive, out.leader_decision_h);
        read_int(*st, path, "escalate_after_returns", 0, out.escalate_after_returns);
        read_number(*st, path, "rehandle", probability, out.rehandle);
        read_int(*st, path, "max_rehandles", 0, 100, out.max_rehandles);
    }
    if (const toml::table* tech = section("technology", technology_lever_keys)) {
        const std::string path = join(prefix, "technology");
        if (const toml::node* n = tech->get("data_sharing")) {
            const std::string key = join(path, "data_sharing");
            if (n->is_number()) {
                double p = 0.0;
                if (read_number(*tech, path, "data_sharing", probability, p))
                    out.data_sharing.fill(p);
            } else if (const auto* dt = n->as_table()) {
                check_keys(*dt, key, tier_choices);
                out.data_sharing.fill(0.0);  // a tier left out shares nothing
                for (std::size_t k = 0; k < tier_choices.size(); ++k)
                    read_number(*dt, key, tier_choices[k], probability, out.data_sharing[k]);
            } else {
                expected(*n,
                         key,
                         "a probability in [0, 1] or a table {street = P, district = P, city = P, "
                         "province = P}");
            }
        }
        read_number(*tech, path, "online_share", probability, out.online_share);
        read_number(*tech, path, "sharing_speedup", fraction, out.sharing_speedup);
    }
    if (const toml::table* org = section("organization", organization_keys)) {
        const std::string path = join(prefix, "organization");
        read_bool(*org, path, "generalist_windows", out.generalist_windows);
        read_number(*org, path, "generalist_slowdown", positive, out.generalist_slowdown);
        read_number(*org, path, "handoff_h", non_negative, out.handoff_h);
        read_number(*org, path, "handoff_cost_h", non_negative, out.handoff_cost_h);
        read_number(*org, path, "bureau_handoff_factor", fraction, out.bureau_handoff_factor);
        read_number(*org, path, "bureau_return_factor", fraction, out.bureau_return_factor);
        read_number(*org, path, "join_h", non_negative, out.join_h);
        read_number(*org, path, "join_cost_h", non_negative, out.join_cost_h);
    }
    if (const toml::table* inst = section("institution", institution_lever_keys)) {
        const std::string path = join(prefix, "institution");
        read_number(*inst, path, "return_probability", probability, out.return_probability);
        read_number(*inst, path, "return_solve_factor", fraction, out.return_solve_factor);
        read_bool(*inst, path, "three_lists", out.three_lists);
        read_number(*inst, path, "three_lists_factor", fraction, out.three_lists_factor);
        read_number(*inst, path, "standardization", fraction, out.standardization);
        read_bool(*inst, path, "accept_incomplete", out.accept_incomplete);
    }
}

void Builder::read_citizens(const toml::table& root) {
    const toml::table* t = table(root, "", "citizens");
    if (t == nullptr)
        return;
    auto& c = spec_.citizens;
    const std::string path = "citizens";
    check_keys(*t, path, citizens_keys);
    read_number(*t, path, "satisfied_if_solved", probability, c.satisfied_if_solved);
    read_number(*t, path, "satisfied_if_unsolved", probability, c.satisfied_if_unsolved);
    read_number(*t, path, "late_factor", probability, c.late_factor);
    read_number(*t, path, "visit_factor", fraction, c.visit_factor);
    read_number(*t, path, "return_factor", fraction, c.return_factor);
    read_number(*t, path, "patience_h", positive_or_inf, c.patience_h);
    const bool repeat_ok = read_number(*t, path, "repeat_call", probability, c.repeat_call) ||
                           t->get("repeat_call") == nullptr;
    const bool abandon_ok =
        read_number(*t, path, "abandon", probability, c.abandon) || t->get("abandon") == nullptr;
    if (repeat_ok && abandon_ok && c.repeat_call + c.abandon > 1.0 + share_tolerance) {
        // The two split the chases, so together they are a probability.
        error(t->get("abandon") != nullptr ? "citizens.abandon" : "citizens.repeat_call",
              "citizens.repeat_call + citizens.abandon: expected a sum <= 1 (both are shares of "
              "the chases), got " +
                  number_text(c.repeat_call) + " + " + number_text(c.abandon) + " = " +
                  number_text(c.repeat_call + c.abandon));
    }
    read_number(*t, path, "supply_h", non_negative, c.supply_h);
    read_number(*t, path, "supply_online_h", non_negative, c.supply_online_h);
    read_number(*t, path, "incomplete", below_one, c.incomplete);
}

void Builder::read_cross_province(const toml::table& root) {
    const toml::table* t = table(root, "", "cross_province");
    if (t == nullptr)
        return;
    auto& x = spec_.cross;
    const std::string path = "cross_province";
    check_keys(*t, path, cross_province_keys);
    read_number(*t, path, "mismatch", probability, x.mismatch);
    read_number(*t, path, "courier_h", non_negative, x.courier_h);
    read_int(*t, path, "link_staff", 1, x.link_staff);
    read_number(*t, path, "link_service_h", positive, x.link_service_h);
    // [cross_province.migration.FROM] TO = weight. The province names and codes are checked
    // against the organisation when it is built; their locations are in spec_.locations.
    if (const toml::table* m = table(*t, path, "migration")) {
        const std::string migration_path = join(path, "migration");
        for (auto&& [from, v] : *m) {
            const std::string from_path = join(migration_path, from.str());
            const auto* ft = v.as_table();
            if (ft == nullptr) {
                expected(
                    v,
                    from_path,
                    "a table of weights {TO = weight} (write [cross_province.migration.FROM])");
                continue;
            }
            for (auto&& [to, w] : *ft) {
                double weight = 0.0;
                if (read_number(*ft, from_path, to.str(), non_negative, weight)) {
                    x.migration.push_back({std::string(from.str()), std::string(to.str()), weight});
                }
            }
        }
    }
}

// After read_levers: a province's levers are the top-level ones with its own keys laid over.
void Builder::read_provinces(const toml::table& root) {
    const toml::table* t = table(root, "", "provinces");
    if (t == nullptr)
        return;
    for (auto&& [k, v] : *t) {
        const std::string path = join("provinces", k.str());
        const auto* pt = v.as_table();
        if (pt == nullptr) {
            expected(v, path, "a table of lever overrides (write [provinces.NAME])");
            continue;
        }
        check_keys(*pt, path, province_keys);
        model::Levers levers = spec_.levers;
        read_lever_keys(*pt, path, true, levers);
        spec_.province_levers.emplace_back(k.str(), levers);  // table order = name order
    }
}

// A department queue with no servers would hold its tickets forever, so every department a
// ticket type needs must be staffed at its authority tier and at each tier it can escalate to.
void Builder::check_department_staff() {
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> missing;
    for (const auto& tt : spec_.ticket_types) {
        if (tt.route == model::Route::upward) {
            // A data update runs its steps at every tier above its intake.
            const auto intake =
                static_cast<std::size_t>(spec_.channels[static_cast<std::size_t>(tt.channel)].tier);
            for (int d : tt.departments) {
                for (std::size_t k = intake + 1; k < model::tier_count; ++k) {
                    if (spec_.tiers[k].staff[static_cast<std::size_t>(d)] <= 0) {
                        missing[{k, static_cast<std::size_t>(d)}].push_back(
                            "ticket type " + in_single_quotes(tt.name) +
                            " passes there on its way up (route \"upward\")");
                    }
                }
            }
            continue;
        }
        if (tt.close_at_intake >= 1.0)
            continue;
        std::vector<int> seen;
        for (int d : tt.departments) {
            if (std::find(seen.begin(), seen.end(), d) != seen.end())
                continue;
            seen.push_back(d);
            const auto authority = static_cast<std::size_t>(tt.authority);
            for (std::size_t k = authority; k < model::tier_count; ++k) {
                if (spec_.tiers[k].staff[static_cast<std::size_t>(d)] <= 0) {
                    std::string why = "ticket type " + in_single_quotes(tt.name);
                    if (k == authority) {
                        why += " is decided there (authority " + in_single_quotes(tier_choices[k]) +
                               ")";
                    } else {
                        why += " escalates there from the " + std::string(tier_choices[k - 1]) +
                               " tier (escalate " + number_text(tt.escalate[k - 1]) + ")";
                    }
                    missing[{k, static_cast<std::size_t>(d)}].push_back(std::move(why));
                }
                if (tt.escalate[k] <= 0.0)
                    break;
            }
        }
    }
    for (const auto& [where, reasons] : missing) {
        const auto [k, d] = where;
        const std::string key = "tiers." + std::string(tier_choices[k]) + ".staff";
        // A problem already reported in this staff table explains the zero.
        const bool reported = std::any_of(diags_.begin(), diags_.end(), [&](const Diagnostic& x) {
            return x.key.starts_with(key);
        });
        if (reported)
            continue;
        std::string message = key + ": department " + in_single_quotes(spec_.departments[d]) +
                              " has no staff at the " + std::string(tier_choices[k]) +
                              " tier, but " + reasons.front();
        if (reasons.size() > 1) {
            message += " (and " + std::to_string(reasons.size() - 1) + " more)";
        }
        message += "; a queue without servers would hold tickets forever";
        const std::string dept_key = key + "." + spec_.departments[d];
        diags_.push_back({spec_.where(spec_.locations.count(dept_key) != 0 ? dept_key : key),
                          key,
                          std::move(message)});
    }
}

std::string Builder::resolved_toml() const {
    toml::table out = merged_.table;
    out.erase("base");
    // The folder is written out resolved, so that the text alone reproduces the scenario.
    if (out.get("divisions") == nullptr)
        out.insert("divisions", toml::table{});
    if (auto* divisions = out.get_as<toml::table>("divisions")) {
        divisions->insert_or_assign("dir", divisions_dir_);
    }
    std::ostringstream os;
    os << out;
    return os.str();
}

ScenarioSpec Builder::build() {
    const SourceLocation file{merged_.file, 0, 0};
    spec_.name = merged_.name;
    spec_.locations[""] = file;
    record_locations(merged_.table, "", file);

    const toml::table& root = merged_.table;
    read_top(root);
    read_simulation(root);
    read_divisions(root);
    read_calendars(root);
    read_departments(root);
    read_tiers(root);
    read_channels(root);
    read_ticket_types(root);
    read_levers(root);
    read_citizens(root);
    read_cross_province(root);
    read_provinces(root);
    check_department_staff();

    if (!diags_.empty()) {
        std::stable_sort(diags_.begin(), diags_.end(), [](const auto& a, const auto& b) {
            return std::tie(a.where.file, a.where.line, a.where.column) <
                   std::tie(b.where.file, b.where.line, b.where.column);
        });
        auto same = [](const Diagnostic& a, const Diagnostic& b) {
            return a.where.file == b.where.file && a.where.line == b.where.line &&
                   a.where.column == b.where.column && a.message == b.message;
        };
        diags_.erase(std::unique(diags_.begin(), diags_.end(), same), diags_.end());
        throw ScenarioError(std::move(diags_));
    }
    spec_.resolved_toml = resolved_toml();
    return std::move(spec_);
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

model::ScenarioSpec build_scenario_spec(const MergedScenario& merged) {
    return Builder(merged).build();
}

}  // namespace tiersim::io::detail
