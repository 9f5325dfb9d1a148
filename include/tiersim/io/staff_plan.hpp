// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/summary.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

/// The pieces of `tiersim plan` (docs/model.md, *Finding the staffing that meets a target*): the
/// staff keys of a tier, scaled by one factor per tier and written back as --set overrides, and
/// the targets a plan must meet, read from the summary of a run.
namespace tiersim::io {

/// One staff key of a scenario at one tier: a department's staff (a count or per 10,000
/// residents, as the scenario writes it), a tier's window intake or a channel's seats.
struct StaffKnob {
    model::Tier tier = model::Tier::street;
    std::string key;    ///< the dotted key an override sets
    double base = 0.0;  ///< the scenario's value
    bool count = true;  ///< an integer number of servers (else servers per 10,000 residents)
};

/// The staff keys of every tier in `tiers` (those with servers in the scenario).
[[nodiscard]] std::vector<StaffKnob> staff_knobs(const model::ScenarioSpec& spec,
                                                 const std::vector<model::Tier>& tiers);

/// The overrides that scale each knob by its tier's factor: a count rounds, and stays >= 1.
[[nodiscard]] std::vector<std::string> staff_overrides(
    const std::vector<StaffKnob>& knobs, const std::array<double, model::tier_count>& factor);

/// A target on a summary metric: METRIC[@GROUP]>=VALUE or <=VALUE. GROUP is `overall` (the
/// default), `tier:NAME`, `type:NAME`, `channel:NAME` or `province:NAME`; METRIC a GroupStats
/// value field (within_limit_share, abandoned_share, resolution_rate, lead_time_p90_h, …).
struct PlanTarget {
    std::string text;  ///< as written
    std::string metric;
    std::string group = "overall";
    bool at_least = true;  ///< >= (else <=)
    double value = 0.0;
};

/// Parses a target; std::nullopt with `error` set when it is not one.
[[nodiscard]] std::optional<PlanTarget> parse_target(const std::string& text, std::string& error);

/// The target's metric in `summary`; NaN where the group has no such tickets. @throws
/// std::invalid_argument naming a group that the scenario does not have
[[nodiscard]] double target_value(const model::Summary& summary, const PlanTarget& target);

}  // namespace tiersim::io
