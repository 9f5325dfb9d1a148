// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/model_concept.hpp"
#include "tiersim/engine/mpi_world.hpp"
#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/records.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::model {

/// What a run reports; with MPI, the same on every rank.
struct RunOutcome {
    std::uint64_t events = 0;   ///< events processed (over all ranks)
    std::uint64_t windows = 0;  ///< conservative windows executed (sequential: its epochs)
    double end_h = 0.0;         ///< simulated time reached
    bool interrupted = false;
    /// Non-empty when the run stopped by itself: its open tickets passed
    /// RunHooks::max_open_tickets (what overflowed and the longest queue, on the rank that
    /// found it; the others stop with it and say nothing), or its state at RunHooks::digest_at
    /// was not RunHooks::expected_digest (on every rank).
    std::string overload;
    /// The state digest at RunHooks::digest_at, once the run got there (every rank).
    std::optional<std::uint64_t> state_digest;
    std::vector<SeriesRow> series;  ///< bucket-major, then tier
    /// Per period of adaptation.period_days, province and tier (period-major).
    std::vector<SeriesRow> province_series;
    /// Period-major, then unit (rank 0), unless RunHooks::on_unit_rows took them.
    std::vector<UnitPeriodRow> unit_periods;
    std::vector<AdaptationRecord> adaptation;  ///< what the rules did, by time (rank 0)
};

/// Hooks that the caller supplies; all are called on the calling thread, between windows. With
/// an MPI world of several ranks, on_records and on_progress are called on rank 0 only (it
/// receives every rank's records); `stop` is read on every rank and any rank's stop stops all.
struct RunHooks {
    /// Receives each window's closed tickets and traced events, sorted by the time they were
    /// recorded (TicketRecord::recorded_at), then by closing time and id, or by event time and
    /// ticket: an order that no window boundary changes. It may swap the vectors' contents out.
    std::function<void(std::vector<TicketRecord>&, std::vector<EventRecord>&)> on_records;
    /// Receives each period's /unit_series rows (rank 0, at the period's end); without it they
    /// are kept in RunOutcome::unit_periods. It may swap the vector's contents out.
    std::function<void(std::vector<UnitPeriodRow>&)> on_unit_rows;
    /// Called once, just before on_records receives the tickets still open at the end (rank 0),
    /// with the hours the run reached: a summary can censor them as they come
    /// (SummaryAccumulator::censor_open_at) instead of keeping them.
    std::function<void(double end_h)> on_open_tickets;
    /// Progress: simulated hours reached.
    std::function<void(double)> on_progress;
    /// Set (e.g. by a signal handler) to stop at the next window.
    const std::atomic<bool>* stop = nullptr;
    /// Open tickets (of one rank) beyond which the run stops as overloaded; 0: no bound.
    std::size_t max_open_tickets = 0;
    /// A checkpoint's time (the start of a day; -1: none): the run takes a digest of its state
    /// there, before any reform step, rule or event at that time, into
    /// RunOutcome::state_digest (flow/checkpoint.cpp says what it covers).
    engine::Tick digest_at = -1;
    /// With digest_at: the digest that the state must have there (a branch from a
    /// checkpoint); a run that has another stops there, RunOutcome::overload saying why.
    std::optional<std::uint64_t> expected_digest;
};

/// The four-tier ticket flow (sim/model/flow/) on the engine (DESIGN §2.3–2.4, §3): one
/// logical process per city and per province unit, advanced in parallel with oneTBB through
/// windows as long as the lookahead, or one event at a time by the sequential reference
/// scheduler. Results are bit-identical for either scheduler, any thread count and, given an
/// MPI world, any number of ranks (each rank advances a contiguous block of LPs).
class Simulation {
public:
    /// `model` and `world` (optional) must outlive the Simulation. With a world of several
    /// ranks every rank must construct the same Simulation and call run() (it is collective);
    /// the sequential scheduler runs in one process only.
    explicit Simulation(const CompiledModel& model,
                        bool trace_events,
                        const engine::MpiWorld* world = nullptr,
                        engine::SchedulerKind scheduler = engine::SchedulerKind::windows);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// Runs to spec.days (or until *hooks.stop), then reports every ticket still open. A
    /// Simulation may run more than once; each run starts from the beginning.
    RunOutcome run(const RunHooks& hooks);

    /// Bytes of the /series sums kept per bucket and province, over the run (for estimate_run;
    /// an LP holds a few buckets at a time on top).
    static std::size_t series_bytes_per_province_bucket();

private:
    const CompiledModel& model_;
    bool trace_events_;
    const engine::MpiWorld* world_;
    engine::SchedulerKind scheduler_;
};

}  // namespace tiersim::model
