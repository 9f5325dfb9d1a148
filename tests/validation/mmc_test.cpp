// SPDX-License-Identifier: MIT
// M/M/c against Erlang C (DESIGN §5.1): the street window intake of scenarios/validation/mmc
// (one street, every ticket closed at intake, calendars always open) is an M/M/c queue. Each
// case runs R independent replications with fixed seeds, deletes the warm-up, and compares
// the mean wait Wq and mean sojourn W with the closed forms under the pass rule of
// aesthetics.md §8.5 (|mean − exact| ≤ max(4·SE, 1%·exact)); the 95% confidence half-width
// must also be below 5% of the exact value, so that the comparison is not vacuous.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;

/// One M/M/c configuration of validation/mmc and how long to run it.
struct MmcCase {
    int c = 1;                  ///< servers (tiers.street.intake_staff)
    double lambda = 1.0;        ///< arrivals per hour (the street has 10,000 residents)
    double mean_service = 1.0;  ///< hours
    double days = 400.0;        ///< horizon of one replication
    double warmup_days = 20.0;  ///< deleted at the start
    double drain_days = 5.0;    ///< tickets created this close to the end are not counted
    int replications = 10;
    std::uint64_t first_seed = 1;
};

/// Per-replication means over the tickets created in [warm-up, end − drain).
struct MmcSample {
    double wq = 0.0;
    double w = 0.0;
    std::int64_t count = 0;
    std::int64_t censored = 0;  ///< created in the window but still open at the end
};

std::vector<MmcSample> run_mmc(const MmcCase& k) {
    return replicate(k.replications, [&k](int r) {
        const auto spec = load_with_seed(
            "validation/mmc",
            {"tiers.street.intake_staff=" + std::to_string(k.c),
             "ticket_types.t.rate=" + toml_number(k.lambda * 24.0),  // per 10,000 residents per day
             "ticket_types.t.intake.mean_h=" + toml_number(k.mean_service),
             "simulation.days=" + toml_number(k.days),
             "simulation.warmup_days=" + toml_number(k.warmup_days)},
            k.first_seed + static_cast<std::uint64_t>(r));
        TicketWaits waits(k.warmup_days * 24.0, (k.days - k.drain_days) * 24.0);
        run_replication(spec, /*trace_events=*/false, waits);
        return MmcSample{waits.mean_wait(), waits.mean_sojourn(), waits.count(), waits.censored()};
    });
}

struct MmcResult {
    Estimate wq;
    Estimate w;
    std::int64_t tickets = 0;
    std::int64_t censored = 0;
};

MmcResult measure(const MmcCase& k) {
    const auto samples = run_mmc(k);
    std::vector<double> wq;
    std::vector<double> w;
    MmcResult result;
    for (const auto& s : samples) {
        wq.push_back(s.wq);
        w.push_back(s.w);
        result.tickets += s.count;
        result.censored += s.censored;
    }
    result.wq = estimate(wq);
    result.w = estimate(w);
    return result;
}

/// Checks one case against Erlang C; the caller states the system and answer above the call.
void check_mmc(const MmcCase& k, double exact_wq, double exact_w) {
    // The closed forms computed here must equal the ones the caller wrote down.
    REQUIRE(mmc_wq(k.lambda, k.mean_service, k.c) == Approx(exact_wq).epsilon(1e-4));
    REQUIRE(mmc_w(k.lambda, k.mean_service, k.c) == Approx(exact_w).epsilon(1e-4));

    const MmcResult m = measure(k);
    INFO("M/M/" << k.c << " lambda=" << k.lambda << "/h mean=" << k.mean_service
                << " h rho=" << k.lambda * k.mean_service / k.c << ": R=" << k.replications << ", "
                << m.tickets << " tickets after warm-up");
    INFO("Wq: measured " << m.wq.mean << " +- " << m.wq.half_width << " (SE " << m.wq.se
                         << "), exact " << exact_wq);
    INFO("W:  measured " << m.w.mean << " +- " << m.w.half_width << " (SE " << m.w.se << "), exact "
                         << exact_w);
    // No ticket of the measured window may still be open: dropping them would bias the mean.
    REQUIRE(m.censored == 0);
    REQUIRE(std::abs(m.wq.mean - exact_wq) <= pass_tolerance(m.wq, exact_wq));
    REQUIRE(std::abs(m.w.mean - exact_w) <= pass_tolerance(m.w, exact_w));
    // Not vacuous: the 95% interval is tighter than 5% of the answer.
    REQUIRE(m.wq.half_width <= 0.05 * exact_wq);
    REQUIRE(m.w.half_width <= 0.05 * exact_w);
}

}  // namespace

TEST_CASE("M/M/1 at rho 0.5 matches Erlang C", "[validation][mmc]") {
    MmcCase k;
    k.c = 1;
    k.lambda = 0.5;
    k.mean_service = 1.0;
    k.days = 5000.0;
    k.replications = 20;
    k.first_seed = 101;
    // M/M/1, λ = 0.5/h, μ = 1/h, ρ = 0.5: Wq = ρ/(μ − λ) = 1 h, W = 1/(μ − λ) = 2 h.
    check_mmc(k, 1.0, 2.0);
}

TEST_CASE("M/M/2 at rho 0.8 matches Erlang C", "[validation][mmc]") {
    MmcCase k;
    k.c = 2;
    k.lambda = 3.2;
    k.mean_service = 0.5;
    k.days = 5000.0;
    k.replications = 20;
    k.first_seed = 201;
    // M/M/2, λ = 3.2/h, mean service 0.5 h (μ = 2/h), a = 1.6, ρ = 0.8:
    // C(2, 1.6) = 2ρ²/(1 + ρ) = 0.711111, Wq = C/(2μ − λ) = 0.711111/0.8 = 0.888889 h,
    // W = Wq + 0.5 = 1.388889 h.
    check_mmc(k, 0.888889, 1.388889);
}

TEST_CASE("M/M/4 at rho 0.8 matches Erlang C", "[validation][mmc]") {
    MmcCase k;
    k.c = 4;
    k.lambda = 3.2;
    k.mean_service = 1.0;
    k.days = 5000.0;
    k.replications = 20;
    k.first_seed = 301;
    // M/M/4 (the scenario's defaults), λ = 3.2/h, μ = 1/h, a = 3.2, ρ = 0.8:
    // C(4, 3.2) = 0.596432, Wq = C/(4 − 3.2) = 0.745541 h, W = 1.745541 h.
    check_mmc(k, 0.745541, 1.745541);
}

TEST_CASE("M/M/8 at rho 0.95 matches Erlang C", "[validation][mmc]") {
    MmcCase k;
    k.c = 8;
    k.lambda = 7.6;
    k.mean_service = 1.0;
    k.days = 8000.0;
    k.warmup_days = 40.0;
    k.drain_days = 10.0;
    k.replications = 20;
    k.first_seed = 401;
    // M/M/8, λ = 7.6/h, μ = 1/h, a = 7.6, ρ = 0.95:
    // C(8, 7.6) = 0.844169, Wq = C/(8 − 7.6) = 2.110422 h, W = 3.110422 h.
    check_mmc(k, 2.110422, 3.110422);
}

TEST_CASE("M/M/1 at rho 0.95 matches Erlang C", "[validation][mmc][slow]") {
    MmcCase k;
    k.c = 1;
    k.lambda = 0.95;
    k.mean_service = 1.0;
    k.days = 40000.0;
    k.warmup_days = 100.0;
    k.drain_days = 20.0;
    k.replications = 20;
    k.first_seed = 501;
    // M/M/1, λ = 0.95/h, μ = 1/h, ρ = 0.95: Wq = ρ/(μ − λ) = 19 h, W = 1/(μ − λ) = 20 h.
    check_mmc(k, 19.0, 20.0);
}

TEST_CASE("M/M/4 at rho 0.8 matches Erlang C to within 1%", "[validation][mmc][slow]") {
    MmcCase k;
    k.c = 4;
    k.lambda = 3.2;
    k.mean_service = 1.0;
    k.days = 20000.0;
    k.replications = 20;
    k.first_seed = 601;
    // As above, with 20 × 20,000 days, so that 4·SE is about 1% of the answer:
    // M/M/4, λ = 3.2/h, μ = 1/h, ρ = 0.8: Wq = 0.745541 h, W = 1.745541 h.
    check_mmc(k, 0.745541, 1.745541);
}
