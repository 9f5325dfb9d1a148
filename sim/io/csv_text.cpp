// SPDX-License-Identifier: MIT
#include "io/csv_text.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace tiersim::io::detail {

std::string join(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) {
        if (!out.empty())
            out += ',';
        out += f;
    }
    return out;
}

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

bool read_csv(const std::filesystem::path& file,
              std::string_view kind,
              const std::vector<std::string>& header,
              std::vector<CsvRow>& rows,
              std::vector<CsvProblem>& problems) {
    std::ifstream in(file, std::ios::binary);
    std::string text;
    if (in)
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        problems.push_back({0, "cannot read the file"});
        return false;
    }
    std::string_view rest(text);
    if (rest.starts_with("\xEF\xBB\xBF"))
        rest.remove_prefix(3);  // a UTF-8 byte-order mark, as spreadsheets write
    if (const auto bad = not_text(rest)) {
        const auto line =
            1 + static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + bad->first, '\n'));
        problems.push_back({line,
                            "not a text CSV file (" + bad->second + " at byte " +
                                std::to_string(bad->first + 1 + (text.size() - rest.size())) +
                                "); the " + std::string(kind) + " are UTF-8 text"});
        return false;
    }

    const std::string expected_header = join(header);
    std::size_t line_no = 0;
    bool header_seen = false;
    bool complete = true;
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
                problems.push_back({line_no,
                                    "unexpected header " + excerpt(line) + "; expected '" +
                                        expected_header + "'"});
                return false;
            }
            continue;
        }
        if (line.empty())
            continue;
        SplitLine split = split_csv(line);
        if (!split.error.empty()) {
            problems.push_back({line_no, "malformed row: " + split.error + ": " + excerpt(line)});
            complete = false;
        } else if (split.fields.size() != header.size()) {
            problems.push_back({line_no,
                                "malformed row: expected " + std::to_string(header.size()) +
                                    " fields (" + expected_header + "), got " +
                                    std::to_string(split.fields.size()) + ": " + excerpt(line)});
            complete = false;
        } else {
            rows.push_back({std::move(split.fields), line_no});
        }
    }
    if (!header_seen) {
        problems.push_back({1, "empty file; expected the header '" + expected_header + "'"});
        return false;
    }
    return complete;
}

}  // namespace tiersim::io::detail
