// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tiersim::io {

/// Loads a scenario: `name_or_path` is a file path or the name of an embedded scenario
/// ("" means "default"). Follows `base =` inheritance, then applies each `--set KEY=VALUE`
/// override (dotted TOML key path = TOML value, or a bare string), then validates every key.
/// @throws ScenarioError listing every problem found, each as FILE:LINE:COL with the key.
model::ScenarioSpec load_scenario(const std::string& name_or_path,
                                  const std::vector<std::string>& overrides = {});

/// Refuses an output path that is one of the scenario's input files (the scenario, a base, a
/// division file): writing there would destroy the input before the run could fail.
/// @throws ScenarioError at the command line's `-o`.
void check_output_path(const std::filesystem::path& output, const model::ScenarioSpec& spec);

}  // namespace tiersim::io
