// SPDX-License-Identifier: MIT
// The division files (scenarios/data/divisions/README.md) are checked before the organisation
// is built from them: each file must be UTF-8 text with its exact header, every row its field
// count, well-formed quotes, codes of the documented digits, a name, a code no other row has
// and a parent in its parent's file (with the province and city codes a street or area repeats
// agreeing with its parent's). Every problem is a diagnostic at divisions.dir that names the
// file and line; rows are quoted shortened and binary content never.
#include "tiersim/io/division_reader.hpp"

#include "io/csv_text.hpp"
#include "io/population_reader.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace tiersim::io {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_problems = 20;  ///< diagnostics shown; the rest are counted

/// One division file: its name, what a row is, its header and the digits of its codes.
struct FileFormat {
    const char* file;
    const char* what;
    std::vector<std::string> header;
    std::size_t code_digits;
};

const std::array<FileFormat, 4>& formats() {
    static const std::array<FileFormat, 4> all = {{
        {"provinces.csv", "province", {"code", "name"}, 2},
        {"cities.csv", "city", {"code", "name", "provinceCode"}, 4},
        {"areas.csv", "area", {"code", "name", "cityCode", "provinceCode"}, 6},
        {"streets.csv", "street", {"code", "name", "areaCode", "provinceCode", "cityCode"}, 9},
    }};
    return all;
}

/// The digits of the codes in a parent-code column (provinceCode, cityCode, areaCode).
std::size_t parent_digits(const std::string& column) {
    if (column == "provinceCode")
        return 2;
    if (column == "cityCode")
        return 4;
    return 6;  // areaCode
}

using detail::all_digits;
using detail::excerpt;
using detail::join;
using Row = detail::CsvRow;

/// Reads and checks the four files, collecting every problem (up to max_problems shown).
class Reader {
public:
    explicit Reader(const model::ScenarioSpec& spec)
        : spec_(spec),
          dir_(spec.divisions.dir) {}

    model::DivisionTables read() {
        std::array<std::vector<Row>, 4> rows;
        std::array<std::map<std::string, const Row*>, 4> by_code;
        for (std::size_t f = 0; f < formats().size(); ++f) {
            rows[f] = read_file(formats()[f]);
            for (const Row& row : rows[f]) {
                const auto [it, fresh] = by_code[f].emplace(row.fields[0], &row);
                if (!fresh) {
                    problem(f,
                            row.line,
                            "duplicate " + std::string(formats()[f].what) + " code " +
                                excerpt(row.fields[0]) + " (first on line " +
                                std::to_string(it->second->line) + ")");
                }
            }
        }
        // Orphans only where every row was read: a dropped row would orphan its children.
        if (!rows_dropped_)
            check_parents(rows, by_code);
        if (!problems_.empty()) {
            if (hidden_ > 0) {
                problems_.push_back({spec_.where("divisions.dir"),
                                     "divisions.dir",
                                     "divisions.dir: " + std::to_string(hidden_) +
                                         " more problems in the division files not shown"});
            }
            throw ScenarioError(problems_);
        }
        model::DivisionTables tables;
        const auto take = [](std::vector<Row>& from) {
            std::vector<std::vector<std::string>> out;
            out.reserve(from.size());
            for (Row& r : from)
                out.push_back(std::move(r.fields));
            return out;
        };
        tables.provinces = take(rows[0]);
        tables.cities = take(rows[1]);
        tables.areas = take(rows[2]);
        tables.streets = take(rows[3]);
        tables.provinces_file = path(0).string();
        return tables;
    }

private:
    [[nodiscard]] fs::path path(std::size_t f) const { return dir_ / formats()[f].file; }

    void problem(std::size_t f, std::size_t line, const std::string& message) {
        problem_at(path(f).string() + ":" + std::to_string(line), message);
    }

    void problem_at(const std::string& place, const std::string& message) {
        if (problems_.size() >= max_problems) {
            ++hidden_;
            return;
        }
        problems_.push_back({spec_.where("divisions.dir"),
                             "divisions.dir",
                             "divisions.dir: " + place + ": " + message});
    }

    std::vector<Row> read_file(const FileFormat& format) {
        const std::size_t f = static_cast<std::size_t>(&format - formats().data());
        std::vector<Row> read;
        std::vector<detail::CsvProblem> problems;
        if (!detail::read_csv(path(f), "division files", format.header, read, problems))
            rows_dropped_ = true;
        std::vector<Row> rows;
        rows.reserve(read.size());
        for (Row& row : read) {
            if (valid_row(format, row, problems))
                rows.push_back(std::move(row));
            else
                rows_dropped_ = true;
        }
        // In line order, as a reader of the file meets them.
        std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
            return a.line < b.line;
        });
        for (const auto& p : problems) {
            if (p.line == 0)
                problem_at(path(f).string(), p.message);
            else
                problem(f, p.line, p.message);
        }
        return rows;
    }

    /// Whether the codes of a row have their digits and it has a name (a problem if not).
    static bool valid_row(const FileFormat& format,
                          const Row& row,
                          std::vector<detail::CsvProblem>& problems) {
        bool ok = true;
        const auto& code = row.fields[0];
        if (!all_digits(code) || code.size() != format.code_digits) {
            problems.push_back({row.line,
                                "bad " + std::string(format.what) + " code " + excerpt(code) +
                                    ": expected " + std::to_string(format.code_digits) +
                                    " digits"});
            ok = false;
        }
        if (row.fields[1].empty()) {
            problems.push_back(
                {row.line, std::string(format.what) + " " + excerpt(code) + " has no name"});
            ok = false;
        }
        for (std::size_t k = 2; k < format.header.size(); ++k) {
            const auto& value = row.fields[k];
            const std::size_t digits = parent_digits(format.header[k]);
            if (!all_digits(value) || value.size() != digits) {
                problems.push_back({row.line,
                                    "bad " + format.header[k] + " " + excerpt(value) + " of " +
                                        std::string(format.what) + " " + excerpt(code) +
                                        ": expected " + std::to_string(digits) + " digits"});
                ok = false;
            }
        }
        return ok;
    }

    /// Every city, area and street has its parent in the parent's file, and the province and
    /// city codes that an area or street repeats are its parent's.
    void check_parents(const std::array<std::vector<Row>, 4>& rows,
                       const std::array<std::map<std::string, const Row*>, 4>& by_code) {
        const auto find = [&](std::size_t f, const std::string& code) -> const Row* {
            const auto it = by_code[f].find(code);
            return it == by_code[f].end() ? nullptr : it->second;
        };
        const auto orphan = [&](std::size_t f, const Row& row, std::size_t parent_file) {
            problem(f,
                    row.line,
                    std::string(formats()[f].what) + " " + row.fields[0] + " has " +
                        formats()[f].header[2] + " " + row.fields[2] + ", which is not in " +
                        formats()[parent_file].file);
        };
        const auto disagree = [&](std::size_t f,
                                  const Row& row,
                                  std::size_t column,
                                  const std::string& parents,
                                  std::size_t parent_file,
                                  const Row& parent) {
            problem(f,
                    row.line,
                    std::string(formats()[f].what) + " " + row.fields[0] + " has " +
                        formats()[f].header[column] + " " + row.fields[column] + ", but its " +
                        formats()[parent_file].what + " " + parent.fields[0] + " (" +
                        formats()[parent_file].file + " line " + std::to_string(parent.line) +
                        ") is in " + parents);
        };
        for (const Row& city : rows[1]) {
            if (find(0, city.fields[2]) == nullptr)
                orphan(1, city, 0);
        }
        for (const Row& area : rows[2]) {
            const Row* city = find(1, area.fields[2]);
            if (city == nullptr) {
                orphan(2, area, 1);
            } else if (area.fields[3] != city->fields[2]) {
                disagree(2, area, 3, "province " + city->fields[2], 1, *city);
            }
        }
        for (const Row& street : rows[3]) {
            const Row* area = find(2, street.fields[2]);
            if (area == nullptr) {
                orphan(3, street, 2);
                continue;
            }
            if (street.fields[3] != area->fields[3])
                disagree(3, street, 3, "province " + area->fields[3], 2, *area);
            if (street.fields[4] != area->fields[2])
                disagree(3, street, 4, "city " + area->fields[2], 2, *area);
        }
    }

    const model::ScenarioSpec& spec_;
    fs::path dir_;
    std::vector<Diagnostic> problems_;
    std::size_t hidden_ = 0;
    bool rows_dropped_ = false;  ///< a file or row was unreadable or malformed
};

}  // namespace

model::DivisionTables read_division_tables(const model::ScenarioSpec& spec) {
    model::DivisionTables tables = Reader(spec).read();
    detail::read_population(spec, tables);
    return tables;
}

model::Organisation build_organisation(const model::ScenarioSpec& spec) {
    if (spec.divisions.source == model::DivisionsSpec::Source::synthetic)
        return model::Organisation::build(spec);
    const model::DivisionTables tables = read_division_tables(spec);
    return model::Organisation::build(spec, &tables);
}

}  // namespace tiersim::io
