// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/summary.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

/// The fields of GroupStats by name, in declaration order, so that every output (HDF5
/// /summary tables and attributes, JSON, the analysis package) names them the same way.
///
/// Two tables: the counts (int64) and the values (double). A value field is read through an
/// accessor, so that the array GroupStats::coord_by_kind_h appears as one field per CostKind
/// ("coord_handoff_h", "coord_meeting_h", …), the names /tickets and /series use too.
namespace tiersim::model {

struct GroupStatsCountField {
    const char* name;
    std::int64_t GroupStats::*member;
};

struct GroupStatsValueField {
    const char* name;
    double (*get)(const GroupStats&);
};

namespace detail {

template <double GroupStats::*Member>
constexpr double group_member(const GroupStats& g) {
    return g.*Member;
}

template <CostKind Kind>
constexpr double group_coord_kind(const GroupStats& g) {
    return g.coord_by_kind_h[static_cast<std::size_t>(Kind)];
}

}  // namespace detail

inline constexpr auto group_stats_count_fields = std::to_array<GroupStatsCountField>({
    {"created", &GroupStats::created},
    {"closed", &GroupStats::closed},
    {"abandoned", &GroupStats::abandoned},
    {"open_late", &GroupStats::open_late},
    {"open_undecided", &GroupStats::open_undecided},
    {"surveyed", &GroupStats::surveyed},
    {"service_items", &GroupStats::service_items},
    {"repeat_calls", &GroupStats::repeat_calls},
    {"data_updates", &GroupStats::data_updates},
});

/// The per-kind coordination fields below follow cost_kind_names: "coord_" + kind + "_h".
static_assert(cost_kind_count == 5, "add the new CostKind to group_stats_value_fields");

inline constexpr auto group_stats_value_fields = std::to_array<GroupStatsValueField>({
    {"response_rate", detail::group_member<&GroupStats::response_rate>},
    {"resolution_rate", detail::group_member<&GroupStats::resolution_rate>},
    {"satisfaction_rate", detail::group_member<&GroupStats::satisfaction_rate>},
    {"within_limit_share", detail::group_member<&GroupStats::within_limit_share>},
    {"lead_time_mean_h", detail::group_member<&GroupStats::lead_time_mean_h>},
    {"lead_time_p50_h", detail::group_member<&GroupStats::lead_time_p50_h>},
    {"lead_time_p90_h", detail::group_member<&GroupStats::lead_time_p90_h>},
    {"lead_time_p99_h", detail::group_member<&GroupStats::lead_time_p99_h>},
    {"lead_time_km_p50_h", detail::group_member<&GroupStats::lead_time_km_p50_h>},
    {"lead_time_km_p90_h", detail::group_member<&GroupStats::lead_time_km_p90_h>},
    {"lead_time_km_p99_h", detail::group_member<&GroupStats::lead_time_km_p99_h>},
    {"handoffs_per_ticket", detail::group_member<&GroupStats::handoffs_per_ticket>},
    {"returns_per_ticket", detail::group_member<&GroupStats::returns_per_ticket>},
    {"escalations_per_ticket", detail::group_member<&GroupStats::escalations_per_ticket>},
    {"hops_per_ticket", detail::group_member<&GroupStats::hops_per_ticket>},
    {"leader_share", detail::group_member<&GroupStats::leader_share>},
    {"rehandles_per_ticket", detail::group_member<&GroupStats::rehandles_per_ticket>},
    {"reworks_per_ticket", detail::group_member<&GroupStats::reworks_per_ticket>},
    {"abandoned_share", detail::group_member<&GroupStats::abandoned_share>},
    {"repeat_call_share", detail::group_member<&GroupStats::repeat_call_share>},
    {"visits_per_case", detail::group_member<&GroupStats::visits_per_case>},
    {"at_most_one_visit_share", detail::group_member<&GroupStats::at_most_one_visit_share>},
    {"no_visit_share", detail::group_member<&GroupStats::no_visit_share>},
    {"materials_requested_per_case",
     detail::group_member<&GroupStats::materials_requested_per_case>},
    {"data_freshness_mean_h", detail::group_member<&GroupStats::data_freshness_mean_h>},
    {"data_freshness_p90_h", detail::group_member<&GroupStats::data_freshness_p90_h>},
    {"data_rejected_share", detail::group_member<&GroupStats::data_rejected_share>},
    {"coord_cost_h", detail::group_member<&GroupStats::coord_cost_h>},
    {"coord_handoff_h", detail::group_coord_kind<CostKind::handoff>},
    {"coord_meeting_h", detail::group_coord_kind<CostKind::meeting>},
    {"coord_return_h", detail::group_coord_kind<CostKind::returned>},
    {"coord_leader_h", detail::group_coord_kind<CostKind::leader>},
    {"coord_cross_h", detail::group_coord_kind<CostKind::cross>},
});

}  // namespace tiersim::model
