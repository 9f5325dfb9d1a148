// SPDX-License-Identifier: MIT
// Finding a scenario (file or embedded), parsing it with toml++, following `base =`
// inheritance and applying `--set` overrides. Validation is in scenario/*.cpp.
#include "tiersim/io/scenario_loader.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/embedded_scenarios.hpp"

#include "io/scenario_builder.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tiersim::io {

namespace {

namespace fs = std::filesystem;
using detail::command_line_file;
using detail::MergedScenario;

/// One scenario text and where it came from.
struct Source {
    std::string path;      ///< as diagnostics print it: a file path or "<embedded>/NAME.toml"
    std::string identity;  ///< canonical, for cycle detection
    std::string text;
    fs::path base_folder;  ///< folder that a file `base =` is relative to (as given)
    fs::path folder;       ///< absolute folder that data paths (divisions.dir) are relative to
    std::optional<std::string> embedded;  ///< the embedded name, if embedded
};

[[noreturn]] void fail(SourceLocation where, std::string key, std::string message) {
    throw ScenarioError(Diagnostic{std::move(where), std::move(key), std::move(message)});
}

SourceLocation command_line() {
    return {std::string(command_line_file), 0, 0};
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

/// The folder that embedded scenarios' relative data paths start from: the source tree's
/// scenarios/ folder, or $TIERSIM_SCENARIOS_DIR.
fs::path embedded_root() {
    if (const char* env = std::getenv("TIERSIM_SCENARIOS_DIR"); env != nullptr && *env != '\0') {
        return fs::absolute(env).lexically_normal();
    }
#ifdef TIERSIM_SOURCE_SCENARIOS
    return fs::path(TIERSIM_SOURCE_SCENARIOS);
#else
    return fs::current_path() / "scenarios";
#endif
}

const EmbeddedScenario* find_embedded(std::string_view name) {
    if (name.ends_with(".toml"))
        name.remove_suffix(5);
    const auto& all = embedded_scenarios();
    auto it = std::find_if(
        all.begin(), all.end(), [name](const EmbeddedScenario& e) { return e.name == name; });
    return it == all.end() ? nullptr : &*it;
}

Source embedded_source(const EmbeddedScenario& e) {
    Source s;
    s.embedded = std::string(e.name);
    s.path = "<embedded>/" + *s.embedded + ".toml";
    s.identity = s.path;
    s.text = std::string(e.text);
    s.folder = (embedded_root() / fs::path(*s.embedded).parent_path()).lexically_normal();
    return s;
}

Source file_source(const fs::path& path, const SourceLocation& asked_at, const std::string& key) {
    Source s;
    s.path = path.lexically_normal().string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(asked_at, key, "cannot read scenario file '" + s.path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    s.text = text.str();
    std::error_code ec;
    s.identity = fs::weakly_canonical(path, ec).string();
    if (ec)
        s.identity = fs::absolute(path).lexically_normal().string();
    s.base_folder = path.parent_path();
    s.folder = fs::absolute(path).lexically_normal().parent_path();
    return s;
}

Source top_source(const std::string& name_or_path) {
    const std::string name = name_or_path.empty() ? "default" : name_or_path;
    std::error_code ec;
    if (!name_or_path.empty() && fs::exists(name_or_path, ec)) {
        if (!fs::is_regular_file(name_or_path, ec)) {
            fail(command_line(), "", "'" + name_or_path + "' is not a scenario file");
        }
        return file_source(name_or_path, command_line(), "");
    }
    if (const auto* e = find_embedded(name))
        return embedded_source(*e);
    fail(command_line(), "", "no scenario file or embedded scenario named '" + name + "'");
}

toml::table parse(const Source& s) {
    // Before toml++ sees the text: it builds (and destroys) the tables a dotted header names
    // recursively, without a bound on their depth.
    if (const auto deep = detail::find_deep_nesting(s.text)) {
        fail({s.path, deep->line, deep->column}, "", detail::deep_nesting_message(*deep));
    }
    try {
        return toml::parse(s.text, std::string_view(s.path));
    } catch (const toml::parse_error& e) {
        fail({s.path,
              static_cast<int>(e.source().begin.line),
              static_cast<int>(e.source().begin.column)},
             "",
             std::string(e.description()));
    }
}

/// Puts every key of `parent` that `child` lacks into `child`, recursing into tables that both
/// have: the child wins, and nodes keep the source region they were parsed with.
/// Both tables were scanned (find_deep_nesting), so the recursion is at most max_nesting deep.
void merge_under(toml::table& child, toml::table&& parent, int depth = 1) {
    TIERSIM_CHECK(depth <= detail::max_nesting, "merge_under: a table nests too deep");
    for (auto&& [k, v] : parent) {
        toml::node* existing = child.get(k.str());
        if (existing == nullptr) {
            child.insert(k, std::move(v));
        } else if (existing->is_table() && v.is_table()) {
            merge_under(*existing->as_table(), std::move(*v.as_table()), depth + 1);
        }
    }
}

/// Lays an inline table given to --set over the table it names, key by key: a key in both that
/// is a table in both merges in turn, any other key of `given` replaces or joins the existing
/// one. Records each key it sets in `overridden`. `given` was scanned (find_deep_nesting), so
/// the recursion is at most max_nesting deep.
void merge_over(toml::table& existing,
                toml::table&& given,
                const std::string& path,
                std::set<std::string>& overridden,
                int depth) {
    TIERSIM_CHECK(depth <= detail::max_nesting, "merge_over: a table nests too deep");
    for (auto&& [k, v] : given) {
        const std::string key = path + "." + std::string(k.str());
        toml::node* old = existing.get(k.str());
        if (old != nullptr && old->is_table() && v.is_table()) {
            merge_over(*old->as_table(), std::move(*v.as_table()), key, overridden, depth + 1);
        } else {
            existing.insert_or_assign(k, std::move(v));
            overridden.insert(key);
        }
    }
}

/// The override's text as a diagnostic shows it: control characters escaped (\n, \xHH).
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (u < 0x20 || u == 0x7f) {
            constexpr std::string_view hex = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

Source resolve_base(const Source& from, const std::string& value, const SourceLocation& where) {
    std::string looked;
    if (from.embedded) {
        const fs::path relative =
            (fs::path(*from.embedded).parent_path() / value).lexically_normal();
        if (const auto* e = find_embedded(relative.generic_string()))
            return embedded_source(*e);
    } else {
        fs::path candidate(value);
        if (candidate.is_relative())
            candidate = from.base_folder / candidate;
        candidate = candidate.lexically_normal();
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return file_source(candidate, where, "base");
        looked = "no file '" + candidate.string() + "' and ";
    }
    if (const auto* e = find_embedded(value))
        return embedded_source(*e);
    fail(where,
         "base",
         "base: scenario '" + value + "' not found (" + looked + "no embedded scenario named '" +
             value + "')");
}

/// Parses `src` and, recursively, the scenarios it inherits from; returns the merged table.
toml::table load_tree(const Source& src,
                      std::vector<std::string>& chain_ids,
                      std::vector<std::string>& chain_paths,
                      MergedScenario& merged) {
    merged.folders[src.path] = src.folder;
    merged.layers.emplace(src.path, static_cast<int>(chain_paths.size()));
    chain_ids.push_back(src.identity);
    chain_paths.push_back(src.path);
    toml::table table = parse(src);
    if (const toml::node* base = table.get("base")) {
        const auto& region = base->source();
        const SourceLocation where{
            src.path, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
        const auto* value = base->as_string();
        if (value == nullptr) {
            fail(where, "base", "base: expected the name or path of a scenario (a string)");
        }
        const Source parent = resolve_base(src, value->get(), where);
        if (std::find(chain_ids.begin(), chain_ids.end(), parent.identity) != chain_ids.end()) {
            std::string cycle;
            auto first = std::find(chain_ids.begin(), chain_ids.end(), parent.identity);
            for (auto i = static_cast<std::size_t>(first - chain_ids.begin());
                 i < chain_paths.size();
                 ++i) {
                cycle += chain_paths[i] + " -> ";
            }
            fail(where, "base", "base: inheritance cycle: " + cycle + parent.path);
        }
        toml::table inherited = load_tree(parent, chain_ids, chain_paths, merged);
        table.erase("base");
        merge_under(table, std::move(inherited));
    }
    chain_ids.pop_back();
    chain_paths.pop_back();
    return table;
}

/// Applies each `--set KEY=VALUE`; VALUE is a TOML value, or else taken as a bare string.
void apply_overrides(MergedScenario& merged, const std::vector<std::string>& overrides) {
    std::vector<Diagnostic> diags;
    for (const auto& text : overrides) {
        // One override is one line: a newline would start a second key (that the loader
        // never sees), and no other control character belongs in a key or a value (a tab is
        // a blank).
        const auto control = std::find_if(text.begin(), text.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return (u < 0x20 && c != '\t') || u == 0x7f;
        });
        if (control != text.end()) {
            diags.push_back({command_line(),
                             "",
                             "--set '" + printable(text) + "': contains a control character ('" +
                                 printable(std::string(1, *control)) +
                                 "'); give each key its own --set KEY=VALUE"});
            continue;
        }
        const auto eq = text.find('=');
        const std::string key = trim(std::string_view(text).substr(0, eq));
        std::vector<std::string> segments;
        for (std::size_t start = 0;;) {
            const auto dot = key.find('.', start);
            segments.push_back(trim(std::string_view(key).substr(start, dot - start)));
            if (dot == std::string::npos)
                break;
            start = dot + 1;
        }
        const bool empty_segment = std::any_of(
            segments.begin(), segments.end(), [](const std::string& s) { return s.empty(); });
        if (eq == std::string::npos || empty_segment) {
            diags.push_back({command_line(),
                             key,
                             "--set '" + text + "': expected KEY=VALUE with a dotted key such as " +
                                 "simulation.days=14"});
            continue;
        }
        if (static_cast<int>(segments.size()) > detail::max_nesting) {
            diags.push_back({command_line(),
                             key.substr(0, 40),
                             "--set '" + printable(text.substr(0, std::min(eq, std::size_t{40}))) +
                                 "...': the key has " + std::to_string(segments.size()) +
                                 " parts; a scenario may nest tables, arrays and inline tables "
                                 "at most " +
                                 std::to_string(detail::max_nesting) + " levels deep"});
            continue;
        }
        if (segments.front() == "base") {
            diags.push_back({command_line(),
                             key,
                             "--set '" + text + "': base cannot be overridden; name that " +
                                 "scenario instead"});
            continue;
        }
        const std::string value = text.substr(eq + 1);
        if (const auto deep = detail::find_deep_nesting(
                value, static_cast<int>(segments.size()), /*value_only=*/true)) {
            diags.push_back({command_line(),
                             key,
                             "--set '" + key + "=...': " + detail::deep_nesting_message(*deep)});
            continue;
        }
        toml::table parsed;
        try {
            parsed = toml::parse("v = " + value, std::string_view(command_line_file));
        } catch (const toml::parse_error&) {
            parsed.clear();
        }
        if (parsed.get("v") == nullptr)
            parsed.insert_or_assign("v", trim(value));

        toml::table* target = &merged.table;
        std::string path;
        bool ok = true;
        for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
            path += (path.empty() ? "" : ".") + segments[i];
            toml::node* node = target->get(segments[i]);
            if (node == nullptr) {
                target->insert(segments[i], toml::table{});
                merged.overridden.insert(path);
                node = target->get(segments[i]);
            }
            target = node->as_table();
            if (target == nullptr) {
                diags.push_back({command_line(),
                                 key,
                                 "--set '" + text + "': '" + path + "' is a value, not a table"});
                ok = false;
                break;
            }
        }
        if (!ok)
            continue;
        // An inline table merges into the table it names, key by key (--set
        // 'simulation={days=1}' keeps simulation.seed); any other value replaces the key.
        toml::node* existing = target->get(segments.back());
        toml::table* given = parsed.get("v")->as_table();
        if (existing != nullptr && existing->is_table() && given != nullptr) {
            merge_over(*existing->as_table(), std::move(*given), key, merged.overridden, 1);
            continue;
        }
        target->insert_or_assign(segments.back(), std::move(*parsed.get("v")));
        merged.overridden.insert(key);
    }
    if (!diags.empty())
        throw ScenarioError(std::move(diags));
}

/// `source` and its bases merged, named `name`, with the `--set` overrides over them.
MergedScenario merge_source(const Source& source,
                            std::string name,
                            const std::vector<std::string>& overrides) {
    MergedScenario merged;
    merged.name = std::move(name);
    merged.file = source.path;
    std::vector<std::string> chain_ids;
    std::vector<std::string> chain_paths;
    merged.table = load_tree(source, chain_ids, chain_paths, merged);
    merged.folders[std::string(command_line_file)] = fs::current_path();
    merged.layers[std::string(command_line_file)] = -1;
    apply_overrides(merged, overrides);
    return merged;
}

MergedScenario load_merged(const std::string& name_or_path,
                           const std::vector<std::string>& overrides) {
    const Source source = top_source(name_or_path);
    return merge_source(source,
                        source.embedded ? *source.embedded : fs::path(source.path).stem().string(),
                        overrides);
}

/// The scenario of each timeline step: the changes up to it laid over a fresh load (whose
/// nodes keep their source, so that a bad value is reported where the timeline wrote it;
/// toml++ copies no source, hence a load per step).
std::vector<model::ReformStep> build_steps(const std::function<MergedScenario()>& fresh,
                                           const std::vector<detail::PlannedStep>& planned) {
    std::vector<model::ReformStep> steps;
    std::vector<Diagnostic> diags;
    for (std::size_t k = 0; k < planned.size(); ++k) {
        MergedScenario merged = fresh();
        for (std::size_t j = 0; j <= k; ++j) {
            for (const detail::PlannedChange& c : planned[j].changes)
                detail::apply_change(merged.table, c);
        }
        merged.table.erase("timeline");
        model::ReformStep step;
        step.day = planned[k].day;
        step.label = planned[k].label;
        for (const detail::PlannedChange& c : planned[k].changes)
            step.changes.push_back({c.key, c.value});
        try {
            step.state =
                std::make_shared<const model::ScenarioSpec>(detail::build_scenario_spec(merged));
        } catch (const ScenarioError& e) {
            for (const Diagnostic& d : e.diagnostics()) {
                const bool seen = std::any_of(diags.begin(), diags.end(), [&](const auto& o) {
                    return o.where.file == d.where.file && o.where.line == d.where.line &&
                           o.where.column == d.where.column && o.message == d.message;
                });
                if (!seen)
                    diags.push_back(d);
            }
        }
        steps.push_back(std::move(step));
    }
    if (!diags.empty())
        throw ScenarioError(std::move(diags));
    return steps;
}

/// A scenario as `fresh` loads it, with its timeline's steps and its input files.
model::ScenarioSpec spec_of(const std::function<MergedScenario()>& fresh) {
    const MergedScenario merged = fresh();
    model::ScenarioSpec spec = detail::build_scenario_spec(merged);
    const auto planned = detail::plan_timeline(merged, spec.days);
    if (!planned.empty())
        spec.timeline = build_steps(fresh, planned);
    std::error_code ec;
    for (const auto& [path, folder] : merged.folders) {
        if (!path.empty() && path.front() != '<' && fs::is_regular_file(path, ec))
            spec.input_files.push_back(fs::absolute(path, ec).string());
    }
    if (spec.divisions.source == model::DivisionsSpec::Source::csv) {
        for (const char* file : {"provinces.csv", "cities.csv", "areas.csv", "streets.csv"})
            spec.input_files.push_back((fs::path(spec.divisions.dir) / file).string());
        for (const auto& file : spec.divisions.population_files)
            spec.input_files.push_back(file);
    }
    return spec;
}

/// A checkpoint's scenario text as a scenario: "<checkpoint FILE>" in diagnostics.
MergedScenario merged_from_checkpoint(const BranchOrigin& from,
                                      const std::vector<std::string>& overrides) {
    Source source;
    source.path = "<checkpoint " + from.path + ">";
    source.identity = source.path;
    source.text = from.scenario_toml;
    source.folder = fs::absolute(from.path).lexically_normal().parent_path();
    source.base_folder = source.folder;
    return merge_source(source, from.scenario_name, overrides);
}

}  // namespace

model::ScenarioSpec load_scenario(const std::string& name_or_path,
                                  const std::vector<std::string>& overrides) {
    return spec_of([&] { return load_merged(name_or_path, overrides); });
}

model::ScenarioSpec load_branch(const std::string& name_or_path,
                                const std::vector<std::string>& overrides,
                                const BranchOrigin& from) {
    auto branch = [&] {
        return name_or_path.empty() ? merged_from_checkpoint(from, overrides)
                                    : load_merged(name_or_path, overrides);
    };
    // The branch alone first: its own mistakes are reported as a run of it would report them.
    const model::ScenarioSpec alone = spec_of(branch);
    model::ScenarioSpec spec = spec_of([&] {
        return detail::compose_branch(
            branch(), alone.resolved_toml, merged_from_checkpoint(from, {}), from.day);
    });
    spec.input_files.push_back(fs::absolute(from.path).lexically_normal().string());
    return spec;
}

void check_output_path(const std::filesystem::path& output, const model::ScenarioSpec& spec) {
    std::error_code ec;
    if (!fs::exists(output, ec))
        return;  // a file that does not exist yet is no input
    for (const std::string& input : spec.input_files) {
        if (fs::equivalent(output, input, ec)) {
            fail(command_line(),
                 "-o",
                 "-o: '" + output.string() + "' is an input of this run ('" + input +
                     "'); writing there would destroy it: choose another output file");
        }
    }
}

}  // namespace tiersim::io
