// SPDX-License-Identifier: MIT
// Private to the model: the state of the adaptation rules ([adaptation], adaptation.cpp) and of
// the per-unit table (unit_periods.cpp). Every rank holds the same copy: the rules decide at
// barriers on counts summed over every LP and rank, so each rank takes the same decisions.
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"

#include <array>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tiersim::model::flow {

/// Per-unit counts of the current period (the unit's own LP writes them).
enum UnitCounter : std::uint8_t {
    u_closed,
    u_responded_in_time,
    u_surveyed,
    u_solved,
    u_satisfied,
    u_in_time,
    unit_counter_count
};

/// Servers that a rule moved to (or, negative, away from) one queue.
struct MovedStaff {
    std::uint32_t station = 0;
    std::int32_t servers = 0;
};

/// Leader attention at a bottom-ranked unit, due or under way.
struct Attention {
    engine::Tick start = 0;
    engine::Tick end = 0;
    bool active = false;
    std::vector<MovedStaff> staff;  ///< chosen when the unit was ranked, added at `start`
};

/// A project team at one queue: the sustained backlog that calls it, and its servers.
struct ProjectTeam {
    engine::Tick over_since = -1;   ///< first check of the current run above the threshold
    engine::Tick arrives = -1;      ///< requested: the team joins at this check
    std::vector<MovedStaff> moved;  ///< present: the queue's gain and the donors' losses
    std::int32_t from_pool = 0;
};

struct InstructionState {
    engine::Tick until = -1;  ///< in force until; -1 = not in force
    bool dated_issued = false;
};

struct AdaptationState {
    std::vector<std::array<std::int64_t, unit_counter_count>> unit_counts;  ///< by unit id
    engine::Tick period_start = 0;
    std::vector<UnitPeriodRow> unit_rows;  ///< rank 0
    std::vector<AdaptationRecord> records;

    /// Servers the rules added to (or took from) a queue, over its timeline staff.
    std::unordered_map<std::uint32_t, std::int32_t> extra_servers;

    std::vector<UnitId> ranked_units;  ///< the units of ranking.tier
    std::unordered_map<UnitId, Attention> attention;
    std::vector<std::uint8_t> attention_level;  ///< by unit id (empty: none yet)

    std::vector<UnitId> team_units;  ///< the units of project_teams.tier
    std::unordered_map<std::uint32_t, ProjectTeam> teams;
    std::unordered_map<UnitId, std::int32_t> pool_used;

    std::vector<InstructionState> instructions;
    std::vector<std::uint8_t> type_level;  ///< by ticket type: levels instructions add
    bool raises = false;                   ///< some level above is non-zero
    bool any_step = false;                 ///< a rule acts at some step of the run
};

}  // namespace tiersim::model::flow
