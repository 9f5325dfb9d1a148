// SPDX-License-Identifier: MIT
// A branch from a checkpoint (tiersim run BRANCH --from FILE): the checkpoint's scenario up to
// its day, and from that day on what the branch changes, as one more [[timeline]] entry. So a
// branch is a straight run of the composed scenario — deterministic as any run, and equal to
// the checkpoint's run bit for bit where it changes nothing.
//
// The branch is compared with the checkpoint's scenario key by key, both resolved (relative
// paths made absolute, layers merged). A key whose value differs must be one that may change
// during a run (schema::changeable): its new value applies from the checkpoint's day, and a
// report about it points where the branch wrote it. simulation.days (a branch may run longer
// or shorter, past the checkpoint's day) and the description are the branch's own. The branch's
// timeline entries before that day must be the checkpoint's (the past cannot change); those from it
// on are the branch's own.
#include "tiersim/io/scenario_schema.hpp"

#include "io/scenario/builder.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace tiersim::io::detail {

namespace {

struct Leaf {
    std::vector<std::string> segments;
    const toml::node* node;
};

std::string dotted_key(const std::vector<std::string>& segments) {
    std::string key;
    for (const std::string& s : segments)
        key += (key.empty() ? "" : ".") + s;
    return key;
}

/// The values of `t`, by dotted key, down to the schema's keys (a table-valued key such as
/// tiers.TIER.staff gives one leaf per entry, as a [[timeline]] entry names them).
void collect_leaves(const toml::table& t,
                    std::vector<std::string>& segments,
                    std::map<std::string, Leaf>& out) {
    for (auto&& [k, v] : t) {
        if (segments.empty() && k.str() == "timeline")
            continue;
        segments.emplace_back(k.str());
        const std::string key = dotted_key(segments);
        const schema::Key* schema_key = schema::find(key);
        if (v.is_table() && (schema_key == nullptr || schema_key->type == schema::Type::table ||
                             schema_key->type == schema::Type::number_or_table))
            collect_leaves(*v.as_table(), segments, out);
        else
            out.emplace(key, Leaf{segments, &v});
        segments.pop_back();
    }
}

std::map<std::string, Leaf> leaves_of(const toml::table& t) {
    std::map<std::string, Leaf> out;
    std::vector<std::string> segments;
    collect_leaves(t, segments, out);
    return out;
}

std::string text_of(const toml::node& n) {
    std::ostringstream os;
    n.visit([&os](const auto& v) { os << v; });
    return os.str();
}

bool same_value(const toml::node& a, const toml::node& b) {
    if (a.is_number() && b.is_number())
        return *a.value<double>() == *b.value<double>();
    return a.type() == b.type() && text_of(a) == text_of(b);
}

/// The day of a [[timeline]] entry (validated by the builder: an integer).
std::int64_t entry_day(const toml::node& entry) {
    const toml::table* t = entry.as_table();
    const toml::node* day = t == nullptr ? nullptr : t->get("day");
    return day == nullptr ? -1 : day->value<std::int64_t>().value_or(-1);
}

/// The node at `segments` under `t`, or null.
toml::node* node_at(toml::table& t, const std::vector<std::string>& segments) {
    toml::table* at = &t;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        at = at->get_as<toml::table>(segments[i]);
        if (at == nullptr)
            return nullptr;
    }
    return at->get(segments.back());
}

/// Moves `value` (keeping where it was written) to `segments` under `t`.
void put(toml::table& t, const std::vector<std::string>& segments, toml::node&& value) {
    toml::table* at = &t;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        toml::node* next = at->get(segments[i]);
        if (next == nullptr || !next->is_table()) {
            at->insert_or_assign(segments[i], toml::table{});
            next = at->get(segments[i]);
        }
        at = next->as_table();
    }
    value.visit([&](auto&& v) { at->insert_or_assign(segments.back(), std::move(v)); });
}

void erase_at(toml::table& t, const std::vector<std::string>& segments) {
    toml::table* at = &t;
    for (std::size_t i = 0; i + 1 < segments.size() && at != nullptr; ++i)
        at = at->get_as<toml::table>(segments[i]);
    if (at != nullptr)
        at->erase(segments.back());
}

class BranchComposer {
public:
    BranchComposer(MergedScenario& branch, toml::table& resolved, std::int64_t day)
        : branch_(branch),
          resolved_(resolved),
          day_(day) {}

    /// `base` (the checkpoint's scenario) with the branch's changes as a timeline entry.
    MergedScenario compose(MergedScenario&& base);

private:
    void error_at(const toml::node* n, const std::string& key, std::string message) {
        SourceLocation where{branch_.file, 0, 0};
        if (n != nullptr && n->source().path) {
            where = {*n->source().path,
                     static_cast<int>(n->source().begin.line),
                     static_cast<int>(n->source().begin.column)};
        }
        diags_.push_back({std::move(where), key, std::move(message)});
    }

    /// The branch's own node for a key (where it was written), else null.
    toml::node* written(const std::vector<std::string>& segments) {
        return node_at(branch_.table, segments);
    }

    void compare(MergedScenario& base, toml::table& changes);
    void change(const std::string& key, const Leaf& leaf, toml::table& changes);
    void keep_default(const std::string& key, const Leaf& base_leaf, toml::table& changes);
    toml::array timeline(toml::table& base, toml::table&& changes);

    MergedScenario& branch_;
    toml::table& resolved_;  // the branch resolved: what is compared (values move out of it)
    const std::int64_t day_;
    std::vector<Diagnostic> diags_;
};

std::string day_text(std::int64_t day) {
    return "day " + std::to_string(day);
}

void BranchComposer::change(const std::string& key, const Leaf& leaf, toml::table& changes) {
    toml::node* own = written(leaf.segments);
    const toml::node& value = own != nullptr ? *own : *leaf.node;
    const schema::Key* k = schema::find(key);
    if (key == "description")
        return;  // the branch's own (compare())
    if (key == "simulation.days") {
        // A day at least: the digest covers the events of the day after the checkpoint.
        if (!value.is_number() || *value.value<double>() < static_cast<double>(day_ + 1))
            error_at(own,
                     key,
                     key + ": a branch from the checkpoint of " + day_text(day_) +
                         " runs at least a day past it (" + std::to_string(day_ + 1) +
                         " days or more); got " + text_of(value));
        return;  // days is the composed scenario's own, not a step's
    }
    if (k == nullptr || !k->has(schema::changeable)) {
        error_at(own,
                 key,
                 "'" + key + "' is " + text_of(value) +
                     " here and differs from the checkpoint's scenario: a branch starts from "
                     "the checkpoint's state, so it may change only keys marked \"changeable "
                     "during a run\" in `tiersim schema` (and simulation.days)");
        return;
    }
    toml::node* node = own != nullptr ? own : node_at(resolved_, leaf.segments);
    put(changes, leaf.segments, std::move(*node));
}

/// A changeable key that the checkpoint's scenario sets and the branch leaves out: from the
/// checkpoint's day it has its default.
void BranchComposer::keep_default(const std::string& key,
                                  const Leaf& base_leaf,
                                  toml::table& changes) {
    const schema::Key* k = schema::find(key);
    if (key == "simulation.days" || key == "description")
        return;
    const auto fallback = schema::default_of(key);
    if (k == nullptr || !k->has(schema::changeable) || !fallback) {
        error_at(nullptr,
                 key,
                 "'" + key + "' is " + text_of(*base_leaf.node) +
                     " in the checkpoint's scenario and not set here; a branch keeps the "
                     "checkpoint's keys (write it, or make the branch an overlay: base = ...)");
        return;
    }
    toml::table parsed = toml::parse("v = " + *fallback);
    put(changes, base_leaf.segments, std::move(*parsed.get("v")));
}

void BranchComposer::compare(MergedScenario& base, toml::table& changes) {
    const auto theirs = leaves_of(base.table);
    const auto ours = leaves_of(resolved_);
    for (const auto& [key, leaf] : ours) {
        const auto it = theirs.find(key);
        if (it == theirs.end() || !same_value(*it->second.node, *leaf.node))
            change(key, leaf, changes);
    }
    for (const auto& [key, leaf] : theirs) {
        // A number there, a table here (data_sharing by tier): the table's entries changed.
        // A table there, a number here: the number changed.
        const auto after = ours.lower_bound(key + ".");
        const bool as_table = after != ours.end() && after->first.starts_with(key + ".");
        bool as_number = false;
        for (std::size_t dot = key.find('.'); dot != std::string::npos && !as_number;
             dot = key.find('.', dot + 1))
            as_number = ours.contains(key.substr(0, dot));
        if (!ours.contains(key) && !as_table && !as_number)
            keep_default(key, leaf, changes);
    }
    // The composed scenario runs as long as the branch, and the branch describes it.
    for (const std::vector<std::string>& own_key : {std::vector<std::string>{"simulation", "days"},
                                                    std::vector<std::string>{"description"}}) {
        if (toml::node* own = written(own_key))
            put(base.table, own_key, std::move(*own));
        else if (toml::node* resolved = node_at(resolved_, own_key))
            put(base.table, own_key, std::move(*resolved));
        else
            erase_at(base.table, own_key);
    }
}

/// The checkpoint's entries before its day, the branch's changes on it, then the branch's own
/// entries from it on (its earlier ones must be the checkpoint's).
toml::array BranchComposer::timeline(toml::table& base, toml::table&& changes) {
    toml::array past;
    if (auto* entries = base.get_as<toml::array>("timeline")) {
        for (auto& e : *entries) {
            if (entry_day(e) < day_ && e.is_table())
                past.push_back(std::move(*e.as_table()));
        }
    }
    toml::array out;
    toml::array* own = branch_.table.get_as<toml::array>("timeline");
    std::size_t own_past = 0;
    if (own != nullptr) {
        for (std::size_t i = 0; i < own->size(); ++i) {
            const toml::node& e = *own->get(i);
            if (entry_day(e) >= day_)
                continue;
            const std::string key = "timeline[" + std::to_string(i) + "]";
            if (own_past >= past.size() || text_of(e) != text_of(*past.get(own_past)))
                error_at(&e,
                         key,
                         key + ": its day (" + std::to_string(entry_day(e)) +
                             ") is before the checkpoint's (" + std::to_string(day_) +
                             "), and the checkpoint's scenario has no such entry: a branch "
                             "cannot change the past (start its own entries on day " +
                             std::to_string(day_) + " or later)");
            ++own_past;
        }
        if (own_past != 0 && own_past < past.size() && diags_.empty())
            error_at(own,
                     "timeline",
                     "timeline: " + std::to_string(own_past) + " entries before the checkpoint's " +
                         day_text(day_) + ", where the checkpoint's scenario has " +
                         std::to_string(past.size()) + " (leave them out, or keep them all)");
    }
    for (auto& e : past)
        out.push_back(std::move(*e.as_table()));
    if (!changes.empty()) {
        toml::table entry;
        entry.insert("day", day_);
        entry.insert("label",
                     "branch " + branch_.name + " from the checkpoint of " + day_text(day_));
        entry.insert("set", std::move(changes));
        out.push_back(std::move(entry));
    }
    if (own != nullptr) {
        for (auto& e : *own) {
            if (entry_day(e) >= day_ && e.is_table())
                out.push_back(std::move(*e.as_table()));
        }
    }
    return out;
}

MergedScenario BranchComposer::compose(MergedScenario&& base) {
    toml::table changes;
    compare(base, changes);
    toml::array entries = timeline(base.table, std::move(changes));
    if (!diags_.empty())
        throw ScenarioError(std::move(diags_));
    if (entries.empty())
        base.table.erase("timeline");
    else
        base.table.insert_or_assign("timeline", std::move(entries));

    MergedScenario out = std::move(base);
    // The checkpoint's text is the oldest layer; the branch's files and --set come after it.
    int oldest = 0;
    for (const auto& [path, layer] : branch_.layers)
        oldest = std::max(oldest, layer + 1);
    for (auto& [path, layer] : out.layers)
        layer = oldest;
    for (const auto& [path, layer] : branch_.layers)
        out.layers[path] = layer;
    for (const auto& [path, folder] : branch_.folders)
        out.folders[path] = folder;
    out.name = branch_.name;
    out.file = branch_.file;
    out.overridden = branch_.overridden;
    return out;
}

}  // namespace

MergedScenario compose_branch(MergedScenario&& branch,
                              const std::string& branch_resolved,
                              MergedScenario&& base,
                              double day) {
    toml::table resolved = toml::parse(branch_resolved);
    return BranchComposer(branch, resolved, std::llround(day)).compose(std::move(base));
}

}  // namespace tiersim::io::detail
