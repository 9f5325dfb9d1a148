// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/io/run_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/// Options that `run` and `sweep` read the same way.
namespace tiersim::cli {

/// `--trace none|tickets|events` (CLI11 has already checked the word).
io::TraceLevel parse_trace(const std::string& trace);

/// `--scheduler windows|sequential` (CLI11 has already checked the word).
engine::SchedulerKind parse_scheduler(const std::string& scheduler);

/// The --set overrides followed by --days and --seed, which are overrides like any --set, so
/// that provenance records them and the schema checks their ranges (a negative seed is
/// refused there, not wrapped; days are written in full precision).
std::vector<std::string> with_days_and_seed(std::vector<std::string> overrides,
                                            std::optional<double> days,
                                            std::optional<std::int64_t> seed);

/// A scenario name as a file name stem: "validation/mmc" → "validation-mmc".
std::string file_stem(const std::string& scenario_name);

}  // namespace tiersim::cli
