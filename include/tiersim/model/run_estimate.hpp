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
    double tickets = 0;       ///< created over the run: arrival rate × horizon
    double events = 0;        ///< handled: two per queue visit, three per ticket besides
    double open_tickets = 0;  ///< at the peak: see estimate_run
    double memory_bytes = 0;  ///< open tickets, the series and the stations
    double series_bytes = 0;  ///< of which the per-LP series buckets
};

/// Open tickets are the arrivals of the longest resolution limit among the ticket types (in
/// calendar days, at most the horizon): tickets normally close within their limit. Each queue
/// class whose load exceeds its capacity adds its excess arrivals over the whole horizon.
RunEstimate estimate_run(const CompiledModel& model, const TrafficReport& traffic);

}  // namespace tiersim::model
