// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>

/// `tiersim recover`: a run file from the OUT.partial that a killed run (SIGKILL, a power loss)
/// left behind. The writer flushes the partial file every few seconds, so it holds the units,
/// the ticket types, what the run is (/provenance) and the trace rows up to its last flush.
namespace tiersim::io {

struct Recovered {
    std::size_t tickets = 0;    ///< rows of /tickets kept (0 without a ticket trace)
    std::size_t events = 0;     ///< rows of /events kept
    std::size_t unit_rows = 0;  ///< rows of /unit_series kept (the periods written so far)
};

/// Copies what `partial` holds into a new file `out` (written as out.partial, then renamed):
/// /units, /ticket_types, /provenance marked interrupted = 1 and recovered = 1, and /tickets,
/// /events and /unit_series cut to the rows every column has. There is no /summary or /series: a
/// run computes them only at its end. @throws IoError when `partial` cannot be read as one.
Recovered recover_partial(const std::filesystem::path& partial, const std::filesystem::path& out);

}  // namespace tiersim::io
