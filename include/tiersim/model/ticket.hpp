// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/organisation.hpp"

#include <cstdint>

namespace tiersim::model {

/// Where a ticket is in its life cycle (DESIGN §2.4).
enum class Phase : std::uint8_t {
    intake,    ///< queued or in service at its channel's intake unit
    transfer,  ///< travelling to a unit (dispatch, escalation, re-dispatch after a return)
    step,      ///< queued or in service at a department of its handling unit
    handoff,   ///< between two department steps
};

/// A ticket's whole state: a POD that lives in its LP's pool and travels in messages between
/// LPs. Its random stream is keyed by its id and counted by `draws`, so its draws do not depend
/// on where it is processed.
struct Ticket {
    std::uint64_t id = 0;
    std::uint64_t draws = 0;
    engine::Tick created = 0;
    engine::Tick responded = -1;       ///< -1 until first responded
    engine::Tick intake_started = -1;  ///< when intake service began
    std::int32_t type = 0;
    UnitId origin = no_unit;
    UnitId intake = no_unit;      ///< intake unit of its channel
    UnitId unit = no_unit;        ///< where it is (or is going)
    std::int64_t coord_cost = 0;  ///< coordination cost in staff-seconds
    std::uint32_t seq = 0;        ///< events scheduled so far, the tie-breaker of the total order
    std::int16_t step = 0;        ///< index into the type's departments
    std::int16_t hops = 0;
    std::int16_t handoffs = 0;
    std::int16_t returns = 0;
    std::int16_t escalations = 0;
    Phase phase = Phase::intake;
};

}  // namespace tiersim::model
