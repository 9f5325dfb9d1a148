// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <array>
#include <cstdint>

namespace tiersim::model {

/// Where a ticket is in its life cycle (DESIGN §2.4): what its next event or queue means.
enum class Phase : std::uint8_t {
    intake,     ///< queued or in service at its channel's intake (or arriving there)
    transfer,   ///< travelling to a unit (dispatch, escalation, re-dispatch, a leader's assignment)
    step,       ///< queued or in service at one department (or the bureau) of its unit
    handoff,    ///< between two department steps
    fork,       ///< joint review: its departments work in parallel (`pending` still busy)
    join,       ///< joint review: the join meeting
    followup,   ///< done with the steps at a unit, the case follows up off the queues
    materials,  ///< waiting for the applicant's materials, or for cross-province rework
    leader,     ///< travelling to or queued at a leader (一把手)
    link,       ///< travelling to or queued at the link to its home province (跨省通办)
    closing,    ///< done; the result is on its way (courier) or materials are still missing
    join_wait,  ///< 多地联办: done at home, waiting for the other province's part
    join_signal,  ///< 多地联办: the local part's result travelling to the home province
    cross_join,   ///< 多地联办: the join meeting of both provinces
    data_wait,    ///< grid data update: in the district review, or waiting for a batch or sync
    /// travelling to or queued at its unit's leader (its city's) for a decision on
    /// negative-listed materials (withheld > 0), or on the way back to its unit (withheld = 0)
    negative_list,
    /// deadline pressure: field work still going once `strategy.expedite_at` of the limit has gone,
    /// finished in one more session of its last department (waiting to start, or queued)
    expedite,
};

/// Bits of Ticket::flags.
enum TicketFlag : std::uint8_t {
    flag_shadow = 1,           ///< the local part of a 多地联办 ticket (no record of its own)
    flag_leader_assigned = 2,  ///< a leader has decided: no more returns or escalations
    flag_materials_done = 4,   ///< materials handled at the handling unit
    flag_cross_checked = 8,    ///< cross-province standards checked at the home authority
    flag_abandoned = 16,       ///< the citizen gave up; dropped at its next event
    /// Waiting for intake with a patience (channels.CHANNEL.patience_min): abandoned_at holds
    /// the time the caller hangs up unless a server takes the call first.
    flag_on_hold = 32,
    flag_unreasonable = 64,         ///< an unreasonable demand, which no unit can solve
    flag_answered_at_intake = 128,  ///< a trip home answered at intake: closes once back
};

/// A ticket's whole state: a POD that lives in its LP's pool and travels in messages between
/// LPs. Its random stream is keyed by its id and counted by `draws`, so its draws do not depend
/// on where it is processed.
struct Ticket {
    std::uint64_t id = 0;
    std::uint64_t draws = 0;
    std::int64_t parent = -1;  ///< the ticket a repeat call chases
    engine::Tick created = 0;
    engine::Tick responded = -1;        ///< -1 until first responded
    engine::Tick intake_started = -1;   ///< when intake service began
    engine::Tick chase_at = -1;         ///< when the citizen chases, -1 if not (any more)
    engine::Tick materials_ready = -1;  ///< 容缺受理: materials complete at; closing waits
    engine::Tick abandoned_at = -1;
    engine::Tick work = 0;  ///< work of the current service, for the leader's cost
    std::array<std::int64_t, cost_kind_count> cost{};  ///< coordination, staff-seconds by kind
    std::int32_t type = 0;
    UnitId origin = no_unit;  ///< street where the demand arose
    UnitId home = no_unit;  ///< street whose authority handles it (another province's for 跨省通办)
    UnitId intake = no_unit;   ///< intake unit of its channel
    UnitId unit = no_unit;     ///< where it is (or is going)
    std::uint32_t seq = 0;     ///< events scheduled so far, the tie-breaker of the total order
    std::int16_t step = 0;     ///< index into the type's departments
    std::int16_t pending = 0;  ///< joint review: parallel steps still busy
    std::int16_t hops = 0;
    std::int16_t handoffs = 0;
    std::int16_t returns = 0;
    std::int16_t escalations = 0;
    std::int16_t visits = 0;
    std::int16_t materials_requested = 0;
    std::int16_t reworks = 0;
    std::int16_t withheld = 0;    ///< negative-listed materials awaiting the leader's decision
    std::int16_t requesting = 0;  ///< materials to ask of the applicant after that decision
    std::int8_t rehandles = 0;
    std::uint8_t flags = 0;
    Channel channel = Channel::hotline;
    CrossMode cross = CrossMode::none;
    Phase phase = Phase::intake;

    [[nodiscard]] bool has(TicketFlag f) const { return (flags & f) != 0; }

    void set(TicketFlag f) { flags = static_cast<std::uint8_t>(flags | f); }

    void clear(TicketFlag f) { flags = static_cast<std::uint8_t>(flags & ~f); }
};

}  // namespace tiersim::model
