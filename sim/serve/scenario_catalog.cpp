// SPDX-License-Identifier: MIT
#include "scenario_catalog.hpp"

#include "tiersim/io/embedded_scenarios.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/scenario_schema.hpp"
#include "tiersim/io/toml_json.hpp"
#include "tiersim/model/compiled_model.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace tiersim::serve {

namespace fs = std::filesystem;
namespace schema = io::schema;

RequestError::RequestError(const std::string& what, std::vector<Diagnostic> diagnostics)
    : Error(what),
      diagnostics_(std::move(diagnostics)) {}

namespace {

constexpr std::string_view workspace_prefix = "workspace/";

/// A diagnostic about a request's field rather than a place in a file.
Diagnostic request_diagnostic(const std::string& key, const std::string& message) {
    Diagnostic d;
    d.where.file = "<workbench>";
    d.key = key;
    d.message = message;
    return d;
}

/// The description of a scenario text: its `description` key, else its first comment line.
std::string description_of(std::string_view text) {
    try {
        const toml::table table = toml::parse(text);
        if (const auto d = table["description"].value<std::string>())
            return *d;
    } catch (const toml::parse_error&) {
        return "(this file does not parse; the loader says why when it is run)";
    }
    const auto hash = text.find('#');
    if (hash == std::string_view::npos)
        return {};
    const auto eol = text.find('\n', hash);
    std::string line(text.substr(hash + 1, eol == std::string_view::npos ? eol : eol - hash - 1));
    line.erase(0, line.find_first_not_of(' '));
    return line;
}

/// The concrete paths of a lever key: TIER expanded, other placeholders left out (tables of
/// names the scenario chooses, which the page does not show as controls).
std::vector<std::string> concrete_paths(std::string_view path) {
    for (const std::string_view placeholder : {"NAME", "DEPT", "CODE", "CHANNEL", "FROM", "TO"})
        if (path.find(placeholder) != std::string_view::npos)
            return {};
    const auto tier = path.find("TIER");
    if (tier == std::string_view::npos)
        return {std::string(path)};
    std::vector<std::string> out;
    for (const auto name : schema::tier_values) {
        std::string p(path);
        p.replace(tier, 4, name);
        out.push_back(std::move(p));
    }
    return out;
}

/// The value of `path` in the resolved scenario, else its schema default, else null.
Json resolved_value(const toml::table& resolved, const std::string& path) {
    if (const toml::node* node = resolved.at_path(path).node())
        return io::toml_to_json(*node);
    if (const auto text = schema::default_of(path))
        return io::toml_value_json(*text);
    return nullptr;
}

/// The top-level lever a province's key inherits ("provinces.P1.technology.data_sharing" →
/// "technology.data_sharing"); a top-level key itself.
std::string inherited_path(const std::string& path) {
    constexpr std::string_view prefix = "provinces.";
    if (!path.starts_with(prefix))
        return path;
    return path.substr(path.find('.', prefix.size()) + 1);
}

}  // namespace

std::string scenario_field(const Json& body) {
    if (!body.is_object() || !body.contains("scenario") || !body["scenario"].is_string())
        throw RequestError("scenario: expected the name of a scenario (a string)");
    return body["scenario"].get<std::string>();
}

std::string toml_value(const Json& value, const std::string& key) {
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    if (value.is_number_integer())
        return std::to_string(value.get<std::int64_t>());
    if (value.is_number()) {
        std::string text = value.dump();
        if (text.find_first_of(".eE") == std::string::npos)
            text += ".0";
        return text;
    }
    if (value.is_string())
        return value.dump();  // a JSON string is a TOML basic string
    throw RequestError("set." + key + ": expected a number, true/false or a string",
                       {request_diagnostic(key, "expected a number, true/false or a string")});
}

Json ScenarioCatalog::list() const {
    Json out = Json::array();
    for (const auto& s : io::embedded_scenarios()) {
        const std::string name(s.name);
        const std::string category = name.starts_with("validation/") ? "validation"
                                     : name.starts_with("bench/")    ? "bench"
                                                                     : "scenario";
        out.push_back({{"name", name},
                       {"description", description_of(s.text)},
                       {"source", "embedded"},
                       {"category", category}});
    }
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(workspace_.scenarios(), ec))
        if (entry.path().extension() == ".toml" &&
            Workspace::is_overlay_name(entry.path().stem().string()))
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        out.push_back({{"name", std::string(workspace_prefix) + file.stem().string()},
                       {"description", description_of(read_file(file))},
                       {"source", "workspace"},
                       {"category", "scenario"}});
    }
    return out;
}

std::string ScenarioCatalog::loader_name(const std::string& name) const {
    if (name.starts_with(workspace_prefix)) {
        const std::string stem = name.substr(workspace_prefix.size());
        if (Workspace::is_overlay_name(stem))
            if (const auto path = workspace_.inside(fs::path("scenarios") / (stem + ".toml"));
                path && fs::is_regular_file(*path))
                return path->string();
    } else {
        const auto& all = io::embedded_scenarios();
        if (std::any_of(all.begin(), all.end(), [&](const auto& s) { return s.name == name; }))
            return name;
    }
    throw RequestError("no scenario named '" + name + "' (GET /api/scenarios lists them)");
}

Json ScenarioCatalog::details(const std::string& name) {
    const std::string loader = loader_name(name);
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = details_.find(name); it != details_.end())
            return it->second;
    }
    const model::CompiledModel model = io::compile_scenario(loader, {});
    const model::ScenarioSpec& spec = model.spec();
    const toml::table resolved = toml::parse(spec.resolved_toml);
    Json provinces = Json::array();
    for (const auto id : model.org().units_at(model::Tier::province))
        provinces.push_back(model.org().unit(id).name);
    Json levers = Json::object();
    const toml::table* by_province = resolved["provinces"].as_table();
    for (const schema::Key& key : schema::keys()) {
        if (schema::lever_group(key).empty() || key.type == schema::Type::table)
            continue;
        for (const std::string& path : concrete_paths(key.path)) {
            levers[path] = resolved_value(resolved, path);
            if (by_province == nullptr)
                continue;
            for (const auto& [province, table] : *by_province)
                if (const auto* t = table.as_table())
                    if (const toml::node* node = t->at_path(path).node())
                        levers["provinces." + std::string(province.str()) + "." + path] =
                            io::toml_to_json(*node);
        }
    }
    Json out = {{"name", name},
                {"description", resolved["description"].value_or(std::string())},
                {"days", spec.days},
                {"warmup_days", spec.warmup_days},
                {"seed", spec.seed},
                {"units", model.org().size()},
                {"provinces", provinces},
                {"levers", levers}};
    const std::lock_guard lock(mutex_);
    details_[name] = out;
    return out;
}

std::vector<std::string> ScenarioCatalog::overrides(const std::string& name, const Json& set) {
    std::vector<std::string> out;
    if (set.is_null())
        return out;
    if (!set.is_object())
        throw RequestError("set: expected an object of {KEY: value}");
    // The number-or-table levers the scenario gives as one number, and their keys in `set`.
    std::map<std::string, std::map<std::string, std::string>> widened;
    const Json levers = details(name)["levers"];
    // A province's own value of a lever, else the top level's, which it inherits.
    auto current_value = [&levers](const std::string& path) {
        const auto own = levers.find(path);
        const auto inherited = levers.find(inherited_path(path));
        return own != levers.end() ? *own : inherited != levers.end() ? *inherited : Json();
    };
    for (const auto& [key, value] : set.items()) {
        const schema::Key* entry = schema::find(key);
        if (entry == nullptr || !entry->has(schema::changeable)) {
            const std::string why = entry == nullptr
                                        ? "not a key of the scenario schema"
                                        : "not a lever the workbench may set (only changeable "
                                          "keys: `tiersim schema` marks them)";
            throw RequestError("set." + key + ": " + why,
                               {request_diagnostic(key, key + ": " + why)});
        }
        const std::string text = toml_value(value, key);
        const auto dot = key.rfind('.');
        const std::string parent = key.substr(0, dot);
        const schema::Key* above = dot == std::string::npos ? nullptr : schema::find(parent);
        if (above != nullptr && above->type == schema::Type::number_or_table) {
            if (current_value(parent).is_number()) {
                widened[parent][key.substr(dot + 1)] = text;
                continue;
            }
        }
        out.push_back(key + "=" + text);
    }
    for (const auto& [parent, given] : widened) {
        const Json current = current_value(parent);
        std::string table;
        const auto known = schema::known_keys(inherited_path(parent));
        const std::vector<std::string_view> subs =
            known ? *known
                  : std::vector<std::string_view>(schema::tier_values.begin(),
                                                  schema::tier_values.end());
        for (const auto sub : subs) {
            const auto it = given.find(std::string(sub));
            table += (table.empty() ? "" : ", ") + std::string(sub) + " = " +
                     (it != given.end() ? it->second : toml_value(current, parent));
        }
        out.push_back(parent + "={" + table + "}");
    }
    return out;
}

std::vector<Diagnostic> ScenarioCatalog::validate(const std::string& name,
                                                  const Json& set,
                                                  const Json& days) {
    try {
        std::vector<std::string> all = overrides(name, set);
        if (!days.is_null())
            all.push_back("simulation.days=" + toml_value(days, "simulation.days"));
        (void)io::compile_scenario(loader_name(name), all);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    } catch (const RequestError& e) {
        if (!e.diagnostics().empty())
            return e.diagnostics();
        return {request_diagnostic("scenario", e.what())};
    }
    return {};
}

std::string ScenarioCatalog::overlay_text(const std::string& name,
                                          const Json& set,
                                          const std::string& description,
                                          const fs::path& folder) {
    std::string base = loader_name(name);
    if (name.starts_with(workspace_prefix))
        base = fs::relative(base, folder).generic_string();
    std::string text =
        "# A redesign saved by the tiersim workbench: `tiersim run THIS_FILE` runs it.\n";
    text += "base = " + Json(base).dump() + "\n";
    if (!description.empty())
        text += "description = " + Json(description).dump() + "\n";
    for (const std::string& line : overrides(name, set)) {
        const auto eq = line.find('=');
        text += line.substr(0, eq) + " = " + line.substr(eq + 1) + "\n";
    }
    return text;
}

}  // namespace tiersim::serve
