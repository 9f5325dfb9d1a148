// SPDX-License-Identifier: MIT
// Deadline pressure on field work (strategy.expedite_at; domain.md §1.2, §6.3 S4: 预警, 催办,
// 事不完人不走): a ticket whose follow-up would end after expedite_at × resolve_wd working days
// is taken up again at exactly that point (or at once, past it), joins its last department's
// queue again and closes after one more service there. Read from the event trace of one S0
// city's local complaints (H3: a 7-working-day limit and a long-tailed follow-up).
#include "tiersim/engine/sim_time.hpp"

#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using namespace tiersim::validation;
using tiersim::model::EventKind;
using tiersim::model::EventRecord;
using tiersim::model::Outcome;
using tiersim::model::TicketRecord;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Per ticket: the last department step done before its first expedited event (or at all),
/// that event, and the step started after it.
struct FieldWork {
    double last_done_h = nan;
    double expedited_h = nan;
    double restarted_h = nan;
    int expedited = 0;
};

class FieldWorkTrace final : public RecordConsumer {
public:
    explicit FieldWorkTrace(std::int32_t type)
        : type_(type) {}

    void tickets(const std::vector<TicketRecord>& records) override {
        for (const auto& r : records) {
            if (r.type == type_)
                tickets_.push_back(r);
        }
    }

    void events(const std::vector<EventRecord>& records) override {
        for (const auto& e : records) {
            FieldWork& w = work_[e.ticket];
            if (e.kind == EventKind::step_done && std::isnan(w.expedited_h))
                w.last_done_h = e.t_h;
            if (e.kind == EventKind::expedited) {
                ++w.expedited;
                if (std::isnan(w.expedited_h))
                    w.expedited_h = e.t_h;
            }
            if (e.kind == EventKind::step_start && !std::isnan(w.expedited_h) &&
                std::isnan(w.restarted_h))
                w.restarted_h = e.t_h;
        }
    }

    [[nodiscard]] const std::vector<TicketRecord>& records() const { return tickets_; }

    [[nodiscard]] FieldWork work(std::int64_t ticket) const {
        const auto it = work_.find(ticket);
        return it == work_.end() ? FieldWork{} : it->second;
    }

private:
    std::int32_t type_;
    std::vector<TicketRecord> tickets_;
    std::unordered_map<std::int64_t, FieldWork> work_;
};

struct Run {
    tiersim::model::ScenarioSpec spec;
    std::vector<TicketRecord> cohort;  ///< created after the warm-up, 15 days before the end
    std::vector<FieldWork> work;       ///< by cohort ticket
    std::vector<double> point_h;       ///< expedite_at × resolve_wd working days after creation
};

Run run_city(double expedite_at, std::uint64_t seed) {
    Run run;
    run.spec = load_with_seed("s0-fragmented",
                              {"divisions.provinces=1",
                               "divisions.cities_per_province=1",
                               "ticket_types.cross_item.cross_province=0",
                               "simulation.days=35",
                               "strategy.expedite_at=" + std::to_string(expedite_at)},
                              seed);
    const auto& types = run.spec.ticket_types;
    const auto it = std::find_if(
        types.begin(), types.end(), [](const auto& t) { return t.name == "local_complaint"; });
    REQUIRE(it != types.end());
    const auto compiled = tiersim::io::compile_scenario(run.spec);
    FieldWorkTrace trace(static_cast<std::int32_t>(it - types.begin()));
    run_replication(compiled, true, trace);
    const auto& calendar = compiled.calendars()[static_cast<std::size_t>(
        run.spec.tiers[static_cast<std::size_t>(it->authority)].calendar)];
    const double from_h = run.spec.warmup_days * 24.0;
    const double to_h = (run.spec.days - 15) * 24.0;
    for (const auto& r : trace.records()) {
        if (r.created_h < from_h || r.created_h >= to_h)
            continue;
        run.cohort.push_back(r);
        run.work.push_back(trace.work(r.id));
        const auto created = tiersim::engine::from_hours(r.created_h);
        run.point_h.push_back(tiersim::engine::to_hours(
            calendar.working_day_deadline(created, expedite_at * it->resolve_wd)));
    }
    return run;
}

double late_share(const Run& run) {
    int late = 0;
    for (const auto& r : run.cohort)
        late += r.outcome != Outcome::resolved || r.closed_h > r.deadline_h ? 1 : 0;
    return static_cast<double>(late) / static_cast<double>(run.cohort.size());
}

}  // namespace

TEST_CASE("field work still going at the warning point is finished in one more session",
          "[levers]") {
    const Run run = run_city(0.6, 5);
    REQUIRE(run.cohort.size() > 1000);
    int expedited = 0;
    for (std::size_t i = 0; i < run.cohort.size(); ++i) {
        const TicketRecord& r = run.cohort[i];
        const FieldWork& w = run.work[i];
        if (w.expedited == 0)
            continue;
        INFO("ticket " << r.id << " created " << r.created_h << " h");
        ++expedited;
        // Taken up at the point, or at once when its steps ended past it.
        REQUIRE(!std::isnan(w.last_done_h));
        if (w.last_done_h < run.point_h[i])
            CHECK(w.expedited_h == Approx(run.point_h[i]).margin(1e-6));
        else
            CHECK(w.expedited_h == Approx(w.last_done_h).margin(1e-6));
        // Back at the department, and closed only after that session.
        REQUIRE(!std::isnan(w.restarted_h));
        CHECK(w.restarted_h >= w.expedited_h);
        if (r.outcome == Outcome::resolved)
            CHECK(r.closed_h > w.restarted_h);
    }
    // s0's follow-up (lognormal, mean 175 h, cv 3.5) outlasts 4.2 working days for about a
    // quarter of the complaints.
    CHECK(expedited > static_cast<int>(run.cohort.size()) / 10);
}

TEST_CASE("deadline pressure cuts the complaints closed after their limit", "[levers]") {
    const Run off = run_city(0.0, 5);
    const Run on = run_city(0.6, 5);
    for (const auto& w : off.work)
        CHECK(w.expedited == 0);
    // Without pressure about 16% close late (V10); with it, those left are the ones whose
    // session waits in a busy queue, or that escalate near their limit.
    CHECK(late_share(off) > 0.1);
    CHECK(late_share(on) < late_share(off) / 3.0);
}
