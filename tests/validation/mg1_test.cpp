// SPDX-License-Identifier: MIT
// M/G/1 against the Pollaczek–Khinchine mean wait Wq = λ·E[S²] / (2(1 − ρ)) (DESIGN §5.1):
// validation/mmc with one intake server and a non-exponential intake service time. Pass rule
// as in mmc_test.cpp.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;

struct Mg1Result {
    Estimate wq;
    Estimate w;
    std::int64_t censored = 0;
};

/// R replications of an M/G/1 intake with arrival rate `lambda` and the service given by
/// `service` overrides (ticket_types.t.intake.*).
Mg1Result run_mg1(double lambda,
                  const std::vector<std::string>& service,
                  double days,
                  int replications,
                  std::uint64_t first_seed) {
    constexpr double warmup_days = 20.0;
    constexpr double drain_days = 5.0;
    std::vector<std::string> overrides = service;
    overrides.push_back("tiers.street.intake_staff=1");
    overrides.push_back("ticket_types.t.rate=" + toml_number(lambda * 24.0));
    overrides.push_back("simulation.days=" + toml_number(days));
    overrides.push_back("simulation.warmup_days=" + toml_number(warmup_days));

    struct Sample {
        double wq = 0.0;
        double w = 0.0;
        std::int64_t censored = 0;
    };

    const auto samples = replicate(replications, [&](int r) {
        const auto spec =
            load_with_seed("validation/mmc", overrides, first_seed + static_cast<std::uint64_t>(r));
        TicketWaits waits(warmup_days * 24.0, (days - drain_days) * 24.0);
        run_replication(spec, /*trace_events=*/false, waits);
        return Sample{waits.mean_wait(), waits.mean_sojourn(), waits.censored()};
    });
    std::vector<double> wq;
    std::vector<double> w;
    Mg1Result result;
    for (const auto& s : samples) {
        wq.push_back(s.wq);
        w.push_back(s.w);
        result.censored += s.censored;
    }
    result.wq = estimate(wq);
    result.w = estimate(w);
    return result;
}

void check_mg1(const Mg1Result& m, double exact_wq, double mean_service) {
    const double exact_w = exact_wq + mean_service;
    INFO("Wq: measured " << m.wq.mean << " +- " << m.wq.half_width << " (SE " << m.wq.se
                         << "), P-K " << exact_wq);
    INFO("W:  measured " << m.w.mean << " +- " << m.w.half_width << " (SE " << m.w.se << "), P-K "
                         << exact_w);
    REQUIRE(m.censored == 0);
    REQUIRE(std::abs(m.wq.mean - exact_wq) <= pass_tolerance(m.wq, exact_wq));
    REQUIRE(std::abs(m.w.mean - exact_w) <= pass_tolerance(m.w, exact_w));
    REQUIRE(m.wq.half_width <= 0.05 * exact_wq);
}

}  // namespace

TEST_CASE("M/D/1 matches Pollaczek-Khinchine", "[validation][mg1]") {
    const Mg1Result m = run_mg1(0.8,
                                {"ticket_types.t.intake.dist=\"deterministic\""},
                                /*days=*/6000.0,
                                /*replications=*/20,
                                /*first_seed=*/5001);
    // M/D/1, λ = 0.8/h, S = 1 h exactly (E[S²] = 1), ρ = 0.8:
    // Wq = λ·E[S²]/(2(1 − ρ)) = 0.8/0.4 = 2 h (half the M/M/1 wait), W = 3 h.
    REQUIRE(pk_wq(0.8, 1.0, 0.0) == Approx(2.0));
    check_mg1(m, 2.0, 1.0);
}

TEST_CASE("M/G/1 with gamma service matches Pollaczek-Khinchine", "[validation][mg1]") {
    const Mg1Result m =
        run_mg1(0.8,
                {"ticket_types.t.intake.dist=\"gamma\"", "ticket_types.t.intake.cv=0.5"},
                /*days=*/6000.0,
                /*replications=*/20,
                /*first_seed=*/6001);
    // M/G/1, λ = 0.8/h, gamma service of mean 1 h and cv 0.5 (E[S²] = 1 + 0.25 = 1.25),
    // ρ = 0.8: Wq = 0.8·1.25/(2·0.2) = 2.5 h, W = 3.5 h.
    REQUIRE(pk_wq(0.8, 1.0, 0.5) == Approx(2.5));
    check_mg1(m, 2.5, 1.0);
}
