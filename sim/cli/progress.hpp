// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>

namespace tiersim::cli {

/// Progress on stderr: a redrawn bar on a terminal, a line per 10% otherwise, nothing when
/// quiet. Redraws at most ten times a second so it never slows the run.
class Progress {
public:
    Progress(double total_h, bool quiet);
    void update(double t_h, std::int64_t closed);
    void finish(bool interrupted);

private:
    using Clock = std::chrono::steady_clock;
    double total_h_;
    bool quiet_;
    bool terminal_;
    Clock::time_point started_;
    Clock::time_point last_draw_;
    int last_decile_ = -1;
    bool drawn_ = false;
};

}  // namespace tiersim::cli
