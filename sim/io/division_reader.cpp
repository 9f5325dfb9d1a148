// SPDX-License-Identifier: MIT
// The division files (scenarios/data/divisions/README.md) are checked before the organisation
// is built from them: each file must be UTF-8 text with its exact header, every row its field
// count, well-formed quotes, codes of the documented digits, a name, a code no other row has
// and a parent in its parent's file (with the province and city codes a street or area repeats
// agreeing with its parent's). Every problem is a diagnostic at divisions.dir that names the
// file and line; rows are quoted shortened and binary content never.
#include "tiersim/io/division_reader.hpp"

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

constexpr std::size_t max_problems = 20;   ///< diagnostics shown; the rest are counted
constexpr std::size_t excerpt_bytes = 60;  ///< of a row or field quoted in a message

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

std::string join(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) {
        if (!out.empty())
            out += ',';
        out += f;
    }
    return out;
}

/// `text` quoted for a message: at most excerpt_bytes (cut at a UTF-8 character boundary),
/// with "…" and the full length when it was longer. `text` is valid UTF-8 (checked first).
std::string excerpt(std::string_view text) {
    if (text.size() <= excerpt_bytes)
        return "'" + std::string(text) + "'";
    std::size_t cut = excerpt_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U)
        --cut;
    return "'" + std::string(text.substr(0, cut)) + "…' (" + std::to_string(text.size()) +
           " bytes)";
}

bool all_digits(std::string_view s) {
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

/// Why `text` is not UTF-8 text, with the byte offset: a NUL byte, a control character (other
/// than tab, and carriage return before line feed), an invalid UTF-8 sequence; nullopt for text.
std::optional<std::pair<std::size_t, std::string>> not_text(std::string_view text) {
    const auto byte = [&](std::size_t i) {
        return static_cast<unsigned char>(text[i]);
    };
    const auto continuation = [&](std::size_t i, unsigned lo, unsigned hi) {
        return i < text.size() && byte(i) >= lo && byte(i) <= hi;
    };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned c = byte(i);
        if (c == 0)
            return std::pair{i, std::string("a NUL byte")};
        if (c < 0x80) {
            const bool crlf = c == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
            if ((c < 0x20 && c != '\t' && c != '\n' && !crlf) || c == 0x7F) {
                std::ostringstream why;
                why << "control character 0x" << std::hex << (c < 0x10 ? "0" : "") << c;
                return std::pair{i, why.str()};
            }
            ++i;
            continue;
        }
        // Multi-byte sequences (RFC 3629): the lead byte fixes the length and the range of the
        // first continuation byte; C1 controls (U+0080..U+009F) count as control characters.
        std::size_t len = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        bool ok = len > 0 && continuation(i + 1, lo, hi);
        for (std::size_t k = 2; ok && k < len; ++k)
            ok = continuation(i + k, 0x80, 0xBF);
        if (!ok)
            return std::pair{i, std::string("invalid UTF-8")};
        if (c == 0xC2 && byte(i + 1) < 0xA0)
            return std::pair{i, std::string("a C1 control character")};
        i += len;
    }
    return std::nullopt;
}

/// One line split into fields (RFC 4180 quotes within the line: "" is a quote inside a quoted
/// field), or why it cannot be.
struct SplitLine {
    std::vector<std::string> fields;
    std::string error;  ///< empty when the line is well formed
};

SplitLine split_csv(std::string_view line) {
    SplitLine out;
    std::string field;
    bool quoted = false;        // inside a quoted field
    bool was_quoted = false;    // the current field was quoted and its closing quote seen
    std::size_t opened_at = 0;  // column of the opening quote
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c != '"') {
                field.push_back(c);
            } else if (i + 1 < line.size() && line[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else {
                quoted = false;
                was_quoted = true;
            }
        } else if (c == ',') {
            out.fields.push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else if (c == '"' && field.empty() && !was_quoted) {
            quoted = true;
            opened_at = i + 1;
        } else if (c == '"' || was_quoted) {
            out.error =
                "stray character after a closing quote or quote inside an unquoted field "
                "at column " +
                std::to_string(i + 1);
            return out;
        } else {
            field.push_back(c);
        }
    }
    if (quoted) {
        out.error = "unterminated quoted field (the quote at column " + std::to_string(opened_at) +
                    " is not closed on its line)";
        return out;
    }
    out.fields.push_back(std::move(field));
    return out;
}

/// A row of a division file and its line number.
struct Row {
    std::vector<std::string> fields;
    std::size_t line = 0;
};

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
        std::vector<Row> rows;
        std::ifstream in(path(f), std::ios::binary);
        std::string text;
        if (in)
            text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in && !in.eof()) {
            problem_at(path(f).string(), "cannot read the file");
            rows_dropped_ = true;
            return rows;
        }
        std::string_view rest(text);
        if (rest.starts_with("\xEF\xBB\xBF"))
            rest.remove_prefix(3);  // a UTF-8 byte-order mark, as spreadsheets write
        if (const auto bad = not_text(rest)) {
            const auto line = 1 + static_cast<std::size_t>(
                                      std::count(rest.begin(), rest.begin() + bad->first, '\n'));
            problem(f,
                    line,
                    "not a text CSV file (" + bad->second + " at byte " +
                        std::to_string(bad->first + 1 + (text.size() - rest.size())) +
                        "); the division files are UTF-8 text");
            rows_dropped_ = true;
            return rows;
        }

        const std::string expected_header = join(format.header);
        std::size_t line_no = 0;
        bool header_seen = false;
        while (!rest.empty()) {
            const std::size_t end = rest.find('\n');
            std::string_view line = rest.substr(0, end);
            rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
            ++line_no;
            if (line.ends_with('\r'))
                line.remove_suffix(1);
            if (!header_seen) {
                header_seen = true;
                if (line != expected_header) {
                    problem(f,
                            line_no,
                            "unexpected header " + excerpt(line) + "; expected '" +
                                expected_header + "'");
                    rows_dropped_ = true;
                    return rows;
                }
                continue;
            }
            if (line.empty())
                continue;
            if (auto row = parse_row(f, format, line, line_no))
                rows.push_back(std::move(*row));
            else
                rows_dropped_ = true;
        }
        if (!header_seen) {
            problem(f, 1, "empty file; expected the header '" + expected_header + "'");
            rows_dropped_ = true;
        }
        return rows;
    }

    std::optional<Row> parse_row(std::size_t f,
                                 const FileFormat& format,
                                 std::string_view line,
                                 std::size_t line_no) {
        SplitLine split = split_csv(line);
        if (!split.error.empty()) {
            problem(f, line_no, "malformed row: " + split.error + ": " + excerpt(line));
            return std::nullopt;
        }
        if (split.fields.size() != format.header.size()) {
            problem(f,
                    line_no,
                    "malformed row: expected " + std::to_string(format.header.size()) +
                        " fields (" + join(format.header) + "), got " +
                        std::to_string(split.fields.size()) + ": " + excerpt(line));
            return std::nullopt;
        }
        bool ok = true;
        const auto& code = split.fields[0];
        if (!all_digits(code) || code.size() != format.code_digits) {
            problem(f,
                    line_no,
                    "bad " + std::string(format.what) + " code " + excerpt(code) + ": expected " +
                        std::to_string(format.code_digits) + " digits");
            ok = false;
        }
        if (split.fields[1].empty()) {
            problem(f, line_no, std::string(format.what) + " " + excerpt(code) + " has no name");
            ok = false;
        }
        for (std::size_t k = 2; k < format.header.size(); ++k) {
            const auto& value = split.fields[k];
            const std::size_t digits = parent_digits(format.header[k]);
            if (!all_digits(value) || value.size() != digits) {
                problem(f,
                        line_no,
                        "bad " + format.header[k] + " " + excerpt(value) + " of " +
                            std::string(format.what) + " " + excerpt(code) + ": expected " +
                            std::to_string(digits) + " digits");
                ok = false;
            }
        }
        if (!ok)
            return std::nullopt;
        return Row{std::move(split.fields), line_no};
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
    return Reader(spec).read();
}

model::Organisation build_organisation(const model::ScenarioSpec& spec) {
    if (spec.divisions.source == model::DivisionsSpec::Source::synthetic)
        return model::Organisation::build(spec);
    const model::DivisionTables tables = read_division_tables(spec);
    return model::Organisation::build(spec, &tables);
}

}  // namespace tiersim::io
