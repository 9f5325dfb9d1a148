// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/compiled_model.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/summary.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::io {

enum class TraceLevel : std::uint8_t { none, tickets, events };

/// Records of one window, already in canonical order.
struct RecordBatch {
    std::vector<model::TicketRecord> tickets;
    std::vector<model::EventRecord> events;
    std::vector<model::UnitPeriodRow> unit_rows;  ///< /unit_series, as the periods end
    /// When set (not NaN), the open tickets follow: the summary censors them at this time.
    double censor_open_at_h = std::numeric_limits<double>::quiet_NaN();
};

using model::SeriesRow;

/// What /provenance records besides the scenario.
struct RunInfo {
    std::string tiersim_version;
    std::uint64_t seed = 0;
    double days = 0.0;
    double end_h = 0.0;  ///< simulated time reached (less than days*24 when interrupted)
    int threads = 1;
    int ranks = 1;
    std::string created_utc;
    double wall_seconds = 0.0;
    std::uint64_t events = 0;
    bool interrupted = false;
    /// The state digest at a checkpoint's day (written or branched from), once reached.
    std::optional<std::uint64_t> state_digest;
    double digest_day = 0.0;
    std::string from_checkpoint;  ///< a branch (tiersim run --from): the checkpoint file
};

/// Writes one run's HDF5 file from a single writer thread, off the simulation threads.
/// Writes to "OUT.partial" and renames it to OUT in finish(), so a failed run never
/// clobbers an earlier file. Memory stays bounded: submit() blocks when the writer is behind.
class RunWriter {
public:
    /// Creates the file and writes /units, /ticket_types and, given the compiled model, its
    /// staffed queues in /queues. @throws IoError
    RunWriter(const std::filesystem::path& out,
              TraceLevel trace,
              const model::ScenarioSpec& spec,
              const model::Organisation& org,
              const model::CompiledModel* model = nullptr);
    ~RunWriter();  ///< without finish(): stops the writer and removes the partial file
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    /// An empty batch to fill (recycled from earlier submits, so steady state allocates nothing).
    RecordBatch acquire_batch();
    /// Hands a window's records to the writer thread; they are counted in the summary whatever
    /// the trace level. @throws IoError if the writer thread failed.
    void submit(RecordBatch&& batch);
    /// Hands a period's /unit_series rows to the writer thread (and empties `rows`), so that a
    /// long run does not keep them. @throws IoError if the writer thread failed.
    void submit_unit_rows(std::vector<model::UnitPeriodRow>& rows);
    /// Says that the records submitted from now on are the tickets open at `end_h`, the time
    /// finish() will be given: the summary censors them as they come rather than keeping them.
    void open_tickets_follow(double end_h);
    /// Drains the queue, writes /series, /summary and /provenance, closes and renames the file;
    /// the outcome's unit_periods (rows a run kept) follow the streamed ones.
    /// @return the summary. @throws IoError
    model::Summary finish(const model::RunOutcome& outcome, const RunInfo& info);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tiersim::io
