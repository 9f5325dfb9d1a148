// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tiersim::cli {

/// Progress on stderr: a redrawn bar on a terminal, a line per 10% otherwise, nothing when
/// quiet; with `json`, one JSON object per line (`{"progress":0.42,"day":12.6,"closed":123}`)
/// for a program that reads it (the workbench's jobs). Redraws at most ten times a second so it
/// never slows the run.
class Progress {
public:
    Progress(double total_h, bool quiet, bool json = false);
    void update(double t_h, std::int64_t closed);
    void finish(bool interrupted);

private:
    using Clock = std::chrono::steady_clock;
    double total_h_;
    bool quiet_;
    bool json_;
    bool terminal_;
    Clock::time_point started_;
    Clock::time_point last_draw_;
    int last_decile_ = -1;
    bool drawn_ = false;
};

/// Progress of a sweep on stderr, over all of its runs: the simulated hours of every run add up
/// to the whole, so the ETA counts runs in flight. Thread-safe: runs report from any thread.
class SweepProgress {
public:
    SweepProgress(std::int64_t runs, double hours_per_run, bool quiet);
    /// A run reached t_h (hours are counted per run, by its index among this process's runs).
    void update(std::size_t run, double t_h);
    void run_done(std::size_t run, bool failed);
    void finish(bool interrupted);

private:
    using Clock = std::chrono::steady_clock;
    void draw_locked(bool force);
    std::mutex mutex_;
    std::int64_t runs_;
    double hours_per_run_;
    bool quiet_;
    bool terminal_;
    std::vector<double> reached_h_;
    double total_reached_h_ = 0.0;
    std::int64_t done_ = 0;
    std::int64_t failed_ = 0;
    Clock::time_point started_;
    Clock::time_point last_draw_;
    int last_decile_ = -1;
    bool drawn_ = false;
};

}  // namespace tiersim::cli
