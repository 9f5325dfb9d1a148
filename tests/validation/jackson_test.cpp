// SPDX-License-Identifier: MIT
// Jackson network against its product-form sojourn times (DESIGN §5.1): in
// scenarios/validation/jackson a ticket is served at its street's window intake (M/M/c), then
// by the street's department, and after each department visit moves up one tier with
// probability p (after a fixed transfer delay), up to the province. Routing is Bernoulli and
// independent of the service times, so by Burke's theorem every department queue sees Poisson
// arrivals: the unit of tier k receives λ_street × (streets below it) × p^k per hour, and the
// mean time spent at a tier is the sum of the M/M/c sojourns of its queues.
//
// Sojourn per tier, from the event trace: street = created → the street department's
// step_done (intake + department); district, city, province = `arrived` at the unit → its
// step_done. Pass rule as in mmc_test.cpp.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using namespace tiersim::validation;
using tiersim::model::EventKind;
using tiersim::model::EventRecord;
using tiersim::model::Organisation;
using tiersim::model::TicketRecord;
using tiersim::model::tier_count;

/// Collects, per tier, the sojourns of the visits that began in [from_h, to_h).
class TierSojourns final : public RecordConsumer {
public:
    TierSojourns(const Organisation& org, double from_h, double to_h)
        : org_(org),
          from_h_(from_h),
          to_h_(to_h) {}

    void tickets(const std::vector<TicketRecord>& /*records*/) override {}

    void events(const std::vector<EventRecord>& records) override {
        for (const auto& e : records) {
            const auto tier = static_cast<std::size_t>(org_.unit(e.unit).tier);
            switch (e.kind) {
                case EventKind::created:
                    begun_[e.ticket] = e.t_h;
                    break;
                case EventKind::arrived:
                    // At the street, `arrived` follows dispatch at once: the visit began at
                    // creation, before the intake queue.
                    if (tier != 0)
                        begun_[e.ticket] = e.t_h;
                    break;
                case EventKind::step_done: {
                    const auto it = begun_.find(e.ticket);
                    if (it == begun_.end())
                        break;  // should not happen; caught by the count
                    if (it->second >= from_h_ && it->second < to_h_) {
                        sum_[tier] += e.t_h - it->second;
                        ++count_[tier];
                    }
                    begun_.erase(it);
                    break;
                }
                default:
                    break;
            }
        }
    }

    [[nodiscard]] double mean(std::size_t tier) const {
        return sum_[tier] / static_cast<double>(count_[tier]);
    }

    [[nodiscard]] std::int64_t count(std::size_t tier) const { return count_[tier]; }

    /// Visits that began in the window and had not ended when the run stopped.
    [[nodiscard]] std::int64_t censored() const {
        std::int64_t n = 0;
        for (const auto& [ticket, t] : begun_)
            n += (t >= from_h_ && t < to_h_) ? 1 : 0;
        return n;
    }

private:
    const Organisation& org_;
    double from_h_;
    double to_h_;
    std::unordered_map<std::int64_t, double> begun_;
    std::array<double, tier_count> sum_{};
    std::array<std::int64_t, tier_count> count_{};
};

struct JacksonCase {
    std::vector<std::string> overrides;
    std::array<double, tier_count> exact_w{};  ///< mean sojourn per tier, hours
    std::array<double, tier_count> lambda{};   ///< arrivals per hour at one unit of each tier
    std::array<int, tier_count> units{};       ///< units per tier (1 × 2 × 2 × 3 tree)
    double days = 1600.0;
    double warmup_days = 10.0;
    double drain_days = 5.0;
    int replications = 20;
    std::uint64_t first_seed = 1;
};

struct JacksonSample {
    std::array<double, tier_count> w{};
    std::array<double, tier_count> rate{};  ///< measured arrivals per hour per unit
    std::int64_t censored = 0;
};

std::vector<JacksonSample> run_jackson(const JacksonCase& k) {
    return replicate(k.replications, [&k](int r) {
        auto overrides = k.overrides;
        overrides.push_back("simulation.days=" + toml_number(k.days));
        overrides.push_back("simulation.warmup_days=" + toml_number(k.warmup_days));
        const auto spec = load_with_seed(
            "validation/jackson", overrides, k.first_seed + static_cast<std::uint64_t>(r));
        const auto compiled = tiersim::io::compile_scenario(spec);
        const Organisation& org = compiled.org();
        const double from_h = k.warmup_days * 24.0;
        const double to_h = (k.days - k.drain_days) * 24.0;
        TierSojourns sojourns(org, from_h, to_h);
        run_replication(compiled, /*trace_events=*/true, sojourns);
        JacksonSample s;
        for (std::size_t t = 0; t < tier_count; ++t) {
            s.w[t] = sojourns.mean(t);
            s.rate[t] = static_cast<double>(sojourns.count(t)) / (to_h - from_h) /
                        static_cast<double>(k.units[t]);
        }
        s.censored = sojourns.censored();
        return s;
    });
}

void check_jackson(const JacksonCase& k) {
    const auto samples = run_jackson(k);
    std::int64_t censored = 0;
    for (const auto& s : samples)
        censored += s.censored;
    REQUIRE(censored == 0);
    for (std::size_t t = 0; t < tier_count; ++t) {
        std::vector<double> w;
        std::vector<double> rate;
        for (const auto& s : samples) {
            w.push_back(s.w[t]);
            rate.push_back(s.rate[t]);
        }
        const Estimate ew = estimate(w);
        const Estimate er = estimate(rate);
        INFO("tier " << tiersim::model::tier_names[t] << ", R=" << ew.replications);
        INFO("arrivals per unit: measured " << er.mean << " +- " << er.half_width << "/h, exact "
                                            << k.lambda[t]);
        INFO("mean sojourn: measured " << ew.mean << " +- " << ew.half_width << " h (SE " << ew.se
                                       << "), exact " << k.exact_w[t]);
        // The traffic equations: λ_k = λ_street × p^k × (streets below) per unit.
        REQUIRE(std::abs(er.mean - k.lambda[t]) <= pass_tolerance(er, k.lambda[t]));
        // The tier's mean sojourn equals the sum of its queues' M/M/c sojourns.
        REQUIRE(std::abs(ew.mean - k.exact_w[t]) <= pass_tolerance(ew, k.exact_w[t]));
        REQUIRE(ew.half_width <= 0.05 * k.exact_w[t]);
    }
}

}  // namespace

TEST_CASE("Jackson network tiers match M/M/c sojourns (jackson.toml defaults)",
          "[validation][jackson]") {
    JacksonCase k;
    k.units = {12, 4, 2, 1};
    k.first_seed = 1001;
    // Street: λ = 1/h per street; intake M/M/2 with mean 1.2 h (ρ 0.6): W = 1.875 h; then the
    // department M/M/3 with mean 2 h (ρ 0.667): W = 2.888889 h. Street tier: 4.763889 h.
    // p = 0.3. District: λ = 3 × 0.3 = 0.9/h, M/M/3, mean 2 h (ρ 0.6): W = 2.591241 h.
    // City: λ = 2 × 0.9 × 0.3 = 0.54/h, M/M/2 (ρ 0.54): W = 2.823264 h.
    // Province: λ = 2 × 0.54 × 0.3 = 0.324/h, M/M/1 (ρ 0.648): W = 2/(1 − 0.648) = 5.681818 h.
    k.lambda = {1.0, 0.9, 0.54, 0.324};
    k.exact_w = {4.763889, 2.591241, 2.823264, 5.681818};
    // Cross-check the hand-computed answers with the closed forms.
    REQUIRE(mmc_w(1.0, 1.2, 2) + mmc_w(1.0, 2.0, 3) == Approx(k.exact_w[0]).epsilon(1e-5));
    REQUIRE(mmc_w(0.9, 2.0, 3) == Approx(k.exact_w[1]).epsilon(1e-5));
    REQUIRE(mmc_w(0.54, 2.0, 2) == Approx(k.exact_w[2]).epsilon(1e-5));
    REQUIRE(mmc_w(0.324, 2.0, 1) == Approx(k.exact_w[3]).epsilon(1e-5));
    check_jackson(k);
}

TEST_CASE("Jackson network tiers match M/M/c sojourns (p = 0.4, other staff)",
          "[validation][jackson]") {
    JacksonCase k;
    k.overrides = {"ticket_types.t.escalate=0.4",
                   "tiers.street.intake_staff=1",
                   "ticket_types.t.intake.mean_h=0.7",
                   "tiers.city.staff.d=3",
                   "tiers.province.staff.d=2"};
    k.units = {12, 4, 2, 1};
    k.first_seed = 2001;
    // Street: λ = 1/h; intake M/M/1 with mean 0.7 h (ρ 0.7): W = 0.7/0.3 = 2.333333 h; then
    // the department M/M/3, mean 2 h: W = 2.888889 h. Street tier: 5.222222 h.
    // p = 0.4. District: λ = 3 × 0.4 = 1.2/h, M/M/3 (ρ 0.8): W = 4.157303 h.
    // City: λ = 2 × 1.2 × 0.4 = 0.96/h, M/M/3 (ρ 0.64): W = 2.754745 h.
    // Province: λ = 2 × 0.96 × 0.4 = 0.768/h, M/M/2 (ρ 0.768): W = 4.875956 h.
    k.lambda = {1.0, 1.2, 0.96, 0.768};
    k.exact_w = {5.222222, 4.157303, 2.754745, 4.875956};
    REQUIRE(mmc_w(1.0, 0.7, 1) + mmc_w(1.0, 2.0, 3) == Approx(k.exact_w[0]).epsilon(1e-5));
    REQUIRE(mmc_w(1.2, 2.0, 3) == Approx(k.exact_w[1]).epsilon(1e-5));
    REQUIRE(mmc_w(0.96, 2.0, 3) == Approx(k.exact_w[2]).epsilon(1e-5));
    REQUIRE(mmc_w(0.768, 2.0, 2) == Approx(k.exact_w[3]).epsilon(1e-5));
    check_jackson(k);
}

TEST_CASE("Jackson network tiers match M/M/c sojourns closely (jackson.toml defaults)",
          "[validation][jackson][slow]") {
    JacksonCase k;
    k.units = {12, 4, 2, 1};
    k.days = 8000.0;
    k.replications = 20;
    k.first_seed = 1101;
    // As the first case, with 20 × 8,000 days (answers derived there):
    // street 4.763889 h, district 2.591241 h, city 2.823264 h, province 5.681818 h.
    k.lambda = {1.0, 0.9, 0.54, 0.324};
    k.exact_w = {4.763889, 2.591241, 2.823264, 5.681818};
    check_jackson(k);
}
