// SPDX-License-Identifier: MIT
// Checkpoints and branches (tiersim run --checkpoint, --from): a branch that changes nothing is
// the straight run bit for bit, whatever its thread count or scheduler; one that changes a
// lever is the straight run of its composed scenario, with the checkpoint's past; what cannot
// change from a running state is refused before anything is written; and a branch whose
// replay reaches another state stops at the checkpoint's day.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace {

using tiersim::test::fingerprint;
using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

// Every adaptation rule acts on each of the first days (validation/adaptation), so the
// checkpoint's day falls among moved servers, raised priorities and open rankings.
const std::vector<std::string> base_run = {"run", "validation/adaptation", "--days", "6", "-q"};

/// Runs `args` with -o `out` and requires exit 0.
tiersim::test::CommandResult run_ok(std::vector<std::string> args,
                                    const std::filesystem::path& out) {
    args.insert(args.end(), {"-o", out.string()});
    auto r = run_tiersim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

/// The straight run, writing a checkpoint of day 3.
std::filesystem::path straight_with_checkpoint(const TempDir& dir) {
    const auto checkpoint = dir.path() / "day3.h5";
    run_ok(with(base_run,
                {"--threads", "2", "--checkpoint", checkpoint.string(), "--checkpoint-day", "3"}),
           dir.path() / "straight.h5");
    REQUIRE(std::filesystem::exists(checkpoint));
    return checkpoint;
}

/// The rows of /tickets closed before `h`: ids and closing times.
std::vector<double> closed_before(const std::filesystem::path& file, double h) {
    const auto closed = tiersim::io::read_column<double>(file, "/tickets/closed_h");
    const auto id = tiersim::io::read_column<double>(file, "/tickets/id");
    std::vector<double> out;
    for (std::size_t i = 0; i < closed.size(); ++i) {
        if (closed[i] < h)
            out.insert(out.end(), {id[i], closed[i]});
    }
    return out;
}

}  // namespace

TEST_CASE("a branch that changes nothing is the straight run, bit for bit", "[branch]") {
    const TempDir dir;
    const auto checkpoint = straight_with_checkpoint(dir);
    const auto reference = fingerprint(dir.path() / "straight.h5");
    REQUIRE(reference.contains("/adaptation/action"));
    const std::vector<std::vector<std::string>> branches = {
        {"run", "--from", checkpoint.string(), "-q", "--threads", "1", "--json"},
        {"run", "--from", checkpoint.string(), "-q", "--scheduler", "sequential"},
        with(base_run, {"--from", checkpoint.string(), "--threads", "2"}),
    };
    for (std::size_t k = 0; k < branches.size(); ++k) {
        const auto out = dir.path() / ("branch" + std::to_string(k) + ".h5");
        const auto r = run_ok(branches[k], out);
        if (k == 0) {  // --json says where the branch came from, as /provenance does
            const auto j = nlohmann::json::parse(r.out);
            CHECK(j.at("from_checkpoint").get<std::string>() == checkpoint.string());
            CHECK(j.at("checkpoint_day").get<double>() == 3.0);
            CHECK(j.at("state_digest").get<std::string>().size() == 16);
        }
        const auto print = fingerprint(out);
        INFO("branch " << k);
        REQUIRE(print.size() == reference.size());
        for (const auto& [path, bytes] : reference) {
            INFO(path);
            REQUIRE(print.contains(path));
            CHECK((print.at(path) == bytes));
        }
        REQUIRE(tiersim::io::read_string_attribute(out, "/provenance", "from_checkpoint") ==
                checkpoint.string());
        REQUIRE(tiersim::io::read_string_attribute(out, "/provenance", "state_digest") ==
                tiersim::io::read_string_attribute(checkpoint, "/checkpoint", "state_digest"));
    }
}

TEST_CASE("a branch is the straight run of its composed scenario, from the checkpoint's past",
          "[branch]") {
    const TempDir dir;
    const auto checkpoint = straight_with_checkpoint(dir);
    const auto branch = dir.path() / "branch.h5";
    run_ok({"run",
            "--from",
            checkpoint.string(),
            "-q",
            "--days",
            "8",
            "--set",
            "technology.online_share=0.5",
            "--set",
            "tiers.district.design=\"approval_bureau\""},
           branch);
    // The levers change on the checkpoint's day, and the run goes on to the branch's end.
    const auto day = tiersim::io::read_column<double>(branch, "/timeline/day");
    const auto keys = tiersim::io::read_string_column(branch, "/timeline/key");
    REQUIRE(day == std::vector<double>{3.0, 3.0});
    REQUIRE(keys == std::vector<std::string>{"technology.online_share", "tiers.district.design"});
    REQUIRE(tiersim::io::read_double_attribute(branch, "/provenance", "end_h") == 8 * 24.0);
    // Its /provenance text, run straight, gives the same file.
    const std::string composed =
        tiersim::io::read_string_attribute(branch, "/provenance", "scenario_toml");
    const auto file = dir.write("composed.toml", composed);
    const auto straight = dir.path() / "composed.h5";
    run_ok({"run", file.string(), "-q"}, straight);
    CHECK((fingerprint(straight) == fingerprint(branch)));
    // Before the checkpoint's day it closed what the checkpoint's run closed; after it, not.
    const auto past = closed_before(dir.path() / "straight.h5", 72.0);
    REQUIRE(past.size() > 1000);
    CHECK((closed_before(branch, 72.0) == past));
    CHECK_FALSE(
        (closed_before(branch, 6 * 24.0) == closed_before(dir.path() / "straight.h5", 6 * 24.0)));
}

TEST_CASE("a branch may change only what can change during a run", "[branch]") {
    const TempDir dir;
    const auto checkpoint = straight_with_checkpoint(dir);
    const auto out = dir.path() / "refused.h5";
    auto refused = [&](std::vector<std::string> args, const std::string& message) {
        args.insert(args.end(), {"-q", "-o", out.string()});
        const auto r = run_tiersim(args);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains(message));
        CHECK_FALSE(std::filesystem::exists(out));
    };
    const std::string from = checkpoint.string();
    refused({"run", "--from", from, "--seed", "8"},
            "error: 'simulation.seed' is 8 here and differs from the checkpoint's scenario");
    refused({"run", "--from", from, "--set", "simulation.warmup_days=2"},
            "'simulation.warmup_days' is 2 here");
    refused({"run", "--from", from, "--days", "3.5"},
            "runs at least a day past it (4 days or more); got 3.5");
    const auto past = dir.write("past.toml",
                                "base = \"validation/adaptation\"\n"
                                "[simulation]\ndays = 6\n"
                                "[[timeline]]\nday = 1\nset.technology.online_share = 0.3\n");
    refused({"run", past.string(), "--from", from}, "past.toml:4:1: error: timeline[0]");
    refused({"run", "--from", (dir.path() / "straight.h5").string()},
            "is not a tiersim checkpoint");
    refused({"run",
             "--from",
             from,
             "--checkpoint",
             (dir.path() / "c.h5").string(),
             "--checkpoint-day",
             "4"},
            "a branch (--from) writes no checkpoint of its own");
    refused(with(base_run, {"--checkpoint", (dir.path() / "c.h5").string()}),
            "--checkpoint FILE and --checkpoint-day D go together");
    refused(
        with(base_run, {"--checkpoint", (dir.path() / "c.h5").string(), "--checkpoint-day", "6"}),
        "expected a whole day after the start and at least a day before the end of the run (1 to "
        "5)");
}

TEST_CASE("a branch that replays into another state stops at the checkpoint's day", "[branch]") {
    const TempDir dir;
    const auto checkpoint = straight_with_checkpoint(dir);
    {
        auto file = tiersim::io::Hdf5File::open_write(checkpoint);
        file.set_attribute("/checkpoint", "state_digest", std::string("0123456789abcdef"));
        file.close();
    }
    const auto out = dir.path() / "branch.h5";
    const auto r = run_tiersim({"run", "--from", checkpoint.string(), "-q", "-o", out.string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err,
               Catch::Contains("on day 3.0, the state differs from the checkpoint's") &&
                   Catch::Contains("the checkpoint has 0123456789abcdef"));
    // It stopped there: the file says so and goes no further.
    REQUIRE(tiersim::io::read_int_attribute(out, "/provenance", "interrupted") == 1);
    CHECK(tiersim::io::read_double_attribute(out, "/provenance", "end_h") < 4 * 24.0);
}

TEST_CASE("a branch may write a lever by tier where the checkpoint had one number", "[branch]") {
    const TempDir dir;
    const auto checkpoint = straight_with_checkpoint(dir);
    const auto branch = dir.path() / "branch.h5";
    run_ok({"run",
            "--from",
            checkpoint.string(),
            "-q",
            "--set",
            "technology.data_sharing={street = 0.5, district = 0.2}"},
           branch);
    CHECK(tiersim::io::read_string_column(branch, "/timeline/key") ==
          std::vector<std::string>{"technology.data_sharing.district",
                                   "technology.data_sharing.street"});
}
