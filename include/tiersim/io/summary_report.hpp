// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/io/run_writer.hpp"
#include "tiersim/model/summary.hpp"

#include <string>

/// Human and machine renderings of a run's summary (what `tiersim run` prints).
namespace tiersim::io {

/// A compact aligned table for a terminal: a header line (scenario, seed, days, threads, wall
/// time, events and events/s), the conservation line, then one row per group (overall, tiers,
/// types, provinces). Undefined values (no closed tickets) print as "-". Ends with a newline.
std::string summary_text(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name);

/// The summary as one JSON object (one line, no trailing newline): scenario, output, seed,
/// days, end_h, threads, ranks, wall_seconds, events, events_per_second, interrupted,
/// tickets{created, closed, abandoned, open_at_end}, overall{…}, by_tier{NAME:{…}},
/// by_type{NAME:{…}}, by_province{NAME:{…}}; groups in their output order. NaN is null.
std::string summary_json(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name,
                         const std::string& output_path);

}  // namespace tiersim::io
