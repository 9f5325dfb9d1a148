// SPDX-License-Identifier: MIT
// M/M/c+M against Erlang-A (Palm; Garnett, Mandelbaum & Reiman 2002): the street hotline intake
// of scenarios/validation/erlang_a (one street, every ticket closed at intake, calendars always
// open) is an M/M/c queue whose callers hang up after an exponential patience
// (channels.hotline.patience_min). Each case runs R independent replications with fixed seeds,
// deletes the warm-up, and compares the share of callers who hang up and the mean time in
// queue over every caller with the birth–death solution under the pass rule of aesthetics.md
// §8.5 (|mean − exact| ≤ max(4·SE, 1%·exact)); the 95% confidence half-width must also be
// below 5% of the exact value, so that the comparison is not vacuous.
#include "tiersim/engine/sim_time.hpp"

#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;
using tiersim::model::Outcome;
using tiersim::model::TicketRecord;

/// One M/M/c+M configuration of validation/erlang_a and how long to run it.
struct ErlangACase {
    int c = 1;                   ///< servers (channels.hotline.staff)
    double lambda = 1.0;         ///< calls per hour (the street has 10,000 residents)
    double mean_service = 1.0;   ///< hours
    double mean_patience = 1.0;  ///< hours (channels.hotline.patience_min / 60)
    double days = 1000.0;        ///< horizon of one replication
    double warmup_days = 20.0;   ///< deleted at the start
    double drain_days = 2.0;     ///< calls created this close to the end are not counted
    int replications = 10;
    std::uint64_t first_seed = 1;
};

/// Per replication, over the calls created in [warm-up, end − drain): the share that hung up
/// and the mean time in queue (until intake began, or until the caller hung up).
class HangUps final : public RecordConsumer {
public:
    HangUps(double from_h, double to_h)
        : from_h_(from_h),
          to_h_(to_h) {}

    void tickets(const std::vector<TicketRecord>& records) override {
        for (const auto& r : records) {
            if (r.created_h < from_h_ || r.created_h >= to_h_)
                continue;
            ++calls_;
            if (r.outcome == Outcome::hung_up) {
                ++hung_up_;
                queue_sum_h_ += r.closed_h - r.created_h;
            } else if (r.outcome == Outcome::resolved) {
                queue_sum_h_ += r.responded_h - r.created_h;  // closed at intake: its start
            } else {
                ++other_;
            }
        }
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    [[nodiscard]] double share() const {
        return static_cast<double>(hung_up_) / static_cast<double>(calls_);
    }

    [[nodiscard]] double mean_queue_time() const {
        return queue_sum_h_ / static_cast<double>(calls_);
    }

    [[nodiscard]] std::int64_t calls() const { return calls_; }

    [[nodiscard]] std::int64_t other() const { return other_; }

private:
    double from_h_;
    double to_h_;
    std::int64_t calls_ = 0;
    std::int64_t hung_up_ = 0;
    std::int64_t other_ = 0;  ///< open at the end or abandoned otherwise: must be none
    double queue_sum_h_ = 0.0;
};

struct Sample {
    double share = 0.0;
    double queue_time = 0.0;
    std::int64_t calls = 0;
    std::int64_t other = 0;
};

struct Result {
    Estimate share;
    Estimate queue_time;
    std::int64_t calls = 0;
    std::int64_t other = 0;
};

Result measure(const ErlangACase& k) {
    const auto samples = replicate(k.replications, [&k](int r) {
        const auto spec = load_with_seed(
            "validation/erlang_a",
            {"channels.hotline.staff=" + std::to_string(k.c),
             "channels.hotline.patience_min=" + toml_number(k.mean_patience * 60.0),
             "ticket_types.t.rate=" + toml_number(k.lambda * 24.0),  // per 10,000 residents per day
             "ticket_types.t.intake.mean_h=" + toml_number(k.mean_service),
             "simulation.days=" + toml_number(k.days),
             "simulation.warmup_days=" + toml_number(k.warmup_days)},
            k.first_seed + static_cast<std::uint64_t>(r));
        HangUps h(k.warmup_days * 24.0, (k.days - k.drain_days) * 24.0);
        run_replication(spec, /*trace_events=*/false, h);
        return Sample{h.share(), h.mean_queue_time(), h.calls(), h.other()};
    });
    std::vector<double> share;
    std::vector<double> queue_time;
    Result result;
    for (const auto& s : samples) {
        share.push_back(s.share);
        queue_time.push_back(s.queue_time);
        result.calls += s.calls;
        result.other += s.other;
    }
    result.share = estimate(share);
    result.queue_time = estimate(queue_time);
    return result;
}

/// Checks one case against Erlang-A; the caller states the system and answer above the call.
void check_erlang_a(const ErlangACase& k, double exact_abandon, double exact_queue_time) {
    // The solution computed here must equal the one the caller wrote down.
    const ErlangA exact = erlang_a(k.lambda, k.mean_service, k.c, k.mean_patience);
    REQUIRE(exact.p_abandon == Approx(exact_abandon).epsilon(1e-4));
    REQUIRE(exact.mean_queue_time == Approx(exact_queue_time).epsilon(1e-4));

    const Result m = measure(k);
    INFO("M/M/" << k.c << "+M lambda=" << k.lambda << "/h mean service=" << k.mean_service
                << " h mean patience=" << k.mean_patience << " h: R=" << k.replications << ", "
                << m.calls << " calls after warm-up");
    INFO("P(hang up): measured " << m.share.mean << " +- " << m.share.half_width << " (SE "
                                 << m.share.se << "), exact " << exact_abandon);
    INFO("time in queue: measured " << m.queue_time.mean << " +- " << m.queue_time.half_width
                                    << " (SE " << m.queue_time.se << "), exact "
                                    << exact_queue_time);
    // Every call of the measured window was answered or hung up by the end.
    REQUIRE(m.other == 0);
    REQUIRE(std::abs(m.share.mean - exact_abandon) <= pass_tolerance(m.share, exact_abandon));
    REQUIRE(std::abs(m.queue_time.mean - exact_queue_time) <=
            pass_tolerance(m.queue_time, exact_queue_time));
    // Not vacuous: the 95% interval is tighter than 5% of the answer.
    REQUIRE(m.share.half_width <= 0.05 * exact_abandon);
    REQUIRE(m.queue_time.half_width <= 0.05 * exact_queue_time);
}

}  // namespace

TEST_CASE("Erlang-A holds as theta tends to 0 and to infinity", "[validation][erlang_a]") {
    // Patient callers: the queue is M/M/c, nobody leaves, and the time in queue is Erlang C's.
    const ErlangA patient = erlang_a(3.2, 1.0, 4, 1e9);
    CHECK(patient.p_abandon == Approx(0.0).margin(1e-8));
    CHECK(patient.mean_queue_time == Approx(mmc_wq(3.2, 1.0, 4)).epsilon(1e-6));
    // Callers who leave at once: M/M/c/c, P(abandon) is Erlang B = 0.5 for c = 1, a = 1.
    CHECK(erlang_a(1.0, 1.0, 1, 1e-9).p_abandon == Approx(0.5).epsilon(1e-6));
}

TEST_CASE("M/M/4+M at rho 1 matches Erlang-A", "[validation][erlang_a]") {
    ErlangACase k;
    k.c = 4;
    k.lambda = 4.0;
    k.mean_service = 1.0;
    k.mean_patience = 1.0;
    k.replications = 10;
    k.first_seed = 101;
    // The scenario's defaults: λ = 4/h, μ = 1/h, c = 4, θ = 1/h (ρ = 1): P(abandon) = 0.195367,
    // mean time in queue Lq/λ = 0.195367 h (θ = 1/h makes the two equal).
    check_erlang_a(k, 0.195367, 0.195367);
}

TEST_CASE("M/M/2+M at rho 0.8 with impatient callers matches Erlang-A", "[validation][erlang_a]") {
    ErlangACase k;
    k.c = 2;
    k.lambda = 1.6;
    k.mean_service = 1.0;
    k.mean_patience = 0.5;
    k.replications = 10;
    k.first_seed = 201;
    // λ = 1.6/h, μ = 1/h, c = 2, mean patience 30 min (θ = 2/h): P(abandon) = 0.243327,
    // mean time in queue 0.121664 h.
    check_erlang_a(k, 0.243327, 0.121664);
}

TEST_CASE("M/M/8+M overloaded matches Erlang-A", "[validation][erlang_a]") {
    ErlangACase k;
    k.c = 8;
    k.lambda = 8.8;
    k.mean_service = 1.0;
    k.mean_patience = 0.25;
    k.replications = 10;
    k.first_seed = 301;
    // λ = 8.8/h, μ = 1/h, c = 8 (ρ = 1.1, stable only because callers leave), mean patience
    // 15 min (θ = 4/h): P(abandon) = 0.225845, mean time in queue 0.056461 h.
    check_erlang_a(k, 0.225845, 0.056461);
}

TEST_CASE("callers of a closed hotline hang up before it opens", "[validation][erlang_a]") {
    // The hotline keeps office hours and has so many operators that no call waits while it is
    // open: a call that comes while it is closed is answered at the next opening unless the
    // caller's patience (mean 30 min) runs out first, when they hang up at that moment.
    auto spec = load_with_seed("validation/erlang_a",
                               {"channels.hotline.calendar=\"office\"",
                                "channels.hotline.staff=50",
                                "channels.hotline.patience_min=30.0",
                                "ticket_types.t.intake.mean_h=0.05",
                                "simulation.days=28.0",
                                "simulation.warmup_days=0.0"},
                               7);
    const auto compiled = tiersim::io::compile_scenario(spec);
    const auto& calendar = compiled.calendars()[static_cast<std::size_t>(
        compiled.spec()
            .channels[static_cast<std::size_t>(tiersim::model::Channel::hotline)]
            .calendar)];
    REQUIRE_FALSE(calendar.always());

    std::vector<TicketRecord> records;
    tiersim::model::Simulation sim(compiled, false);
    tiersim::model::RunHooks hooks;
    hooks.on_records = [&](std::vector<TicketRecord>& tickets,
                           std::vector<tiersim::model::EventRecord>& /*events*/) {
        records.insert(records.end(), tickets.begin(), tickets.end());
    };
    const auto outcome = sim.run(hooks);

    std::int64_t hung_up = 0;
    std::int64_t at_night = 0;
    for (const auto& r : records) {
        const auto created = tiersim::engine::from_hours(r.created_h);
        const bool open = calendar.is_open(created);
        at_night += open ? 0 : 1;
        if (r.outcome != Outcome::hung_up)
            continue;
        ++hung_up;
        INFO("call " << r.id << " created at " << r.created_h << " h hung up at " << r.closed_h);
        REQUIRE_FALSE(open);                 // nobody waits while the hotline is open
        REQUIRE(r.closed_h >= r.created_h);  // a patience under one tick hangs up at once
        // ... and they hung up before the opening that would have answered them.
        REQUIRE(tiersim::engine::from_hours(r.closed_h) < calendar.next_open(created));
        REQUIRE(std::isnan(r.responded_h));
    }
    std::int64_t series_abandoned = 0;
    for (const auto& row : outcome.series)
        series_abandoned += row.abandoned;
    // Most night callers hang up (the nights are far longer than the patience); the series
    // counts each of them once.
    CHECK(hung_up > at_night / 2);
    CHECK(hung_up < at_night);
    CHECK(series_abandoned == hung_up);
}
