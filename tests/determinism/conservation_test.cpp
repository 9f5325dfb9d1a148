// SPDX-License-Identifier: MIT
// Conservation and accounting (DESIGN §5.2) on every embedded scenario: no ticket is lost or
// counted twice, and coordination cost adds up the same by ticket and by time.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

/// The names that `tiersim list` prints, one per line (the first word).
std::vector<std::string> embedded_scenarios() {
    const auto r = run_tiersim({"list"});
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> names;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string name;
        if (words >> name)
            names.push_back(name);
    }
    return names;
}

double sum(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// /series_by_province adds up to /series: over the provinces and the buckets of each period
/// its flows, and at the period's end its queues and staff.
void check_province_series(const std::filesystem::path& out) {
    using tiersim::io::read_column;
    const auto t = read_column<double>(out, "/series/t_h");
    const auto tier = read_column<std::int64_t>(out, "/series/tier");
    const auto pt = read_column<double>(out, "/series_by_province/t_h");
    const auto ptier = read_column<std::int64_t>(out, "/series_by_province/tier");
    REQUIRE(!pt.empty());
    const auto province = tiersim::io::read_string_column(out, "/series_by_province/province");
    REQUIRE(province.size() == pt.size());
    CHECK(std::none_of(province.begin(), province.end(), [](const auto& p) { return p.empty(); }));
    const std::set<double> ends(pt.begin(), pt.end());
    CHECK(*ends.rbegin() == t.back());
    auto total = [](const std::vector<double>& v, auto&& keep) {
        double s = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i)
            s += keep(i) ? v[i] : 0.0;
        return s;
    };
    for (const std::string column : {"arrivals",
                                     "closed",
                                     "solved",
                                     "worked_h",
                                     "open_staff_h",
                                     "coord_cost_h",
                                     "queue_len",
                                     "open_staff"}) {
        const bool snapshot = column == "queue_len" || column == "open_staff";
        const auto all = read_column<double>(out, "/series/" + column);
        const auto by_province = read_column<double>(out, "/series_by_province/" + column);
        double from = 0.0;
        for (const double until : ends) {
            for (std::int64_t k = 0; k < 4; ++k) {
                INFO(column << " to " << until << " h, tier " << k);
                const double a = total(all, [&](std::size_t i) {
                    return tier[i] == k &&
                           (snapshot ? t[i] == until : t[i] > from && t[i] <= until);
                });
                const double b = total(
                    by_province, [&](std::size_t i) { return ptier[i] == k && pt[i] == until; });
                CHECK(std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a)));
            }
            from = until;
        }
    }
}

}  // namespace

/// /summary/by_district and /summary/by_city (by the unit of origin) add up to the cohort of
/// /summary: every ticket's street has one district and one city above it. They add up to
/// /summary/by_street too where a run writes it.
void check_unit_summaries(const std::filesystem::path& out) {
    using tiersim::io::read_column;
    using tiersim::io::read_int_attribute;
    const auto created = read_int_attribute(out, "/summary", "created_after_warmup");
    const auto closed = read_int_attribute(out, "/summary", "closed_after_warmup");
    const auto late = read_int_attribute(out, "/summary", "open_late");
    const auto surveyed = read_int_attribute(out, "/summary", "surveyed");
    const auto coord = tiersim::io::read_double_attribute(out, "/summary", "coord_cost_h");
    const auto unit_tier = read_column<std::int8_t>(out, "/units/tier");
    for (const auto& [table, tier] :
         {std::pair{"/summary/by_district", 1}, {"/summary/by_city", 2}}) {
        INFO(table);
        const std::string t = table;
        const auto units = read_column<std::int32_t>(out, t + "/unit");
        CHECK(static_cast<std::int64_t>(units.size()) ==
              std::count(unit_tier.begin(), unit_tier.end(), tier));
        for (const auto u : units)
            CHECK(unit_tier.at(static_cast<std::size_t>(u)) == tier);
        CHECK(sum(read_column<double>(out, t + "/created")) == static_cast<double>(created));
        CHECK(sum(read_column<double>(out, t + "/closed")) == static_cast<double>(closed));
        CHECK(sum(read_column<double>(out, t + "/open_late")) == static_cast<double>(late));
        CHECK(sum(read_column<double>(out, t + "/surveyed")) == static_cast<double>(surveyed));
        const double cost = sum(read_column<double>(out, t + "/coord_cost_h"));
        CHECK(std::abs(cost - coord) <= 1e-9 * std::max(1.0, coord));
    }
}

TEST_CASE("every embedded scenario conserves tickets and coordination cost", "[determinism]") {
    const auto names = embedded_scenarios();
    REQUIRE(names.size() >= 13);
    const TempDir dir;
    for (const auto& name : names) {
        INFO("scenario " << name);
        const auto out = dir.path() / "run.h5";
        // Short runs: the largest (default, the province benchmark) for a day, the whole
        // country for a quarter of a day, the rest for two weeks.
        const std::string days = name == "bench/national"                        ? "0.25"
                                 : name == "default" || name == "bench/province" ? "1"
                                                                                 : "14";
        const auto r = run_tiersim({"run",
                                    name,
                                    "--days",
                                    days,
                                    "--set",
                                    "simulation.warmup_days=0",
                                    "-q",
                                    "-o",
                                    out.string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        using tiersim::io::read_column;
        using tiersim::io::read_int_attribute;
        const auto created = read_int_attribute(out, "/summary", "created");
        const auto closed = read_int_attribute(out, "/summary", "closed");
        const auto abandoned = read_int_attribute(out, "/summary", "abandoned");
        const auto open = read_int_attribute(out, "/summary", "open_at_end");
        CHECK(created == closed + abandoned + open);

        // One row per ticket, every id once, outcomes matching the conservation line.
        const auto ids = read_column<std::int64_t>(out, "/tickets/id");
        CHECK(static_cast<std::int64_t>(ids.size()) == created);
        CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == ids.size());
        const auto outcome = read_column<std::int8_t>(out, "/tickets/outcome");
        CHECK(std::count(outcome.begin(), outcome.end(), 0) == closed);
        // Abandoned: given up at a chase (1) or hung up waiting for intake (3).
        CHECK(std::count(outcome.begin(), outcome.end(), 1) +
                  std::count(outcome.begin(), outcome.end(), 3) ==
              abandoned);
        CHECK(std::count(outcome.begin(), outcome.end(), 2) == open);

        // A repeat call's parent is a ticket of the run.
        const std::set<std::int64_t> known(ids.begin(), ids.end());
        for (const auto parent : read_column<std::int64_t>(out, "/tickets/parent"))
            CHECK((parent == -1 || known.contains(parent)));

        // Coordination cost: by ticket = by time, in total and by kind.
        for (const std::string column : {"coord_cost_h",
                                         "coord_handoff_h",
                                         "coord_meeting_h",
                                         "coord_return_h",
                                         "coord_leader_h",
                                         "coord_cross_h"}) {
            INFO(column);
            const double by_ticket = sum(read_column<double>(out, "/tickets/" + column));
            const double by_time = sum(read_column<double>(out, "/series/" + column));
            CHECK(std::abs(by_ticket - by_time) <= 1e-9 * std::max(1.0, by_time));
        }

        // Staff: working servers are at open queues, and work fits in the open staff-hours.
        const auto busy = read_column<std::int64_t>(out, "/series/busy_staff");
        const auto open_staff = read_column<std::int64_t>(out, "/series/open_staff");
        const auto worked = read_column<double>(out, "/series/worked_h");
        const auto capacity = read_column<double>(out, "/series/open_staff_h");
        REQUIRE(busy.size() == open_staff.size());
        REQUIRE(worked.size() == capacity.size());
        for (std::size_t i = 0; i < busy.size(); ++i) {
            CHECK(busy[i] <= open_staff[i]);
            CHECK(worked[i] <= capacity[i] * (1.0 + 1e-12) + 1e-9);
        }
        check_province_series(out);
        check_unit_summaries(out);
    }
}

TEST_CASE("simulation.street_summary adds a row per street that adds up", "[determinism]") {
    const TempDir dir;
    const auto out = dir.path() / "streets.h5";
    const auto r = run_tiersim({"run",
                                "s0-fragmented",
                                "--days",
                                "14",
                                "--set",
                                "simulation.street_summary=true",
                                "--trace",
                                "none",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    using tiersim::io::read_column;
    const auto unit_tier = read_column<std::int8_t>(out, "/units/tier");
    const auto streets = read_column<std::int32_t>(out, "/summary/by_street/unit");
    CHECK(static_cast<std::int64_t>(streets.size()) ==
          std::count(unit_tier.begin(), unit_tier.end(), 0));
    const auto created = tiersim::io::read_int_attribute(out, "/summary", "created_after_warmup");
    CHECK(sum(read_column<double>(out, "/summary/by_street/created")) ==
          static_cast<double>(created));
    // Without the flag there is no street table.
    const auto plain = dir.path() / "plain.h5";
    REQUIRE(
        run_tiersim(
            {"run", "s0-fragmented", "--days", "14", "--trace", "none", "-q", "-o", plain.string()})
            .exit_code == 0);
    CHECK(tiersim::io::has_object(out, "/summary/by_street"));
    CHECK_FALSE(tiersim::io::has_object(plain, "/summary/by_street"));
    CHECK(tiersim::io::has_object(plain, "/summary/by_district/unit"));
}

TEST_CASE("busy staff are working staff: nobody is busy at a closed office", "[determinism]") {
    const TempDir dir;
    const auto out = dir.path() / "s0.h5";
    const auto r = run_tiersim({"run",
                                "s0-fragmented",
                                "--days",
                                "7",
                                "--set",
                                "simulation.warmup_days=0",
                                "--set",
                                "simulation.bucket_hours=1",
                                "-q",
                                "-o",
                                out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    using tiersim::io::read_column;
    const auto t = read_column<double>(out, "/series/t_h");
    const auto tier = read_column<std::int8_t>(out, "/series/tier");
    const auto busy = read_column<std::int64_t>(out, "/series/busy_staff");
    const auto open_staff = read_column<std::int64_t>(out, "/series/open_staff");
    const auto worked = read_column<double>(out, "/series/worked_h");
    const auto capacity = read_column<double>(out, "/series/open_staff_h");
    double street_worked = 0.0;
    double street_capacity = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (tier[i] != 0)
            continue;  // the street tier: office hours only (s0: 9–12, 13:30–17:30, Mon–Fri)
        const double hour = std::fmod(t[i], 24.0);
        const bool weekend = t[i] > 5 * 24.0;
        const bool open_at_end =
            !weekend && ((hour >= 9.0 && hour < 12.0) || (hour >= 13.5 && hour < 17.5));
        INFO("t " << t[i]);
        if (!open_at_end) {
            CHECK(busy[i] == 0);
            CHECK(open_staff[i] == 0);
        }
        // The bucket (t - 1, t]: no open hour in it on the weekend or at night.
        const bool bucket_closed = weekend || hour <= 9.0 || hour >= 18.5 || hour == 13.0;
        if (bucket_closed) {
            CHECK(worked[i] == 0.0);
            CHECK(capacity[i] == 0.0);
        }
        street_worked += worked[i];
        street_capacity += capacity[i];
    }
    // /queues: s0's streets have intake_staff = 5 window clerks, split among the departments
    // (generalist_windows = false) but never more than five in all.
    const auto queue_unit = read_column<std::int32_t>(out, "/queues/unit");
    const auto queue_tier = read_column<std::int8_t>(out, "/queues/tier");
    const auto queue_name = tiersim::io::read_string_column(out, "/queues/queue");
    const auto servers = read_column<std::int32_t>(out, "/queues/servers");
    std::map<std::int32_t, std::int64_t> window_clerks;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        if (queue_tier[i] == 0 &&
            (queue_name[i] == "intake:window" || queue_name[i].starts_with("window:")))
            window_clerks[queue_unit[i]] += servers[i];
    }
    REQUIRE(window_clerks.size() == 60);  // s0: 2 × 2 × 3 × 5 streets
    for (const auto& [unit, clerks] : window_clerks)
        CHECK(clerks == 5);
    // The street tier worked, and the utilisation over open hours is a share.
    CHECK(street_worked > 0.0);
    CHECK(street_worked < street_capacity);
}
