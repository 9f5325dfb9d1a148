// SPDX-License-Identifier: MIT
#include "tiersim/model/summary_accumulator.hpp"

#include "tiersim/model/log_histogram.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

using namespace tiersim;
using namespace tiersim::model;

namespace {

ScenarioSpec small_spec() {
    ScenarioSpec spec;
    spec.name = "summary-test";
    spec.warmup_days = 1.0;
    spec.divisions.provinces = 2;
    spec.divisions.cities_per_province = 1;
    spec.divisions.districts_per_city = 1;
    spec.divisions.streets_per_district = 2;
    TicketTypeSpec a;
    a.name = "consultation";
    TicketTypeSpec b;
    b.name = "complaint";
    spec.ticket_types = {a, b};
    return spec;
}

/// A deterministic uniform (0, 1) stream: SplitMix64, the same on every platform.
struct Uniform {
    std::uint64_t state;

    double operator()() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;
    }
};

/// Exact nearest-rank quantile: the ceil(q·n)-th smallest value.
double exact_quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(rank, 1) - 1];
}

TicketRecord closed_ticket(std::int64_t id, int type, int province, double created, double lead) {
    TicketRecord r;
    r.id = id;
    r.type = type;
    r.province = static_cast<std::int8_t>(province);
    r.created_h = created;
    r.responded_h = created + 0.5;
    r.closed_h = created + lead;
    r.outcome = Outcome::resolved;
    r.tier_resolved = 1;
    r.satisfied = 1;
    r.solved = 1;
    r.responded_in_time = 1;
    r.resolved_in_time = 1;
    return r;
}

}  // namespace

TEST_CASE("log histogram quantiles are within 0.2% of exact quantiles", "[model][summary]") {
    Uniform u{42};
    std::vector<double> sample;
    LogHistogram h;
    for (int i = 0; i < 200'000; ++i) {
        // Lognormal lead times around 30 h with a long tail (Box-Muller).
        const double z = std::sqrt(-2.0 * std::log(u())) * std::cos(2.0 * std::numbers::pi * u());
        const double x = std::exp(std::log(30.0) + 1.2 * z);
        sample.push_back(x);
        h.add(x);
    }
    REQUIRE(h.count() == sample.size());
    for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999}) {
        const double exact = exact_quantile(sample, q);
        INFO("q = " << q);
        CHECK(h.quantile(q) == Approx(exact).epsilon(0.002));
    }
    CHECK(h.quantile(0.0) == *std::min_element(sample.begin(), sample.end()));
    CHECK(h.quantile(1.0) == *std::max_element(sample.begin(), sample.end()));
}

TEST_CASE("log histogram handles zero, tiny and huge values", "[model][summary]") {
    LogHistogram h;
    CHECK(std::isnan(h.quantile(0.5)));
    h.add(0.0);
    h.add(0.0);
    h.add(1e-9);
    h.add(5.0);
    h.add(1e9);
    CHECK(h.quantile(0.2) == 0.0);
    CHECK(h.quantile(0.5) <= 1e-4);  // the underflow bucket answers its exact minimum
    CHECK(h.quantile(0.8) == Approx(5.0).epsilon(0.002));
    CHECK(h.quantile(1.0) == 1e9);
}

TEST_CASE("summary accumulator counts conservation and groups", "[model][summary]") {
    const ScenarioSpec spec = small_spec();
    const Organisation org = Organisation::build(spec);
    REQUIRE(org.province_count() == 2);
    SummaryAccumulator acc(spec, org);

    // During the warm-up (created before 24 h): counted for conservation only.
    acc.add(closed_ticket(0, 0, 0, 10.0, 2.0));
    TicketRecord warm_open = closed_ticket(1, 1, 1, 20.0, 0.0);
    warm_open.outcome = Outcome::open_at_end;
    warm_open.closed_h = std::nan("");
    acc.add(warm_open);

    // After the warm-up.
    TicketRecord a = closed_ticket(2, 0, 0, 30.0, 4.0);
    a.handoffs = 2;
    a.returns = 1;
    a.hops = 3;
    a.visits = 1;
    a.escalations = 1;
    a.coord_cost_h = 1.5;
    acc.add(a);
    TicketRecord b = closed_ticket(3, 1, 1, 40.0, 8.0);
    b.satisfied = 0;
    b.solved = 0;
    b.responded_in_time = 0;
    b.resolved_in_time = 0;
    b.tier_resolved = 0;
    b.coord_cost_h = 0.5;
    acc.add(b);
    TicketRecord c = closed_ticket(4, 1, 1, 50.0, 0.0);
    c.outcome = Outcome::abandoned;
    c.closed_h = 55.0;
    c.tier_resolved = -1;
    c.coord_cost_h = 0.25;
    acc.add(c);
    TicketRecord d = closed_ticket(5, 0, 0, 60.0, 0.0);
    d.outcome = Outcome::open_at_end;
    d.closed_h = std::nan("");
    d.tier_resolved = -1;
    acc.add(d);

    const Summary s = acc.finish();
    CHECK(s.created == 6);
    CHECK(s.closed == 3);
    CHECK(s.abandoned == 1);
    CHECK(s.open_at_end == 2);
    CHECK(s.created == s.closed + s.abandoned + s.open_at_end);

    CHECK(s.overall.name == "overall");
    CHECK(s.overall.created == 4);
    CHECK(s.overall.closed == 2);
    CHECK(s.overall.response_rate == 0.5);
    CHECK(s.overall.resolution_rate == 0.5);
    CHECK(s.overall.satisfaction_rate == 0.5);
    CHECK(s.overall.within_limit_share == 0.5);
    CHECK(s.overall.lead_time_mean_h == 6.0);
    CHECK(s.overall.lead_time_p50_h == Approx(4.0).epsilon(0.002));
    CHECK(s.overall.lead_time_p99_h == Approx(8.0).epsilon(0.002));
    CHECK(s.overall.handoffs_per_ticket == 1.0);
    CHECK(s.overall.returns_per_ticket == 0.5);
    CHECK(s.overall.escalations_per_ticket == 0.5);
    CHECK(s.overall.hops_per_ticket == 1.5);
    CHECK(s.overall.visits_per_case == 0.5);
    CHECK(s.overall.coord_cost_h == 2.25);  // over every ticket of the group, closed or not

    CHECK(s.by_tier[0].name == "street");
    CHECK(s.by_tier[3].name == "province");
    CHECK(s.by_tier[0].closed == 1);
    CHECK(s.by_tier[1].closed == 1);
    CHECK(s.by_tier[1].lead_time_mean_h == 4.0);
    CHECK(s.by_tier[2].closed == 0);
    CHECK(std::isnan(s.by_tier[2].response_rate));
    CHECK(std::isnan(s.by_tier[2].lead_time_p50_h));

    REQUIRE(s.by_type.size() == 2);
    CHECK(s.by_type[0].name == "consultation");
    CHECK(s.by_type[1].name == "complaint");
    CHECK(s.by_type[0].created == 2);
    CHECK(s.by_type[1].created == 2);
    CHECK(s.by_type[1].closed == 1);

    REQUIRE(s.by_province.size() == 2);
    CHECK(s.by_province[0].name == org.unit(org.province_unit(0)).name);
    CHECK(s.by_province[1].created == 2);
}

TEST_CASE("summary accumulator lead-time quantiles match a known sample", "[model][summary]") {
    ScenarioSpec spec = small_spec();
    spec.warmup_days = 0.0;
    const Organisation org = Organisation::build(spec);
    SummaryAccumulator acc(spec, org);
    Uniform u{7};
    std::vector<double> leads;
    long double sum = 0.0L;
    for (int i = 0; i < 100'000; ++i) {
        const double lead = -20.0 * std::log(u());  // exponential, mean 20 h
        leads.push_back(lead);
        sum += lead;
        acc.add(closed_ticket(i, i % 2, i % 2, 1.0 * i, lead));
    }
    const Summary s = acc.finish();
    REQUIRE(s.overall.closed == 100'000);
    // The mean is exact up to rounding of closed_h − created_h.
    CHECK(s.overall.lead_time_mean_h ==
          Approx(static_cast<double>(sum / 100'000.0L)).epsilon(1e-9));
    CHECK(s.overall.lead_time_p50_h == Approx(exact_quantile(leads, 0.5)).epsilon(0.002));
    CHECK(s.overall.lead_time_p90_h == Approx(exact_quantile(leads, 0.9)).epsilon(0.002));
    CHECK(s.overall.lead_time_p99_h == Approx(exact_quantile(leads, 0.99)).epsilon(0.002));
}

TEST_CASE("summary accumulator rejects an unknown ticket type", "[model][summary]") {
    const ScenarioSpec spec = small_spec();
    const Organisation org = Organisation::build(spec);
    SummaryAccumulator acc(spec, org);
    CHECK_THROWS_AS(acc.add(closed_ticket(0, 5, 0, 100.0, 1.0)), InternalError);
}
