// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/engine/mpi_world.hpp"

#include <cstdint>
#include <string>

/// PHOLD, the classic synthetic benchmark of parallel discrete-event engines, as ROSS ships it:
/// N logical processes (LPs) start with E events each; processing an event schedules exactly one
/// new event `lookahead + Exp(mean)` later, at an LP drawn uniformly from all N with probability
/// `remote`, else at the same LP. Events before `end` are committed.
///
/// It is a model of the engine the governance model runs on (model_concept.hpp): a 4-ary
/// EventQueue per LP, counter-based Philox streams (one stream per event chain, one Philox block
/// per event, so the draws do not depend on where or when an event is processed), and the
/// conservative windows of window_scheduler.hpp, LPs advanced in parallel with oneTBB (16 to a
/// task) and remote events delivered after each window. The committed count and the checksum
/// are the same for any thread count, any number of MPI ranks and the sequential scheduler.
namespace tiersim::engine {

struct PholdConfig {
    std::int64_t lps = 1024;          ///< N, >= 1
    std::int64_t events_per_lp = 16;  ///< E, >= 1
    double remote = 0.25;             ///< P(the new event goes to a uniformly random LP)
    double lookahead = 0.1;           ///< least delay of a new event, in time units, > 0
    double mean = 1.0;                ///< mean of the exponential part of the delay, >= 0
    double end = 1000.0;              ///< events at times < end are committed, > 0
    std::uint64_t seed = 1;
};

struct PholdResult {
    std::uint64_t committed = 0;  ///< events processed (time < end), over every rank
    std::uint64_t remote = 0;     ///< of those, events whose new event went to another LP
    std::uint64_t windows = 0;    ///< conservative windows executed
    std::uint64_t checksum = 0;   ///< hash of every LP's committed events in its order
    double wall_seconds = 0.0;    ///< the event loop only (set-up excluded)
};

/// Time units are represented as integer ticks of 1e-6 (as the simulator's seconds of an hour).
inline constexpr double phold_ticks_per_unit = 1e6;

/// An empty string when `config` can run, else what is wrong with it (one line).
std::string phold_config_error(const PholdConfig& config);

/// Runs PHOLD on the calling thread's oneTBB arena (limit it with tbb::global_control). With
/// an MPI world of several ranks (collective; the window scheduler only) each rank advances a
/// block of LPs, and rank 0's result holds the checksum and the remote count of every LP.
/// @throws std::invalid_argument when phold_config_error(config) is not empty.
PholdResult run_phold(const PholdConfig& config,
                      SchedulerKind scheduler = SchedulerKind::windows,
                      const MpiWorld* world = nullptr);

}  // namespace tiersim::engine
