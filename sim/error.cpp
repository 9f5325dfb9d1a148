// SPDX-License-Identifier: MIT
#include "tiersim/error.hpp"

namespace tiersim {

std::string SourceLocation::str() const {
    if (line <= 0)
        return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
    return where.str() + ": error: " + message;
}

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics) {
        if (!text.empty())
            text += '\n';
        text += d.str();
    }
    return text;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : Error(join(diagnostics)),
      diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(Diagnostic diagnostic)
    : ScenarioError(std::vector<Diagnostic>{std::move(diagnostic)}) {}

namespace detail {
void check_failed(const char* condition, const std::string& message, const char* file, int line) {
    throw InternalError(std::string(file) + ":" + std::to_string(line) +
                        ": internal error: check `" + condition + "` failed: " + message);
}
}  // namespace detail

}  // namespace tiersim
