// SPDX-License-Identifier: MIT
// The adaptation rules ([adaptation], docs/model.md *Units that adapt*), each on its own:
// - a project team that arrives at once turns an overloaded M/M/3 department into the M/M/4
//   queue of its pooled staff (Erlang C, under the pass rule of aesthetics.md §8.5);
// - a ranking whose attention sends no one and raises nothing changes no ticket, bit for bit,
//   while it ranks; with reserve staff, the bottom units have them from the lag on;
// - a leader instruction in force from day 0 is the type's own priority, bit for bit; one
//   issued by an overdue count starts when the count passes and ends after its period.
#include "validation/queueing_theory.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace tiersim::validation;
using tiersim::model::AdaptationAction;
using tiersim::model::AdaptationRecord;
using tiersim::model::RunOutcome;

/// Every ticket record in the order the run hands them on (times as bits: NaN is a value),
/// and by id. The order is the time each was recorded, so the barriers at which the rules act
/// must not change it.
class TicketsById final : public RecordConsumer {
public:
    struct Row {
        double created_h;
        std::uint64_t closed_bits, responded_bits;
        std::int32_t handler;
        std::int8_t solved, satisfied;
        bool operator==(const Row&) const = default;
    };

    void tickets(const std::vector<tiersim::model::TicketRecord>& r) override {
        for (const auto& t : r) {
            rows[t.id] = {t.created_h,
                          std::bit_cast<std::uint64_t>(t.closed_h),
                          std::bit_cast<std::uint64_t>(t.responded_h),
                          t.handler,
                          t.solved,
                          t.satisfied};
            order.push_back(t.id);
        }
    }

    void events(const std::vector<tiersim::model::EventRecord>& /*records*/) override {}

    std::map<std::int64_t, Row> rows;
    std::vector<std::int64_t> order;
};

std::vector<AdaptationRecord> of_action(const RunOutcome& o, AdaptationAction a) {
    std::vector<AdaptationRecord> out;
    std::copy_if(o.adaptation.begin(),
                 o.adaptation.end(),
                 std::back_inserter(out),
                 [a](const AdaptationRecord& r) { return r.action == a; });
    return out;
}

/// One street whose department `d` is the queue: a fast intake on many servers, then `d`.
std::vector<std::string> one_department(int servers) {
    return {"divisions.cities_per_province=1",
            "divisions.districts_per_city=1",
            "divisions.streets_per_district=1",
            "tiers.street.intake_staff=20",
            "ticket_types.t.intake.mean_h=0.01",
            "tiers.street.staff.d=" + std::to_string(servers),
            "ticket_types.t.rate=38.4",  // 1.6 per hour
            "ticket_types.t.escalate=0"};
}

}  // namespace

TEST_CASE("a project team without a lag turns an overloaded M/M/3 department into M/M/4",
          "[validation][adaptation]") {
    // λ = 1.6/h, mean service 2 h: a = 3.2, so 3 servers cannot keep up (ρ = 1.07) and the
    // backlog soon passes one ticket a server; the team's one pool server makes it M/M/4
    // (ρ = 0.8) for good (release_threshold 0). Sojourn = intake + department.
    constexpr double days = 1500.0;
    constexpr double from_day = 200.0;  // the team has come and the backlog has drained
    const double exact = mmc_w(1.6, 0.01, 20) + mmc_w(1.6, 2.0, 4);
    REQUIRE(mmc_w(1.6, 2.0, 4) == Approx(2.0 + 0.596 / 0.4).epsilon(2e-3));
    std::vector<double> sojourns;
    for (int r = 0; r < 10; ++r) {
        auto overrides = one_department(3);
        for (const char* o : {"adaptation.project_teams.threshold=1",
                              "adaptation.project_teams.sustain_days=0",
                              "adaptation.project_teams.lag_days=0",
                              "adaptation.project_teams.staff=1",
                              "adaptation.project_teams.pool=1",
                              "adaptation.project_teams.release_threshold=0"})
            overrides.emplace_back(o);
        overrides.push_back("simulation.days=" + toml_number(days));
        overrides.push_back("simulation.warmup_days=" + toml_number(from_day));
        const auto spec =
            load_with_seed("validation/jackson", overrides, 811 + static_cast<std::uint64_t>(r));
        TicketWaits waits(from_day * 24.0, (days - 5.0) * 24.0);
        const RunOutcome outcome = run_replication(spec, /*trace_events=*/false, waits);
        const auto arrived = of_action(outcome, AdaptationAction::team_arrived);
        REQUIRE(arrived.size() == 1);
        CHECK(arrived[0].value == 1.0);
        CHECK(arrived[0].t_h < from_day * 24.0);
        CHECK(of_action(outcome, AdaptationAction::team_requested).size() == 1);
        CHECK(of_action(outcome, AdaptationAction::team_released).empty());
        REQUIRE(waits.censored() == 0);
        sojourns.push_back(waits.mean_sojourn());
    }
    const Estimate e = estimate(sojourns);
    INFO("sojourn measured " << e.mean << " +- " << e.half_width << " h (SE " << e.se
                             << "), exact M/M/4 " << exact);
    REQUIRE(std::abs(e.mean - exact) <= pass_tolerance(e, exact));
    REQUIRE(e.half_width <= 0.05 * exact);  // not vacuous
}

TEST_CASE("a project team from quiet departments leaves them one server and goes back",
          "[validation][adaptation]") {
    // Two departments at the street: `d` overloaded for a week (a surge), `e` idle with 3
    // servers; the team takes two of e's, then returns them once d is quiet again.
    auto overrides = one_department(3);
    for (const char* o : {"departments.e.label=\"a quiet department\"",
                          "tiers.street.staff.e=3",
                          "adaptation.project_teams.threshold=1",
                          "adaptation.project_teams.sustain_days=1",
                          "adaptation.project_teams.lag_days=2",
                          "adaptation.project_teams.staff=5",
                          "adaptation.project_teams.source=\"departments\"",
                          "adaptation.project_teams.release_threshold=0.2",
                          "adaptation.period_days=10",
                          "ticket_types.t.rate=24",  // 1/h: ρ = 0.67 on 3
                          "timeline=[{day = 5, set = {ticket_types = {t = {rate = 48}}}}, "
                          "{day = 12, set = {ticket_types = {t = {rate = 24}}}}]",
                          "simulation.days=60",
                          "simulation.warmup_days=0"})
        overrides.emplace_back(o);
    const auto spec = load_with_seed("validation/jackson", overrides, 5);
    TicketsById tickets;
    const RunOutcome outcome = run_replication(spec, false, tickets);
    const auto requested = of_action(outcome, AdaptationAction::team_requested);
    const auto arrived = of_action(outcome, AdaptationAction::team_arrived);
    const auto released = of_action(outcome, AdaptationAction::team_released);
    REQUIRE(requested.size() >= 1);
    REQUIRE(arrived.size() == requested.size());
    CHECK(arrived[0].t_h == requested[0].t_h + 48.0);  // the lag
    CHECK(arrived[0].value == 2.0);                    // e keeps one of its three
    CHECK(arrived[0].cost_h == 2 * 8.0);               // move_cost_h a server
    REQUIRE(released.size() == arrived.size());
    CHECK(released[0].t_h > arrived[0].t_h);
    CHECK(released[0].value == 2.0);
    // Staff move within the street: every unit's staff is the same at every period's end.
    std::map<std::int32_t, std::int64_t> staff;
    for (const auto& row : outcome.unit_periods) {
        const auto [at, first] = staff.emplace(row.unit, row.staff);
        CHECK(at->second == row.staff);
    }
}

TEST_CASE("a ranking whose attention does nothing changes no ticket",
          "[validation][adaptation][determinism]") {
    // Twelve streets (jackson.toml), ranked monthly on the tickets they close; the bottom
    // quarter (3) gets attention that sends no staff and raises no ticket.
    const std::vector<std::string> base = {"simulation.days=200", "simulation.warmup_days=0"};
    TicketsById plain;
    const RunOutcome plain_outcome =
        run_replication(load_with_seed("validation/jackson", base, 17), false, plain);
    auto overrides = base;
    for (const char* o : {"adaptation.ranking.bottom_share=0.25",
                          "adaptation.ranking.min_surveyed=1",
                          "adaptation.ranking.lag_days=0",
                          "adaptation.ranking.attention_staff=0",
                          "adaptation.ranking.attention_priority=0"})
        overrides.emplace_back(o);
    TicketsById ranked;
    const RunOutcome ranked_outcome =
        run_replication(load_with_seed("validation/jackson", overrides, 17), false, ranked);
    REQUIRE(plain.rows.size() > 50'000);
    CHECK((ranked.rows == plain.rows));
    CHECK((ranked.order == plain.order));
    // It did rank: six periods end inside 200 days, three streets at the bottom of each.
    CHECK(of_action(ranked_outcome, AdaptationAction::ranked_bottom).size() == 6 * 3);
    std::size_t ranks = 0;
    for (const auto& row : ranked_outcome.unit_periods)
        ranks += row.rank > 0 ? 1 : 0;
    CHECK(ranks == 6 * 12);  // every street in every period a ranking ended (not the last, shorter)
    REQUIRE(ranked_outcome.unit_periods.size() == plain_outcome.unit_periods.size());
    for (std::size_t i = 0; i < plain_outcome.unit_periods.size(); ++i) {
        const auto& a = plain_outcome.unit_periods[i];
        const auto& b = ranked_outcome.unit_periods[i];
        CHECK(a.closed == b.closed);
        CHECK(a.satisfied == b.satisfied);
        CHECK(a.backlog == b.backlog);
        CHECK(a.staff == b.staff);
    }
}

TEST_CASE("rules that do nothing leave the ticket and event records as they were, in order",
          "[validation][adaptation][determinism]") {
    // s0 on office calendars: services taken at night start at the next opening (events dated
    // after the window that traces them) and callers hang up in the hotline queue (records
    // dated before it). The rules' daily barriers cut the windows elsewhere; the records are
    // listed by the time they were recorded, so neither list may change, not even in order.
    struct Everything final : RecordConsumer {
        std::vector<std::array<std::uint64_t, 3>> tickets_seen, events_seen;

        void tickets(const std::vector<tiersim::model::TicketRecord>& r) override {
            for (const auto& t : r)
                tickets_seen.push_back({static_cast<std::uint64_t>(t.id),
                                        std::bit_cast<std::uint64_t>(t.closed_h),
                                        static_cast<std::uint64_t>(t.outcome)});
        }

        void events(const std::vector<tiersim::model::EventRecord>& r) override {
            for (const auto& e : r)
                events_seen.push_back({static_cast<std::uint64_t>(e.ticket),
                                       std::bit_cast<std::uint64_t>(e.t_h),
                                       static_cast<std::uint64_t>(e.kind)});
        }
    };

    const std::vector<std::string> base = {"simulation.days=5",
                                           "simulation.warmup_days=1",
                                           "channels.hotline.staff_per_10k=0.1"};  // hang-ups
    Everything plain;
    run_replication(load_with_seed("s0-fragmented", base, 31), true, plain);
    auto overrides = base;
    for (const char* o : {"adaptation.period_days=1",
                          "adaptation.ranking.bottom_share=0.5",
                          "adaptation.ranking.min_surveyed=1",
                          "adaptation.ranking.attention_staff=0",
                          "adaptation.ranking.attention_priority=0"})
        overrides.emplace_back(o);
    Everything ranked;
    const RunOutcome outcome =
        run_replication(load_with_seed("s0-fragmented", overrides, 31), true, ranked);
    REQUIRE(!of_action(outcome, AdaptationAction::ranked_bottom).empty());
    REQUIRE(plain.events_seen.size() > 100'000);
    const auto hung_up = static_cast<std::uint64_t>(tiersim::model::Outcome::hung_up);
    CHECK(std::any_of(plain.tickets_seen.begin(), plain.tickets_seen.end(), [&](const auto& t) {
        return t[2] == hung_up;
    }));
    // Compared whole (a failed comparison of 100,000 rows would take Catch long to print).
    CHECK(ranked.tickets_seen.size() == plain.tickets_seen.size());
    CHECK((ranked.tickets_seen == plain.tickets_seen));
    CHECK(ranked.events_seen.size() == plain.events_seen.size());
    CHECK((ranked.events_seen == plain.events_seen));
}

TEST_CASE("leader attention sends reserve staff to the bottom streets after the lag",
          "[validation][adaptation]") {
    const auto spec = load_with_seed("validation/jackson",
                                     {"simulation.days=200",
                                      "simulation.warmup_days=0",
                                      "adaptation.ranking.bottom_share=0.25",
                                      "adaptation.ranking.min_surveyed=1",
                                      "adaptation.ranking.lag_days=20",
                                      "adaptation.ranking.attention_days=15",
                                      "adaptation.ranking.attention_staff=2",
                                      "adaptation.ranking.attention_priority=1"},
                                     23);
    TicketsById tickets;
    const RunOutcome outcome = run_replication(spec, false, tickets);
    const auto bottom = of_action(outcome, AdaptationAction::ranked_bottom);
    const auto started = of_action(outcome, AdaptationAction::attention_start);
    const auto ended = of_action(outcome, AdaptationAction::attention_end);
    REQUIRE(bottom.size() == 6 * 3);
    // Attention starts 20 days after a ranking (its 2 servers go to the street's one
    // department queue) and ends 15 days after the last ranking that put the street at the
    // bottom while it was due or under way (one that did extends it).
    auto bottom_at = [&](std::int32_t unit, double t_h) {
        return std::any_of(bottom.begin(), bottom.end(), [&](const auto& b) {
            return b.unit == unit && b.t_h == t_h;
        });
    };
    REQUIRE(!started.empty());
    for (const AdaptationRecord& s : started) {
        CHECK(bottom_at(s.unit, s.t_h - 20 * 24));
        CHECK(s.value == 2.0);
        CHECK(s.department == 0);
    }
    REQUIRE(!ended.empty());
    for (const AdaptationRecord& e : ended) {
        CHECK(bottom_at(e.unit, e.t_h - 35 * 24));
        CHECK(e.value == 2.0);
    }
    // At every period's end a street under attention has its reserve staff, the others none:
    // the first period ends before any attention starts.
    std::map<std::pair<double, std::int32_t>, std::int64_t> staff;
    for (const auto& row : outcome.unit_periods)
        staff[{row.t_h, row.unit}] = row.staff;
    auto under_attention = [&](std::int32_t unit, double t_h) {
        double last_start = -1.0;
        for (const auto& s : started) {
            if (s.unit == unit && s.t_h <= t_h)
                last_start = std::max(last_start, s.t_h);
        }
        return last_start >= 0.0 && std::none_of(ended.begin(), ended.end(), [&](const auto& e) {
                   return e.unit == unit && e.t_h > last_start && e.t_h <= t_h;
               });
    };
    std::size_t seen = 0;
    for (const auto& [key, n] : staff) {
        const auto [t_h, unit] = key;
        const std::int64_t base = staff.at({30.0 * 24, unit});
        const bool attended = under_attention(unit, t_h);
        seen += attended ? 1 : 0;
        CHECK(n == base + (attended ? 2 : 0));
    }
    CHECK(seen > 0);
}

TEST_CASE("a leader instruction in force from day 0 is the type's own priority",
          "[validation][adaptation][determinism]") {
    // validation/priority: types high (2), middle (1) and low (0) at one M/M/4 intake. An
    // instruction lifting `low` by one level for longer than the run queues it as priority 1.
    const std::vector<std::string> base = {"simulation.days=100"};
    auto own = base;
    own.emplace_back("ticket_types.low.priority=1");
    TicketsById with_priority;
    run_replication(load_with_seed("validation/priority", own, 3), false, with_priority);
    auto instructed = base;
    for (const char* o : {"adaptation.instructions.lift.type=\"low\"",
                          "adaptation.instructions.lift.day=0",
                          "adaptation.instructions.lift.duration_days=200",
                          "adaptation.instructions.lift.priority=1",
                          // counted from day 0 on too, and never issued
                          "adaptation.instructions.never.type=\"high\"",
                          "adaptation.instructions.never.overdue_threshold=1000000"})
        instructed.emplace_back(o);
    TicketsById with_instruction;
    const RunOutcome outcome = run_replication(
        load_with_seed("validation/priority", instructed, 3), false, with_instruction);
    REQUIRE(with_priority.rows.size() > 5'000);
    CHECK((with_instruction.rows == with_priority.rows));
    CHECK((with_instruction.order == with_priority.order));
    const auto started = of_action(outcome, AdaptationAction::instruction_start);
    REQUIRE(started.size() == 1);
    CHECK(started[0].t_h == 0.0);
    CHECK(of_action(outcome, AdaptationAction::instruction_end).empty());
    // And without the instruction the run differs: the lift is not a no-op.
    TicketsById plain;
    run_replication(load_with_seed("validation/priority", base, 3), false, plain);
    CHECK_FALSE((plain.rows == with_priority.rows));
}

TEST_CASE("a leader instruction issued by an overdue count ends after its period",
          "[validation][adaptation]") {
    // One overloaded department (ρ = 1.07) with a limit of 1 working day: overdue tickets
    // pile up, an instruction is issued as soon as more than 5 are overdue at a day's end, is
    // in force for 3 days, and is issued again at the first day's end after that.
    auto overrides = one_department(3);
    for (const char* o : {"ticket_types.t.resolve_wd=1",
                          "adaptation.instructions.push.type=\"t\"",
                          "adaptation.instructions.push.overdue_threshold=5",
                          "adaptation.instructions.push.duration_days=3",
                          "simulation.days=60",
                          "simulation.warmup_days=0"})
        overrides.emplace_back(o);
    TicketsById tickets;
    const RunOutcome outcome =
        run_replication(load_with_seed("validation/jackson", overrides, 9), false, tickets);
    const auto started = of_action(outcome, AdaptationAction::instruction_start);
    const auto ended = of_action(outcome, AdaptationAction::instruction_end);
    REQUIRE(started.size() >= 2);
    for (std::size_t k = 0; k < started.size(); ++k) {
        CHECK(started[k].value > 5.0);  // the overdue count that issued it
        if (k < ended.size()) {
            CHECK(ended[k].t_h == started[k].t_h + 3 * 24);
            if (k + 1 < started.size())
                CHECK(started[k + 1].t_h >= ended[k].t_h);
        }
    }
}
