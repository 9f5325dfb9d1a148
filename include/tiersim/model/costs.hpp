// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <array>
#include <cstdint>
#include <vector>

/// What a run costs (docs/model.md, *Costs*), so that a planner can weigh 撤一建一 (a bureau set
/// up from existing departments) against hiring: payroll at each tier's staff_hour_yuan over the
/// staff-hours its queues were open, coordination staff-hours at the same rates, the staff-hours
/// the adaptation rules' moves cost, and the reforms' own costs ([costs.NAME]).
namespace tiersim::model {

/// One bucket of /costs (the buckets of /series): yuan spent in it, and the tickets closed.
struct CostRow {
    double t_h = 0.0;  ///< end of the bucket
    double payroll_yuan = 0.0;
    double coord_yuan = 0.0;
    double moves_yuan = 0.0;   ///< project teams' moves (AdaptationRecord::cost_h)
    double reform_yuan = 0.0;  ///< [costs.NAME]: one-offs on their day, yearly costs pro rata
    double total_yuan = 0.0;
    std::int64_t closed = 0;
    double yuan_per_closed = 0.0;  ///< NaN without a closing
};

/// What the costs are computed from: the tiers' rates, the cost items, each unit's tier.
struct CostBasis {
    std::array<double, tier_count> staff_hour_yuan{};
    std::vector<CostItem> items;
    std::vector<Tier> unit_tier;

    [[nodiscard]] static CostBasis of(const ScenarioSpec& spec, const Organisation& org);
};

/// The buckets' costs from the series (bucket-major, then tier) and the rules' records.
[[nodiscard]] std::vector<CostRow> cost_rows(const CostBasis& basis,
                                             const std::vector<SeriesRow>& series,
                                             const std::vector<AdaptationRecord>& adaptation);

/// The sums over the buckets that start at or after `from_h` (the warm-up).
struct CostTotals {
    double from_h = 0.0;
    double to_h = 0.0;
    double payroll_yuan = 0.0;
    double coord_yuan = 0.0;
    double moves_yuan = 0.0;
    double reform_yuan = 0.0;
    double total_yuan = 0.0;
    std::int64_t closed = 0;
    double yuan_per_closed = 0.0;  ///< NaN without a closing
};

[[nodiscard]] CostTotals cost_totals(const std::vector<CostRow>& rows, double from_h);

}  // namespace tiersim::model
