// SPDX-License-Identifier: MIT
// Census populations (scenarios/data/population/README.md) for the units of the division files.
#include "io/population_reader.hpp"

#include "tiersim/error.hpp"

#include "io/csv_text.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace tiersim::io::detail {

namespace {

constexpr std::size_t max_problems = 20;  ///< diagnostics shown; the rest are counted
constexpr double max_population = 2e9;    ///< more than any division holds
const std::string key = "divisions.population_files";

/// The division codes of `tables`, by their number of digits.
std::map<std::size_t, std::set<std::string>> codes_by_digits(const model::DivisionTables& t) {
    std::map<std::size_t, std::set<std::string>> codes;
    for (const auto* table : {&t.provinces, &t.cities, &t.areas, &t.streets}) {
        for (const auto& row : *table)
            codes[row[0].size()].insert(row[0]);
    }
    return codes;
}

std::optional<double> persons(const std::string& field) {
    double v = 0.0;
    const char* end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, v);
    if (ec != std::errc{} || ptr != end || !std::isfinite(v))
        return std::nullopt;
    return v;
}

}  // namespace

void read_population(const model::ScenarioSpec& spec, model::DivisionTables& tables) {
    const auto codes = codes_by_digits(tables);
    std::vector<Diagnostic> problems;
    std::size_t hidden = 0;
    const auto problem = [&](const std::string& place, const std::string& message) {
        if (problems.size() >= max_problems) {
            ++hidden;
            return;
        }
        problems.push_back({spec.where(key), key, key + ": " + place + ": " + message});
    };
    std::map<std::string, std::string> first_seen;  // code -> FILE:LINE
    for (const std::string& file : spec.divisions.population_files) {
        std::vector<CsvRow> rows;
        std::vector<CsvProblem> read_problems;
        read_csv(file, "population files", {"code", "name", "population"}, rows, read_problems);
        for (const auto& p : read_problems)
            problem(p.line == 0 ? file : file + ":" + std::to_string(p.line), p.message);
        for (const CsvRow& row : rows) {
            const std::string where = file + ":" + std::to_string(row.line);
            const std::string& code = row.fields[0];
            const auto known = codes.find(code.size());
            const bool code_size =
                code.size() == 2 || code.size() == 4 || code.size() == 6 || code.size() == 9;
            if (!all_digits(code) || !code_size) {
                problem(where,
                        "bad code " + excerpt(code) +
                            ": expected a division code of 2, 4, 6 or 9 digits");
                continue;
            }
            if (known == codes.end() || !known->second.contains(code)) {
                problem(where,
                        "code " + code + " (" + excerpt(row.fields[1]) +
                            ") is not in the division files of divisions.dir");
                continue;
            }
            if (row.fields[1].empty())
                problem(where, "unit " + code + " has no name");
            const auto value = persons(row.fields[2]);
            if (!value || *value <= 0.0 || *value > max_population) {
                problem(where,
                        "bad population " + excerpt(row.fields[2]) + " of " + code +
                            ": expected a number of persons > 0 and <= 2000000000");
                continue;
            }
            const auto [it, fresh] = first_seen.emplace(code, where);
            if (!fresh) {
                problem(where, "code " + code + " is listed twice (first at " + it->second + ")");
                continue;
            }
            tables.population.push_back({code, *value, where});
        }
    }
    if (hidden > 0) {
        problems.push_back({spec.where(key),
                            key,
                            key + ": " + std::to_string(hidden) +
                                " more problems in the population files not shown"});
    }
    if (!problems.empty())
        throw ScenarioError(problems);
}

}  // namespace tiersim::io::detail
