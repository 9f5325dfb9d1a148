// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/phold.hpp"

#include <CLI/CLI.hpp>

namespace tiersim::cli {

/// `tiersim bench phold`: the engine's synthetic benchmarks (issue 5). Registers itself on the
/// application; main() asks whether it was chosen and runs it.
class BenchCommand {
public:
    explicit BenchCommand(CLI::App& app);

    [[nodiscard]] bool chosen() const;

    /// Runs the chosen benchmark, prints its result; returns the exit code.
    [[nodiscard]] int run() const;

private:
    CLI::App* bench_ = nullptr;
    CLI::App* phold_ = nullptr;
    engine::PholdConfig phold_config_;
    int threads_ = 0;
    bool json_ = false;
};

}  // namespace tiersim::cli
