// SPDX-License-Identifier: MIT
// The reform timeline ([[timeline]]): its entries validated, their changes ordered into steps
// (a ramp into one step every step_days), and each step's scenario state built by laying the
// changes up to it over a fresh copy of the merged scenario.
#include "tiersim/error.hpp"
#include "tiersim/io/scenario_schema.hpp"

#include "io/scenario/builder.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace tiersim::io::detail {

namespace {

/// The shortest text that reads back as `v` (a float keeps a decimal point).
std::string number_value(double v, bool integer) {
    if (integer)
        return std::to_string(std::llround(v));
    std::array<char, 32> buf{};
    const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr;
    std::string s(buf.data(), end);
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";
    return s;
}

std::string six_digits(double v) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%.6g", v);
    return buf.data();
}

std::string toml_text(const toml::node& n) {
    if (const auto* f = n.as_floating_point())
        return number_value(f->get(), false);
    std::ostringstream os;
    n.visit([&os](const auto& v) { os << v; });
    return os.str();
}

constexpr std::size_t max_steps = 5000;

/// Collects the reports of one timeline, each at the node it is about.
class TimelineReader {
public:
    explicit TimelineReader(const MergedScenario& merged)
        : merged_(merged) {}

    std::vector<PlannedStep> plan(double run_days);

private:
    struct Leaf {
        std::vector<std::string> segments;
        std::string key;
        const toml::node* node;
    };

    void error(const toml::node& n, const std::string& key, std::string message) {
        const auto& r = n.source();
        SourceLocation where{r.path ? *r.path : std::string(command_line_file),
                             static_cast<int>(r.begin.line),
                             static_cast<int>(r.begin.column)};
        diags_.push_back({std::move(where), key, std::move(message)});
    }

    void leaves(const toml::table& t,
                std::vector<std::string>& segments,
                const std::string& entry_key,
                std::vector<Leaf>& out);
    std::optional<double> value_before(const std::vector<std::string>& segments,
                                       const std::map<std::string, double>& running) const;

    const MergedScenario& merged_;
    std::vector<Diagnostic> diags_;
};

/// The dotted key of `segments` from `from` on.
std::string dotted(const std::vector<std::string>& segments, std::size_t from = 0) {
    std::string key;
    for (std::size_t i = from; i < segments.size(); ++i)
        key += (key.empty() ? "" : ".") + segments[i];
    return key;
}

const toml::node* node_at(const toml::table& t, const std::vector<std::string>& segments) {
    const toml::table* at = &t;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        at = at->get_as<toml::table>(segments[i]);
        if (at == nullptr)
            return nullptr;
    }
    return at->get(segments.back());
}

void TimelineReader::leaves(const toml::table& t,
                            std::vector<std::string>& segments,
                            const std::string& entry_key,
                            std::vector<Leaf>& out) {
    for (auto&& [k, v] : t) {
        segments.emplace_back(k.str());
        const std::string key = dotted(segments);
        const schema::Key* schema_key = schema::find(key);
        if (v.is_table() && (schema_key == nullptr || schema_key->type == schema::Type::table ||
                             schema_key->type == schema::Type::number_or_table)) {
            leaves(*v.as_table(), segments, entry_key, out);
        } else if (schema_key == nullptr) {
            std::string message = entry_key + ": '" + key + "' is not a scenario key";
            const std::string parent = dotted({segments.begin(), segments.end() - 1});
            if (const auto known = schema::known_keys(parent)) {
                if (const auto hint = suggest(segments.back(), *known))
                    message += "; did you mean '" + join(parent, *hint) + "'?";
            }
            error(v, entry_key + "." + key, std::move(message));
        } else if (!schema_key->has(schema::changeable)) {
            error(v,
                  entry_key + "." + key,
                  entry_key + ": '" + key +
                      "' cannot change during a run (the keys that can are marked "
                      "\"changeable during a run\" in `tiersim schema`)");
        } else {
            out.push_back({segments, key, &v});
        }
        segments.pop_back();
    }
}

/// The number a key has before a ramp: the running value of an earlier step, the scenario's,
/// a province's top-level one, or the schema's default.
std::optional<double> TimelineReader::value_before(
    const std::vector<std::string>& segments, const std::map<std::string, double>& running) const {
    for (std::size_t from = 0; from < segments.size(); from += 2) {
        const std::vector<std::string> tail(segments.begin() + static_cast<long>(from),
                                            segments.end());
        if (auto it = running.find(dotted(tail)); it != running.end())
            return it->second;
        if (const toml::node* n = node_at(merged_.table, tail)) {
            if (n->is_number())
                return n->value<double>();
            return std::nullopt;
        }
        if (auto d = schema::default_of(dotted(tail))) {
            toml::table parsed = toml::parse("v = " + *d);
            if (const toml::node* n = parsed.get("v"); n != nullptr && n->is_number())
                return n->value<double>();
            return std::nullopt;
        }
        if (segments.size() < 3 || segments[0] != "provinces")
            return std::nullopt;  // only provinces.NAME.KEY falls back to KEY
    }
    return std::nullopt;
}

std::vector<PlannedStep> TimelineReader::plan(double run_days) {
    const toml::node* node = merged_.table.get("timeline");
    if (node == nullptr)
        return {};
    const toml::array* entries = node->as_array();
    if (entries == nullptr) {
        error(*node, "timeline", "timeline: expected an array of tables ([[timeline]] entries)");
        throw ScenarioError(std::move(diags_));
    }
    const auto known = *schema::known_keys("timeline");

    struct Change {
        std::int64_t day;
        PlannedChange change;
        std::string label;
    };

    std::vector<Change> changes;
    std::map<std::string, double> running;  // numbers set so far, for the ramps after them
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const toml::node& e = *entries->get(i);
        const std::string key = "timeline[" + std::to_string(i) + "]";
        const toml::table* t = e.as_table();
        if (t == nullptr) {
            error(e, key, key + ": expected a table (a [[timeline]] entry)");
            continue;
        }
        for (auto&& [k, v] : *t) {
            if (std::find(known.begin(), known.end(), k.str()) == known.end())
                error(v,
                      key + "." + std::string(k.str()),
                      "unknown key '" + key + "." + std::string(k.str()) +
                          "' (expected 'day', 'label', 'set', 'ramp_days', 'step_days')");
        }
        auto integer = [&](std::string_view name, std::int64_t min, std::int64_t fallback) {
            const toml::node* n = t->get(name);
            if (n == nullptr)
                return fallback;
            const auto* v = n->as_integer();
            if (v == nullptr || v->get() < min || v->get() > 100'000) {
                error(*n,
                      key + "." + std::string(name),
                      key + "." + std::string(name) + ": expected an integer number of days >= " +
                          std::to_string(min) + " and <= 100000, got " + toml_text(*n));
                return std::int64_t{-1};
            }
            return v->get();
        };
        if (t->get("day") == nullptr)
            error(e, key + ".day", key + ": expected `day`, the day the entry applies");
        const std::int64_t day = integer("day", 0, -1);
        const std::int64_t ramp = integer("ramp_days", 1, 0);
        const std::int64_t step = integer("step_days", 1, 7);
        if (t->get("step_days") != nullptr && t->get("ramp_days") == nullptr)
            error(*t->get("step_days"),
                  key + ".step_days",
                  key + ".step_days: steps belong to a ramp; set ramp_days too");
        std::string label;
        if (const toml::node* l = t->get("label")) {
            if (l->as_string() == nullptr)
                error(*l, key + ".label", key + ".label: expected a string, got " + toml_text(*l));
            else
                label = l->as_string()->get();
        }
        const toml::node* set = t->get("set");
        if (set == nullptr || set->as_table() == nullptr || set->as_table()->empty()) {
            error(set == nullptr ? e : *set,
                  key + ".set",
                  key + ".set: expected a table of the values that change (set.KEY = VALUE)");
            continue;
        }
        std::vector<std::string> segments;
        std::vector<Leaf> found;
        leaves(*set->as_table(), segments, key + ".set", found);
        if (day < 0 || ramp < 0 || step < 0)
            continue;
        for (const Leaf& leaf : found) {
            PlannedChange c{leaf.segments, leaf.key, i, true, toml_text(*leaf.node)};
            if (ramp == 0) {
                changes.push_back({day, c, label});
                if (leaf.node->is_number())
                    running[leaf.key] = *leaf.node->value<double>();
                continue;
            }
            const auto before = value_before(leaf.segments, running);
            if (!leaf.node->is_number() || !before) {
                error(*leaf.node,
                      key + ".set." + leaf.key,
                      key + ".ramp_days: a ramp changes numbers; '" + leaf.key + "' " +
                          (leaf.node->is_number() ? "has no number before day " +
                                                        std::to_string(day) + " to start from"
                                                  : "is set to " + toml_text(*leaf.node)));
                continue;
            }
            const double to = *leaf.node->value<double>();
            const bool is_integer = leaf.node->is_integer();
            const std::int64_t n = (ramp + step - 1) / step;
            for (std::int64_t k = 1; k <= n; ++k) {
                const std::int64_t at = std::min(ramp, k * step);
                PlannedChange ck = c;
                if (k < n) {
                    // Six significant digits: a ramp is a discretisation anyway, and the
                    // output's /timeline stays readable.
                    const double x = *before + (to - *before) * static_cast<double>(at) /
                                                   static_cast<double>(ramp);
                    ck.exact = false;
                    ck.value = number_value(is_integer ? x : std::stod(six_digits(x)), is_integer);
                }
                changes.push_back(
                    {day + at,
                     ck,
                     label + " (" + std::to_string(k) + "/" + std::to_string(n) + ")"});
            }
            running[leaf.key] = to;
        }
    }
    if (!diags_.empty())
        throw ScenarioError(std::move(diags_));
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
        return a.day < b.day;
    });
    std::vector<PlannedStep> steps;
    for (Change& c : changes) {
        if (static_cast<double>(c.day) >= run_days)
            continue;  // on or after the end: never applies
        if (steps.empty() || steps.back().day != static_cast<double>(c.day)) {
            steps.push_back({static_cast<double>(c.day), c.label, {}});
        } else if (c.label != steps.back().label && !c.label.empty()) {
            if (steps.back().label.find(c.label) == std::string::npos)
                steps.back().label += steps.back().label.empty() ? c.label : "; " + c.label;
        }
        steps.back().changes.push_back(std::move(c.change));
    }
    // Each step is a whole scenario state, loaded and compiled: a bound keeps a slip of the
    // pen (ramp_days = 100000 in daily steps) from taking the machine's memory.
    if (steps.size() > max_steps) {
        error(*node,
              "timeline",
              "timeline: " + std::to_string(steps.size()) + " steps within the run; at most " +
                  std::to_string(max_steps) + " (give the ramps a larger step_days)");
        throw ScenarioError(std::move(diags_));
    }
    return steps;
}

}  // namespace

std::vector<PlannedStep> plan_timeline(const MergedScenario& merged, double run_days) {
    return TimelineReader(merged).plan(run_days);
}

void apply_change(toml::table& table, const PlannedChange& change) {
    toml::table* at = &table;
    for (std::size_t i = 0; i + 1 < change.segments.size(); ++i) {
        toml::node* next = at->get(change.segments[i]);
        if (next == nullptr || !next->is_table()) {
            at->insert_or_assign(change.segments[i], toml::table{});
            next = at->get(change.segments[i]);
        }
        at = next->as_table();
    }
    // The exact value moves out of this table's own [[timeline]] entry, keeping where it was
    // written, so that a report about it points there.
    if (change.exact) {
        if (auto* entries = table.get_as<toml::array>("timeline")) {
            if (auto* e = entries->get_as<toml::table>(change.entry)) {
                toml::table* from = e->get_as<toml::table>("set");
                for (std::size_t i = 0; from != nullptr && i + 1 < change.segments.size(); ++i)
                    from = from->get_as<toml::table>(change.segments[i]);
                if (from != nullptr) {
                    if (toml::node* n = from->get(change.segments.back())) {
                        n->visit([&](auto&& v) {
                            at->insert_or_assign(change.segments.back(), std::move(v));
                        });
                        return;
                    }
                }
            }
        }
    }
    toml::table parsed = toml::parse("v = " + change.value);
    at->insert_or_assign(change.segments.back(), std::move(*parsed.get("v")));
}

}  // namespace tiersim::io::detail
