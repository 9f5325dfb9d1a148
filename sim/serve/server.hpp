// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

namespace tiersim::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;  ///< 0: any free port (printed)
    std::filesystem::path workspace = "tiersim-workspace";
    bool allow_remote = false;  ///< needed for any host other than loopback
};

/// `tiersim serve`: the workbench's page and JSON API (docs/workbench.md) until `stop` is set
/// (SIGINT, SIGTERM). Prints the address on stdout once it listens. Returns the exit code.
/// @throws IoError when the workspace cannot be made; ScenarioError for a bad option
int run_server(const ServerOptions& options, const std::atomic<bool>& stop);

}  // namespace tiersim::serve
