// SPDX-License-Identifier: MIT
// What a run costs (tiersim/model/costs.hpp): payroll and coordination at each tier's rate, the
// project teams' moves at their unit's tier's rate, a reform's one-off on its day and its yearly
// cost pro rata, and the sums after the warm-up.
#include "tiersim/model/costs.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using namespace tiersim::model;

SeriesRow row(double t_h, Tier tier, double payroll, double coord, std::int64_t closed) {
    SeriesRow r;
    r.t_h = t_h;
    r.tier = static_cast<std::int8_t>(tier);
    r.payroll_yuan = payroll;
    r.coord_yuan = coord;
    r.closed = closed;
    return r;
}

CostBasis basis() {
    CostBasis b;
    b.staff_hour_yuan = {40.0, 50.0, 60.0, 70.0};
    b.unit_tier = {Tier::province, Tier::city, Tier::district, Tier::street};
    return b;
}

}  // namespace

TEST_CASE("costs sum each bucket's tiers and price the rules' moves at the unit's tier",
          "[unit][costs]") {
    const std::vector<SeriesRow> series = {row(24, Tier::street, 100, 10, 3),
                                           row(24, Tier::city, 200, 20, 1),
                                           row(48, Tier::street, 300, 30, 4),
                                           row(48, Tier::city, 400, 40, 0)};
    AdaptationRecord move;
    move.t_h = 30.0;
    move.action = AdaptationAction::team_arrived;
    move.unit = 2;  // a district: 50 yuan an hour
    move.cost_h = 8.0;
    const auto rows = cost_rows(basis(), series, {move});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].t_h == 24.0);
    CHECK(rows[0].payroll_yuan == 300.0);
    CHECK(rows[0].coord_yuan == 30.0);
    CHECK(rows[0].moves_yuan == 0.0);
    CHECK(rows[0].closed == 4);
    CHECK(rows[0].yuan_per_closed == Approx(330.0 / 4));
    CHECK(rows[1].moves_yuan == 8.0 * 50.0);
    CHECK(rows[1].total_yuan == 700.0 + 70.0 + 400.0);
}

TEST_CASE("a reform's one-off falls on its day and its yearly cost runs pro rata from then",
          "[unit][costs]") {
    CostBasis b = basis();
    b.items.push_back({"bureau", 1, 1000.0, 365.0 * 24.0});  // 24 yuan a day from day 1
    std::vector<SeriesRow> series;
    for (int d = 1; d <= 3; ++d)
        series.push_back(row(24.0 * d, Tier::street, 0, 0, 1));
    const auto rows = cost_rows(b, series, {});
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].reform_yuan == 0.0);  // day 0: before it
    CHECK(rows[1].reform_yuan == Approx(1000.0 + 24.0));
    CHECK(rows[2].reform_yuan == Approx(24.0));
    const CostTotals after = cost_totals(rows, 24.0);  // the first day is the warm-up
    CHECK(after.reform_yuan == Approx(1048.0));
    CHECK(after.closed == 2);
    CHECK(after.yuan_per_closed == Approx(524.0));
    CHECK(std::isnan(
        cost_totals(cost_rows(basis(), {row(24, Tier::city, 5, 0, 0)}, {}), 0).yuan_per_closed));
}
