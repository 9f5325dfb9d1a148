// SPDX-License-Identifier: MIT
// The command line's contract (DESIGN §4.1): exit codes, --json, nothing written on bad input,
// a valid file after SIGINT, and `check` naming overloaded queues.
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/version.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

/// created = closed + abandoned + open at end, from the JSON summary.
void require_conservation(const nlohmann::json& j) {
    const auto& t = j.at("tickets");
    REQUIRE(t.at("created").get<long>() > 0);
    REQUIRE(t.at("created").get<long>() == t.at("closed").get<long>() +
                                               t.at("abandoned").get<long>() +
                                               t.at("open_at_end").get<long>());
}

}  // namespace

TEST_CASE("the version flag prints the version and exits 0", "[cli]") {
    const auto r = run_tiersim({"--version"});
    REQUIRE(r.exit_code == 0);
    REQUIRE_THAT(r.out, Catch::Contains(tiersim::version));
}

TEST_CASE("list names the embedded scenarios", "[cli]") {
    const auto r = run_tiersim({"list"});
    REQUIRE(r.exit_code == 0);
    REQUIRE_THAT(r.out, Catch::Contains("default"));
    REQUIRE_THAT(r.out, Catch::Contains("validation/mmc"));
    REQUIRE_THAT(r.out, Catch::Contains("validation/jackson"));
}

TEST_CASE("bad usage exits 2", "[cli]") {
    REQUIRE(run_tiersim({"run", "--no-such-option"}).exit_code == 2);
    REQUIRE(run_tiersim({"run", "--threads", "0"}).exit_code == 2);
    REQUIRE(run_tiersim({"run", "--trace", "everything"}).exit_code == 2);
    REQUIRE(run_tiersim({"frobnicate"}).exit_code == 2);
}

TEST_CASE("run prints the headline first, and only it with --summary short", "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "jackson.h5";
    const auto full =
        run_tiersim({"run", "validation/jackson", "--days", "20", "-q", "-o", out.string()});
    REQUIRE(full.exit_code == 0);
    CHECK_THAT(full.out, Catch::StartsWith("validation/jackson: 20 days, seed "));
    CHECK(full.out.find("三率") < full.out.find("scenario validation/jackson  seed"));
    const auto short_ = run_tiersim({"run",
                                     "validation/jackson",
                                     "--days",
                                     "20",
                                     "-q",
                                     "--summary",
                                     "short",
                                     "-o",
                                     (dir.path() / "short.h5").string()});
    REQUIRE(short_.exit_code == 0);
    CHECK_THAT(short_.out, Catch::Contains("三率"));
    CHECK_THAT(short_.out, !Catch::Contains("scenario validation/jackson  seed"));
    CHECK_THAT(short_.out, Catch::EndsWith("output: " + (dir.path() / "short.h5").string() + "\n"));
    CHECK(run_tiersim({"run", "validation/jackson", "--summary", "long"}).exit_code == 2);
}

TEST_CASE("run --json reports the conservation line and every group", "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "mmc.h5";
    const auto r = run_tiersim(
        {"run", "validation/jackson", "--days", "20", "--json", "-q", "-o", out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.err.empty());  // -q: nothing on stderr
    const auto j = nlohmann::json::parse(r.out);
    require_conservation(j);
    REQUIRE(j.at("output").get<std::string>() == out.string());
    for (const char* tier : {"street", "district", "city", "province"}) {
        const auto& g = j.at("by_tier").at(tier);
        for (const char* key : {"response_rate",
                                "resolution_rate",
                                "satisfaction_rate",
                                "lead_time_mean_h",
                                "lead_time_p50_h",
                                "lead_time_p90_h",
                                "lead_time_p99_h"}) {
            INFO(tier << "." << key);
            REQUIRE(g.contains(key));
        }
    }
    REQUIRE(j.at("by_type").contains("t"));
    REQUIRE(std::filesystem::exists(out));
    REQUIRE_FALSE(std::filesystem::exists(out.string() + ".partial"));
    // The file agrees with the JSON.
    REQUIRE(static_cast<long>(tiersim::io::column_size(out, "/tickets/id")) ==
            j.at("tickets").at("created").get<long>());
}

TEST_CASE("a run shorter than three resolution limits warns of censoring, a long one does not",
          "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "short.h5";
    // 20 days after 10 of warm-up: 240 h, under 3 × 7 working days (3 × 235 h).
    const auto short_run =
        run_tiersim({"run", "validation/jackson", "--days", "20", "--json", "-o", out.string()});
    INFO(short_run.err);
    REQUIRE(short_run.exit_code == 0);
    CHECK_THAT(short_run.err,
               Catch::Contains("tiersim: warning: the horizon after the warm-up (240 h)") &&
                   Catch::Contains("t (limit 7.0 wd = 235 h)") &&
                   Catch::Contains("censored-biased"));
    const auto j = nlohmann::json::parse(short_run.out);
    REQUIRE(j.at("short_horizon").size() == 1);
    CHECK(j.at("short_horizon")[0].at("type").get<std::string>() == "t");
    CHECK(tiersim::io::read_int_attribute(out, "/summary", "short_horizon_types") == 1);
    // Every open ticket of the cohort is late or undecided.
    const auto& t = j.at("by_type").at("t");
    CHECK(t.at("open_late").get<long>() + t.at("open_undecided").get<long>() ==
          t.at("created").get<long>() - t.at("closed").get<long>() - t.at("abandoned").get<long>());

    // A one-working-day limit (34 h) fits three times into 240 h.
    const auto long_run = run_tiersim({"run",
                                       "validation/jackson",
                                       "--days",
                                       "20",
                                       "--set",
                                       "ticket_types.t.resolve_wd=1",
                                       "--json",
                                       "-o",
                                       out.string()});
    INFO(long_run.err);
    REQUIRE(long_run.exit_code == 0);
    CHECK_THAT(long_run.err, !Catch::Contains("censored-biased"));
    CHECK(nlohmann::json::parse(long_run.out).at("short_horizon").empty());
    CHECK(tiersim::io::read_int_attribute(out, "/summary", "short_horizon_types") == 0);
}

TEST_CASE("bad scenarios exit 2 with FILE:LINE:COL and write nothing", "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "never.h5";
    const auto base = tiersim::test::source_path("scenarios/validation/mmc.toml");

    SECTION("a mistyped key") {
        const auto file = dir.write(
            "typo.toml", "base = \"" + base.string() + "\"\n[tiers.street]\nintake_staf = 3\n");
        const auto r = run_tiersim({"run", file.string(), "-o", out.string()});
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("typo.toml:3:15: error:"));
        REQUIRE_THAT(r.err, Catch::Contains("intake_staff"));  // did you mean
    }
    SECTION("a wrong type") {
        const auto file = dir.write(
            "type.toml",
            "base = \"" + base.string() + "\"\n[tiers.street]\nintake_staff = \"four\"\n");
        const auto r = run_tiersim({"run", file.string(), "-o", out.string()});
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("type.toml:3:16: error:"));
        REQUIRE_THAT(r.err, Catch::Contains("tiers.street.intake_staff"));
    }
    SECTION("a bad value") {
        const auto file = dir.write(
            "value.toml",
            "base = \"" + base.string() + "\"\n[ticket_types.t]\nclose_at_intake = 1.5\n");
        const auto r = run_tiersim({"run", file.string(), "-o", out.string()});
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("value.toml:3:19: error:"));
        REQUIRE_THAT(r.err, Catch::Contains("close_at_intake"));
    }
    SECTION("a bad --set") {
        const auto r = run_tiersim(
            {"run", "validation/mmc", "--set", "tiers.street.intake_stuff=3", "-o", out.string()});
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("<command line>"));
    }
    REQUIRE_FALSE(std::filesystem::exists(out));
    REQUIRE_FALSE(std::filesystem::exists(out.string() + ".partial"));
}

TEST_CASE("a failed run leaves an existing output file untouched", "[cli]") {
    const TempDir dir;
    const auto out = dir.write("keep.h5", "precious");
    const auto r =
        run_tiersim({"run", "validation/mmc", "--set", "simulation.days=-1", "-o", out.string()});
    REQUIRE(r.exit_code == 2);
    REQUIRE(std::filesystem::file_size(out) == 8);
}

TEST_CASE("an unwritable output exits 3", "[cli]") {
    const auto r = run_tiersim({"run",
                                "validation/mmc",
                                "--days",
                                "2",
                                "--set",
                                "simulation.warmup_days=1",
                                "-q",
                                "-o",
                                "/nonexistent-dir/x/out.h5"});
    REQUIRE(r.exit_code == 3);
    REQUIRE_THAT(r.err, Catch::Contains("/nonexistent-dir/x/out.h5"));
}

TEST_CASE("an output path that is a folder exits 3 and leaves it alone", "[cli]") {
    const TempDir dir;
    const auto folder = dir.path() / "taken";
    std::filesystem::create_directory(folder);
    const auto r = run_tiersim({"run",
                                "validation/mmc",
                                "--days",
                                "2",
                                "--set",
                                "simulation.warmup_days=1",
                                "-q",
                                "-o",
                                folder.string()});
    REQUIRE(r.exit_code == 3);
    REQUIRE_THAT(r.err, Catch::Contains("not a regular file"));
    REQUIRE(std::filesystem::is_directory(folder));
    REQUIRE(!std::filesystem::exists(folder.string() + ".partial"));
}

TEST_CASE("SIGINT stops the run at the next window: exit 130 and a valid file", "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "interrupted.h5";
    const auto r = tiersim::test::run_tiersim_interrupted({"run",
                                                           "default",
                                                           "--days",
                                                           "200",
                                                           "--trace",
                                                           "tickets",
                                                           "--json",
                                                           "-q",
                                                           "-o",
                                                           out.string()},
                                                          3.0,
                                                          SIGINT);
    INFO(r.err);
    REQUIRE(r.exit_code == 130);
    const auto j = nlohmann::json::parse(r.out);
    require_conservation(j);
    REQUIRE(j.at("interrupted").get<bool>());
    REQUIRE(j.at("end_h").get<double>() < 200.0 * 24.0);
    // The file is complete: its ticket rows and summary add up.
    const auto rows = static_cast<long>(tiersim::io::column_size(out, "/tickets/id"));
    const auto created = tiersim::io::read_int_attribute(out, "/summary", "created");
    REQUIRE(rows == created);
    REQUIRE(created == tiersim::io::read_int_attribute(out, "/summary", "closed") +
                           tiersim::io::read_int_attribute(out, "/summary", "abandoned") +
                           tiersim::io::read_int_attribute(out, "/summary", "open_at_end"));
    REQUIRE(tiersim::io::read_int_attribute(out, "/provenance", "interrupted") == 1);
}

TEST_CASE("SIGHUP (a closed terminal) stops the run as SIGTERM does: exit 130 and a valid file",
          "[cli]") {
    const TempDir dir;
    const auto out = dir.path() / "hangup.h5";
    const auto r = tiersim::test::run_tiersim_interrupted(
        {"run", "default", "--days", "200", "--json", "-q", "-o", out.string()}, 3.0, SIGHUP);
    INFO(r.err);
    REQUIRE(r.exit_code == 130);
    REQUIRE(nlohmann::json::parse(r.out).at("interrupted").get<bool>());
    const auto rows = static_cast<long>(tiersim::io::column_size(out, "/tickets/id"));
    REQUIRE(rows == tiersim::io::read_int_attribute(out, "/summary", "created"));
    REQUIRE(tiersim::io::read_int_attribute(out, "/provenance", "interrupted") == 1);
}

TEST_CASE("an output onto an input of the run (-o) is refused with exit 2 and the input kept",
          "[cli]") {
    const TempDir dir;
    const auto base = dir.path() / "base.toml";
    const auto scenario = dir.path() / "child.toml";
    {
        std::ofstream(base) << "base = \"validation/mmc\"\n";
        std::ofstream(scenario) << "base = \"base.toml\"\n[simulation]\ndays = 30\n";
    }
    const auto size_of = [](const std::filesystem::path& p) {
        return std::filesystem::file_size(p);
    };
    const auto base_size = size_of(base);
    const auto scenario_size = size_of(scenario);
    for (const auto& target : {scenario, base}) {
        INFO(target);
        for (const char* command : {"run", "sweep"}) {
            std::vector<std::string> args{command, scenario.string(), "-q", "-o", target.string()};
            if (std::string(command) == "sweep")
                args.insert(args.end(), {"--vary", "simulation.bucket_hours=12,24"});
            const auto r = tiersim::test::run_tiersim(args);
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::Contains("is an input of this run"));
        }
    }
    CHECK(size_of(base) == base_size);
    CHECK(size_of(scenario) == scenario_size);
    CHECK_FALSE(std::filesystem::exists(scenario.string() + ".partial"));
}

TEST_CASE("a table header or --set key 100,000 levels deep is refused with exit 2, not a crash",
          "[cli]") {
    // Both overflowed the stack (exit 139): the header inside toml++, through a file or through
    // its base, the --set key in the builder's walk over the tables.
    const TempDir dir;
    std::string key = "a";
    for (int i = 1; i < 100000; ++i)
        key += ".a";
    const auto deep = dir.write("deep.toml", "# deep\n[" + key + "]\nx = 1\n");
    const auto child = dir.write("child.toml", "base = \"deep.toml\"\n");
    for (const auto& file : {deep, child}) {
        INFO(file);
        const auto r = run_tiersim({"check", file.string()});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("deep.toml:2:1: error: this table header ([a.a.a."));
        CHECK_THAT(r.err, Catch::Contains("nests 100000 levels deep"));
    }
    const auto r = run_tiersim({"check", "validation/mmc", "--set", key.substr(0, 119999) + "=1"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("<command line>: error: --set 'a.a.a."));
    CHECK_THAT(r.err, Catch::Contains("the key has 60000 parts"));
    const auto value =
        run_tiersim({"check", "validation/mmc", "--set", "simulation.x=" + std::string(300, '[')});
    CHECK(value.exit_code == 2);
    CHECK_THAT(value.err, Catch::Contains("--set 'simulation.x=...': this array ([[[["));
}

TEST_CASE("a --set with a newline or another control character is refused with exit 2", "[cli]") {
    // The newline made toml++ read `seed=5` as a second key, which the loader dropped.
    for (const std::string text :
         {"simulation.days=30\nseed=5", "simulation.days=30\r", "simulation.seed=\x1b[5"}) {
        INFO(text);
        const auto r = run_tiersim({"check", "validation/mmc", "--set", text});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("<command line>: error: --set '"));
        CHECK_THAT(r.err, Catch::Contains("contains a control character"));
    }
    const auto r = run_tiersim({"check", "validation/mmc", "--set", "simulation.days=30\nseed=5"});
    CHECK_THAT(r.err, Catch::Contains("'simulation.days=30\\nseed=5'"));  // shown escaped
    // A tab is a blank.
    CHECK(run_tiersim({"check", "validation/mmc", "--set", "simulation.days =\t30"}).exit_code ==
          0);
}

TEST_CASE("a --set inline table merges into the table key by key", "[cli]") {
    // It replaced the whole [simulation] table: seed 42 and bucket_hours fell to their defaults.
    const TempDir dir;
    const auto scenario = dir.write(
        "seeded.toml", "base = \"validation/mmc\"\n[simulation]\nseed = 42\nwarmup_days = 2.0\n");
    const auto out = dir.path() / "merged.h5";
    const auto r = run_tiersim({"run",
                                scenario.string(),
                                "--set",
                                "simulation={days = 10, bucket_hours = 12.0}",
                                "--json",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("seed").get<int>() == 42);
    CHECK(j.at("days").get<double>() == 10.0);
    // A key in the inline table that the table does not know is still an unknown key.
    const auto bad = run_tiersim({"check", scenario.string(), "--set", "simulation={dayz=10}"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("<command line>: error: unknown key 'simulation.dayz'"));
}

TEST_CASE("check names the overloaded queue and exits 4", "[cli]") {
    // M/M/3 with λ = 3.2/h and mean service 1 h: ρ = 3.2 / 3 > 1 at the street's window.
    const auto r = run_tiersim({"check", "validation/mmc", "--set", "tiers.street.intake_staff=3"});
    REQUIRE(r.exit_code == 4);
    REQUIRE_THAT(r.out, Catch::Contains("P1-C1-D1-S1"));
    REQUIRE_THAT(r.out, Catch::Contains("intake:window"));
    REQUIRE_THAT(r.out, Catch::Contains("1.07"));
    const auto ok = run_tiersim({"check", "validation/mmc", "--json"});
    REQUIRE(ok.exit_code == 0);
    REQUIRE(nlohmann::json::parse(ok.out).at("stable").get<bool>());
}

TEST_CASE("check analyses every step of a reform timeline and exits 4 for an unstable one",
          "[cli][timeline]") {
    // M/M/4 at ρ = 0.8, then a clerk leaves on day 10 (ρ = 3.2 / 3 > 1) and two come on day 20.
    const std::string timeline =
        "timeline=[{day = 10, label = \"a clerk leaves\", set = {tiers = {street = "
        "{intake_staff = 3}}}}, {day = 20, set = {tiers = {street = {intake_staff = 5}}}}]";
    const auto r = run_tiersim({"check", "validation/mmc", "--set", timeline});
    REQUIRE(r.exit_code == 4);
    CHECK_THAT(r.out, Catch::Contains("all queues stable (max utilisation 80.0%)"));
    CHECK_THAT(r.out,
               Catch::Contains("reform timeline: the queues of each step (the state from its "
                               "day on)\n  day 10  a clerk leaves: 1 unstable: P1-C1-D1-S1"));
    CHECK_THAT(r.out,
               Catch::Contains("  day 20  stable, max 64.0% (street intake:window at "
                               "P1-C1-D1-S1)"));
    const auto j = run_tiersim({"check", "validation/mmc", "--set", timeline, "--json"});
    REQUIRE(j.exit_code == 4);
    const auto steps = nlohmann::json::parse(j.out).at("timeline_steps");
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].at("day") == 10);
    CHECK(steps[0].at("max_utilisation").get<double>() == Approx(3.2 / 3.0));
    CHECK(steps[1].at("unstable").empty());
    // Without a timeline the JSON has no such key.
    const auto plain = run_tiersim({"check", "validation/mmc", "--json"});
    CHECK_FALSE(nlohmann::json::parse(plain.out).contains("timeline_steps"));
}

TEST_CASE("check prints the peak hour beside the weekly utilisation", "[cli]") {
    // ρ = 0.8 on average; the afternoon's arrivals are 1.5 times the morning's (scaled to mean
    // 1: 0.8 and 1.2), so the peak hour is the first afternoon hour at 1.2 × 0.8 = 96%.
    const std::string profile =
        "ticket_types.t.daily_profile=[1,1,1,1,1,1,1,1,1,1,1,1,"
        "1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5]";
    const auto r = run_tiersim({"check", "validation/mmc", "--set", profile});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("util %  peak %  peak at"));
    CHECK_THAT(r.out, Catch::Contains("80.0    96.0  Mon 12h"));
    CHECK_THAT(r.out,
               Catch::Contains("busiest queue per tier at its peak hour:\n"
                               "  street intake:window: 96.0% on Mon 12h (weekly 80.0%)"));
    const auto j = run_tiersim({"check", "validation/mmc", "--set", profile, "--json"});
    REQUIRE(j.exit_code == 0);
    const auto doc = nlohmann::json::parse(j.out);
    nlohmann::json q;
    for (const auto& queue : doc.at("queues")) {
        if (queue.at("queue") == "intake:window")
            q = queue;
    }
    REQUIRE(q.is_object());
    CHECK(q.at("utilisation").get<double>() == Approx(0.8));
    CHECK(q.at("peak_utilisation").get<double>() == Approx(0.96));
    CHECK(q.at("peak_hour") == 12);
    CHECK(q.at("peak_hour_name") == "Mon 12h");
    REQUIRE(doc.at("busiest_at_peak").size() == 1);
    CHECK(doc.at("busiest_at_peak").at(0).at("tier") == "street");
    CHECK(doc.at("busiest_at_peak").at(0).at("peak_hour") == 12);
}

TEST_CASE("every shipped scenario runs and conserves tickets", "[cli]") {
    const TempDir dir;
    std::vector<std::filesystem::path> files;
    for (const auto* folder : {"scenarios", "scenarios/validation"}) {
        for (const auto& entry :
             std::filesystem::directory_iterator(tiersim::test::source_path(folder))) {
            if (entry.path().extension() == ".toml")
                files.push_back(entry.path());
        }
    }
    REQUIRE(files.size() >= 3);
    for (const auto& file : files) {
        INFO(file.string());
        const auto out = dir.path() / (file.stem().string() + ".h5");
        const auto r = run_tiersim({"run",
                                    file.string(),
                                    "--days",
                                    "3",
                                    "--set",
                                    "simulation.warmup_days=1",
                                    "--json",
                                    "-q",
                                    "-o",
                                    out.string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        require_conservation(nlohmann::json::parse(r.out));
    }
}

TEST_CASE("bench phold prints its committed events, the same for 1 and 2 threads", "[cli]") {
    const std::vector<std::string> args = {
        "bench", "phold", "--lps", "32", "--events-per-lp", "4", "--end", "20", "--json"};
    std::vector<std::string> one = args;
    one.insert(one.end(), {"--threads", "1"});
    std::vector<std::string> two = args;
    two.insert(two.end(), {"--threads", "2"});
    const auto a = run_tiersim(one);
    const auto b = run_tiersim(two);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    const auto ja = nlohmann::json::parse(a.out);
    const auto jb = nlohmann::json::parse(b.out);
    CHECK(ja["benchmark"] == "phold");
    CHECK(ja["committed"].get<std::int64_t>() > 1000);
    CHECK(ja["committed"] == jb["committed"]);
    CHECK(ja["checksum"] == jb["checksum"]);
    CHECK(jb["threads"] == 2);

    const auto text = run_tiersim({"bench", "phold", "--lps", "8", "--end", "5"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("committed events"));
}

TEST_CASE("bench needs a benchmark and valid options", "[cli]") {
    CHECK(run_tiersim({"bench"}).exit_code == 2);
    CHECK(run_tiersim({"bench", "phold", "--lps", "0"}).exit_code == 2);
    CHECK(run_tiersim({"bench", "phold", "--remote", "1.5"}).exit_code == 2);
    CHECK(run_tiersim({"bench", "phold", "--lookahead", "0"}).exit_code == 2);
}
