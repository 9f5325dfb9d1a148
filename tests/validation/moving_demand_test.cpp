// SPDX-License-Identifier: MIT
// Demand that moves (issue 12, item 2) on scenarios/validation/erlang_a's one hotline street,
// patience off and staff enough for any of the rates here, so every ticket is counted once:
// a monthly profile gives each month its share of the year's arrivals, a rate step on the
// timeline (a shock) multiplies one period's arrivals, and demand feedback moves the rate to
// λ0 × (1 + ε (r − baseline)) once the resolution r has been seen. Counts are Poisson: each
// comparison allows four standard deviations of the count.
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;

/// The creation times of every ticket (closed or open at the end).
class Created final : public RecordConsumer {
public:
    void tickets(const std::vector<tiersim::model::TicketRecord>& r) override {
        for (const auto& t : r)
            hours.push_back(t.created_h);
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    [[nodiscard]] double count(double from_day, double to_day) const {
        double n = 0;
        for (const double h : hours)
            n += h >= from_day * 24.0 && h < to_day * 24.0 ? 1 : 0;
        return n;
    }

    std::vector<double> hours;
};

constexpr double per_day = 96.0;  // erlang_a's rate at its street of 10,000 residents

std::vector<std::string> hotline(double days) {
    return {"simulation.days=" + std::to_string(days),
            "simulation.warmup_days=1",
            "channels.hotline.patience_min=0",
            "channels.hotline.staff=12"};
}

Created run(std::vector<std::string> overrides, std::uint64_t seed) {
    Created c;
    run_replication(load_with_seed("validation/erlang_a", std::move(overrides), seed), false, c);
    return c;
}

void check_count(double got, double expected, const std::string& what) {
    INFO(what << ": " << got << " tickets, expected " << expected << " +- "
              << 4 * std::sqrt(expected));
    CHECK(std::abs(got - expected) <= 4 * std::sqrt(expected));
}

}  // namespace

TEST_CASE("a monthly profile gives each month its share of the year", "[validation][demand]") {
    // Twice the demand in January and August (mean 1 over the months: the others 10/12 × …).
    auto o = hotline(365);
    o.push_back("ticket_types.t.monthly_profile=[2,1,1,1,1,1,1,2,1,1,1,1]");
    const Created c = run(o, 21);
    const double scale = 12.0 / 14.0;  // the profile scaled to mean 1
    check_count(c.count(0, 31), per_day * 31 * 2 * scale, "January");
    check_count(c.count(31, 59), per_day * 28 * scale, "February");
    check_count(c.count(212, 243), per_day * 31 * 2 * scale, "August");
    SECTION("the year may start in another month") {
        auto from_july = o;
        from_july.push_back("simulation.start_month=7");
        const Created j = run(from_july, 22);
        check_count(j.count(0, 31), per_day * 31 * scale, "July");
        check_count(j.count(31, 62), per_day * 31 * 2 * scale, "August");
    }
}

TEST_CASE("a rate step on the timeline is a demand shock", "[validation][demand][timeline]") {
    auto o = hotline(200);
    o.push_back(
        "timeline=[{day = 100, label = \"deadline surge\", set = {ticket_types = {t = "
        "{rate = 288.0}}}}, {day = 130, set = {ticket_types = {t = {rate = 96.0}}}}]");
    const Created c = run(o, 23);
    check_count(c.count(1, 100), per_day * 99, "before");
    check_count(c.count(100, 130), per_day * 3 * 30, "the surge");
    check_count(c.count(130, 200), per_day * 70, "after");
}

TEST_CASE("a type that does not arrive cannot start on the timeline", "[validation][demand]") {
    auto o = hotline(20);
    o.push_back("ticket_types.t.rate=0");
    o.push_back("timeline=[{day = 5, set = {ticket_types = {t = {rate = 10.0}}}}]");
    const auto spec = load_with_seed("validation/erlang_a", o, 1);
    CHECK_THROWS_WITH(tiersim::io::compile_scenario(spec),
                      Catch::Contains("cannot start arriving during a run"));
}

TEST_CASE("hotline demand follows the resolution citizens have seen", "[validation][demand]") {
    // Every call is answered and solved at intake (r = 1): with ε = 0.8 and a baseline of 0.5
    // the rate becomes 1.4 λ0 at the first update that sees a period, day 7 + 10 of lag.
    auto o = hotline(120);
    o.push_back("citizens.trust_elasticity=0.8");
    o.push_back("citizens.trust_baseline=0.5");
    o.push_back("citizens.trust_lag_days=10");
    o.push_back("ticket_types.t.solve_probability=1");
    const Created c = run(o, 24);
    check_count(c.count(1, 14), per_day * 13, "before the first update");
    check_count(c.count(21, 120), per_day * 1.4 * 99, "after it");
    SECTION("at the baseline's resolution the demand stays") {
        auto half = o;
        half.push_back("ticket_types.t.solve_probability=0.5");
        const Created h = run(half, 25);
        check_count(h.count(21, 120), per_day * 99, "r about 0.5");
    }
    SECTION("no feedback, no change: elasticity 0 is the scenario's own rate") {
        auto none = hotline(120);
        const Created plain = run(none, 24);
        none.push_back("citizens.trust_elasticity=0");
        CHECK(run(none, 24).hours == plain.hours);
    }
}
