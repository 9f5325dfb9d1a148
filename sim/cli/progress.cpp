// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace tiersim::cli {

namespace {

/// A 30-character bar, '#' for the fraction done and '.' for the rest.
std::string bar_of(double fraction) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(width - filled), '.');
    return bar;
}

/// Seconds left at the pace so far.
double eta_of(double elapsed, double fraction) {
    return fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
}

}  // namespace

Progress::Progress(double total_h, bool quiet, bool json)
    : total_h_(total_h > 0 ? total_h : 1.0),
      quiet_(quiet),
      json_(json),
      terminal_(isatty(STDERR_FILENO) != 0),
      started_(Clock::now()),
      last_draw_(started_) {}

void Progress::update(double t_h, std::int64_t closed) {
    if (quiet_)
        return;
    const double fraction = std::clamp(t_h / total_h_, 0.0, 1.0);
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const double eta = eta_of(elapsed, fraction);
    if (json_) {
        if (now - last_draw_ < std::chrono::milliseconds(100) && fraction < 1.0)
            return;
        last_draw_ = now;
        std::fprintf(stderr,
                     "{\"progress\":%.4f,\"day\":%.3f,\"closed\":%lld,\"elapsed_s\":%.2f}\n",
                     fraction,
                     t_h / 24.0,
                     static_cast<long long>(closed),
                     elapsed);
        std::fflush(stderr);
        return;
    }
    if (terminal_) {
        if (now - last_draw_ < std::chrono::milliseconds(100) && fraction < 1.0)
            return;
        last_draw_ = now;
        const std::string bar = bar_of(fraction);
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
    if (interrupted && !json_)
        std::fputs("tiersim: interrupted; writing what was simulated\n", stderr);
}

SweepProgress::SweepProgress(std::int64_t runs, double hours_per_run, bool quiet)
    : runs_(runs),
      hours_per_run_(hours_per_run > 0 ? hours_per_run : 1.0),
      quiet_(quiet || runs == 0),
      terminal_(isatty(STDERR_FILENO) != 0),
      reached_h_(static_cast<std::size_t>(std::max<std::int64_t>(runs, 0)), 0.0),
      started_(Clock::now()),
      last_draw_(started_) {}

void SweepProgress::update(std::size_t run, double t_h) {
    if (quiet_)
        return;
    const std::lock_guard lock(mutex_);
    const double clamped = std::clamp(t_h, 0.0, hours_per_run_);
    total_reached_h_ += clamped - reached_h_[run];
    reached_h_[run] = clamped;
    draw_locked(false);
}

void SweepProgress::run_done(std::size_t run, bool failed) {
    if (quiet_)
        return;
    const std::lock_guard lock(mutex_);
    total_reached_h_ += hours_per_run_ - reached_h_[run];
    reached_h_[run] = hours_per_run_;
    ++done_;
    if (failed)
        ++failed_;
    draw_locked(true);
}

void SweepProgress::draw_locked(bool force) {
    const double fraction =
        std::clamp(total_reached_h_ / (hours_per_run_ * static_cast<double>(runs_)), 0.0, 1.0);
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const double eta = eta_of(elapsed, fraction);
    if (terminal_) {
        if (!force && now - last_draw_ < std::chrono::milliseconds(100))
            return;
        last_draw_ = now;
        const std::string bar = bar_of(fraction);
        std::fprintf(
            stderr,
            "\r[%s] %5.1f%%  runs %lld/%lld done, %lld failed  %5.1fs elapsed, ETA %5.1fs ",
            bar.c_str(),
            100.0 * fraction,
            static_cast<long long>(done_),
            static_cast<long long>(runs_),
            static_cast<long long>(failed_),
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
                     "tiersim: sweep %3d%%, runs %lld/%lld done, %lld failed, %.1fs elapsed, "
                     "ETA %.1fs\n",
                     decile * 10,
                     static_cast<long long>(done_),
                     static_cast<long long>(runs_),
                     static_cast<long long>(failed_),
                     elapsed,
                     eta);
    }
}

void SweepProgress::finish(bool interrupted) {
    if (quiet_)
        return;
    if (drawn_)
        std::fputc('\n', stderr);
    if (interrupted)
        std::fputs(
            "tiersim: interrupted; writing the runs that finished (continue with --resume)\n",
            stderr);
}

}  // namespace tiersim::cli
