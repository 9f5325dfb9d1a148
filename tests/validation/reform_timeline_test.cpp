// SPDX-License-Identifier: MIT
// The reform timeline against Erlang C: the M/M/c street intake of scenarios/validation/mmc
// gets more servers from a given day on ([[timeline]]), and each half of the run must be the
// M/M/c queue of its own staff, under the pass rule of aesthetics.md §8.5 (as mmc_test.cpp),
// with the transient after the change left out. A change to the same value must change no
// ticket at all, and a ramp of the online share must move the arrivals between channels.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;

/// Feeds every record to each of its consumers.
class Both final : public RecordConsumer {
public:
    Both(RecordConsumer& a, RecordConsumer& b)
        : a_(a),
          b_(b) {}

    void tickets(const std::vector<tiersim::model::TicketRecord>& r) override {
        a_.tickets(r);
        b_.tickets(r);
    }

    void events(const std::vector<tiersim::model::EventRecord>& r) override {
        a_.events(r);
        b_.events(r);
    }

private:
    RecordConsumer& a_;
    RecordConsumer& b_;
};

/// Every ticket record, in the order the run hands them on (times as bits: NaN is a value).
class AllTickets final : public RecordConsumer {
public:
    void tickets(const std::vector<tiersim::model::TicketRecord>& r) override {
        for (const auto& t : r)
            rows.push_back({t.id,
                            t.created_h,
                            std::bit_cast<std::uint64_t>(t.closed_h),
                            std::bit_cast<std::uint64_t>(t.responded_h),
                            t.channel});
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    struct Row {
        std::int64_t id;
        double created_h;
        std::uint64_t closed_bits, responded_bits;
        std::int8_t channel;
        bool operator==(const Row&) const = default;
    };

    std::vector<Row> rows;
};

constexpr double lambda = 3.2;  // per hour
constexpr double mean_service = 1.0;
constexpr double days = 3000.0;
constexpr double change_day = 1500.0;
constexpr double settle_days = 20.0;  // warm-up at the start and after the change
constexpr double drain_days = 5.0;

std::vector<std::string> mmc_overrides(int c) {
    return {"tiers.street.intake_staff=" + std::to_string(c),
            "ticket_types.t.rate=" + toml_number(lambda * 24.0),
            "ticket_types.t.intake.mean_h=" + toml_number(mean_service),
            "simulation.days=" + toml_number(days),
            "simulation.warmup_days=" + toml_number(settle_days)};
}

void check(const std::vector<double>& wq, double exact, const char* what) {
    const Estimate e = estimate(wq);
    INFO(what << ": Wq measured " << e.mean << " +- " << e.half_width << " (SE " << e.se
              << "), exact " << exact);
    REQUIRE(std::abs(e.mean - exact) <= pass_tolerance(e, exact));
    REQUIRE(e.half_width <= 0.05 * exact);  // not vacuous
}

}  // namespace

TEST_CASE("a staff change on the timeline turns one M/M/c queue into another",
          "[validation][timeline]") {
    // M/M/4 then M/M/6 from day 1500, λ = 3.2/h, μ = 1/h (a = 3.2):
    // ρ = 0.8: C(4, 3.2) = 0.596, Wq = C/(4 − 3.2) = 0.7455 h;
    // ρ = 0.533: C(6, 3.2) = 0.1271, Wq = C/(6 − 3.2) = 0.04539 h.
    REQUIRE(mmc_wq(lambda, mean_service, 4) == Approx(0.7455).epsilon(1e-3));
    REQUIRE(mmc_wq(lambda, mean_service, 6) == Approx(0.04539).epsilon(1e-3));
    std::vector<double> before;
    std::vector<double> after;
    for (int r = 0; r < 10; ++r) {
        auto overrides = mmc_overrides(4);
        overrides.push_back(
            "timeline=[{day = 1500, label = \"two more clerks\", set = {tiers = "
            "{street = {intake_staff = 6}}}}]");
        const auto spec =
            load_with_seed("validation/mmc", overrides, 401 + static_cast<std::uint64_t>(r));
        REQUIRE(spec.timeline.size() == 1);
        TicketWaits first(settle_days * 24.0, (change_day - drain_days) * 24.0);
        TicketWaits second((change_day + settle_days) * 24.0, (days - drain_days) * 24.0);
        Both both(first, second);
        run_replication(spec, /*trace_events=*/false, both);
        REQUIRE(first.censored() == 0);
        REQUIRE(second.censored() == 0);
        before.push_back(first.mean_wait());
        after.push_back(second.mean_wait());
    }
    check(before, mmc_wq(lambda, mean_service, 4), "M/M/4 before the change");
    check(after, mmc_wq(lambda, mean_service, 6), "M/M/6 after the change");
}

TEST_CASE("a timeline step that sets the values a run already has changes no ticket",
          "[validation][timeline][determinism]") {
    auto overrides = mmc_overrides(4);
    overrides.push_back("simulation.days=200");
    AllTickets plain;
    run_replication(load_with_seed("validation/mmc", overrides, 7), false, plain);
    overrides.push_back(
        "timeline=[{day = 50, set = {tiers = {street = {intake_staff = 4}}}}, "
        "{day = 60, ramp_days = 30, set = {technology = {online_share = 0.0}}}]");
    AllTickets stepped;
    const auto spec = load_with_seed("validation/mmc", overrides, 7);
    REQUIRE(spec.timeline.size() == 6);  // day 50, then the ramp's steps at 67, 74, 81, 88, 90
    run_replication(spec, false, stepped);
    REQUIRE(plain.rows.size() > 10'000);
    CHECK(stepped.rows == plain.rows);
}

TEST_CASE("a ramp of the online share moves the window's arrivals online step by step",
          "[validation][timeline]") {
    // validation/mmc's type is a window item; make it online-capable and ramp the portal's
    // share from 0 to 0.8 over days 100–180: the online share of the tickets created in each
    // period follows the steps (Poisson thinning, so a binomial share in each period).
    std::vector<std::string> overrides = {
        "simulation.days=300",
        "simulation.warmup_days=1",
        "ticket_types.t.online=true",
        "timeline=[{day = 100, ramp_days = 80, step_days = 20, set = {technology = "
        "{online_share = 0.8}}}]"};
    const auto spec = load_with_seed("validation/mmc", overrides, 11);
    REQUIRE(spec.timeline.size() == 4);
    CHECK(spec.timeline[0].changes.at(0).value == "0.2");
    CHECK(spec.timeline[3].changes.at(0).value == "0.8");
    AllTickets all;
    run_replication(spec, false, all);
    // Periods: before the ramp, its four steps, after it.
    const std::vector<std::pair<double, double>> periods = {
        {1, 100}, {120, 140}, {140, 160}, {160, 180}, {180, 300}};
    const std::vector<double> share = {0.0, 0.2, 0.4, 0.6, 0.8};
    for (std::size_t p = 0; p < periods.size(); ++p) {
        double n = 0;
        double online = 0;
        for (const auto& r : all.rows) {
            if (r.created_h < periods[p].first * 24.0 || r.created_h >= periods[p].second * 24.0)
                continue;
            ++n;
            online +=
                r.channel == static_cast<std::int8_t>(tiersim::model::Channel::online) ? 1 : 0;
        }
        INFO("days " << periods[p].first << "-" << periods[p].second << ": " << online << " of "
                     << n << " online, expected share " << share[p]);
        REQUIRE(n > 1000);
        // Four standard errors of a binomial share (zero before the ramp: none at all).
        const double se = std::sqrt(share[p] * (1 - share[p]) / n);
        CHECK(std::abs(online / n - share[p]) <= 4 * se);
    }
}
