// SPDX-License-Identifier: MIT
// The determinism contract (DESIGN §3): the same scenario and seed give bit-identical datasets
// outside /provenance whatever the thread count.
#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

namespace {

using tiersim::test::fingerprint;
using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

void require_identical_across_threads(const std::vector<std::string>& run_args) {
    const TempDir dir;
    std::map<std::string, std::vector<unsigned char>> reference;
    for (int threads : {1, 2, 3, 4}) {
        const auto out = dir.path() / ("t" + std::to_string(threads) + ".h5");
        std::vector<std::string> args = {"run"};
        args.insert(args.end(), run_args.begin(), run_args.end());
        args.insert(args.end(), {"-q", "--threads", std::to_string(threads), "-o", out.string()});
        const auto r = run_tiersim(args);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto print = fingerprint(out);
        REQUIRE(print.contains("/tickets/id"));
        if (threads == 1) {
            reference = print;
            continue;
        }
        REQUIRE(print.size() == reference.size());
        for (const auto& [path, bytes] : reference) {
            INFO("threads " << threads << ", dataset " << path);
            REQUIRE(print.contains(path));
            REQUIRE(print.at(path) == bytes);
        }
    }
}

}  // namespace

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: Jackson network with events",
          "[determinism]") {
    // 1 province x 2 cities: three logical processes, escalations cross them.
    require_identical_across_threads({"validation/jackson", "--days", "30", "--trace", "events"});
}

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: Jiangsu and Shanghai",
          "[determinism]") {
    // 16 logical processes; returns and escalations to city and province cross LPs.
    require_identical_across_threads({"default",
                                      "--days",
                                      "2",
                                      "--set",
                                      "simulation.warmup_days=0.5",
                                      "--set",
                                      "ticket_types.sectoral_complaint.escalate.city=0.5",
                                      "--set",
                                      "ticket_types.sectoral_complaint.escalate.district=0.5"});
}

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: the benchmark workloads",
          "[determinism]") {
    // The fixed workloads of issue 5, briefly: the tandem's chain across two LPs, Jiangsu's 14
    // LPs on the real codes, and the whole country's 373 LPs with 跨省通办 on every link.
    require_identical_across_threads({"bench/tandem", "--days", "200", "--trace", "events"});
    require_identical_across_threads({"bench/province",
                                      "--days",
                                      "1",
                                      "--set",
                                      "simulation.warmup_days=0",
                                      "--trace",
                                      "events"});
    require_identical_across_threads({"bench/national", "--days", "0.1", "--trace", "events"});
}

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: every named scenario",
          "[determinism]") {
    for (const char* name : {"s0-fragmented",
                             "s1-approval-bureau",
                             "s2-one-network",
                             "s3-three-lists",
                             "s4-leader-responsibility",
                             "s5-inter-provincial",
                             "beijing",
                             "jiangsu",
                             "shanghai"}) {
        INFO("scenario " << name);
        require_identical_across_threads({name, "--days", "14", "--trace", "events"});
    }
}

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: every lever at once",
          "[determinism]") {
    // Chases, repeat calls and abandonment of tickets that travel between provinces, joint
    // cross-province handling whose two parts meet across logical processes, leaders, re-handling,
    // bureaus and joint reviews side by side (per-province packages), split windows, queue
    // priorities by type, by leader and (in one province) by deadline.
    require_identical_across_threads(
        {"s5-inter-provincial",
         "--days",
         "21",
         "--trace",
         "events",
         "--set",
         "ticket_types.cross_item.rate=2.0",
         "--set",
         "ticket_types.cross_item.cross_mode={online=0.2, proxy=0.3, joint=0.5}",
         "--set",
         "citizens.patience_h=6",
         "--set",
         "citizens.repeat_call=0.5",
         "--set",
         "citizens.abandon=0.3",
         "--set",
         "strategy.escalate_after_returns=1",
         "--set",
         "strategy.rehandle=0.5",
         "--set",
         "institution.return_probability=0.3",
         "--set",
         "provinces.P1.tiers.district.design=approval_bureau",
         "--set",
         "provinces.P2.tiers.district.design=joint_review",
         "--set",
         "provinces.P2.technology.data_sharing=0.7",
         "--set",
         "provinces.P2.institution.accept_incomplete=true",
         "--set",
         "ticket_types.cross_item.priority=1",
         "--set",
         "strategy.leader_priority=2",
         "--set",
         "provinces.P2.strategy.deadline_priority_h=48"});
}

TEST_CASE("every dataset is bit-identical for 1, 2, 3 and 4 threads: callers who hang up",
          "[determinism]") {
    // An understaffed hotline whose callers hang up (channels.CHANNEL.patience_min), are chased
    // while on hold (a repeat call, or giving up) and skipped lazily when an operator frees;
    // window applicants with a patience too.
    require_identical_across_threads({"beijing",
                                      "--days",
                                      "5",
                                      "--trace",
                                      "events",
                                      "--set",
                                      "simulation.warmup_days=1",
                                      "--set",
                                      "channels.hotline.staff_per_10k=0.05",
                                      "--set",
                                      "channels.hotline.patience_min=15",
                                      "--set",
                                      "channels.window.patience_min=30",
                                      "--set",
                                      "citizens.patience_h=0.1",
                                      "--set",
                                      "citizens.repeat_call=0.5",
                                      "--set",
                                      "citizens.abandon=0.3"});
}

TEST_CASE("a different seed gives a different run, the same seed the same", "[determinism]") {
    const TempDir dir;
    auto run = [&](const std::string& name, const std::string& seed) {
        const auto out = dir.path() / name;
        const auto r = run_tiersim({"run",
                                    "validation/jackson",
                                    "--days",
                                    "5",
                                    "--set",
                                    "simulation.warmup_days=1",
                                    "--seed",
                                    seed,
                                    "-q",
                                    "-o",
                                    out.string()});
        REQUIRE(r.exit_code == 0);
        return tiersim::io::read_raw_column(out, "/tickets/created_h");
    };
    const auto a = run("a.h5", "11");
    const auto b = run("b.h5", "12");
    const auto a_again = run("a2.h5", "11");
    REQUIRE(a == a_again);
    REQUIRE(a != b);
}
