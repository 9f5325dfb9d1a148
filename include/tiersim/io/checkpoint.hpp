// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace tiersim::io {

/// A checkpoint (`tiersim run --checkpoint FILE --checkpoint-day D`): the state a run had at
/// the start of day D, for branches (`tiersim run --from FILE`) that try other levers from the
/// same present. The state is held as the way to reach it — the scenario's resolved text and
/// seed, since a run is a function of them — and its digest (flow/checkpoint.cpp): a branch
/// replays the first D days and checks that it reached that state before its own levers apply.
/// Replaying costs the first D days again in each branch; the file stays a few kilobytes.
struct Checkpoint {
    std::string tiersim_version;  ///< of the run that wrote it
    std::string scenario_name;
    std::string scenario_toml;  ///< the run's resolved scenario (its /provenance text)
    std::uint64_t seed = 0;
    double day = 0.0;  ///< a whole day, after the warm-up or not
    std::uint64_t state_digest = 0;
    std::string created_utc;
};

/// Writes `checkpoint` to `path` (through PATH.partial, renamed into place). @throws IoError
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. @throws ScenarioError at the command line's --from when `path` is no
/// checkpoint (missing, not HDF5, no /checkpoint group, another format)
Checkpoint read_checkpoint(const std::filesystem::path& path);

}  // namespace tiersim::io
