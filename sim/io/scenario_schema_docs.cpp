// SPDX-License-Identifier: MIT
// The schema table as text: JSON for forms, a readable list, and the Markdown key reference of
// scenarios/README.md (`tiersim schema --json|--markdown`).
#include "tiersim/io/scenario_schema.hpp"
#include "tiersim/io/toml_json.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <cmath>
#include <sstream>

namespace tiersim::io::schema {

namespace {

using io::toml_to_json;
using io::toml_value_json;

constexpr std::array<std::string_view, 21> section_names = {
    "top",         "simulation",   "divisions",      "calendars", "departments", "tiers",
    "channels",    "ticket_types", "distribution",   "strategy",  "technology",  "organization",
    "institution", "citizens",     "cross_province", "grid",      "units",       "costs",
    "adaptation",  "timeline",     "provinces"};

/// The sections of the seed paper's levers: their rows mark the keys that are not levers.
bool lever_section(std::string_view section) {
    return section == "strategy" || section == "technology" || section == "organization" ||
           section == "institution";
}

std::string_view type_name(Type t) {
    switch (t) {
        case Type::string:
            return "string";
        case Type::number:
            return "number";
        case Type::integer:
            return "integer";
        case Type::boolean:
            return "boolean";
        case Type::choice:
            return "choice";
        case Type::calendar:
            return "calendar";
        case Type::array:
            return "array";
        case Type::table:
            break;
        case Type::distribution:
            return "distribution";
        case Type::number_or_table:
            return "number_or_table";
        case Type::choice_or_table:
            return "choice_or_table";
    }
    return "table";
}

std::string last_segment(std::string_view path) {
    const auto dot = path.rfind('.');
    return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

/// A default value as the reference writes it: numbers plain, anything else as code.
std::string value_markdown(std::string_view toml_text) {
    const char c = toml_text.empty() ? ' ' : toml_text.front();
    if ((c >= '0' && c <= '9') || c == '-')
        return std::string(toml_text);
    return "`" + std::string(toml_text) + "`";
}

std::string choices_markdown(Names values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            text += i + 1 == values.size() ? " or " : ", ";
        text += "`\"" + std::string(values[i]) + "\"`";
    }
    return text;
}

/// Markdown without its code spans and emphasis, for the plain list.
std::string plain(std::string text) {
    std::string out;
    for (const char c : text) {
        if (c != '`' && c != '*')
            out.push_back(c);
    }
    return out;
}

std::string row_doc(const Key& key) {
    std::string doc(key.doc);
    const auto section = section_of(key);
    if (lever_section(section) && !key.has(per_province))
        doc += "; *not a lever*";
    else if (!lever_section(section) && key.has(per_province))
        doc += "; a lever";
    if (key.has(changeable))
        doc += "; *changeable* ([[timeline]])";
    return doc;
}

nlohmann::ordered_json default_json(const Key& key) {
    if (key.default_kind == Default::value)
        return toml_value_json(key.default_value);
    if (key.default_kind == Default::per_instance) {
        auto out = nlohmann::ordered_json::object();
        for (const auto& [name, text] : instance_defaults(key))
            out[name] = toml_value_json(text);
        return out;
    }
    return nullptr;
}

nlohmann::ordered_json bound_json(double v) {
    if (std::isinf(v) || std::abs(v) == std::numeric_limits<double>::max())
        return nullptr;
    return v;
}

std::string provinces_block() {
    std::string out = "| table | keys it may hold |\n|---|---|\n";
    for (const auto section : section_names) {
        std::vector<std::string> rows;
        std::vector<std::string> levers;
        for (const Key& key : keys()) {
            if (section_of(key) != section || key.has(detail))
                continue;
            rows.push_back(last_segment(key.path));
            if (key.has(per_province))
                levers.push_back("`" + last_segment(key.path) + "`");
        }
        if (levers.empty())
            continue;
        const std::string table = section == "tiers" ? "tiers.<tier>" : std::string(section);
        std::string held = "every key of `[" + std::string(section) + "]`";
        if (levers.size() != rows.size()) {
            held.clear();
            for (std::size_t i = 0; i < levers.size(); ++i)
                held += (i > 0 ? ", " : "") + levers[i];
        }
        out += "| `[provinces.NAME." + table + "]` | " + held + " |\n";
    }
    return out;
}

/// A key's name in its section's rows: its last segment, or where the section nests tables of
/// its own (adaptation.ranking.tier, adaptation.project_teams.tier) its path below the section.
std::string row_name(const Key& key, std::string_view section) {
    const std::string_view path = key.path;
    const std::string_view below = path.substr(std::min(path.size(), section.size() + 1));
    if (section == "adaptation" && below.find('.') != std::string_view::npos)
        return std::string(below);
    return last_segment(path);
}

std::string section_block(std::string_view section) {
    if (section == "provinces")
        return provinces_block();
    std::string out = section == "top" ? "| key | type | default | meaning |\n"
                                       : "| key | unit | default | meaning |\n";
    out += "|---|---|---|---|\n";
    for (const Key& key : keys()) {
        if (section_of(key) != section || key.has(detail))
            continue;
        out += "| `" + row_name(key, section) + "` | " + shape_text(key) + " | " +
               default_text(key) + " | " + row_doc(key) + " |\n";
    }
    return out;
}

}  // namespace

std::string_view section_of(const Key& key) {
    const std::string_view path = key.path;
    if (path.find(".DIST.") != std::string_view::npos)
        return "distribution";
    const auto dot = path.find('.');
    if (dot != std::string_view::npos)
        return path.substr(0, dot);
    return key.type == Type::table ? path : "top";
}

Names sections() {
    return section_names;
}

std::string shape_text(const Key& key) {
    if (!key.shape.empty())
        return std::string(key.shape);
    const std::string unit(key.unit);
    switch (key.type) {
        case Type::number: {
            const std::string range(key.range->doc);
            if (range == "probability")
                return unit.empty() ? range : unit + ", " + range;
            return unit.empty() ? "number " + range : unit + ", " + range;
        }
        case Type::integer:
            if (key.max >= int_unbounded)
                return "integer >= " + std::to_string(key.min);
            return "integer, " + std::to_string(key.min) + " to " + std::to_string(key.max);
        case Type::boolean:
            return "boolean";
        case Type::string:
            return unit.empty() ? "string" : unit;
        case Type::choice:
            return choices_markdown(key.choices->values);
        case Type::calendar:
            return "calendar name";
        case Type::distribution:
            return "distribution table";
        default:
            break;
    }
    return std::string(type_name(key.type));
}

std::string default_text(const Key& key) {
    if (key.default_kind == Default::required)
        return "**required**";
    if (!key.default_doc.empty())
        return std::string(key.default_doc);
    if (key.default_kind == Default::value)
        return value_markdown(key.default_value);
    if (key.default_kind == Default::per_instance) {
        std::string text;
        for (const auto& [name, value] : instance_defaults(key))
            text += (text.empty() ? "" : ", ") + name + " " + value_markdown(value);
        return text;
    }
    return "(none)";
}

std::string_view lever_group(const Key& key) {
    if (!key.has(per_province))
        return {};
    const auto section = section_of(key);
    if (section == "organization" || section == "tiers")
        return "organisation";
    if (lever_section(section))
        return section;
    return {};
}

std::string to_json() {
    auto out = nlohmann::ordered_json::array();
    for (const Key& key : keys()) {
        nlohmann::ordered_json k;
        k["path"] = key.path;
        k["section"] = section_of(key);
        k["type"] = type_name(key.type);
        k["unit"] = key.unit;
        k["default"] = default_json(key);
        k["default_text"] = plain(default_text(key));
        k["required"] = key.default_kind == Default::required;
        k["min"] = nullptr;
        k["max"] = nullptr;
        k["min_exclusive"] = false;
        k["max_exclusive"] = false;
        if (key.range != nullptr) {
            k["min"] = bound_json(key.range->min);
            k["max"] = bound_json(key.range->max);
            k["min_exclusive"] = key.range->min_exclusive;
            k["max_exclusive"] = key.range->max_exclusive;
        } else if (key.type == Type::integer) {
            k["min"] = key.min;
            if (key.max < int_unbounded)
                k["max"] = key.max;
        }
        k["allowed"] = nullptr;
        if (key.choices != nullptr) {
            k["allowed"] = nlohmann::ordered_json::array();
            for (const auto v : key.choices->values)
                k["allowed"].push_back(v);
        }
        k["doc"] = key.doc;
        k["per_province"] = key.has(per_province);
        k["changeable"] = key.has(changeable);
        const auto group = lever_group(key);
        k["group"] = group.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(group);
        out.push_back(std::move(k));
    }
    return out.dump(2);
}

std::string to_text() {
    std::ostringstream os;
    for (const Key& key : keys()) {
        // "integer >= 1" says its type; "days, > 0" is a number's unit and range.
        const std::string type(type_name(key.type));
        const std::string shape = plain(shape_text(key));
        os << key.path << "\n    " << (shape.starts_with(type) ? shape : type + ": " + shape);
        if (key.type != Type::table || key.default_kind != Default::none)
            os << "; default " << plain(default_text(key));
        if (key.has(per_province))
            os << "; per province";
        if (key.has(changeable))
            os << "; changeable during a run";
        os << "\n    " << plain(std::string(key.doc)) << "\n";
    }
    return os.str();
}

std::string to_markdown() {
    std::string out;
    for (const auto section : section_names) {
        if (!out.empty())
            out += "\n";
        out += "<!-- schema:begin " + std::string(section) + " -->\n";
        out += section_block(section);
        out += "<!-- schema:end -->\n";
    }
    return out;
}

}  // namespace tiersim::io::schema
