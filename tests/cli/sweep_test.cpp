// SPDX-License-Identifier: MIT
// `tiersim sweep` (DESIGN §4.1, §4.3): the same file for any thread count and after a kill and
// --resume, means and confidence intervals that match the replications, common random
// numbers, failed points recorded while the sweep goes on, and bad input refused up front.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

/// 2 × 3 points × 4 replications of the baseline: a few seconds in all.
std::vector<std::string> small_sweep(const fs::path& out, const std::string& threads) {
    return {"sweep",
            "s0-fragmented",
            "--days",
            "9",
            "--vary",
            "institution.return_probability=0.1,0.2",
            "--vary",
            "technology.data_sharing=0:0.8:0.4",
            "--replications",
            "4",
            "--threads",
            threads,
            "-q",
            "-o",
            out.string()};
}

/// Every dataset and attribute outside /provenance is equal (h5diff from hdf5-tools).
bool same_outside_provenance(const fs::path& a, const fs::path& b) {
    const std::string command =
        "h5diff -q --exclude-path /provenance '" + a.string() + "' '" + b.string() + "'";
    return std::system(command.c_str()) == 0;
}

std::vector<std::string> strings(const fs::path& file, const std::string& path) {
    return tiersim::io::read_string_column(file, path);
}

}  // namespace

TEST_CASE("a sweep gives the same file on 1 and 2 threads, with every point complete",
          "[cli][sweep]") {
    const TempDir dir;
    const auto one = dir.path() / "one.h5";
    const auto two = dir.path() / "two.h5";
    const auto r1 = run_tiersim(small_sweep(one, "1"));
    INFO(r1.err);
    REQUIRE(r1.exit_code == 0);
    const auto r2 = run_tiersim(small_sweep(two, "2"));
    INFO(r2.err);
    REQUIRE(r2.exit_code == 0);
    REQUIRE(same_outside_provenance(one, two));
    REQUIRE(!fs::exists(dir.path() / "one.h5.parts"));  // removed once every point is complete

    using tiersim::io::read_column;
    const auto statuses = strings(one, "/points/status");
    REQUIRE(statuses == std::vector<std::string>(6, "complete"));
    REQUIRE(read_column<std::int64_t>(one, "/points/replications_done") ==
            std::vector<std::int64_t>(6, 4));
    // The last --vary varies fastest; the values are the range's.
    REQUIRE(read_column<double>(one, "/points/technology.data_sharing") ==
            std::vector<double>{0, 0.4, 0.8, 0, 0.4, 0.8});
    REQUIRE(read_column<double>(one, "/points/institution.return_probability") ==
            std::vector<double>{0.1, 0.1, 0.1, 0.2, 0.2, 0.2});
    REQUIRE(tiersim::io::read_string_attribute(one, "/provenance", "kind") == "sweep");

    // Plain blocks, not SECTIONs: Catch2 runs a test case again for each SECTION, and each pass
    // ran both sweeps again.
    {  // common random numbers: replication r has the same seed at every point
        const auto seeds = read_column<std::int64_t>(one, "/replications/seed");
        REQUIRE(seeds.size() == 24);
        for (std::size_t run = 0; run < seeds.size(); ++run)
            REQUIRE(seeds[run] == seeds[run % 4]);
        REQUIRE(seeds[0] != seeds[1]);
    }

    {  // /metrics holds each point's mean and t interval over its replications
        const auto values = read_column<double>(one, "/replications/lead_time_mean_h");
        const auto point = read_column<std::int64_t>(one, "/metrics/point");
        const auto group = strings(one, "/metrics/group");
        const auto metric = strings(one, "/metrics/metric");
        const auto mean = read_column<double>(one, "/metrics/mean");
        const auto low = read_column<double>(one, "/metrics/ci95_low");
        const auto high = read_column<double>(one, "/metrics/ci95_high");
        const auto n = read_column<std::int64_t>(one, "/metrics/n");
        int checked = 0;
        for (std::size_t i = 0; i < point.size(); ++i) {
            if (group[i] != "overall" || metric[i] != "lead_time_mean_h")
                continue;
            const auto p = static_cast<std::size_t>(point[i]);
            double sum = 0, squares = 0;
            for (std::size_t r = 0; r < 4; ++r)
                sum += values[p * 4 + r];
            const double m = sum / 4;
            for (std::size_t r = 0; r < 4; ++r)
                squares += (values[p * 4 + r] - m) * (values[p * 4 + r] - m);
            const double half = 3.182446305284263 * std::sqrt(squares / 3) / 2;  // t(0.975, 3)
            REQUIRE(n[i] == 4);
            REQUIRE(mean[i] == Approx(m).epsilon(1e-12));
            REQUIRE(high[i] - mean[i] == Approx(half).epsilon(1e-9));
            REQUIRE(mean[i] - low[i] == Approx(half).epsilon(1e-9));
            // The point's /summary holds the same mean.
            const std::string summary =
                "/point/" + std::string(p < 10 ? "000" : "00") + std::to_string(p) + "/summary";
            REQUIRE(tiersim::io::read_double_attribute(one, summary, "lead_time_mean_h") ==
                    mean[i]);
            ++checked;
        }
        REQUIRE(checked == 6);
    }
}

TEST_CASE("a sweep with --no-crn gives every run its own seed", "[cli][sweep]") {
    const TempDir dir;
    const auto out = dir.path() / "independent.h5";
    auto args = small_sweep(out, "2");
    args.emplace_back("--no-crn");
    args[3] = "8";  // --days
    const auto r = run_tiersim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto seeds = tiersim::io::read_column<std::int64_t>(out, "/replications/seed");
    std::sort(seeds.begin(), seeds.end());
    REQUIRE(std::adjacent_find(seeds.begin(), seeds.end()) == seeds.end());
    REQUIRE(tiersim::io::read_int_attribute(out, "/provenance", "crn") == 0);
}

TEST_CASE("a sweep killed midway and resumed gives the file of one that ran straight through",
          "[cli][sweep]") {
    const TempDir dir;
    const auto straight = dir.path() / "straight.h5";
    const auto resumed = dir.path() / "resumed.h5";
    REQUIRE(run_tiersim(small_sweep(straight, "2")).exit_code == 0);

    // Killed once its first runs are written, with most of the 24 runs still to go.
    const auto parts = dir.path() / "resumed.h5.parts";
    const auto killed = tiersim::test::run_tiersim_interrupted_when(
        small_sweep(resumed, "1"), [&] { return fs::exists(parts / "run-0001.h5"); }, SIGKILL);
    REQUIRE(killed.exit_code == 128 + SIGKILL);
    REQUIRE(!fs::exists(resumed));
    REQUIRE(fs::exists(dir.path() / "resumed.h5.parts" / "sweep.json"));

    // Without --resume the unfinished sweep is not overwritten.
    const auto refused = run_tiersim(small_sweep(resumed, "2"));
    REQUIRE(refused.exit_code == 2);
    REQUIRE_THAT(refused.err, Catch::Contains("--resume"));

    auto args = small_sweep(resumed, "2");
    args.emplace_back("--resume");
    const auto r = run_tiersim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(same_outside_provenance(straight, resumed));
    REQUIRE(!fs::exists(dir.path() / "resumed.h5.parts"));
    // Resuming a complete sweep again has nothing to do and says so.
    const auto again = run_tiersim(args);
    REQUIRE(again.exit_code == 0);
    REQUIRE(same_outside_provenance(straight, resumed));
}

TEST_CASE("SIGTERM stops a sweep with a valid file that says which points are pending",
          "[cli][sweep]") {
    const TempDir dir;
    const auto out = dir.path() / "stopped.h5";
    const auto r = tiersim::test::run_tiersim_interrupted_when(
        small_sweep(out, "1"),
        [&] { return fs::exists(dir.path() / "stopped.h5.parts" / "run-0000.h5"); },
        SIGTERM);
    REQUIRE(r.exit_code == 130);
    const auto statuses = strings(out, "/points/status");
    REQUIRE(statuses.size() == 6);
    REQUIRE(std::count(statuses.begin(), statuses.end(), "pending") > 0);
    REQUIRE(tiersim::io::read_int_attribute(out, "/provenance", "interrupted") == 1);

    SECTION("--resume with other arguments is refused") {
        auto args = small_sweep(out, "1");
        args[5] = "institution.return_probability=0.1,0.3";
        args.emplace_back("--resume");
        const auto refused = run_tiersim(args);
        REQUIRE(refused.exit_code == 2);
        REQUIRE_THAT(refused.err, Catch::Contains("vary"));
    }
}

TEST_CASE("a point that fails is recorded with its error and the sweep goes on", "[cli][sweep]") {
    const TempDir dir;
    const auto out = dir.path() / "failing.h5";
    const auto r = run_tiersim({"sweep",
                                "s0-fragmented",
                                "--days",
                                "8",
                                "--vary",
                                "institution.return_probability=0.1,1.5",
                                "--vary",
                                "tiers.street.intake_staff=1,5",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.out + r.err);
    REQUIRE(r.exit_code == 3);
    const auto statuses = strings(out, "/points/status");
    const auto errors = strings(out, "/points/error");
    REQUIRE(statuses == std::vector<std::string>{"failed", "complete", "failed", "failed"});
    REQUIRE_THAT(errors[0], Catch::Contains("overload guard"));  // one intake clerk
    REQUIRE(errors[1].empty());
    REQUIRE_THAT(errors[2], Catch::Contains("institution.return_probability"));
    // A failed point keeps its parts, so that --resume can try it again.
    REQUIRE(fs::exists(dir.path() / "failing.h5.parts"));
}

TEST_CASE("bad sweeps fail with exit 2 before writing anything", "[cli][sweep]") {
    const TempDir dir;
    const auto out = dir.path() / "bad.h5";
    auto sweep = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"sweep", "s0-fragmented", "-q", "-o", out.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_tiersim(args);
    };
    const auto unknown = sweep({"--vary", "tiers.street.no_such_key=1,2"});
    REQUIRE(unknown.exit_code == 2);
    REQUIRE_THAT(unknown.err, Catch::Contains("no_such_key"));
    const auto malformed = sweep({"--vary", "technology.data_sharing=0:1"});
    REQUIRE(malformed.exit_code == 2);
    REQUIRE_THAT(malformed.err, Catch::Contains("START:STOP:STEP"));
    const auto backwards = sweep({"--vary", "technology.data_sharing=1:0:0.5"});
    REQUIRE(backwards.exit_code == 2);
    REQUIRE(sweep({}).exit_code == 2);  // no --vary
    REQUIRE(sweep({"--vary", "technology.data_sharing=0.5", "--replications", "0"}).exit_code == 2);
    const auto nothing = sweep({"--vary", "technology.data_sharing=0.5", "--resume"});
    REQUIRE(nothing.exit_code == 2);
    REQUIRE_THAT(nothing.err, Catch::Contains("nothing to resume"));
    REQUIRE(!fs::exists(out));
    REQUIRE(!fs::exists(dir.path() / "bad.h5.parts"));

    // An output folder that cannot be made is an I/O failure: exit 3.
    const auto plain = dir.write("plain", "not a folder");
    const auto unwritable = run_tiersim({"sweep",
                                         "s0-fragmented",
                                         "--vary",
                                         "technology.data_sharing=0.5",
                                         "-q",
                                         "-o",
                                         (plain / "x.h5").string()});
    REQUIRE(unwritable.exit_code == 3);
    REQUIRE_THAT(unwritable.err, Catch::Contains("cannot create"));
}

// --resume verifies its parts (issue 15): a part is used only when it is whole (its checksum)
// and carries this sweep's identity and the values, replication and seed of the run it is
// used for; anything else is reported on stderr and run again.

namespace {

/// 2 × 2 points × 2 replications, short: the runs a killed sweep leaves as parts.
std::vector<std::string> resumable_sweep(const fs::path& out,
                                         bool reversed = false,
                                         const std::vector<std::string>& extra = {}) {
    std::vector<std::string> vary{"institution.return_probability=0.1,0.2",
                                  "technology.data_sharing=0,0.8"};
    if (reversed)
        std::swap(vary[0], vary[1]);
    std::vector<std::string> args{"sweep",
                                  "s0-fragmented",
                                  "--days",
                                  "8",
                                  "--vary",
                                  vary[0],
                                  "--vary",
                                  vary[1],
                                  "--replications",
                                  "2",
                                  "--threads",
                                  "1",
                                  "-q",
                                  "-o",
                                  out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> with_resume(std::vector<std::string> args) {
    args.emplace_back("--resume");
    return args;
}

/// Runs `args` and kills it (SIGKILL) once the part `part` exists: its parts stay behind.
fs::path killed_after(const std::vector<std::string>& args,
                      const fs::path& out,
                      const std::string& part) {
    fs::path parts = out;
    parts += ".parts";
    const auto killed = tiersim::test::run_tiersim_interrupted_when(
        args, [&] { return fs::exists(parts / part); }, SIGKILL);
    REQUIRE(killed.exit_code == 128 + SIGKILL);
    REQUIRE(fs::exists(parts / "sweep.json"));
    REQUIRE(fs::exists(parts / part));
    return parts;
}

/// Replaces a double attribute's value: the file stays readable, only its contents change.
/// (Deleted and created again: HDF5 1.10 cannot rewrite an attribute in dense storage.)
void overwrite_double_attribute(const fs::path& file,
                                const std::string& object,
                                const std::string& name,
                                double value) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    REQUIRE(H5Adelete_by_name(f, object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate_by_name(f,
                                      object.c_str(),
                                      name.c_str(),
                                      H5T_IEEE_F64LE,
                                      space,
                                      H5P_DEFAULT,
                                      H5P_DEFAULT,
                                      H5P_DEFAULT);
    REQUIRE(a >= 0);
    REQUIRE(H5Awrite(a, H5T_NATIVE_DOUBLE, &value) >= 0);
    H5Aclose(a);
    H5Sclose(space);
    REQUIRE(H5Fclose(f) >= 0);
}

}  // namespace

TEST_CASE("a sweep --resume runs a damaged part again and gives the file of a clean sweep",
          "[cli][sweep][faults]") {
    const TempDir dir;
    const auto clean = dir.path() / "clean.h5";
    REQUIRE(run_tiersim(resumable_sweep(clean)).exit_code == 0);

    const auto out = dir.path() / "damaged.h5";
    const auto parts = killed_after(resumable_sweep(out), out, "run-0002.h5");
    // run-0000 cut short (unreadable); run-0001 readable but one value changed (checksum).
    fs::resize_file(parts / "run-0000.h5", fs::file_size(parts / "run-0000.h5") / 2);
    const double lead =
        tiersim::io::read_double_attribute(parts / "run-0001.h5", "/summary", "lead_time_mean_h");
    overwrite_double_attribute(parts / "run-0001.h5", "/summary", "lead_time_mean_h", lead * 2);

    const auto r = run_tiersim(with_resume(resumable_sweep(out)));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE_THAT(r.err, Catch::Contains("run-0000.h5 is not used (it cannot be read"));
    REQUIRE_THAT(r.err, Catch::Contains("run-0001.h5 is not used (its contents do not match"));
    REQUIRE_THAT(r.err, !Catch::Contains("run-0002.h5"));  // whole: used as it is
    REQUIRE(same_outside_provenance(clean, out));
    REQUIRE(!fs::exists(parts));
}

TEST_CASE("a sweep --resume does not use a part copied from another point",
          "[cli][sweep][faults]") {
    const TempDir dir;
    const auto clean = dir.path() / "clean.h5";
    REQUIRE(run_tiersim(resumable_sweep(clean)).exit_code == 0);
    const auto out = dir.path() / "copied.h5";
    const auto parts = killed_after(resumable_sweep(out), out, "run-0002.h5");

    SECTION("a copy over another point's part is reported and that run runs again") {
        // Run 2 is point 1, replication 0: with common random numbers it has run 0's seed, so
        // only the recorded values tell the copy of run 0 from it.
        fs::copy_file(
            parts / "run-0000.h5", parts / "run-0002.h5", fs::copy_options::overwrite_existing);
        const auto r = run_tiersim(with_resume(resumable_sweep(out)));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE_THAT(r.err, Catch::Contains("run-0002.h5 is not used"));
        REQUIRE_THAT(r.err, Catch::Contains("already used for run 0000"));
        REQUIRE(same_outside_provenance(clean, out));
    }
    SECTION("two parts swapped between points go back to their own points") {
        fs::rename(parts / "run-0000.h5", parts / "swap");
        fs::rename(parts / "run-0002.h5", parts / "run-0000.h5");
        fs::rename(parts / "swap", parts / "run-0002.h5");
        const auto r = run_tiersim(with_resume(resumable_sweep(out)));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE_THAT(r.err, !Catch::Contains("is not used"));
        REQUIRE(same_outside_provenance(clean, out));
    }
}

TEST_CASE("a sweep --resume with a reordered --vary labels every point by its own values",
          "[cli][sweep][faults]") {
    const TempDir dir;
    SECTION("with common random numbers the parts are matched to their points by value") {
        // The straight sweep in the new order is what the resumed one must equal.
        const auto clean = dir.path() / "clean-reordered.h5";
        REQUIRE(run_tiersim(resumable_sweep(clean, true)).exit_code == 0);
        const auto out = dir.path() / "reordered.h5";
        const auto parts = killed_after(resumable_sweep(out), out, "run-0003.h5");
        const auto r = run_tiersim(with_resume(resumable_sweep(out, true)));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE_THAT(r.err, !Catch::Contains("is not used"));
        REQUIRE(same_outside_provenance(clean, out));
        // Point 1 of the new order is data_sharing 0, return_probability 0.2.
        REQUIRE(tiersim::io::read_column<double>(out, "/points/institution.return_probability") ==
                std::vector<double>{0.1, 0.2, 0.1, 0.2});
    }
    SECTION("without, the seeds depend on the order: the resume is refused") {
        const auto out = dir.path() / "independent.h5";
        killed_after(resumable_sweep(out, false, {"--no-crn"}), out, "run-0001.h5");
        const auto r = run_tiersim(with_resume(resumable_sweep(out, true, {"--no-crn"})));
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("'vary'"));
        REQUIRE_THAT(r.err, Catch::Contains("--vary order must be the same"));
        REQUIRE(!fs::exists(out));
    }
}

TEST_CASE("a hand-edited sweep.json cannot make --resume use a foreign part",
          "[cli][sweep][faults]") {
    const TempDir dir;

    SECTION("the parts of a sweep with another seed are rerun") {
        const auto clean = dir.path() / "clean.h5";
        REQUIRE(run_tiersim(resumable_sweep(clean, false, {"--seed", "12"})).exit_code == 0);
        // The sweep.json of the seed-12 sweep, from one killed as soon as it starts.
        const auto other = dir.path() / "other.h5";
        const auto other_parts = tiersim::test::run_tiersim_interrupted_when(
            resumable_sweep(other, false, {"--seed", "12"}),
            [&] { return fs::exists(dir.path() / "other.h5.parts" / "sweep.json"); },
            SIGKILL);
        REQUIRE(other_parts.exit_code == 128 + SIGKILL);
        REQUIRE(fs::exists(dir.path() / "other.h5.parts" / "sweep.json"));

        const auto out = dir.path() / "foreign.h5";
        const auto parts =
            killed_after(resumable_sweep(out, false, {"--seed", "11"}), out, "run-0001.h5");
        fs::copy_file(dir.path() / "other.h5.parts" / "sweep.json",
                      parts / "sweep.json",
                      fs::copy_options::overwrite_existing);
        const auto r = run_tiersim(with_resume(resumable_sweep(out, false, {"--seed", "12"})));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE_THAT(r.err,
                     Catch::Contains("run-0000.h5 is not used (it is a part of another sweep"));
        REQUIRE_THAT(r.err,
                     Catch::Contains("run-0001.h5 is not used (it is a part of another sweep"));
        REQUIRE(same_outside_provenance(clean, out));
    }
    SECTION("an edit that matches a reordered --vary without CRN does not mislabel points") {
        const auto clean = dir.path() / "clean-reordered.h5";
        REQUIRE(run_tiersim(resumable_sweep(clean, true, {"--no-crn"})).exit_code == 0);
        const auto out = dir.path() / "edited.h5";
        const auto parts =
            killed_after(resumable_sweep(out, false, {"--no-crn"}), out, "run-0001.h5");
        // The refusal above, bypassed: the recorded axes swapped to match the new order.
        std::ifstream in(parts / "sweep.json");
        auto identity = nlohmann::ordered_json::parse(in);
        in.close();
        std::swap(identity["vary"][0], identity["vary"][1]);
        std::ofstream(parts / "sweep.json", std::ios::trunc) << identity.dump(2) << '\n';
        const auto r = run_tiersim(with_resume(resumable_sweep(out, true, {"--no-crn"})));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE_THAT(r.err, Catch::Contains("run-0000.h5 is not used"));
        REQUIRE(same_outside_provenance(clean, out));
    }
}
