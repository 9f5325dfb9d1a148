// SPDX-License-Identifier: MIT
// Little's law per queue (DESIGN §5.1). From the event trace, the number waiting at a station
// steps +1 when a ticket joins it and −1 when its service starts. Its time average Lq over a
// window must equal λ·Wq measured from the same trace (λ: joins per hour in the window, Wq:
// their mean wait) — a sample-path identity up to edge effects — and also the Erlang-C
// Lq = λ·Wq of the station. Checked for the M/M/c intake queue of validation/mmc and for the
// department queues of the district and province units of validation/jackson.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

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
using tiersim::model::Tier;

/// The queue of one kind of station at every unit of one tier, summed over those units.
/// A ticket joins at `join` (created: the intake queue; arrived: the department queue) and
/// leaves the queue at `start` (intake_start, step_start), both traced at the unit.
class QueueTrace final : public RecordConsumer {
public:
    QueueTrace(const Organisation& org,
               Tier tier,
               EventKind join,
               EventKind start,
               double from_h,
               double to_h,
               double end_h)
        : org_(org),
          tier_(tier),
          join_(join),
          start_(start),
          from_h_(from_h),
          to_h_(to_h),
          end_h_(end_h) {}

    void tickets(const std::vector<TicketRecord>& /*records*/) override {}

    void events(const std::vector<EventRecord>& records) override {
        for (const auto& e : records) {
            if (org_.unit(e.unit).tier != tier_)
                continue;
            if (e.kind == join_) {
                joined_[e.ticket] = e.t_h;
            } else if (e.kind == start_) {
                const auto it = joined_.find(e.ticket);
                if (it == joined_.end())
                    continue;
                add(it->second, e.t_h);
                joined_.erase(it);
            }
        }
    }

    /// Time-average number waiting over [from, to).
    [[nodiscard]] double lq() const {
        double area = area_;
        for (const auto& [ticket, joined] : joined_)
            area += overlap(joined, end_h_);
        return area / (to_h_ - from_h_);
    }

    /// Joins per hour in [from, to).
    [[nodiscard]] double lambda() const { return static_cast<double>(joins_) / (to_h_ - from_h_); }

    /// Mean wait of the tickets that joined in [from, to).
    [[nodiscard]] double wq() const { return wait_sum_ / static_cast<double>(joins_); }

    /// Tickets that joined in [from, to) and were still waiting at the end.
    [[nodiscard]] std::int64_t censored() const {
        std::int64_t n = 0;
        for (const auto& [ticket, joined] : joined_)
            n += (joined >= from_h_ && joined < to_h_) ? 1 : 0;
        return n;
    }

private:
    [[nodiscard]] double overlap(double joined, double started) const {
        return std::max(0.0, std::min(started, to_h_) - std::max(joined, from_h_));
    }

    void add(double joined, double started) {
        area_ += overlap(joined, started);
        if (joined >= from_h_ && joined < to_h_) {
            ++joins_;
            wait_sum_ += started - joined;
        }
    }

    const Organisation& org_;
    Tier tier_;
    EventKind join_;
    EventKind start_;
    double from_h_;
    double to_h_;
    double end_h_;
    std::unordered_map<std::int64_t, double> joined_;
    double area_ = 0.0;
    std::int64_t joins_ = 0;
    double wait_sum_ = 0.0;
};

/// One replication's view of one queue.
struct LittleSample {
    double lq = 0.0;         ///< time average of the number waiting
    double lambda_wq = 0.0;  ///< λ̂·Ŵq from the same trace
    std::int64_t censored = 0;
};

struct QueueSpec {
    Tier tier = Tier::street;
    EventKind join = EventKind::created;
    EventKind start = EventKind::intake_start;
};

/// Runs `replications` of `scenario` and measures each queue of `queues`.
std::vector<std::vector<LittleSample>> run_little(const std::string& scenario,
                                                  std::vector<std::string> overrides,
                                                  const std::vector<QueueSpec>& queues,
                                                  double days,
                                                  double warmup_days,
                                                  double drain_days,
                                                  int replications,
                                                  std::uint64_t first_seed) {
    overrides.push_back("simulation.days=" + toml_number(days));
    overrides.push_back("simulation.warmup_days=" + toml_number(warmup_days));
    return replicate(replications, [&](int r) {
        const auto spec =
            load_with_seed(scenario, overrides, first_seed + static_cast<std::uint64_t>(r));
        const auto compiled = tiersim::io::compile_scenario(spec);
        const Organisation& org = compiled.org();
        std::vector<QueueTrace> traces;
        for (const auto& q : queues) {
            traces.emplace_back(org,
                                q.tier,
                                q.join,
                                q.start,
                                warmup_days * 24.0,
                                (days - drain_days) * 24.0,
                                days * 24.0);
        }
        /// Fans the records out to every queue's trace.
        class Fan final : public RecordConsumer {
        public:
            explicit Fan(std::vector<QueueTrace>& t)
                : t_(t) {}
            void tickets(const std::vector<TicketRecord>& /*records*/) override {}
            void events(const std::vector<EventRecord>& records) override {
                for (auto& t : t_)
                    t.events(records);
            }

        private:
            std::vector<QueueTrace>& t_;
        } fan(traces);
        run_replication(compiled, /*trace_events=*/true, fan);
        std::vector<LittleSample> out;
        for (const auto& t : traces)
            out.push_back({t.lq(), t.lambda() * t.wq(), t.censored()});
        return out;
    });
}

/// Checks one queue: Lq (time average) = λ̂·Ŵq (same trace) = `exact_lq` (Erlang C).
void check_little(const std::vector<std::vector<LittleSample>>& runs,
                  std::size_t queue,
                  const std::string& name,
                  double exact_lq) {
    std::vector<double> lq;
    std::vector<double> lambda_wq;
    std::vector<double> difference;
    std::int64_t censored = 0;
    for (const auto& run : runs) {
        const LittleSample& s = run[queue];
        lq.push_back(s.lq);
        lambda_wq.push_back(s.lambda_wq);
        difference.push_back(s.lq - s.lambda_wq);
        censored += s.censored;
    }
    const Estimate e_lq = estimate(lq);
    const Estimate e_lw = estimate(lambda_wq);
    const Estimate e_diff = estimate(difference);
    INFO(name << ", R=" << e_lq.replications);
    INFO("time-average Lq " << e_lq.mean << " +- " << e_lq.half_width << "; lambda*Wq " << e_lw.mean
                            << " +- " << e_lw.half_width << "; paired difference " << e_diff.mean
                            << " +- " << e_diff.half_width << "; Erlang C Lq " << exact_lq);
    REQUIRE(censored == 0);
    // Sample-path Little: the paired difference is zero but for the window's edges.
    REQUIRE(std::abs(e_diff.mean) <= pass_tolerance(e_diff, exact_lq));
    // Both sides equal the closed form.
    REQUIRE(std::abs(e_lq.mean - exact_lq) <= pass_tolerance(e_lq, exact_lq));
    REQUIRE(std::abs(e_lw.mean - exact_lq) <= pass_tolerance(e_lw, exact_lq));
    REQUIRE(e_lq.half_width <= 0.05 * exact_lq);
}

}  // namespace

TEST_CASE("Little's law holds at the M/M/3 intake queue", "[validation][little]") {
    const auto runs = run_little(
        "validation/mmc",
        {"tiers.street.intake_staff=3", "ticket_types.t.rate=" + toml_number(2.4 * 24.0)},
        {{Tier::street, EventKind::created, EventKind::intake_start}},
        /*days=*/2000.0,
        /*warmup_days=*/20.0,
        /*drain_days=*/5.0,
        /*replications=*/20,
        /*first_seed=*/3001);
    // M/M/3, λ = 2.4/h, μ = 1/h, a = 2.4, ρ = 0.8: C(3, 2.4) = 0.647191,
    // Wq = C/(3 − 2.4) = 1.078652 h, Lq = λ·Wq = 2.588764.
    REQUIRE(mmc_lq(2.4, 1.0, 3) == Approx(2.588764).epsilon(1e-5));
    check_little(runs, 0, "M/M/3 intake", 2.588764);
}

TEST_CASE("Little's law holds at the Jackson department queues", "[validation][little]") {
    const auto runs = run_little("validation/jackson",
                                 {},
                                 {{Tier::district, EventKind::arrived, EventKind::step_start},
                                  {Tier::province, EventKind::arrived, EventKind::step_start}},
                                 /*days=*/2000.0,
                                 /*warmup_days=*/10.0,
                                 /*drain_days=*/5.0,
                                 /*replications=*/20,
                                 /*first_seed=*/4001);
    // District units (4, summed): each M/M/3, λ = 0.9/h, mean 2 h, ρ = 0.6: C = 0.354745,
    // Wq = C/(1.5 − 0.9) = 0.591241 h, Lq = 0.532117 per unit, 2.128467 over the four.
    REQUIRE(4.0 * mmc_lq(0.9, 2.0, 3) == Approx(2.128467).epsilon(1e-5));
    check_little(runs, 0, "district department queues (4 units)", 2.128467);
    // Province: M/M/1, λ = 0.324/h, mean 2 h, ρ = 0.648: Wq = ρ·2/(1 − ρ) = 3.681818 h,
    // Lq = λ·Wq = ρ²/(1 − ρ) = 1.192909.
    REQUIRE(mmc_lq(0.324, 2.0, 1) == Approx(1.192909).epsilon(1e-5));
    check_little(runs, 1, "province department queue", 1.192909);
}
