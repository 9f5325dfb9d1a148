// SPDX-License-Identifier: MIT
// The sweep's plan (io/sweep_plan.hpp) and the replication statistics it reports
// (model/replication_stats.hpp).
#include "tiersim/io/sweep_plan.hpp"

#include "tiersim/error.hpp"
#include "tiersim/model/replication_stats.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using tiersim::io::parse_vary;
using tiersim::io::SweepPlan;

TEST_CASE("a --vary takes a list of values or a range", "[unit][sweep]") {
    const auto list = parse_vary("tiers.district.design = fragmented, \"approval_bureau\"");
    REQUIRE(list.key == "tiers.district.design");
    REQUIRE(list.values == std::vector<std::string>{"fragmented", "\"approval_bureau\""});
    REQUIRE(!list.numeric());

    const auto range = parse_vary("technology.data_sharing=0:1:0.25");
    REQUIRE(range.values == std::vector<std::string>{"0", "0.25", "0.5", "0.75", "1"});
    REQUIRE(range.numeric());
    // Steps that do not reach STOP exactly stop before it; rounding does not add a value.
    REQUIRE(parse_vary("k=0:1:0.3").values == std::vector<std::string>{"0", "0.3", "0.6", "0.9"});
    REQUIRE(parse_vary("k=0:0.3:0.1").values.size() == 4);
    REQUIRE(parse_vary("k=2:2:1").values == std::vector<std::string>{"2"});
}

TEST_CASE("a malformed --vary is a located error", "[unit][sweep]") {
    for (const char* bad : {"no_equals",
                            "=1,2",
                            "k=",
                            "k=1,,2",
                            "k=0:1",
                            "k=0:1:0",
                            "k=1:0:1",
                            "k=a:b:c",
                            "k=0:1e9:1e-3"}) {
        INFO(bad);
        try {
            parse_vary(bad);
            FAIL("accepted");
        } catch (const tiersim::ScenarioError& e) {
            REQUIRE(e.diagnostics().front().str().rfind("--vary: error:", 0) == 0);
        }
    }
}

TEST_CASE("a plan's points are the product with the last axis fastest", "[unit][sweep]") {
    const SweepPlan plan({parse_vary("a=1,2"), parse_vary("b=x,y,z")}, 3, 100, true);
    REQUIRE(plan.point_count() == 6);
    REQUIRE(plan.run_count() == 18);
    REQUIRE(plan.coordinates(4) == std::vector<std::size_t>{1, 1});
    REQUIRE(plan.overrides(5) == std::vector<std::string>{"a=2", "b=z"});
    REQUIRE(plan.seed(0, 2) == 102);
    REQUIRE(plan.seed(5, 2) == 102);  // common random numbers
    const SweepPlan independent({parse_vary("a=1,2")}, 3, 100, false);
    REQUIRE(independent.seed(0, 2) == 102);
    REQUIRE(independent.seed(1, 0) == 103);
    REQUIRE_THROWS_AS(SweepPlan({parse_vary("a=1"), parse_vary("a=2")}, 1, 0, true),
                      tiersim::ScenarioError);
    REQUIRE_THROWS_AS(SweepPlan({parse_vary("simulation.seed=1,2")}, 1, 0, true),
                      tiersim::ScenarioError);
}

TEST_CASE("mean_interval is the Student-t interval over finite values", "[unit][sweep]") {
    using tiersim::model::mean_interval;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> values{1.0, 2.0, 3.0, nan, 6.0};
    const auto m = mean_interval(values);
    REQUIRE(m.n == 4);
    REQUIRE(m.mean == 3.0);
    REQUIRE(m.sd == Approx(std::sqrt(14.0 / 3.0)));
    // t(0.975, 3) = 3.182446305284263
    REQUIRE(m.high - m.mean == Approx(3.182446305284263 * std::sqrt(14.0 / 3.0) / 2.0));
    REQUIRE(m.mean - m.low == Approx(m.high - m.mean));

    const std::vector<double> one{5.0};
    const auto single = mean_interval(one);
    REQUIRE(single.mean == 5.0);
    REQUIRE(std::isnan(single.low));
    const std::vector<double> none{nan};
    REQUIRE(std::isnan(mean_interval(none).mean));
    const std::vector<double> same{2.0, 2.0, 2.0};
    REQUIRE(mean_interval(same).low == 2.0);
}
