// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

/// Private to the scenario loader: the step from a merged TOML table to a validated ScenarioSpec.
namespace tiersim::io::detail {

/// The file name that diagnostics about `--set` overrides carry.
inline constexpr std::string_view command_line_file = "<command line>";

/// A scenario after `base =` inheritance and `--set` overrides, before validation.
struct MergedScenario {
    std::string name;  ///< embedded name or file stem
    std::string file;  ///< source path of the scenario that was asked for (as diagnostics print it)
    toml::table table;  ///< merged keys; every parsed node keeps the source region it came from
    std::set<std::string> overridden;  ///< dotted keys set or created by `--set`
    /// Source path (as stored in the nodes) -> absolute folder that relative paths start from.
    std::map<std::string, std::filesystem::path, std::less<>> folders;
};

/// Validates every key of `merged` and fills a ScenarioSpec (locations and resolved_toml too).
/// @throws ScenarioError listing every problem found.
model::ScenarioSpec build_scenario_spec(const MergedScenario& merged);

/// Levenshtein distance between two byte strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tiersim::io::detail
