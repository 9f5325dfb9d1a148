// SPDX-License-Identifier: MIT
// Levers seen from the citizen's side, each against a value the scenario fixes: the three lists'
// negative list leaves unreasonable demands out of the 三率, 容缺受理 spares the visits of the
// materials rounds, and a result that is not mailed (快递送) brings the applicant back.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace {

using tiersim::io::read_column;
using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

void run_s0(const std::filesystem::path& out, const std::vector<std::string>& sets) {
    std::vector<std::string> args = {
        "run", "s0-fragmented", "--days", "21", "-q", "-o", out.string()};
    for (const auto& s : sets) {
        args.push_back("--set");
        args.push_back(s);
    }
    const auto r = run_tiersim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
}

/// Index of a ticket type in /ticket_types/name.
std::int32_t type_index(const std::filesystem::path& out, const std::string& name) {
    const auto names = tiersim::io::read_string_column(out, "/ticket_types/name");
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name)
            return static_cast<std::int32_t>(i);
    }
    FAIL("no ticket type " << name);
    return -1;
}

struct Callbacks {
    double created = 0;   ///< consultations created
    double surveyed = 0;  ///< of those answered at intake (hops 0), called back
    double solved = 0;    ///< of the surveyed, reported solved
};

/// Consultations answered on the call: no returns, so P(solved) is solve_probability exactly.
Callbacks consultations(const std::filesystem::path& out) {
    const auto consultation = type_index(out, "consultation");
    const auto type = read_column<std::int32_t>(out, "/tickets/type");
    const auto hops = read_column<std::int16_t>(out, "/tickets/hops");
    const auto parent = read_column<std::int64_t>(out, "/tickets/parent");
    const auto outcome = read_column<std::int8_t>(out, "/tickets/outcome");
    const auto satisfied = read_column<std::int8_t>(out, "/tickets/satisfied");
    const auto solved = read_column<std::int8_t>(out, "/tickets/solved");
    Callbacks c;
    for (std::size_t i = 0; i < type.size(); ++i) {
        if (type[i] != consultation || parent[i] >= 0 || outcome[i] != 0 || hops[i] != 0)
            continue;
        c.created += 1;
        if (satisfied[i] < 0)
            continue;
        c.surveyed += 1;
        c.solved += solved[i] == 1 ? 1 : 0;
    }
    return c;
}

/// Half a width of a 99.9% binomial interval.
double halfwidth(double p, double n) {
    return 3.29 * std::sqrt(p * (1.0 - p) / n);
}

}  // namespace

TEST_CASE("the negative list leaves unreasonable demands out of the 三率", "[validation]") {
    const TempDir dir;
    const double solve = 0.73;  // s0's consultation.solve_probability
    const std::vector<std::string> common = {"ticket_types.consultation.unreasonable=0.5",
                                             "strategy.rehandle=0"};
    SECTION("without the lists they count as unsolved") {
        const auto out = dir.path() / "off.h5";
        run_s0(out, {common[0], common[1], "institution.three_lists=false"});
        const auto c = consultations(out);
        REQUIRE(c.surveyed > 1000);
        CHECK(c.surveyed == c.created);
        const double expected = 0.5 * solve;
        CHECK(std::abs(c.solved / c.surveyed - expected) < halfwidth(expected, c.surveyed));
    }
    SECTION("with them they are not called back, and the rest are solved as often as ever") {
        const auto out = dir.path() / "on.h5";
        run_s0(out, {common[0], common[1], "institution.three_lists=true"});
        const auto c = consultations(out);
        REQUIRE(c.surveyed > 1000);
        CHECK(std::abs(c.surveyed / c.created - 0.5) < halfwidth(0.5, c.created));
        CHECK(std::abs(c.solved / c.surveyed - solve) < halfwidth(solve, c.surveyed));
    }
}

TEST_CASE("容缺受理 spares the visits of the materials rounds", "[validation]") {
    const TempDir dir;
    auto window_visits = [&](const std::string& accept) {
        const auto out = dir.path() / ("visits-" + accept + ".h5");
        // Results mailed (快递送), so that the only visits left are the application's and the
        // materials rounds'.
        run_s0(out, {"institution.accept_incomplete=" + accept, "technology.result_delivery=1"});
        const auto channel = read_column<std::int8_t>(out, "/tickets/channel");
        const auto visits = read_column<std::int16_t>(out, "/tickets/visits");
        const auto outcome = read_column<std::int8_t>(out, "/tickets/outcome");
        std::vector<int> v;
        for (std::size_t i = 0; i < channel.size(); ++i) {
            if (channel[i] == 0 && outcome[i] == 0)
                v.push_back(visits[i]);
        }
        REQUIRE(v.size() > 1000);
        return v;
    };
    const auto without = window_visits("false");
    const auto with = window_visits("true");
    int more_without = 0;
    for (const int v : without)
        more_without += v > 1 ? 1 : 0;
    CHECK(more_without > 0);  // S0 asks every material of the applicant: rounds cost visits
    for (const int v : with)
        REQUIRE(v == 1);  // one visit to apply; the papers follow without one
}

TEST_CASE("an applicant comes back for a result that is not mailed", "[validation]") {
    const TempDir dir;
    // The share of closed window items with a second visit, when the materials rounds cost none.
    auto back_for_result = [&](const std::string& delivery) {
        const auto out = dir.path() / ("delivery-" + delivery + ".h5");
        run_s0(out,
               {"institution.accept_incomplete=true", "technology.result_delivery=" + delivery});
        const auto channel = read_column<std::int8_t>(out, "/tickets/channel");
        const auto visits = read_column<std::int16_t>(out, "/tickets/visits");
        const auto outcome = read_column<std::int8_t>(out, "/tickets/outcome");
        double closed = 0.0;
        double twice = 0.0;
        for (std::size_t i = 0; i < channel.size(); ++i) {
            if (channel[i] != 0 || outcome[i] != 0)
                continue;
            REQUIRE(visits[i] >= 1);
            REQUIRE(visits[i] <= 2);
            closed += 1.0;
            twice += visits[i] == 2 ? 1.0 : 0.0;
        }
        REQUIRE(closed > 1000.0);
        return std::pair{twice / closed, closed};
    };
    const auto [collected, n] = back_for_result("0");
    // S0's window items that departments decide (not answered at the window) come back.
    CHECK(collected > 0.2);
    CHECK(back_for_result("1").first == 0.0);
    // Half the results mailed: half as many second visits, within a binomial 99.9% interval
    // (the runs share their seed, so the items are the same in law, not one by one).
    const double half = back_for_result("0.5").first;
    const double se = std::sqrt(0.25 * collected / n);
    CHECK(std::abs(half - 0.5 * collected) < 3.3 * se);
}
