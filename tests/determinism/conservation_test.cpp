// SPDX-License-Identifier: MIT
// Conservation and accounting (DESIGN §5.2) on every embedded scenario: no ticket is lost or
// counted twice, and coordination cost adds up the same by ticket and by time.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
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

}  // namespace

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
        CHECK(std::count(outcome.begin(), outcome.end(), 1) == abandoned);
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
    }
}
