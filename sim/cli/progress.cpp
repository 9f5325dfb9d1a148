// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace tiersim::cli {

Progress::Progress(double total_h, bool quiet)
    : total_h_(total_h > 0 ? total_h : 1.0),
      quiet_(quiet),
      terminal_(isatty(STDERR_FILENO) != 0),
      started_(Clock::now()),
      last_draw_(started_) {}

void Progress::update(double t_h, std::int64_t closed) {
    if (quiet_)
        return;
    const double fraction = std::clamp(t_h / total_h_, 0.0, 1.0);
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    if (terminal_) {
        if (now - last_draw_ < std::chrono::milliseconds(100) && fraction < 1.0)
            return;
        last_draw_ = now;
        constexpr int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::fprintf(
            stderr,
            "\r[%s] %5.1f%%  day %6.2f/%.0f  %lld tickets closed  %5.1fs elapsed, ETA %5.1fs ",
            bar.c_str(),
            100.0 * fraction,
            t_h / 24.0,
            total_h_ / 24.0,
            static_cast<long long>(closed),
            elapsed,
            eta);
        std::fflush(stderr);
        drawn_ = true;
        return;
    }
    const int decile = static_cast<int>(fraction * 10.0);
    if (decile > last_decile_) {
        last_decile_ = decile;
        std::fprintf(stderr,
                     "tiersim: %3d%% (day %.1f of %.0f), %lld tickets closed, %.1fs elapsed\n",
                     decile * 10,
                     t_h / 24.0,
                     total_h_ / 24.0,
                     static_cast<long long>(closed),
                     elapsed);
    }
}

void Progress::finish(bool interrupted) {
    if (quiet_)
        return;
    if (drawn_)
        std::fputc('\n', stderr);
    if (interrupted)
        std::fputs("tiersim: interrupted; writing what was simulated\n", stderr);
}

}  // namespace tiersim::cli
