// SPDX-License-Identifier: MIT
// TEMPORARY diagnostic.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

namespace {
using namespace tiersim::validation;
using tiersim::model::Outcome;

class Diag final : public RecordConsumer {
public:
    Diag(double a, double b) : a_(a), b_(b) {}
    void tickets(const std::vector<tiersim::model::TicketRecord>& rs) override {
        for (const auto& r : rs) {
            if (r.created_h < a_ || r.created_h >= b_ || r.outcome != Outcome::resolved) continue;
            const double w = r.responded_h - r.created_h;
            n += 1;
            wq += w;
            waited += w > 1e-9 ? 1 : 0;
            s += r.closed_h - r.responded_h;
            s2 += (r.closed_h - r.responded_h) * (r.closed_h - r.responded_h);
        }
    }
    void events(const std::vector<tiersim::model::EventRecord>&) override {}
    double a_, b_;
    double n = 0, wq = 0, waited = 0, s = 0, s2 = 0;
};
}  // namespace

TEST_CASE("diag mmc", "[.diag]") {
    const int c = std::atoi(std::getenv("C"));
    const double lambda = std::atof(std::getenv("L"));
    const double m = std::atof(std::getenv("M"));
    const double days = std::atof(std::getenv("D"));
    const int R = std::atoi(std::getenv("R"));
    const auto seed0 = static_cast<std::uint64_t>(std::atoll(std::getenv("S")));
    struct Out { double lam, pw, wq, s, s2; };
    auto outs = replicate(R, [&](int r) {
        const auto spec = load_with_seed("validation/mmc",
            {"tiers.street.intake_staff=" + std::to_string(c),
             "ticket_types.t.rate=" + toml_number(lambda * 24),
             "ticket_types.t.intake.mean_h=" + toml_number(m),
             "simulation.days=" + toml_number(days)}, seed0 + static_cast<std::uint64_t>(r));
        const auto org = tiersim::model::Organisation::build(spec);
        Diag d(20 * 24, (days - 5) * 24);
        run_replication(spec, org, false, d);
        return Out{d.n / ((days - 25) * 24), d.waited / d.n, d.wq / d.n, d.s / d.n, d.s2 / d.n};
    });
    std::vector<double> lam, pw, wq, s, s2;
    for (auto& o : outs) { lam.push_back(o.lam); pw.push_back(o.pw); wq.push_back(o.wq); s.push_back(o.s); s2.push_back(o.s2); }
    auto pr = [](const char* n, const std::vector<double>& x, double exact) {
        const auto e = estimate(x);
        std::printf("%-6s %.5f +- %.5f (SE %.5f) exact %.5f  z=%.2f\n", n, e.mean, e.half_width, e.se, exact, (e.mean - exact) / e.se);
    };
    pr("lambda", lam, lambda);
    pr("P(W>0)", pw, erlang_c(c, lambda * m));
    pr("Wq", wq, mmc_wq(lambda, m, c));
    pr("E[S]", s, m);
    pr("E[S2]", s2, 2 * m * m);
}
