// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/summary.hpp"

#include <array>
#include <cstdint>

/// The fields of GroupStats by name, in declaration order, so that every output (HDF5
/// /summary tables, JSON, text) names them the same way.
namespace tiersim::model {

struct GroupStatsCountField {
    const char* name;
    std::int64_t GroupStats::*member;
};

struct GroupStatsValueField {
    const char* name;
    double GroupStats::*member;
};

inline constexpr std::array<GroupStatsCountField, 2> group_stats_count_fields = {{
    {"created", &GroupStats::created},
    {"closed", &GroupStats::closed},
}};

inline constexpr std::array<GroupStatsValueField, 14> group_stats_value_fields = {{
    {"response_rate", &GroupStats::response_rate},
    {"resolution_rate", &GroupStats::resolution_rate},
    {"satisfaction_rate", &GroupStats::satisfaction_rate},
    {"within_limit_share", &GroupStats::within_limit_share},
    {"lead_time_mean_h", &GroupStats::lead_time_mean_h},
    {"lead_time_p50_h", &GroupStats::lead_time_p50_h},
    {"lead_time_p90_h", &GroupStats::lead_time_p90_h},
    {"lead_time_p99_h", &GroupStats::lead_time_p99_h},
    {"handoffs_per_ticket", &GroupStats::handoffs_per_ticket},
    {"returns_per_ticket", &GroupStats::returns_per_ticket},
    {"escalations_per_ticket", &GroupStats::escalations_per_ticket},
    {"hops_per_ticket", &GroupStats::hops_per_ticket},
    {"visits_per_case", &GroupStats::visits_per_case},
    {"coord_cost_h", &GroupStats::coord_cost_h},
}};

}  // namespace tiersim::model
