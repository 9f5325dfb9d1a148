// SPDX-License-Identifier: MIT
// Queue priorities against Cobham's formula: the street window intake of
// scenarios/validation/priority (one street, every ticket closed at intake, calendars always
// open, the same exponential service for every type) is an M/M/c queue with non-preemptive
// priority classes. Each case runs R independent replications with fixed seeds, deletes the
// warm-up, and compares every class's mean wait with W_k of queueing_theory.hpp
// (priority_mmc_wq) under the pass rule of mmc_test.cpp (|mean − exact| ≤ max(4·SE,
// 1%·exact), and a 95% half-width below 5% of the exact value, so the check is not vacuous).
// The classes are set by `ticket_types.NAME.priority`, or by `strategy.deadline_priority_h`,
// which raises the type with the near deadline by one level. `strategy.leader_priority` has no
// closed form here (the leader's tickets come back to a queue that their first pass loaded), so
// the last case checks its direction with paired replications.
#include "support/test_support.hpp"
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace tiersim::validation;

/// One configuration of validation/priority and how long to run it.
struct PriorityCase {
    int c = 4;                  ///< servers (tiers.street.intake_staff)
    double mean_service = 1.0;  ///< hours, every type
    /// The ticket types measured, highest class first, and their arrivals per hour (the street
    /// has 10,000 residents); a type of the scenario left out gets rate 0.
    std::vector<std::string> types;
    std::vector<double> lambdas;
    std::vector<std::string> overrides;  ///< priorities, limits and levers of the case
    double days = 5000.0;
    double warmup_days = 20.0;
    double drain_days = 5.0;
    int replications = 20;
    std::uint64_t first_seed = 1;
};

/// Per-replication mean waits of each measured type, and the censored count over them.
struct PrioritySample {
    std::vector<double> wq;
    std::vector<std::int64_t> count;
    std::int64_t censored = 0;
};

/// Feeds the records to one TicketWaits per measured type.
class WaitsByType final : public RecordConsumer {
public:
    explicit WaitsByType(std::vector<TicketWaits> per_type)
        : per_type_(std::move(per_type)) {}

    void tickets(const std::vector<tiersim::model::TicketRecord>& records) override {
        for (auto& w : per_type_)
            w.tickets(records);
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    [[nodiscard]] const std::vector<TicketWaits>& per_type() const { return per_type_; }

private:
    std::vector<TicketWaits> per_type_;
};

int type_index(const tiersim::model::ScenarioSpec& spec, const std::string& name) {
    for (std::size_t i = 0; i < spec.ticket_types.size(); ++i) {
        if (spec.ticket_types[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

std::vector<std::string> overrides_of(const PriorityCase& k) {
    std::vector<std::string> o = {"tiers.street.intake_staff=" + std::to_string(k.c),
                                  "simulation.days=" + toml_number(k.days),
                                  "simulation.warmup_days=" + toml_number(k.warmup_days)};
    for (const char* name : {"high", "middle", "low"}) {
        const std::string type = std::string("ticket_types.") + name;
        o.push_back(type + ".intake.mean_h=" + toml_number(k.mean_service));
        o.push_back(type + ".rate=0");  // unless measured, below (a later --set wins)
    }
    for (std::size_t i = 0; i < k.types.size(); ++i)  // per 10,000 residents per day
        o.push_back("ticket_types." + k.types[i] + ".rate=" + toml_number(k.lambdas[i] * 24.0));
    o.insert(o.end(), k.overrides.begin(), k.overrides.end());
    return o;
}

std::vector<PrioritySample> run_case(const PriorityCase& k) {
    return replicate(k.replications, [&k](int r) {
        const auto spec = load_with_seed(
            "validation/priority", overrides_of(k), k.first_seed + static_cast<std::uint64_t>(r));
        std::vector<TicketWaits> waits;
        for (const std::string& name : k.types) {
            waits.emplace_back(
                k.warmup_days * 24.0, (k.days - k.drain_days) * 24.0, type_index(spec, name));
        }
        WaitsByType consumer(std::move(waits));
        run_replication(spec, /*trace_events=*/false, consumer);
        PrioritySample s;
        for (const TicketWaits& w : consumer.per_type()) {
            s.wq.push_back(w.mean_wait());
            s.count.push_back(w.count());
            s.censored += w.censored();
        }
        return s;
    });
}

/// Checks every class of one case against Cobham; the caller writes the answers above the call.
void check_priority(const PriorityCase& k, const std::vector<double>& exact) {
    // The closed forms computed here must equal the ones the caller wrote down.
    const std::vector<double> formula = priority_mmc_wq(k.lambdas, k.mean_service, k.c);
    REQUIRE(formula.size() == exact.size());
    for (std::size_t i = 0; i < exact.size(); ++i)
        REQUIRE(formula[i] == Approx(exact[i]).epsilon(1e-4));

    const auto samples = run_case(k);
    std::int64_t censored = 0;
    for (const auto& s : samples)
        censored += s.censored;
    // No ticket of the measured window may still be open: dropping them would bias the means.
    REQUIRE(censored == 0);
    for (std::size_t i = 0; i < exact.size(); ++i) {
        std::vector<double> wq;
        std::int64_t tickets = 0;
        for (const auto& s : samples) {
            wq.push_back(s.wq[i]);
            tickets += s.count[i];
        }
        const Estimate e = estimate(wq);
        INFO("M/M/" << k.c << " class " << i + 1 << " (" << k.types[i]
                    << ", lambda=" << k.lambdas[i] << "/h): R=" << k.replications << ", " << tickets
                    << " tickets after warm-up");
        INFO("Wq: measured " << e.mean << " +- " << e.half_width << " (SE " << e.se << "), exact "
                             << exact[i]);
        CHECK(std::abs(e.mean - exact[i]) <= pass_tolerance(e, exact[i]));
        // Not vacuous: the 95% interval is tighter than 5% of the answer.
        CHECK(e.half_width <= 0.05 * exact[i]);
    }
}

}  // namespace

TEST_CASE("three priority classes on M/M/4 at rho 0.8 match Cobham", "[validation][priority]") {
    PriorityCase k;
    k.c = 4;
    k.types = {"high", "middle", "low"};  // priorities 2, 1, 0 in the scenario
    k.lambdas = {0.8, 1.2, 1.2};
    k.first_seed = 701;
    // M/M/4, μ = 1/h, λ = 0.8 + 1.2 + 1.2 = 3.2/h, a = 3.2, ρ = 0.8: C(4, 3.2) = 0.596432,
    // W0 = C/(cμ) = 0.149108 h; σ = 0.2, 0.5, 0.8:
    // W1 = W0/(1·0.8) = 0.186385 h, W2 = W0/(0.8·0.5) = 0.372770 h,
    // W3 = W0/(0.5·0.2) = 1.491081 h (λ-weighted mean 0.745541 h = Erlang C's Wq).
    check_priority(k, {0.186385, 0.372770, 1.491081});
}

TEST_CASE("two priority classes on M/M/1 at rho 0.5 match Cobham", "[validation][priority]") {
    PriorityCase k;
    k.c = 1;
    k.types = {"high", "low"};
    k.lambdas = {0.2, 0.3};
    k.first_seed = 801;
    // M/M/1, μ = 1/h, λ = 0.2 + 0.3 = 0.5/h, ρ = 0.5: C = ρ = 0.5, W0 = 0.5 h; σ = 0.2, 0.5:
    // W1 = 0.5/0.8 = 0.625 h, W2 = 0.5/(0.8·0.5) = 1.25 h (mean 1 h = ρ/(μ − λ)).
    check_priority(k, {0.625, 1.25});
}

TEST_CASE("deadline_priority_h raises the type near its limit as Cobham's upper class",
          "[validation][priority]") {
    PriorityCase k;
    k.c = 2;
    k.mean_service = 0.5;
    k.types = {"high", "low"};
    k.lambdas = {1.2, 2.0};
    // Both types at priority 0: only the lever separates them. A `high` ticket's limit of one
    // working day ends 24–48 h after its creation, within 240 h; a `low` ticket's 100 days
    // never is, so `high` waits one level up and `low` at level 0.
    k.overrides = {"ticket_types.high.priority=0",
                   "ticket_types.low.priority=0",
                   "ticket_types.high.resolve_wd=1",
                   "ticket_types.low.resolve_wd=100",
                   "strategy.deadline_priority_h=240"};
    k.first_seed = 901;
    // M/M/2, μ = 2/h, λ = 1.2 + 2.0 = 3.2/h, a = 1.6, ρ = 0.8: C(2, 1.6) = 0.711111,
    // W0 = C/(cμ) = 0.177778 h; σ = 0.3, 0.8:
    // W1 = W0/0.7 = 0.253968 h, W2 = W0/(0.7·0.2) = 1.269841 h (mean 0.888889 h = Erlang C).
    check_priority(k, {0.253968, 1.269841});
}

namespace {

/// One street department at ρ ≈ 0.84 whose tickets go to the city leader after one return (P =
/// 0.2) and come back to the same queue, assigned for good: a sixth of the queue's arrivals.
constexpr const char* leader_loop = R"(
[simulation]
days = 400.0
warmup_days = 20.0

[divisions]
source = "synthetic"
provinces = 1
cities_per_province = 1
districts_per_city = 1
streets_per_district = 1
population_per_street = 10000.0

[departments.d]
label = "the street department"

[tiers.street]
calendar = "always"
staff = { d = 1 }
[tiers.district]
calendar = "always"
[tiers.city]
calendar = "always"
[tiers.province]
calendar = "always"
[channels.window]
calendar = "always"

[ticket_types.t]
channel = "window"
rate = 16.8                   # 0.7/h
departments = ["d"]
service = { dist = "exponential", mean_h = 1.0 }

[strategy]
escalate_after_returns = 1
leader_decision_h = 0.5

[institution]
return_probability = 0.2
)";

/// Mean lead time (closed − created) of the tickets created in [from_h, to_h), apart for those
/// a leader decided and for the others.
class LeadTimes final : public RecordConsumer {
public:
    LeadTimes(double from_h, double to_h)
        : from_h_(from_h),
          to_h_(to_h) {}

    void tickets(const std::vector<tiersim::model::TicketRecord>& records) override {
        for (const auto& r : records) {
            if (r.created_h < from_h_ || r.created_h >= to_h_)
                continue;
            if (r.outcome != tiersim::model::Outcome::resolved) {
                ++censored;
                continue;
            }
            const std::size_t k = r.leader != 0 ? 1 : 0;
            sum[k] += r.closed_h - r.created_h;
            ++count[k];
        }
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    [[nodiscard]] double mean(std::size_t k) const {
        return sum[k] / static_cast<double>(count[k]);
    }

    std::array<double, 2> sum{};
    std::array<std::int64_t, 2> count{};
    std::int64_t censored = 0;

private:
    double from_h_;
    double to_h_;
};

/// One replication's mean lead times (others, leader-decided) and counts.
struct LeadSample {
    std::array<double, 2> mean{};
    std::int64_t decided = 0;
    std::int64_t censored = 0;
};

}  // namespace

TEST_CASE("leader_priority puts the tickets a leader decided ahead in the queue they return to",
          "[validation][priority]") {
    const tiersim::test::TempDir dir;
    const std::string path = dir.write("leader_loop.toml", leader_loop).string();
    constexpr int replications = 10;
    constexpr double days = 400.0;
    // Paired runs: replication r has the same seed, hence the same tickets and draws, at
    // leader_priority 0 and 3.
    const auto runs = replicate(2 * replications, [&](int i) {
        const auto spec =
            load_with_seed(path,
                           {"strategy.leader_priority=" + std::to_string(3 * (i % 2))},
                           1001 + static_cast<std::uint64_t>(i / 2));
        LeadTimes lead(20.0 * 24.0, (days - 5.0) * 24.0);
        run_replication(spec, /*trace_events=*/false, lead);
        return LeadSample{{lead.mean(0), lead.mean(1)}, lead.count[1], lead.censored};
    });
    std::vector<double> leader_gain;  // FIFO minus priority, per replication
    std::vector<double> others_loss;  // priority minus FIFO
    std::int64_t censored = 0;
    std::int64_t decided = 0;
    for (int r = 0; r < replications; ++r) {
        const LeadSample& fifo = runs[static_cast<std::size_t>(2 * r)];
        const LeadSample& raised = runs[static_cast<std::size_t>(2 * r + 1)];
        censored += fifo.censored + raised.censored;
        decided += raised.decided;
        leader_gain.push_back(fifo.mean[1] - raised.mean[1]);
        others_loss.push_back(raised.mean[0] - fifo.mean[0]);
    }
    REQUIRE(censored == 0);
    const Estimate gain = estimate(leader_gain);
    const Estimate loss = estimate(others_loss);
    INFO(decided << " tickets decided by a leader over " << replications << " replications");
    INFO("leader-decided lead time shortened by " << gain.mean << " +- " << gain.half_width
                                                  << " h");
    INFO("the others' lead time lengthened by " << loss.mean << " +- " << loss.half_width << " h");
    // At ρ ≈ 0.84 the FIFO wait at the department is about 5 h; first in line, the leader's
    // tickets wait about 1 h there: a gain of hours, far beyond four standard errors.
    CHECK(gain.mean > 1.0);
    CHECK(gain.mean > 4.0 * gain.se);
    // Non-preemptive priority moves waiting, it does not remove it: the others wait longer.
    CHECK(loss.mean > 4.0 * loss.se);
}
