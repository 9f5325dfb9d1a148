// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::cli {

/// `tiersim plan`: the smallest staffing per tier that meets targets on the summary metrics
/// (docs/model.md, *Finding the staffing that meets a target*). The traffic equations give each
/// tier the smallest factor on its staff with every queue below --max-utilisation; then
/// replications are simulated and, while a target is not met by its 95% interval, the tier
/// with the busiest queue gets one step more. Registers itself on the application.
class PlanCommand {
public:
    explicit PlanCommand(CLI::App& app);

    [[nodiscard]] bool chosen() const;

    /// Runs the search and prints the staffing found; returns the exit code (0 found, 4 not
    /// within --max-rounds, 130 stopped).
    [[nodiscard]] int run(const std::atomic<bool>& stop) const;

private:
    CLI::App* plan_ = nullptr;
    std::string scenario_;
    std::vector<std::string> overrides_;
    std::vector<std::string> targets_;
    std::vector<std::string> tiers_;
    int replications_ = 5;
    std::optional<double> days_;
    std::optional<std::int64_t> seed_;
    int threads_ = 0;
    double step_ = 0.1;
    double max_utilisation_ = 0.95;
    int max_rounds_ = 12;
    bool json_ = false;
    bool quiet_ = false;
};

}  // namespace tiersim::cli
