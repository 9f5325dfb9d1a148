// SPDX-License-Identifier: MIT
// The builder's common part: text helpers, source locations, the readers of simple keys (their
// types, ranges, choices and defaults from the schema table) and the order of the sections.
// The key reference is scenarios/README.md, generated from the schema table.
#include "io/scenario/builder.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>
#include <tuple>
#include <type_traits>
#include <utility>

namespace tiersim::io::detail {

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

namespace {

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

bool contains(Names names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

SourceLocation location_of_node(const toml::node& n) {
    const auto& src = n.source();
    if (src.begin.line == 0 || !src.path)
        return {};
    return {*src.path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

/// Sets `out` to the schema's default of a concrete key, if it has one there.
template <typename T>
void take_default(const std::string& key, T& out) {
    const auto text = schema::default_of(key);
    if (!text)
        return;
    const toml::table holder = toml::parse("v = " + *text);
    if (auto v = holder.get("v")->value<T>())
        out = *v;
}

}  // namespace

std::string typed_text(const toml::node& n) {
    return type_name(n) + " " + value_text(n);
}

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

int index_of(Names names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// ---- locations ----

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

namespace {

bool is_blank(std::string_view name) {
    return name.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

}  // namespace

SourceLocation Builder::key_location(const toml::key& k,
                                     const toml::node& v,
                                     const std::string& key) const {
    SourceLocation where;
    if (is_overridden(key)) {
        where = {std::string(command_line_file), 0, 0};
    } else if (const auto& src = k.source(); src.begin.line != 0 && src.path) {
        where = {*src.path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
    } else {
        where = location(v, key);
    }
    if (where.file.empty())
        where = spec_.where(key);
    return where;
}

bool Builder::check_name(const toml::key& k,
                         const toml::node& v,
                         std::string_view section,
                         std::string_view what) {
    const std::string_view name = k.str();
    if (!is_blank(name))
        return true;
    const std::string key = join(std::string(section), name);
    diags_.push_back({key_location(k, v, key),
                      key,
                      std::string(section) + "." + in_quotes(name) + ": " + std::string(what) +
                          " needs a name, got " +
                          (name.empty() ? "an empty one" : "one of only blanks")});
    return false;
}

void Builder::record_locations(const toml::table& t,
                               const std::string& prefix,
                               const SourceLocation& parent) {
    // A loop over an explicit stack of tables still to visit, not recursion: the loader bounds
    // the depth (max_nesting), but this walk does not depend on it.
    struct Pending {
        const toml::table* table;
        std::string prefix;
        SourceLocation parent;
    };

    std::vector<Pending> pending{{&t, prefix, parent}};
    while (!pending.empty()) {
        Pending p = std::move(pending.back());
        pending.pop_back();
        for (auto&& [k, v] : *p.table) {
            const std::string key = join(p.prefix, k.str());
            SourceLocation where = location(v, key);
            if (where.file.empty())
                where = p.parent;
            spec_.locations[key] = where;
            if (const auto* sub = v.as_table())
                pending.push_back({sub, key, where});
        }
    }
}

// ---- readers ----

const schema::Key& Builder::key_of(const std::string& key) {
    const schema::Key* k = schema::find(key);
    TIERSIM_CHECK(k != nullptr, "the scenario schema has no key '" + key + "'");
    return *k;
}

void Builder::check_keys(const toml::table& t, const std::string& path) {
    const auto known_keys = schema::known_keys(path);
    TIERSIM_CHECK(known_keys.has_value(),
                  "the scenario schema has no fixed keys at '" + path + "'");
    const Names known = *known_keys;
    for (auto&& [k, v] : t) {
        const std::string key = join(path, k.str());
        if (contains(known, k.str()))
            continue;
        if (is_blank(k.str())) {
            const std::string shown =
                path.empty() ? in_quotes(k.str()) : path + "." + in_quotes(k.str());
            diags_.push_back({key_location(k, v, key),
                              key,
                              shown + ": expected " + list_text(known, in_single_quotes) +
                                  ", got " +
                                  (k.str().empty() ? "an empty name" : "a name of only blanks")});
            continue;
        }
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

const toml::table& Builder::table_or_empty(const toml::table* parent,
                                           const std::string& path,
                                           std::string_view key) {
    static const toml::table empty;
    if (parent != nullptr) {
        if (const toml::table* t = table(*parent, path, key))
            return *t;
    }
    return empty;
}

bool Builder::read_number(const toml::table& t,
                          const std::string& path,
                          std::string_view key,
                          double& out) {
    const std::string full = join(path, key);
    const schema::Key& k = key_of(full);
    TIERSIM_CHECK(k.range != nullptr, full + " has no range in the schema");
    const schema::NumberRange& range = *k.range;
    take_default(full, out);
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    if (!n->is_number()) {
        expected(*n, full, range.expected);
        return false;
    }
    const double v = n->value<double>().value_or(0.0);
    if (!range.contains(v)) {
        error_at(*n,
                 full,
                 full + ": expected " + std::string(range.expected) + ", got " + value_text(*n));
        return false;
    }
    out = v;
    return true;
}

template <typename Int>
bool Builder::read_int(const toml::table& t,
                       const std::string& path,
                       std::string_view key,
                       Int& out) {
    const std::string full = join(path, key);
    const schema::Key& k = key_of(full);
    take_default(full, out);
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    std::string what = "an integer >= " + std::to_string(k.min);
    const auto* i = n->as_integer();
    if (i == nullptr) {
        expected(*n, full, what);
        return false;
    }
    if (i->get() < k.min || i->get() > k.max) {
        if (i->get() > k.max)
            what += " and <= " + std::to_string(k.max);
        error_at(*n, full, full + ": expected " + what + ", got " + value_text(*n));
        return false;
    }
    if constexpr (std::is_same_v<Int, std::int64_t>) {
        out = i->get();
    } else {
        out = static_cast<Int>(i->get());
    }
    return true;
}

template bool Builder::read_int<int>(const toml::table&,
                                     const std::string&,
                                     std::string_view,
                                     int&);
template bool Builder::read_int<std::int64_t>(const toml::table&,
                                              const std::string&,
                                              std::string_view,
                                              std::int64_t&);

bool Builder::read_bool(const toml::table& t,
                        const std::string& path,
                        std::string_view key,
                        bool& out) {
    const std::string full = join(path, key);
    (void)key_of(full);
    take_default(full, out);
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    if (const auto* b = n->as_boolean()) {
        out = b->get();
        return true;
    }
    expected(*n, full, "a boolean (true or false)");
    return false;
}

bool Builder::read_string(const toml::table& t,
                          const std::string& path,
                          std::string_view key,
                          std::string& out) {
    const std::string full = join(path, key);
    (void)key_of(full);
    take_default(full, out);
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    if (const auto* s = n->as_string()) {
        out = s->get();
        return true;
    }
    expected(*n, full, "a string");
    return false;
}

int Builder::read_choice(const toml::table& t, const std::string& path, std::string_view key) {
    const std::string full = join(path, key);
    const schema::Key& k = key_of(full);
    TIERSIM_CHECK(k.choices != nullptr, full + " has no choices in the schema");
    const Names allowed = k.choices->values;
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        std::string name;
        take_default(full, name);
        return name.empty() ? -1 : index_of(allowed, name);
    }
    const std::string what =
        std::string(k.choices->noun) + " (" + list_text(allowed, in_quotes) + ")";
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
    const std::string full = join(path, key);
    (void)key_of(full);
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        std::string name;
        take_default(full, name);
        return name.empty() ? -1 : index_of(calendar_views_, name);
    }
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
    SourceLocation where = location(n, key);
    if (where.file.empty())
        where = spec_.where(key);
    return department_index_at(std::move(where), key, name);
}

int Builder::department_index_at(SourceLocation where,
                                 const std::string& key,
                                 std::string_view name) {
    if (int i = index_of(department_views_, name); i >= 0)
        return i;
    std::string message = key + ": unknown department " + in_single_quotes(name);
    if (auto hint = suggest(name, department_views_)) {
        message += "; did you mean " + in_single_quotes(*hint) + "?";
    } else {
        message += "; declare it under [departments." + std::string(name) + "]";
    }
    diags_.push_back({std::move(where), key, std::move(message)});
    return -1;
}

// ---- the whole ----

namespace {

/// Removes the key at a dotted path (tables only; names of the schema hold no dots).
void erase_dotted(toml::table& root, std::string_view key) {
    toml::table* t = &root;
    for (;;) {
        const auto dot = key.find('.');
        if (dot == std::string_view::npos) {
            t->erase(key);
            return;
        }
        t = t->get_as<toml::table>(key.substr(0, dot));
        if (t == nullptr)
            return;
        key.remove_prefix(dot + 1);
    }
}

}  // namespace

std::string Builder::resolved_toml() const {
    toml::table out = merged_.table;
    out.erase("base");
    for (const std::string& key : superseded_)
        erase_dotted(out, key);
    // The folder is written out resolved, so that the text alone reproduces the scenario.
    if (out.get("divisions") == nullptr)
        out.insert("divisions", toml::table{});
    if (auto* divisions = out.get_as<toml::table>("divisions")) {
        divisions->insert_or_assign("dir", divisions_dir_);
        if (!spec_.divisions.population_files.empty()) {
            toml::array files;
            for (const auto& f : spec_.divisions.population_files)
                files.push_back(f);
            divisions->insert_or_assign("population_files", std::move(files));
        }
    }
    std::ostringstream os;
    os << out;
    return os.str();
}

model::ScenarioSpec Builder::build() {
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
    read_grid(root);
    read_costs(root);
    read_adaptation(root);
    read_provinces(root);
    read_units(root);
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
