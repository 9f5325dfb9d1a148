// SPDX-License-Identifier: MIT
#include "tiersim/io/division_reader.hpp"

#include <filesystem>
#include <fstream>

namespace tiersim::io {

namespace {

/// Splits one CSV line with optional double quotes (the division files quote names only).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r') {
            field.push_back(c);
        }
    }
    fields.push_back(field);
    return fields;
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path,
                                               const model::ScenarioSpec& spec,
                                               std::size_t min_fields) {
    std::ifstream in(path);
    if (!in) {
        throw ScenarioError(Diagnostic{spec.where("divisions.dir"),
                                       "divisions.dir",
                                       "divisions.dir: cannot read '" + path.string() + "'"});
    }
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        auto fields = split_csv(line);
        if (fields.size() < min_fields) {
            throw ScenarioError(
                Diagnostic{spec.where("divisions.dir"),
                           "divisions.dir",
                           "divisions.dir: malformed row in '" + path.string() + "': " + line});
        }
        rows.push_back(std::move(fields));
    }
    return rows;
}

}  // namespace

model::DivisionTables read_division_tables(const model::ScenarioSpec& spec) {
    const std::filesystem::path dir(spec.divisions.dir);
    model::DivisionTables tables;
    tables.provinces = read_csv(dir / "provinces.csv", spec, 2);
    tables.cities = read_csv(dir / "cities.csv", spec, 3);
    tables.areas = read_csv(dir / "areas.csv", spec, 4);
    tables.streets = read_csv(dir / "streets.csv", spec, 5);
    tables.provinces_file = (dir / "provinces.csv").string();
    return tables;
}

model::Organisation build_organisation(const model::ScenarioSpec& spec) {
    if (spec.divisions.source == model::DivisionsSpec::Source::synthetic)
        return model::Organisation::build(spec);
    const model::DivisionTables tables = read_division_tables(spec);
    return model::Organisation::build(spec, &tables);
}

}  // namespace tiersim::io
