// SPDX-License-Identifier: MIT
#pragma once

#include "../serve/server.hpp"

#include <CLI/CLI.hpp>

#include <atomic>

namespace tiersim::cli {

/// `tiersim serve [--host H] [--port P] [--workspace DIR] [--allow-remote]`: the browser
/// workbench (docs/workbench.md). Registers itself on the application; main() asks whether it
/// was chosen and runs it.
class ServeCommand {
public:
    explicit ServeCommand(CLI::App& app);

    [[nodiscard]] bool chosen() const;

    /// Serves until `stop` is set; returns the exit code.
    [[nodiscard]] int run(const std::atomic<bool>& stop) const;

private:
    CLI::App* serve_ = nullptr;
    serve::ServerOptions options_;
};

}  // namespace tiersim::cli
