// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace tiersim::model {

/// What a run reports; with MPI, the same on every rank.
struct RunOutcome {
    std::uint64_t events = 0;   ///< events processed (over all ranks)
    std::uint64_t windows = 0;  ///< conservative windows executed
    double end_h = 0.0;         ///< simulated time reached
    bool interrupted = false;
    std::vector<SeriesRow> series;  ///< bucket-major, then tier
};

/// Hooks that the caller supplies; all are called on the calling thread, between windows. With
/// an MPI world of several ranks, on_records and on_progress are called on rank 0 only (it
/// receives every rank's records); `stop` is read on every rank and any rank's stop stops all.
struct RunHooks {
    /// Receives each window's closed tickets (sorted by closing time, then id) and traced
    /// events (sorted by time, then ticket); it may swap the vectors' contents out.
    std::function<void(std::vector<TicketRecord>&, std::vector<EventRecord>&)> on_records;
    /// Progress: simulated hours reached.
    std::function<void(double)> on_progress;
    /// Set (e.g. by a signal handler) to stop at the next window.
    const std::atomic<bool>* stop = nullptr;
};

/// The four-tier ticket flow on the conservative-window engine (DESIGN §2.3–2.4, §3): one
/// logical process per city and per province unit, advanced in parallel with oneTBB through
/// windows as long as the lookahead. Results are bit-identical for any thread count and, given
/// an MPI world, any number of ranks (each rank advances a contiguous block of LPs).
class Simulation {
public:
    /// `world` (optional, must outlive the Simulation): the ranks to split the LPs over; every
    /// rank must construct the same Simulation and call run() (it is collective).
    /// @throws ScenarioError when the cross-LP latency (lookahead) is 0.
    Simulation(const ScenarioSpec& spec,
               const Organisation& org,
               bool trace_events,
               const engine::MpiWorld* world = nullptr);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// Runs to spec.days (or until *hooks.stop), then reports every ticket still open.
    RunOutcome run(const RunHooks& hooks);

    /// The LPs [first, second) that this rank advances (all of them without MPI).
    [[nodiscard]] std::pair<std::size_t, std::size_t> owned_lps() const;

    /// The lookahead, in hours.
    [[nodiscard]] double lookahead_h() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tiersim::model
