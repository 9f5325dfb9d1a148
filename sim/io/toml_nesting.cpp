// SPDX-License-Identifier: MIT
// A lexical pre-scan of TOML text for nesting deeper than a scenario may have. toml++ bounds the
// nesting of arrays and inline tables in one value (TOML_MAX_NESTED_VALUES, 256) but not the
// number of parts of a dotted key or table header, and builds and destroys the tables it names
// recursively: a header 100,000 parts deep overflows the stack inside toml++. So the loader scans
// every text before toml++ sees it and refuses one that nests deeper than max_nesting; the
// scan itself is a loop with an explicit stack that never grows past max_nesting + 1 frames.
//
// The scan follows TOML's lexical structure (comments, the four kinds of strings, headers,
// dotted keys, arrays and inline tables) closely enough that, on any text toml++ accepts up to
// a point, it counts at least the depth toml++ builds up to that point; past a syntax error, at
// which toml++ stops, it only has to make progress. It errs towards counting deeper.
#include "io/scenario_builder.hpp"

#include <vector>

namespace tiersim::io::detail {

namespace {

bool is_bare_key_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    // TOML's bare keys, and any non-ASCII byte (toml++ may accept Unicode bare keys).
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || u >= 0x80;
}

class NestingScanner {
public:
    NestingScanner(std::string_view text, int start_depth, bool value_only)
        : text_(text),
          start_depth_(start_depth),
          value_only_(value_only) {}

    std::optional<DeepNesting> run() {
        enum class Mode { statement, inline_key, value };

        struct Frame {
            bool inline_table;
            int depth;  // of the array or inline table itself
        };

        std::vector<Frame> stack;
        int table_depth = start_depth_;  // of the table the last header opened
        int value_depth = 0;             // of the value about to start
        Mode mode = Mode::statement;
        if (value_only_) {
            mode = Mode::value;
            value_depth = start_depth_;
        }

        // After a closing bracket: what the enclosing container expects next.
        auto after_close = [&] {
            if (stack.empty()) {
                mode = Mode::statement;
            } else if (stack.back().inline_table) {
                mode = Mode::inline_key;
            } else {
                mode = Mode::value;
                value_depth = stack.back().depth + 1;
            }
        };

        while (!at_end()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r') {
                advance();
                continue;
            }
            if (c == '\n') {
                advance();
                if (stack.empty())
                    mode = Mode::statement;
                continue;
            }
            if (c == '#') {
                while (!at_end() && peek() != '\n')
                    advance();
                continue;
            }
            switch (mode) {
                case Mode::statement: {
                    const Position at = here();
                    if (c == '[') {  // a [table] or [[array of tables]] header
                        advance();
                        if (peek() == '[')
                            advance();
                        table_depth = start_depth_ + key_parts();
                        if (table_depth > max_nesting)
                            return deep(at, table_depth, "table header");
                        // What follows (the closing brackets) is not a key: skip to its end.
                        while (!at_end() && peek() != '\n' && peek() != '#')
                            advance();
                        continue;
                    }
                    const int parts = key_parts();
                    if (parts == 0) {
                        advance();  // not a key: toml++ stops here; make progress
                        continue;
                    }
                    const int depth = table_depth + parts;
                    if (depth > max_nesting)
                        return deep(at, depth, "key");
                    skip_blanks();
                    if (peek() == '=') {
                        advance();
                        mode = Mode::value;
                        value_depth = depth;
                    }
                    continue;
                }
                case Mode::inline_key: {
                    if (c == '}' || c == ']') {
                        advance();
                        stack.pop_back();
                        after_close();
                        continue;
                    }
                    if (c == ',') {
                        advance();
                        continue;
                    }
                    const Position at = here();
                    const int parts = key_parts();
                    if (parts == 0) {
                        advance();
                        continue;
                    }
                    const int depth = stack.back().depth + parts;
                    if (depth > max_nesting)
                        return deep(at, depth, "key");
                    skip_blanks();
                    if (peek() == '=') {
                        advance();
                        mode = Mode::value;
                        value_depth = depth;
                    }
                    continue;
                }
                case Mode::value: {
                    if (c == '[') {
                        const Position at = here();
                        advance();
                        if (value_depth + 1 > max_nesting)
                            return deep(at, value_depth + 1, "array");
                        stack.push_back({false, value_depth});
                        value_depth += 1;
                        continue;
                    }
                    if (c == '{') {
                        advance();
                        stack.push_back({true, value_depth});
                        mode = Mode::inline_key;
                        continue;
                    }
                    if (c == ']' || c == '}') {
                        advance();
                        if (!stack.empty())
                            stack.pop_back();
                        after_close();
                        continue;
                    }
                    if (c == ',') {
                        advance();
                        if (!stack.empty()) {
                            if (stack.back().inline_table) {
                                mode = Mode::inline_key;
                            } else {
                                value_depth = stack.back().depth + 1;
                            }
                        }
                        continue;
                    }
                    if (c == '"' || c == '\'') {
                        skip_string();
                        continue;
                    }
                    advance();  // part of a number, boolean, date or time
                    continue;
                }
            }
        }
        return std::nullopt;
    }

private:
    struct Position {
        std::size_t offset;
        int line;
        int column;
    };

    std::string_view text_;
    int start_depth_;
    bool value_only_;
    std::size_t i_ = 0;
    int line_ = 1;
    int column_ = 1;

    [[nodiscard]] bool at_end() const { return i_ >= text_.size(); }

    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0';
    }

    [[nodiscard]] Position here() const { return {i_, line_, column_}; }

    void advance() {
        const char c = text_[i_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++column_;  // columns count code points, as toml++ does
        }
    }

    void skip_blanks() {
        while (peek() == ' ' || peek() == '\t')
            advance();
    }

    /// Skips a string starting at the quote under the cursor: basic or literal, one line or
    /// multi-line. An unterminated one-line string ends at the end of its line.
    void skip_string() {
        const char quote = peek();
        const bool basic = quote == '"';
        if (peek(1) == quote && peek(2) == quote) {
            advance();
            advance();
            advance();
            while (!at_end()) {
                if (basic && peek() == '\\') {
                    advance();
                    if (!at_end())
                        advance();
                    continue;
                }
                if (peek() == quote && peek(1) == quote && peek(2) == quote) {
                    // A run of 3 to 5 quotes closes it (up to two belong to the string).
                    int run = 0;
                    while (run < 5 && peek() == quote) {
                        advance();
                        ++run;
                    }
                    return;
                }
                advance();
            }
            return;
        }
        advance();
        while (!at_end() && peek() != '\n') {
            const char c = peek();
            advance();
            if (c == quote)
                return;
            if (basic && c == '\\' && !at_end() && peek() != '\n')
                advance();
        }
    }

    /// Counts the parts of the (dotted) key at the cursor and leaves the cursor after it.
    int key_parts() {
        int parts = 0;
        while (true) {
            skip_blanks();
            const char c = peek();
            if (c == '"' || c == '\'') {
                skip_string();
            } else if (is_bare_key_char(c)) {
                while (is_bare_key_char(peek()))
                    advance();
            } else {
                break;
            }
            ++parts;
            skip_blanks();
            if (peek() != '.')
                break;
            advance();
        }
        return parts;
    }

    /// The text from `at` to the cursor (the key or header just read; the rest of the line for
    /// an array), at most about 40 bytes (whole code points), for the message.
    [[nodiscard]] std::string excerpt(const Position& at, bool to_cursor) const {
        constexpr std::size_t limit = 40;
        const std::size_t stop = to_cursor ? i_ : text_.size();
        std::size_t end = at.offset;
        while (end < stop && text_[end] != '\n' && text_[end] != '\r' && end - at.offset < limit)
            ++end;
        const bool cut = end < stop && text_[end] != '\n' && text_[end] != '\r';
        if (cut) {
            while (end > at.offset && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80)
                --end;
        }
        return std::string(text_.substr(at.offset, end - at.offset)) + (cut ? "..." : "");
    }

    [[nodiscard]] DeepNesting deep(const Position& at, int depth, std::string_view what) const {
        return {at.line, at.column, depth, std::string(what), excerpt(at, what != "array")};
    }
};

}  // namespace

std::optional<DeepNesting> find_deep_nesting(std::string_view text,
                                             int start_depth,
                                             bool value_only) {
    return NestingScanner(text, start_depth, value_only).run();
}

std::string deep_nesting_message(const DeepNesting& d) {
    return "this " + d.what + " (" + d.excerpt + ") nests " + std::to_string(d.depth) +
           " levels deep; a scenario may nest tables, arrays and inline tables at most " +
           std::to_string(max_nesting) + " levels deep";
}

}  // namespace tiersim::io::detail
