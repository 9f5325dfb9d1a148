// SPDX-License-Identifier: MIT
// Looking keys up in the schema table (scenario_schema_table.cpp): the table's paths as a tree
// of segments, placeholders as wildcard children, and the province view, in which only the
// per_province keys exist.
#include "tiersim/io/scenario_schema.hpp"

#include <algorithm>
#include <memory>

namespace tiersim::io::schema {

namespace {

/// The distribution tables of a ticket type: the values of the DIST placeholder.
constexpr std::array<std::string_view, 3> distribution_tables = {"intake", "service", "followup"};

bool is_placeholder(std::string_view segment) {
    return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || c == '_';
    });
}

/// The values a placeholder stands for; empty for a name the scenario chooses.
Names placeholder_values(std::string_view placeholder) {
    if (placeholder == "TIER")
        return tier_values;
    if (placeholder == "CHANNEL")
        return channel_values;
    if (placeholder == "DIST")
        return distribution_tables;
    return {};
}

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.empty())
        return segments;
    for (std::size_t start = 0;;) {
        const auto dot = path.find('.', start);
        segments.push_back(path.substr(start, dot - start));
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return segments;
}

struct Node {
    std::string_view name;
    const Key* key = nullptr;
    std::vector<std::unique_ptr<Node>> children;  ///< literal segments, in table order
    std::unique_ptr<Node> placeholder;            ///< at most one per table
    Names values;                                 ///< a placeholder's fixed values (or none)
    bool lever = false;                           ///< a per_province key is here or below

    [[nodiscard]] Node* literal(std::string_view segment) const {
        for (const auto& c : children) {
            if (c->name == segment)
                return c.get();
        }
        return nullptr;
    }

    [[nodiscard]] bool has_children() const { return !children.empty() || placeholder; }

    /// A placeholder matches its values, and its own name (so that a schema path finds itself).
    [[nodiscard]] bool matches(std::string_view segment) const {
        return values.empty() || segment == name ||
               std::find(values.begin(), values.end(), segment) != values.end();
    }
};

struct Tree {
    Node root;

    Tree() {
        for (const Key& key : keys()) {
            Node* n = &root;
            std::vector<Node*> path{n};
            for (const auto segment : split(key.path)) {
                if (is_placeholder(segment)) {
                    if (!n->placeholder) {
                        n->placeholder = std::make_unique<Node>();
                        n->placeholder->name = segment;
                        n->placeholder->values = placeholder_values(segment);
                    }
                    n = n->placeholder.get();
                } else if (Node* child = n->literal(segment)) {
                    n = child;
                } else {
                    n->children.push_back(std::make_unique<Node>());
                    n = n->children.back().get();
                    n->name = segment;
                }
                path.push_back(n);
            }
            n->key = &key;
            if (key.has(per_province)) {
                for (Node* p : path)
                    p->lever = true;
            }
        }
    }
};

const Tree& tree() {
    static const Tree t;
    return t;
}

struct Resolved {
    const Node* node = nullptr;
    bool province = false;      ///< under provinces.NAME: the province view
    std::string_view instance;  ///< the value of the last fixed placeholder on the way
};

using Segments = std::span<const std::string_view>;

/// Walks `segments` down from `n`. A name the scenario chooses may hold dots ("a.b" quoted in
/// TOML), so a free placeholder tries one segment, then two, … until the rest resolves.
bool walk(const Node* n, Segments segments, bool as_table, Resolved& r) {
    if (segments.empty()) {
        r.node = n;
        return true;
    }
    const bool last = segments.size() == 1 && !as_table;
    const auto visible = [&r](const Node* x) {
        return x != nullptr && (!r.province || x->lever);
    };
    const Node* literal = n->literal(segments[0]);
    if (visible(literal) && (last || literal->has_children()) &&
        walk(literal, segments.subspan(1), as_table, r)) {
        return true;
    }
    const Node* p = n->placeholder.get();
    if (visible(p)) {
        if (!p->values.empty()) {
            // A fixed placeholder: a ticket type's `intake` is also the DIST table `intake`.
            const std::string_view saved = r.instance;
            r.instance = segments[0];
            if (p->matches(segments[0]) && walk(p, segments.subspan(1), as_table, r))
                return true;
            r.instance = saved;
        } else {
            for (std::size_t j = 1; j <= segments.size(); ++j) {
                if (walk(p, segments.subspan(j), as_table, r))
                    return true;
            }
        }
    }
    if (visible(literal) && segments.size() == 1) {
        r.node = literal;  // a plain key asked for as a table: it holds no keys
        return true;
    }
    return false;
}

/// Walks a concrete path. `as_table`: the path names a table whose keys are wanted, so that a
/// ticket type's `intake` resolves to the DIST table rather than to the key that names it.
std::optional<Resolved> resolve(std::string_view path, bool as_table) {
    const auto all = split(path);
    const Segments segments(all);
    const Node* root = &tree().root;
    Resolved r;
    // provinces.NAME.… holds the per_province keys under their top-level paths.
    if (segments.size() >= 2 && segments[0] == "provinces") {
        for (std::size_t j = 2; j <= segments.size(); ++j) {
            const Segments rest = segments.subspan(j);
            if (rest.empty() && !as_table)
                break;  // provinces.NAME itself
            r = Resolved{};
            r.province = true;
            if (walk(root, rest, as_table, r))
                return r;
        }
        r = Resolved{};
        const Node* provinces = root->literal("provinces");
        if (segments.size() > 2 || as_table || provinces == nullptr || !provinces->placeholder)
            return std::nullopt;
        r.node = provinces->placeholder.get();
        return r;
    }
    if (walk(root, segments, as_table, r))
        return r;
    return std::nullopt;
}

/// `{a = 1, b = "x"}` -> the text of b's value.
std::optional<std::string> inline_table_value(std::string_view table, std::string_view name) {
    std::string_view body = table.substr(1, table.size() - 2);
    while (!body.empty()) {
        const auto comma = body.find(',');
        std::string_view item = body.substr(0, comma);
        const auto eq = item.find('=');
        auto trim = [](std::string_view s) {
            while (!s.empty() && s.front() == ' ')
                s.remove_prefix(1);
            while (!s.empty() && s.back() == ' ')
                s.remove_suffix(1);
            return s;
        };
        if (eq != std::string_view::npos && trim(item.substr(0, eq)) == name)
            return std::string(trim(item.substr(eq + 1)));
        if (comma == std::string_view::npos)
            break;
        body.remove_prefix(comma + 1);
    }
    return std::nullopt;
}

}  // namespace

const Key* find(std::string_view path) {
    const auto r = resolve(path, false);
    return r ? r->node->key : nullptr;
}

std::optional<std::vector<std::string_view>> known_keys(std::string_view path) {
    std::vector<std::string_view> known;
    const auto r = resolve(path, true);
    if (!r)
        return known;
    const Node& n = *r->node;
    for (const auto& c : n.children) {
        if (!r->province || c->lever)
            known.push_back(c->name);
    }
    if (n.placeholder && (!r->province || n.placeholder->lever)) {
        if (n.placeholder->values.empty())
            return std::nullopt;
        for (const auto v : n.placeholder->values) {
            if (std::find(known.begin(), known.end(), v) == known.end())
                known.push_back(v);
        }
    }
    return known;
}

std::optional<std::string> default_of(std::string_view path) {
    const auto r = resolve(path, false);
    if (!r || r->province || r->node->key == nullptr)
        return std::nullopt;
    const Key& key = *r->node->key;
    if (key.default_kind == Default::value)
        return std::string(key.default_value);
    if (key.default_kind == Default::per_instance)
        return inline_table_value(key.default_value, r->instance);
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> instance_defaults(const Key& key) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto segments = split(key.path);
    for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        const Names values = placeholder_values(*it);
        if (values.empty())
            continue;
        for (const auto v : values) {
            if (auto text = inline_table_value(key.default_value, v))
                out.emplace_back(std::string(v), *text);
        }
        break;
    }
    return out;
}

}  // namespace tiersim::io::schema
