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

/// Where a branch starts: a checkpoint's scenario (io/checkpoint.hpp) and day.
struct BranchOrigin {
    std::string path;  ///< the checkpoint file, as diagnostics name it
    std::string scenario_name;
    std::string scenario_toml;  ///< resolved
    double day = 0.0;
};

/// Loads a branch from a checkpoint (`tiersim run BRANCH --from FILE`): the checkpoint's
/// scenario up to its day, then from that day on what the branch `name_or_path` (with
/// `overrides`; "" = the checkpoint's own scenario) sets otherwise, as one more [[timeline]]
/// entry, and the branch's timeline entries from that day on (scenario/branch.cpp). The
/// composed scenario's resolved text, a straight run of which is the branch run, goes to
/// /provenance. @throws ScenarioError for the branch's own mistakes, a key that differs but
/// cannot change during a run, or a timeline entry before the day that the checkpoint lacks
model::ScenarioSpec load_branch(const std::string& name_or_path,
                                const std::vector<std::string>& overrides,
                                const BranchOrigin& from);

/// Refuses an output path that is one of the scenario's input files (the scenario, a base, a
/// division file): writing there would destroy the input before the run could fail.
/// @throws ScenarioError at the command line's `-o`.
void check_output_path(const std::filesystem::path& output, const model::ScenarioSpec& spec);

}  // namespace tiersim::io
