// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/io/sweep_plan.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

/// A sweep's HDF5 file (DESIGN §4.3), assembled from the files of its runs:
///
///   /provenance    kind = "sweep", version, scenario, the axes as JSON, replications, crn, …
///   /points        one row per point: point, one column per varied key (float64 when every
///                  value is a number, else UTF-8), status, error, replications_done
///   /replications  one row per run (run = point × R + r): run, point, replication, seed,
///                  status, error, events, and each overall metric of the run
///   /metrics       long format, one row per (point, group, name, metric): mean, ci95_low,
///                  ci95_high, sd, n over the replications that completed
///   /point/NNNN/summary   a run's /summary layout holding the means over replications
///   /runs/NNNN/{tickets,events,series}   with --trace, NNNN being the run
///   /units, /ticket_types  copied from the first complete run
///
/// Every dataset depends only on the plan and the runs' results, so a sweep gives the same
/// file (outside /provenance) whatever its threads, ranks or interruptions.
namespace tiersim::io {

/// One table of a run's /summary as numbers: "overall" (the /summary attributes: one row
/// named "") or a by_* table (its rows by name). NaN marks an undefined value.
struct SummaryTable {
    std::string group;
    std::vector<std::string> rows;
    std::vector<std::string> fields;          ///< sorted
    std::vector<std::vector<double>> values;  ///< [field][row]
};

/// "overall" first, then the by_* tables in name order. @throws IoError
std::vector<SummaryTable> read_run_summary(const std::filesystem::path& run_file);

enum class RunStatus : std::uint8_t { pending, complete, failed };

const char* run_status_name(RunStatus status);

struct SweepRun {
    RunStatus status = RunStatus::pending;
    std::string error;  ///< why it failed
    std::uint64_t seed = 0;
    std::int64_t events = 0;
    std::vector<SummaryTable> summary;  ///< when complete
    std::filesystem::path run_file;     ///< when complete: the run's own file
};

struct SweepInfo {
    std::string tiersim_version;
    std::string scenario_name;
    std::string scenario_toml;  ///< the base scenario, resolved, before the varied keys
    std::string trace;          ///< none, tickets or events
    std::string created_utc;
    std::string identity;  ///< what --resume compares (JSON), kept as /provenance/sweep_identity
    double days = 0.0;
    int threads = 1;
    int ranks = 1;
    double wall_seconds = 0.0;
    bool interrupted = false;
};

/// Writes `out` (through OUT.partial, renamed at the end). `runs` is indexed by run; with a
/// trace, each complete run's /tickets, /events and /series are copied from its run file.
/// @throws IoError
void write_sweep_file(const std::filesystem::path& out,
                      const SweepPlan& plan,
                      const std::vector<SweepRun>& runs,
                      const SweepInfo& info);

/// What a part of a sweep (a run file OUT.parts/run-NNNN.h5) says it is: attributes of its
/// /provenance named sweep_identity, sweep_point, sweep_replication, sweep_seed, and
/// sweep_checksum over everything else in the file. --resume uses a part only for the run whose
/// label it carries, and only while its contents match the checksum.
struct SweepPartLabel {
    std::string identity;  ///< content_hash of the sweep's identity (what --resume compares)
    std::string point;     ///< SweepPlan::point_label of its point: its values, not its index
    std::int64_t replication = 0;
    std::uint64_t seed = 0;
};

/// 16 hex digits: the 64-bit FNV-1a hash of `text`.
std::string content_hash(const std::string& text);

/// A checksum (16 hex digits, 64-bit FNV-1a) of a run file's contents: the name and bytes of
/// every dataset and attribute, groups in name order, except the sweep_* attributes of
/// /provenance. It covers everything write_sweep_file reads from a part. @throws IoError
std::string run_file_checksum(const std::filesystem::path& run_file);

/// Writes the label and the checksum into a finished run file. @throws IoError
void seal_sweep_part(const std::filesystem::path& run_file, const SweepPartLabel& label);

struct SweepPartCheck {
    SweepPartLabel label;
    std::string problem;  ///< why the part cannot be used at all; "" when it is whole
};

/// Reads a part's label and verifies its checksum. A file that cannot be read, carries no
/// label or does not match its checksum gets a `problem`; never throws for a damaged file.
SweepPartCheck check_sweep_part(const std::filesystem::path& run_file);

/// Zero-padded index of a point or run as used in paths: 0007.
std::string sweep_index_name(std::size_t index);

}  // namespace tiersim::io
