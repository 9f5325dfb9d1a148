// SPDX-License-Identifier: MIT
#include "bench_command.hpp"

#include <nlohmann/json.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cinttypes>
#include <cstdio>
#include <iostream>

namespace tiersim::cli {

BenchCommand::BenchCommand(CLI::App& app) {
    bench_ = app.add_subcommand("bench", "run a synthetic benchmark of the engine");
    bench_->require_subcommand(1);
    phold_ = bench_->add_subcommand(
        "phold",
        "PHOLD as ROSS ships it: each event schedules one new event lookahead + Exp(mean) later, "
        "at a uniformly random LP with probability --remote, else at its own LP");
    engine::PholdConfig& c = phold_config_;
    phold_->add_option("--lps", c.lps, "logical processes N")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 31));
    phold_->add_option("--events-per-lp", c.events_per_lp, "starting events per LP E")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 32));
    phold_->add_option("--remote", c.remote, "probability that an event goes to a random LP")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    phold_->add_option("--lookahead", c.lookahead, "least delay of a new event (time units)")
        ->capture_default_str()
        ->check(CLI::Range(1e-6, 1e9));
    phold_->add_option("--mean", c.mean, "mean of the exponential part of the delay")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9));
    phold_->add_option("--end", c.end, "end time: events before it are committed")
        ->capture_default_str()
        ->check(CLI::Range(1e-6, 1e12));
    phold_->add_option("--seed", c.seed, "random seed")->capture_default_str();
    phold_->add_option("--threads", threads_, "worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    phold_->add_flag("--json", json_, "print the result as one JSON object on stdout");
}

bool BenchCommand::chosen() const {
    return bench_->parsed();
}

int BenchCommand::run() const {
    const engine::PholdConfig& c = phold_config_;
    const std::string error = engine::phold_config_error(c);
    if (!error.empty()) {
        std::cerr << "tiersim: error: " << error << '\n';
        return 2;
    }
    const int threads = threads_ > 0 ? threads_ : tbb::info::default_concurrency();
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
    const engine::PholdResult r = engine::run_phold(c);
    const double rate =
        r.wall_seconds > 0.0 ? static_cast<double>(r.committed) / r.wall_seconds : 0.0;
    char checksum[17];
    std::snprintf(checksum, sizeof checksum, "%016" PRIx64, r.checksum);
    if (json_) {
        nlohmann::json j;
        j["benchmark"] = "phold";
        j["lps"] = c.lps;
        j["events_per_lp"] = c.events_per_lp;
        j["remote"] = c.remote;
        j["lookahead"] = c.lookahead;
        j["mean"] = c.mean;
        j["end"] = c.end;
        j["seed"] = c.seed;
        j["threads"] = threads;
        j["committed"] = r.committed;
        j["remote_events"] = r.remote;
        j["windows"] = r.windows;
        j["checksum"] = checksum;
        j["wall_seconds"] = r.wall_seconds;
        j["events_per_second"] = rate;
        std::cout << j.dump() << '\n';
        return 0;
    }
    std::printf("phold  lps %" PRId64 "  events/lp %" PRId64
                "  remote %g  lookahead %g  mean %g  end %g  seed %" PRIu64
                "  threads %d\n"
                "committed events %" PRIu64 "  (remote %" PRIu64 ", windows %" PRIu64
                ")\n"
                "wall %.3f s  %.0f committed events/s\n"
                "checksum %s\n",
                c.lps,
                c.events_per_lp,
                c.remote,
                c.lookahead,
                c.mean,
                c.end,
                c.seed,
                threads,
                r.committed,
                r.remote,
                r.windows,
                r.wall_seconds,
                rate,
                checksum);
    return 0;
}

}  // namespace tiersim::cli
