// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/traffic.hpp"

#include <cstddef>

/// What a run will cost, estimated before it starts from the traffic equations, so that `check`
/// can say it and `run` can refuse what would not fit (DESIGN §4.1, the budget).
namespace tiersim::model {

/// Bytes one open ticket holds in a run (its slot, queue entries, events and pool slack),
/// as measured on `bench/province` and `bench/national` (docs/performance.md: 554–627).
inline constexpr double bytes_per_open_ticket = 640.0;

struct RunEstimate {
    double tickets = 0;  ///< created over the run: arrival rate × horizon
    double events = 0;   ///< handled: two per queue visit, three per ticket besides
    /// Open at the end, at least: those in service (each queue's offered load, by Little's law)
    /// plus the backlog of every queue class whose load exceeds its capacity (its excess
    /// arrivals over the horizon). Tickets on delays (hops, handoffs, citizens) come on top.
    double open_tickets = 0;
    /// At most, while every queue keeps up: the arrivals of the longest resolution limit
    /// (tickets normally close within it), plus the same backlog.
    double open_tickets_high = 0;
    double series_bytes = 0;       ///< the series sums per province and bucket, exactly
    double memory_bytes = 0;       ///< open_tickets, the series and the stations: a lower bound
    double memory_high_bytes = 0;  ///< the same with open_tickets_high
};

/// The budget refuses only on the lower bound (memory_bytes), so that it never turns away a
/// run that fits; a run that outgrows it stops itself (RunHooks::max_open_tickets).
RunEstimate estimate_run(const CompiledModel& model, const TrafficReport& traffic);

}  // namespace tiersim::model
