// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/io/run_writer.hpp"
#include "tiersim/model/costs.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/summary.hpp"

#include <string>
#include <vector>

/// Human and machine renderings of a run's summary (what `tiersim run` prints).
namespace tiersim::io {

/// The headline block, in words, that the command line prints first (and alone with
/// `--summary short`): the numbers of the workbench's cards — the three rates (三率), the
/// within-limit share, the median and p90 lead time, coordination cost by kind, visits per case
/// and abandonment — and the tickets still open. Ends with a blank line.
std::string headline_text(const model::Summary& summary,
                          const RunInfo& info,
                          const std::string& scenario_name);

/// Compact aligned tables for a terminal: a header line (scenario, seed, days, threads, wall
/// time, events and events/s), the conservation line, then three tables with one row per group
/// (overall, tiers, types, provinces, and the channels and cross-province modes that have
/// tickets): the rates, the within-limit share with the undecided tickets it leaves out, the
/// closed tickets' lead times and the Kaplan–Meier quantiles, the per-ticket counts; the
/// citizens' side (abandoned, repeat calls, visits and materials of service items, data
/// freshness); the coordination cost by kind. Undefined values (no tickets to average over, a
/// quantile the estimate does not reach) print as "-". Ends with a newline.
std::string summary_text(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name);

/// The censoring warning for Summary::short_horizon, one line without a newline (naming each
/// type, its limit and the horizon); "" when no type has a short horizon.
std::string short_horizon_warning(const model::Summary& summary);

/// The reform timeline's steps, one line each ("day 365  approval bureau  tiers.district.design
/// = \"approval_bureau\""), with a heading; "" without a timeline.
std::string timeline_text(const model::ScenarioSpec& spec);
/// What the adaptation rules did, a line per rule that acted; empty without any.
std::string adaptation_text(const std::vector<model::AdaptationRecord>& records);
/// The run's costs after the warm-up in one line; empty when nothing was paid.
std::string cost_text(const model::CostTotals& totals);

/// The summary as one JSON object (one line, no trailing newline): scenario, output, seed,
/// days, end_h, threads, ranks, wall_seconds, events, events_per_second, interrupted,
/// tickets{created, closed, abandoned, open_at_end}, horizon_h, short_horizon[{type, limit_wd,
/// limit_h}] (the types of short_horizon_warning, [] when none), overall{…}, by_tier{NAME:{…}},
/// by_type{NAME:{…}}, by_province{NAME:{…}}, by_channel{NAME:{…}} (every channel),
/// by_cross_mode{online|proxy|joint:{…}}; groups in their output order, each with every field
/// of group_stats_fields.hpp. NaN is null.
std::string summary_json(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name,
                         const std::string& output_path);

}  // namespace tiersim::io
