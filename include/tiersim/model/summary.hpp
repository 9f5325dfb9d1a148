// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

/// The metrics of DESIGN §2.7, computed from the stream of ticket records.
namespace tiersim::model {

/// Metrics of one group of tickets (overall, a tier, a ticket type or a province). Rates and
/// lead times are over tickets created after the warm-up and closed before the end.
struct GroupStats {
    std::string name;
    std::int64_t created = 0;         ///< created after the warm-up
    std::int64_t closed = 0;          ///< of those, closed
    double response_rate = 0.0;       ///< responded within respond_h (响应率)
    double resolution_rate = 0.0;     ///< reported solved at callback (解决率)
    double satisfaction_rate = 0.0;   ///< satisfied at callback (满意率)
    double within_limit_share = 0.0;  ///< closed within resolve_wd working days
    double lead_time_mean_h = 0.0;
    double lead_time_p50_h = 0.0;
    double lead_time_p90_h = 0.0;
    double lead_time_p99_h = 0.0;
    double handoffs_per_ticket = 0.0;
    double returns_per_ticket = 0.0;
    double escalations_per_ticket = 0.0;
    double hops_per_ticket = 0.0;
    double visits_per_ticket = 0.0;
    double coord_cost_h = 0.0;  ///< total staff-hours of coordination
};

struct Summary {
    // Conservation line, over every ticket of the run: created = closed + abandoned + open.
    std::int64_t created = 0;
    std::int64_t closed = 0;
    std::int64_t abandoned = 0;
    std::int64_t open_at_end = 0;

    GroupStats overall;
    std::array<GroupStats, tier_count> by_tier;  ///< by the tier that closed the ticket
    std::vector<GroupStats> by_type;
    std::vector<GroupStats> by_province;  ///< by the province of origin
};

}  // namespace tiersim::model
