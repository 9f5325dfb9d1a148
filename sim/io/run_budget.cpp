// SPDX-License-Identifier: MIT
#include "tiersim/io/run_budget.hpp"

#include "tiersim/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>
#include <vector>

namespace tiersim::io {

namespace {

std::string count_text(double n) {
    char text[32];
    std::snprintf(text, sizeof text, n < 1e6 ? "%.0f" : "%.3g", n);
    return text;
}

double memory_limit(const RunBudget& budget) {
    return budget.max_memory > 0 ? budget.max_memory : default_max_memory();
}

}  // namespace

double default_max_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return 16e9;  // unknown: a size most machines that run a national scenario have
    return 0.8 * static_cast<double>(pages) * static_cast<double>(page);
}

std::optional<double> parse_memory_size(const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string unit = text.substr(used);
    if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b'))
        unit.pop_back();
    double scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1e3;
    else if (unit == "M" || unit == "m")
        scale = 1e6;
    else if (unit == "G" || unit == "g")
        scale = 1e9;
    else if (unit == "T" || unit == "t")
        scale = 1e12;
    else if (!unit.empty())
        return std::nullopt;
    if (!std::isfinite(value) || value <= 0)
        return std::nullopt;
    return value * scale;
}

std::string memory_text(double bytes) {
    char text[32];
    if (bytes >= 1e9)
        std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
    else
        std::snprintf(text, sizeof text, "%.0f MB", std::max(1.0, bytes / 1e6));
    return text;
}

void check_budget(const model::CompiledModel& model,
                  const model::RunEstimate& estimate,
                  const RunBudget& budget) {
    const model::ScenarioSpec& spec = model.spec();
    std::vector<Diagnostic> problems;
    if (estimate.tickets > budget.max_tickets) {
        problems.push_back(
            {spec.where("simulation.days"),
             "simulation.days",
             "simulation.days: the run would create about " + count_text(estimate.tickets) +
                 " tickets (" + count_text(estimate.tickets / spec.days) + " a day for " +
                 count_text(spec.days) + " days), more than --max-tickets " +
                 count_text(budget.max_tickets) +
                 "; shorten simulation.days, lower ticket_types.*.rate or raise --max-tickets"});
    }
    const double limit = memory_limit(budget);
    if (estimate.memory_bytes > limit) {
        const bool series = estimate.series_bytes > estimate.memory_bytes / 2;
        const std::string key = series ? "simulation.bucket_hours" : "simulation.days";
        const std::string cause =
            series ? "the series of " + count_text(static_cast<double>(model.bucket_count())) +
                         " buckets take " + memory_text(estimate.series_bytes) +
                         "; make simulation.bucket_hours larger"
                   : "at least " + count_text(estimate.open_tickets) +
                         " tickets open at once; shorten simulation.days or add staff where "
                         "`tiersim check` finds ρ >= 1";
        problems.push_back({spec.where(key),
                            key,
                            key + ": the run would need at least " +
                                memory_text(estimate.memory_bytes) + " of memory, more than " +
                                "--max-memory " + memory_text(limit) + " (" + cause +
                                ", or raise --max-memory)"});
    }
    if (!problems.empty())
        throw ScenarioError(std::move(problems));
}

std::size_t max_open_tickets(const RunBudget& budget, int runs) {
    const double per_run = memory_limit(budget) / std::max(1, runs);
    return static_cast<std::size_t>(std::max(1.0, per_run / model::bytes_per_open_ticket));
}

}  // namespace tiersim::io
