// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tiersim {

/// Base of every exception tiersim throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Where a scenario value came from: a file position, or "<command line>" for `--set`.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;

    /// "FILE:LINE:COL" (or just "FILE" when the line is unknown).
    [[nodiscard]] std::string str() const;
};

/// One problem found in a scenario, printed like a compiler diagnostic.
struct Diagnostic {
    SourceLocation where;
    std::string key;      ///< dotted key path, e.g. "tiers.city.transfer_h" (may be empty)
    std::string message;  ///< what was expected and what was found

    /// "FILE:LINE:COL: error: MESSAGE"
    [[nodiscard]] std::string str() const;
};

/// Bad input: every problem found, all at once. Maps to exit code 2.
class ScenarioError : public Error {
public:
    explicit ScenarioError(std::vector<Diagnostic> diagnostics);
    explicit ScenarioError(Diagnostic diagnostic);

    [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

/// HDF5 or file-system failure. Maps to exit code 3.
class IoError : public Error {
public:
    using Error::Error;
};

/// A broken invariant inside tiersim: a bug. Maps to exit code 1.
class InternalError : public Error {
public:
    using Error::Error;
};

namespace detail {
// The call site comes from the macro's __FILE__ and __LINE__, not std::source_location, which
// clang 14 (the fuzzing build, tests/fuzz) cannot compile with libstdc++ 12.
[[noreturn]] void check_failed(const char* condition,
                               const std::string& message,
                               const char* file,
                               int line);
}  // namespace detail

}  // namespace tiersim

/// Always-on invariant check; throws tiersim::InternalError with the call site.
#define TIERSIM_CHECK(cond, msg)                                             \
    do {                                                                     \
        if (!(cond))                                                         \
            ::tiersim::detail::check_failed(#cond, msg, __FILE__, __LINE__); \
    } while (false)
