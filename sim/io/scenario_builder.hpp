// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
    /// Source path -> its layer: 0 the scenario asked for, 1 its base, and so on; the command
    /// line is -1. A smaller layer is a later one, whose keys override a larger one's.
    std::map<std::string, int, std::less<>> layers;
};

/// How deep a scenario may nest tables, arrays and inline tables (a dotted key or header of N
/// parts is N levels; each array adds one). The schema's deepest key has 5 parts
/// (provinces.NAME.tiers.TIER.design) and its deepest value ([calendars.NAME] hours) 4 levels;
/// the bound keeps every recursive walk of a table (toml++'s included) shallow.
inline constexpr int max_nesting = 32;

/// Where a text nests deeper than max_nesting: the first key, header or array that does.
struct DeepNesting {
    int line = 0;
    int column = 0;
    int depth = 0;        ///< the depth it reaches
    std::string what;     ///< "table header", "key" or "array"
    std::string excerpt;  ///< its text, shortened to about 40 bytes
};

/// Scans TOML text lexically, before toml++ parses it, for nesting deeper than max_nesting.
/// `start_depth` is the depth of the table the text is read into; with `value_only` the text is
/// one value (of a key at that depth), as a `--set` gives it.
std::optional<DeepNesting> find_deep_nesting(std::string_view text,
                                             int start_depth = 0,
                                             bool value_only = false);

/// "this table header ([a.a.a...) nests 100000 levels deep; a scenario may nest ... at most 32"
std::string deep_nesting_message(const DeepNesting& d);

/// Validates every key of `merged` and fills a ScenarioSpec (locations and resolved_toml too).
/// @throws ScenarioError listing every problem found.
model::ScenarioSpec build_scenario_spec(const MergedScenario& merged);

/// A branch from a checkpoint (scenario/branch.cpp): `base`, the checkpoint's scenario, with
/// what `branch` changes (compared in `branch_resolved`, its resolved text) as a [[timeline]]
/// entry on `day`, and the branch's own entries from that day on. The nodes moved from
/// `branch` keep where they were written. @throws ScenarioError for a key that differs but
/// cannot change during a run, or a timeline entry before `day` that the checkpoint lacks
MergedScenario compose_branch(MergedScenario&& branch,
                              const std::string& branch_resolved,
                              MergedScenario&& base,
                              double day);

/// One change of a reform timeline: the key's segments, the [[timeline]] entry it comes from,
/// and its value (exact: the entry's own node; else an interpolated ramp value as TOML text).
struct PlannedChange {
    std::vector<std::string> segments;
    std::string key;
    std::size_t entry = 0;
    bool exact = true;
    std::string value;
};

/// The changes that apply at one day (timeline.cpp).
struct PlannedStep {
    double day = 0.0;
    std::string label;
    std::vector<PlannedChange> changes;
};

/// Validates `merged`'s [[timeline]] (the shape of each entry, every key of `set` changeable, a
/// ramp's keys numbers) and orders its changes into steps before `run_days`.
/// @throws ScenarioError listing every problem found.
std::vector<PlannedStep> plan_timeline(const MergedScenario& merged, double run_days);

/// Lays one change over `table`, a fresh copy of the merged scenario (an exact value is moved
/// out of its own [[timeline]] entry, so that it keeps where it was written).
void apply_change(toml::table& table, const PlannedChange& change);

/// Levenshtein distance between two byte strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tiersim::io::detail
