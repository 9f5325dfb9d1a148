// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

namespace tiersim::cli {

/// `tiersim schema [--json|--markdown]`: every scenario key with its type, default, unit, range
/// and documentation, from the schema table. Registers itself on the application; main() asks
/// whether it was chosen and runs it.
class SchemaCommand {
public:
    explicit SchemaCommand(CLI::App& app);

    [[nodiscard]] bool chosen() const;

    /// Prints the table; returns the exit code.
    [[nodiscard]] int run() const;

private:
    CLI::App* schema_ = nullptr;
    bool json_ = false;
    bool markdown_ = false;
};

}  // namespace tiersim::cli
