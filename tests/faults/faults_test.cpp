// SPDX-License-Identifier: MIT
// Faults (label faults, issue 15): a full disk, two runs writing one file, budgets that refuse a
// run before it starts and a run that stops when its open tickets outgrow memory, standard
// output that cannot be written, and command-line values the arithmetic cannot hold.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/mount.h>
#include <unistd.h>

namespace {

using tiersim::test::CommandResult;
using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

/// A 2 MB tmpfs mounted on a fresh folder for as long as it lives (needs root, as CI has).
class SmallDisk {
public:
    SmallDisk() {
        if (::geteuid() == 0 && ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=2m") == 0) {
            mounted_ = true;
        }
    }

    ~SmallDisk() {
        if (mounted_)
            ::umount2(dir_.path().c_str(), MNT_DETACH);
    }

    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    [[nodiscard]] bool mounted() const { return mounted_; }

    [[nodiscard]] std::filesystem::path path(const std::string& name) const {
        return dir_.path() / name;
    }

private:
    TempDir dir_;
    bool mounted_ = false;
};

}  // namespace

TEST_CASE("a full disk gives exit 3 with the reason, no crash and no file left", "[faults]") {
    const SmallDisk disk;
    if (!disk.mounted()) {
        WARN("cannot mount a tmpfs (not root?): the full-disk case is not tried");
        return;
    }
    const auto out = disk.path("full.h5");
    const auto r = run_tiersim({"run",
                                "default",
                                "--days",
                                "2",
                                "--set",
                                "simulation.warmup_days=0",
                                "--trace",
                                "events",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 3);  // was 139: HDF5's exit handler crashed on the failed file
    CHECK_THAT(r.err, Catch::Contains("No space left on device"));
    CHECK_THAT(r.err, Catch::Contains(out.string()));
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));

    const auto sweep_out = disk.path("sweep.h5");
    const auto s = run_tiersim({"sweep",
                                "validation/jackson",
                                "--vary",
                                "strategy.rehandle=0,0.5",
                                "--days",
                                "60",
                                "--trace",
                                "events",
                                "-q",
                                "-o",
                                sweep_out.string()});
    INFO(s.err);
    CHECK(s.exit_code == 3);
}

TEST_CASE("a second run or a sweep onto the same output is refused and the first is unaffected",
          "[faults]") {
    const TempDir dir;
    const auto out = dir.path() / "shared.h5";
    const std::filesystem::path lock = out.string() + ".lock";
    std::optional<CommandResult> second;
    std::optional<CommandResult> sweep;
    const auto first = tiersim::test::run_tiersim_interrupted_when(
        {"run",
         "default",
         "--days",
         "200",
         "--trace",
         "tickets",
         "--json",
         "-q",
         "-o",
         out.string()},
        [&] {
            if (!std::filesystem::exists(out.string() + ".partial"))
                return false;
            second =
                run_tiersim({"run", "validation/mmc", "--days", "30", "-q", "-o", out.string()});
            sweep = run_tiersim({"sweep",
                                 "validation/mmc",
                                 "--vary",
                                 "strategy.rehandle=0,1",
                                 "--days",
                                 "30",
                                 "-q",
                                 "-o",
                                 out.string()});
            return true;
        },
        SIGINT);
    REQUIRE(second.has_value());
    INFO(second->err);
    CHECK(second->exit_code == 3);
    CHECK_THAT(second->err, Catch::Contains("is being written by another tiersim"));
    REQUIRE(sweep.has_value());
    CHECK(sweep->exit_code == 3);
    CHECK_THAT(sweep->err, Catch::Contains("is being written by another tiersim"));
    CHECK_FALSE(std::filesystem::exists(out.string() + ".parts"));
    // The first went on to its interruption and wrote a complete file.
    INFO(first.err);
    REQUIRE(first.exit_code == 130);
    const auto j = nlohmann::json::parse(first.out);
    CHECK(j.at("scenario").get<std::string>() == "default");
    const auto rows = static_cast<long>(tiersim::io::column_size(out, "/tickets/id"));
    CHECK(rows == tiersim::io::read_int_attribute(out, "/summary", "created"));
    CHECK_FALSE(std::filesystem::exists(lock));  // released with the run
}

TEST_CASE("the budget refuses a run that would not fit, before anything is written", "[faults]") {
    const TempDir dir;
    const auto out = dir.path() / "big.h5";
    // An unstable M/M/3 for 20 years: its backlog alone would need far more than 10 MB.
    const auto r = run_tiersim({"run",
                                "validation/mmc",
                                "--set",
                                "tiers.street.intake_staff=3",
                                "--days",
                                "7300",
                                "--max-memory",
                                "10M",
                                "-o",
                                out.string()});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("error: simulation.days: the run would need at least"));
    CHECK_THAT(r.err, Catch::Contains("more than --max-memory 10 MB"));
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));

    const auto c = run_tiersim({"check", "validation/mmc", "--max-tickets", "1000"});
    CHECK(c.exit_code == 2);
    CHECK_THAT(c.err, Catch::Contains("more than --max-tickets 1000"));
    CHECK(run_tiersim({"check", "validation/mmc", "--max-memory", "lots"}).exit_code == 2);
}

TEST_CASE("a run whose open tickets outgrow --max-memory stops with exit 3 and a valid file",
          "[faults]") {
    const TempDir dir;
    const auto out = dir.path() / "stuck.h5";
    // A hop of 10^5 hours from the streets: tickets pile up in transit, which the estimate
    // (arrivals over the resolution limit) does not foresee, so the run starts and then stops.
    const auto r = run_tiersim({"run",
                                "validation/jackson",
                                "--days",
                                "100",
                                "--set",
                                "tiers.street.transfer_h=1e5",
                                "--max-memory",
                                "5M",
                                "--json",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("tickets were open, more than the"));
    CHECK_THAT(r.err, Catch::Contains("wait in no queue but on delays"));
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("interrupted").get<bool>());
    CHECK(j.at("end_h").get<double>() < 100.0 * 24.0);
    CHECK(tiersim::io::read_int_attribute(out, "/provenance", "interrupted") == 1);
}

TEST_CASE("check exits 4 on a queue that cannot keep up, and run warns", "[faults]") {
    const auto c =
        run_tiersim({"check", "validation/mmc", "--set", "tiers.street.intake_staff=3", "--json"});
    CHECK(c.exit_code == 4);
    const auto j = nlohmann::json::parse(c.out);
    CHECK_FALSE(j.at("stable").get<bool>());
    CHECK(j.at("estimate").at("tickets").get<double>() == Approx(76.8 * 400));
    const TempDir dir;
    const auto r = run_tiersim({"run",
                                "validation/mmc",
                                "--set",
                                "tiers.street.intake_staff=3",
                                "--days",
                                "30",
                                "-o",
                                (dir.path() / "u.h5").string()});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("warning: 1 queue(s) cannot keep up"));
}

TEST_CASE("a result that cannot be written to standard output is exit 3", "[faults]") {
    const TempDir dir;
    const std::string script =
        "exec '" + std::string(TIERSIM_BINARY) + "' check validation/mmc --json > /dev/full";
    CHECK(WEXITSTATUS(std::system(script.c_str())) == 3);
    const std::string run = "exec '" + std::string(TIERSIM_BINARY) +
                            "' run validation/mmc --days 30 -q --json -o '" +
                            (dir.path() / "x.h5").string() + "' > /dev/full 2> /dev/null";
    CHECK(WEXITSTATUS(std::system(run.c_str())) == 3);
}

TEST_CASE("command-line values are checked by the keys' ranges, in readable words", "[faults]") {
    const auto seed = run_tiersim({"check", "validation/mmc", "--set", "simulation.seed=-1"});
    CHECK(seed.exit_code == 2);
    const auto neg = run_tiersim({"run", "validation/mmc", "--seed", "-1", "-o", "/dev/null"});
    CHECK(neg.exit_code == 2);
    CHECK_THAT(neg.err, Catch::Contains("simulation.seed: expected an integer >= 0, got -1"));
    const auto zero = run_tiersim({"run", "validation/mmc", "--days", "0"});
    CHECK(zero.exit_code == 2);
    CHECK_THAT(zero.err,
               Catch::Contains("simulation.days: expected a number of days > 0 and "
                               "<= 1000000 (about 2,700 years), got 0"));
    CHECK(zero.err.size() < 200);  // was a 309-digit bound
    // --days keeps its precision (std::to_string made 1e-7 a 0).
    const auto tiny = run_tiersim({"run", "validation/mmc", "--days", "1e-7"});
    CHECK(tiny.exit_code == 2);
    CHECK_THAT(tiny.err, Catch::Contains("(1e-07)"));
}

TEST_CASE("after SIGKILL the partial file is readable and recover makes a run file of it",
          "[faults]") {
    const TempDir dir;
    const auto out = dir.path() / "killed.h5";
    const std::filesystem::path partial = out.string() + ".partial";
    // The writer flushes every 2 s: a kill after 5 s finds at least one flush on disk.
    const auto r = tiersim::test::run_tiersim_interrupted(
        {"run", "default", "--days", "200", "--trace", "tickets", "-q", "-o", out.string()},
        5.0,
        SIGKILL);
    REQUIRE(r.exit_code != 0);
    REQUIRE(std::filesystem::exists(partial));
    CHECK_FALSE(std::filesystem::exists(out));

    const auto recovered = dir.path() / "killed.recovered.h5";
    const auto rec = run_tiersim({"recover", partial.string()});
    INFO(rec.err);
    REQUIRE(rec.exit_code == 0);
    CHECK_THAT(rec.out, Catch::Contains(recovered.string()));
    CHECK(tiersim::io::read_int_attribute(recovered, "/provenance", "interrupted") == 1);
    CHECK(tiersim::io::read_int_attribute(recovered, "/provenance", "recovered") == 1);
    CHECK(tiersim::io::read_string_attribute(recovered, "/provenance", "scenario_name") ==
          "default");
    const auto rows = tiersim::io::column_size(recovered, "/tickets/id");
    CHECK(rows > 0);
    CHECK(tiersim::io::column_size(recovered, "/tickets/closed_h") == rows);
    // Closed tickets come in closing order: the recovered rows are a prefix of the run's.
    const auto closed = tiersim::io::read_column<double>(recovered, "/tickets/closed_h");
    CHECK(std::is_sorted(closed.begin(), closed.end()));
    // /unit_series is streamed as the periods end: kept, its columns cut to the same rows.
    CHECK(tiersim::io::column_size(recovered, "/unit_series/unit") ==
          tiersim::io::column_size(recovered, "/unit_series/rank"));

    // recover never overwrites, and a file that is no partial run is refused.
    CHECK(run_tiersim({"recover", partial.string()}).exit_code == 2);
    const auto bogus = dir.write("bogus.h5.partial", "not hdf5");
    CHECK(run_tiersim({"recover", bogus.string()}).exit_code == 3);
}
