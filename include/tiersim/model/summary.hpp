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

/// Metrics of one group of tickets (overall, a tier, a ticket type, a channel, a province or
/// a cross-province mode). Counts and rates are over tickets created after the warm-up (the
/// cohort); rates, the mean and the lead_time_p* quantiles over those closed before the end;
/// the within-limit share and the lead_time_km_* quantiles over the closed and the still open
/// (SummaryAccumulator says how). NaN where a group has none.
struct GroupStats {
    std::string name;
    std::int64_t created = 0;         ///< created after the warm-up
    std::int64_t closed = 0;          ///< of those, closed
    std::int64_t abandoned = 0;       ///< of those, given up by the citizen
    std::int64_t open_late = 0;       ///< of those, open at the end and past their limit
    std::int64_t open_undecided = 0;  ///< open at the end, within their limit: censored
    std::int64_t surveyed = 0;        ///< closed and called back (not grid data updates)
    std::int64_t service_items = 0;   ///< closed window/online items (办件): visit metrics
    std::int64_t repeat_calls = 0;    ///< created as a repeat call (parent ≥ 0)
    std::int64_t data_updates = 0;    ///< closed upward data updates: freshness
    double response_rate = 0.0;       ///< responded within respond_h (响应率), of closed
    double resolution_rate = 0.0;     ///< reported solved at callback (解决率), of surveyed
    double satisfaction_rate = 0.0;   ///< satisfied at callback (满意率), of surveyed
    /// closed within resolve_wd working days / (closed + open_late): undecided ones left out
    double within_limit_share = 0.0;
    double lead_time_mean_h = 0.0;  ///< of closed tickets
    double lead_time_p50_h = 0.0;   ///< of closed tickets
    double lead_time_p90_h = 0.0;
    double lead_time_p99_h = 0.0;
    double lead_time_km_p50_h = 0.0;  ///< Kaplan–Meier, open tickets right-censored at the end
    double lead_time_km_p90_h = 0.0;
    double lead_time_km_p99_h = 0.0;
    double handoffs_per_ticket = 0.0;
    double returns_per_ticket = 0.0;
    double escalations_per_ticket = 0.0;
    double hops_per_ticket = 0.0;
    double leader_share = 0.0;                  ///< closed tickets a leader decided (一把手)
    double rehandles_per_ticket = 0.0;          ///< 重办
    double reworks_per_ticket = 0.0;            ///< 补正 and cross-province rework rounds
    double abandoned_share = 0.0;               ///< abandoned / created
    double repeat_call_share = 0.0;             ///< repeat calls / created
    double visits_per_case = 0.0;               ///< of service items
    double at_most_one_visit_share = 0.0;       ///< 最多跑一次, of service items
    double no_visit_share = 0.0;                ///< 不见面, of service items
    double materials_requested_per_case = 0.0;  ///< of service items
    double data_freshness_mean_h = 0.0;  ///< applied data updates: creation → provincial use
    double data_freshness_p90_h = 0.0;
    /// Data updates rejected at the district review; by tier, of those that reached the tier.
    double data_rejected_share = 0.0;
    double coord_cost_h = 0.0;  ///< total staff-hours of coordination, closed or not
    std::array<double, cost_kind_count> coord_by_kind_h{};  ///< the same by CostKind
};

/// The horizon after the warm-up is shorter than censoring_horizon_factor × a type's
/// resolution limit: most of its tickets cannot have been seen to the end of their limit, so
/// its within-limit share and lead-time quantiles are biased by censoring.
struct ShortHorizon {
    std::int32_t type_index = 0;  ///< index in ScenarioSpec::ticket_types and by_type
    std::string type;
    double limit_wd = 0.0;  ///< resolve_wd
    double limit_h = 0.0;   ///< resolution_limit_h(limit_wd)
};

/// How many resolution limits the horizon after the warm-up should span (assumption [A]).
inline constexpr double censoring_horizon_factor = 3.0;

/// A limit of `resolve_wd` working days in hours, as a five-day week spread over seven
/// calendar days (wd × 7/5 × 24): holidays would lengthen it, so it errs short.
constexpr double resolution_limit_h(double resolve_wd) {
    return resolve_wd * 7.0 / 5.0 * 24.0;
}

/// Groups by unit (Summary::by_unit): one row per unit of a tier, in unit order.
struct UnitGroupStats {
    std::vector<std::int32_t> units;  ///< UnitId of each row
    std::vector<GroupStats> groups;   ///< named by the unit; quantile fields NaN
};

struct Summary {
    // Conservation line, over every ticket of the run: created = closed + abandoned + open,
    // abandoned counting the callers who hung up waiting for intake (Outcome::hung_up) too.
    std::int64_t created = 0;
    std::int64_t closed = 0;
    std::int64_t abandoned = 0;
    std::int64_t open_at_end = 0;

    /// Some channel has a caller patience (channels.CHANNEL.patience_min > 0): only then are
    /// hung_up and connection_rate written (the file of a run without hang-ups is unchanged).
    bool hang_ups = false;
    /// Of the cohort (created after the warm-up), by the channel it arrived by: the callers who
    /// hung up waiting for intake (also in by_channel's abandoned), and the connection rate
    /// (接通率) 1 − hung_up / created; NaN where a channel has no tickets or no patience.
    std::array<std::int64_t, channel_count> hung_up{};
    std::array<double, channel_count> connection_rate{};

    GroupStats overall;
    std::array<GroupStats, tier_count> by_tier;  ///< by the tier that closed the ticket
    std::vector<GroupStats> by_type;
    std::vector<GroupStats> by_province;               ///< by the province of origin
    std::array<GroupStats, channel_count> by_channel;  ///< by the channel it arrived by
    /// 跨省通办 tickets by mode (online, proxy, joint: index = CrossMode − 1).
    std::array<GroupStats, cross_mode_count - 1> by_cross_mode;
    /// By the district [0] and city [1] of the street of origin, and by that street [2] with
    /// simulation.street_summary (else empty): the counts, rates and means, without quantiles
    /// (a histogram per unit would not fit a country).
    std::array<UnitGroupStats, 3> by_unit;

    double horizon_h = 0.0;  ///< end − warm-up: how long the cohort was watched
    /// Types with tickets in the cohort whose limit is long against horizon_h, in type order.
    std::vector<ShortHorizon> short_horizon;
};

}  // namespace tiersim::model
