// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Private to the io layer: the checked CSV text that the data files use (the division codes,
/// the census populations). A file is UTF-8 text (a byte-order mark and CRLF line ends are
/// accepted) whose first line is an exact header; a field may be quoted (RFC 4180 within one
/// line); blank lines are skipped. Problems are collected, never thrown, so that a reader can
/// report every one with its file and line.
namespace tiersim::io::detail {

inline constexpr std::size_t excerpt_bytes = 60;  ///< of a row or field quoted in a message

std::string join(const std::vector<std::string>& fields);

/// `text` quoted for a message: at most excerpt_bytes (cut at a UTF-8 character boundary),
/// with "…" and the full length when it was longer. `text` is valid UTF-8 (checked first).
std::string excerpt(std::string_view text);

bool all_digits(std::string_view s);

/// Why `text` is not UTF-8 text, with the byte offset: a NUL byte, a control character (other
/// than tab, and carriage return before line feed), an invalid UTF-8 sequence; nullopt for text.
std::optional<std::pair<std::size_t, std::string>> not_text(std::string_view text);

/// One line split into fields (RFC 4180 quotes within the line: "" is a quote inside a quoted
/// field), or why it cannot be.
struct SplitLine {
    std::vector<std::string> fields;
    std::string error;  ///< empty when the line is well formed
};

SplitLine split_csv(std::string_view line);

/// A row of a data file and its line number.
struct CsvRow {
    std::vector<std::string> fields;
    std::size_t line = 0;
};

/// A problem with a file: at a line, or with the file as a whole (line 0).
struct CsvProblem {
    std::size_t line = 0;
    std::string message;
};

/// The rows of `file` that have the header's field count, in file order. Appends a problem for
/// an unreadable file, binary content (never echoed), a wrong or missing header and every
/// malformed row. Returns false when anything was dropped. `kind` names the files in
/// messages ("division files").
bool read_csv(const std::filesystem::path& file,
              std::string_view kind,
              const std::vector<std::string>& header,
              std::vector<CsvRow>& rows,
              std::vector<CsvProblem>& problems);

}  // namespace tiersim::io::detail
