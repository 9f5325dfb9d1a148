// SPDX-License-Identifier: MIT
// The analytic companion: traffic equations against closed forms (M/M/c, Jackson chains,
// geometric returns) and the flagging of under-staffed queues.
#include "tiersim/model/traffic.hpp"

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

namespace {

using namespace tiersim::model;

/// The traffic report of a scenario on the synthetic divisions, compiled as `check` does.
TrafficReport analyse(const ScenarioSpec& spec) {
    return analyse_traffic(CompiledModel(spec, Organisation::build(spec)));
}

/// One province × one city × one district × one street of 10,000 residents (so a type's rate
/// is its arrivals per day at the street), departments "d" and "e", everything open 24/7.
ScenarioSpec tiny_spec() {
    ScenarioSpec spec;
    spec.name = "tiny";
    spec.divisions.provinces = 1;
    spec.divisions.cities_per_province = 1;
    spec.divisions.districts_per_city = 1;
    spec.divisions.streets_per_district = 1;
    spec.divisions.population_per_street = 10'000.0;

    CalendarSpec always;
    always.name = "always";
    always.always = true;
    CalendarSpec office;
    office.name = "office";
    office.weekdays = {true, true, true, true, true, false, false};
    office.hours = {{9.0, 12.0}, {13.5, 17.5}};
    spec.calendars = {always, office};

    spec.departments = {"d", "e"};
    for (auto& tier : spec.tiers) {
        tier.calendar = 0;
        tier.intake_staff = 2;
        tier.staff = {10, 10};
    }
    spec.channels[static_cast<std::size_t>(Channel::window)] = {Tier::street, 0, -1};
    spec.channels[static_cast<std::size_t>(Channel::hotline)] = {Tier::city, 0, 4};
    spec.channels[static_cast<std::size_t>(Channel::online)] = {Tier::city, 0, -1};
    spec.channels[static_cast<std::size_t>(Channel::grid)] = {Tier::street, 0, -1};
    spec.levers.return_probability = 0.0;
    spec.max_returns = 3;
    return spec;
}

TicketTypeSpec type_named(const std::string& name) {
    TicketTypeSpec type;
    type.name = name;
    type.channel = Channel::hotline;
    type.rate = 24.0;  // one per hour at the street
    type.daily_profile.fill(1.0);
    type.weekly_profile.fill(1.0);
    type.intake = {DistKind::exponential, 0.1, 1.0};
    type.service = {DistKind::exponential, 2.0, 1.0};
    type.authority = Tier::street;
    type.departments = {0};
    return type;
}

const QueueLoad& queue(const TrafficReport& report, Tier tier, const std::string& name) {
    for (const auto& q : report.queues) {
        if (q.tier == tier && q.queue == name)
            return q;
    }
    FAIL("no queue " << name << " at tier " << tier_names[static_cast<std::size_t>(tier)]);
    throw;  // unreachable
}

bool has_queue(const TrafficReport& report, Tier tier, const std::string& name) {
    for (const auto& q : report.queues) {
        if (q.tier == tier && q.queue == name)
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("traffic: an M/M/c intake gives offered load lambda/mu", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("walk_in");
    type.channel = Channel::window;
    type.rate = 48.0;  // 2 per hour
    type.intake = {DistKind::exponential, 0.5, 1.0};
    type.close_at_intake = 1.0;
    spec.ticket_types = {type};

    TrafficReport report = analyse(spec);
    CHECK(report.tickets_per_day == Approx(48.0));
    const QueueLoad& q = queue(report, Tier::street, "intake:window");
    CHECK(q.units == 1);
    CHECK(q.arrival_rate_per_h == Approx(2.0));
    CHECK(q.offered_load == Approx(1.0));
    CHECK(q.servers == 2.0);
    CHECK(q.utilisation == Approx(0.5));
    CHECK(q.worst_utilisation == Approx(0.5));
    CHECK(q.worst_unit == "P1-C1-D1-S1");
    CHECK_FALSE(q.unstable);
    CHECK(report.unstable.empty());
    // Nothing reaches a department; unused channels are left out.
    CHECK(queue(report, Tier::street, "dept:d").arrival_rate_per_h == 0.0);
    CHECK_FALSE(has_queue(report, Tier::city, "intake:hotline"));

    SECTION("the open fraction of the calendar divides the capacity") {
        spec.channels[static_cast<std::size_t>(Channel::window)].calendar = 1;  // 35 h a week
        report = analyse(spec);
        const QueueLoad& office = queue(report, Tier::street, "intake:window");
        CHECK(office.offered_load == Approx(1.0));
        CHECK(office.utilisation == Approx(1.0 / (2.0 * 35.0 / 168.0)));
        CHECK(office.unstable);
        REQUIRE(report.unstable.size() == 1);
        CHECK(report.unstable[0].find("P1-C1-D1-S1 (street) intake:window") == 0);
        CHECK(report.unstable[0].find("open 21%") != std::string::npos);
    }
}

TEST_CASE("traffic: a Jackson chain escalates lambda p^k to tier k", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("complaint");
    const double p = 0.3;
    type.escalate = {p, p, p, 0.0};
    type.close_at_intake = 0.25;
    spec.ticket_types = {type};
    const TrafficReport report = analyse(spec);

    const double lambda = 1.0 * (1.0 - 0.25);
    const QueueLoad& intake = queue(report, Tier::city, "intake:hotline");
    CHECK(intake.arrival_rate_per_h == Approx(1.0));
    CHECK(intake.offered_load == Approx(0.1));
    CHECK(intake.servers == 4.0);
    for (int k = 0; k < tier_count; ++k) {
        const QueueLoad& q = queue(report, static_cast<Tier>(k), "dept:d");
        INFO("tier " << tier_names[static_cast<std::size_t>(k)]);
        CHECK(q.arrival_rate_per_h == Approx(lambda * std::pow(p, k)));
        CHECK(q.offered_load == Approx(2.0 * lambda * std::pow(p, k)));
        CHECK(q.utilisation == Approx(2.0 * lambda * std::pow(p, k) / 10.0));
        CHECK(queue(report, static_cast<Tier>(k), "dept:e").arrival_rate_per_h == 0.0);
    }

    SECTION("a higher authority starts the chain there") {
        ScenarioSpec high = spec;
        high.ticket_types[0].authority = Tier::district;
        const TrafficReport r = analyse(high);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == 0.0);
        CHECK(queue(r, Tier::district, "dept:d").arrival_rate_per_h == Approx(lambda));
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h == Approx(lambda * p));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h == Approx(lambda * p * p));
    }

    SECTION("several departments are each visited once per unit") {
        ScenarioSpec two = spec;
        two.ticket_types[0].departments = {0, 1};
        const TrafficReport r = analyse(two);
        for (int k = 0; k < tier_count; ++k) {
            const double expected = lambda * std::pow(p, k);
            CHECK(queue(r, static_cast<Tier>(k), "dept:d").arrival_rate_per_h == Approx(expected));
            CHECK(queue(r, static_cast<Tier>(k), "dept:e").arrival_rate_per_h == Approx(expected));
        }
    }
}

TEST_CASE("traffic: returns multiply the visits by the truncated geometric factor", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("permit");
    spec.ticket_types = {type};
    const double q = 0.4;
    spec.levers.return_probability = q;

    SECTION("one department, max_returns caps the returns") {
        for (int cap : {0, 1, 3, 7}) {
            spec.max_returns = cap;
            const TrafficReport r = analyse(spec);
            double expected = 0.0;
            for (int k = 0; k <= cap; ++k)
                expected += std::pow(q, k);
            INFO("max_returns " << cap);
            CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(expected));
            CHECK(queue(r, Tier::district, "dept:d").arrival_rate_per_h == 0.0);
        }
    }

    SECTION("an unbounded cap gives the geometric series") {
        spec.max_returns = 1'000'000;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
    }

    SECTION("two departments: each pass restarts at the first") {
        spec.max_returns = 1'000'000;
        spec.ticket_types[0].departments = {0, 1};
        const TrafficReport r = analyse(spec);
        // A pass ends in a return with probability q + (1-q) q, so there are 1/(1-q)^2 passes;
        // each reaches the second department with probability 1-q.
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h ==
              Approx(1.0 / ((1.0 - q) * (1.0 - q))));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
    }

    SECTION("a return from an escalated unit goes back to the authority") {
        spec.max_returns = 1'000'000;
        const double p = 0.5;
        spec.ticket_types[0].authority = Tier::city;
        spec.ticket_types[0].escalate = {0.0, 0.0, p, 0.0};
        const TrafficReport r = analyse(spec);
        // v_city = 1 + q v_city + q v_prov, v_prov = (1-q) p v_city.
        const double v_city = 1.0 / (1.0 - q - q * (1.0 - q) * p);
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h == Approx(v_city));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h ==
              Approx((1.0 - q) * p * v_city));
    }

    SECTION("the returns count survives escalation") {
        spec.max_returns = 1;
        const double p = 0.5;
        spec.ticket_types[0].authority = Tier::city;
        spec.ticket_types[0].escalate = {0.0, 0.0, p, 0.0};
        const TrafficReport r = analyse(spec);
        // First pass: city 1, province (1-q)p; returned (mass q + (1-q)p q) for one more pass.
        const double again = q + (1.0 - q) * p * q;
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h == Approx(1.0 + again));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h ==
              Approx((1.0 - q) * p + again * p));
    }
}

TEST_CASE("traffic: too few staff is flagged with the unit and the department", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    spec.divisions.cities_per_province = 2;
    spec.divisions.streets_per_district = 3;
    TicketTypeSpec type = type_named("noise");
    type.escalate = {1.0, 1.0, 0.0, 0.0};  // decided at the city
    spec.ticket_types = {type};
    spec.tiers[static_cast<std::size_t>(Tier::city)].staff = {5, 0};

    // Each city: 3 streets × 1/h × 2 h = 6 erlangs on 5 servers.
    TrafficReport report = analyse(spec);
    const QueueLoad& city = queue(report, Tier::city, "dept:d");
    CHECK(city.units == 2);
    CHECK(city.offered_load == Approx(12.0));
    CHECK(city.servers == 10.0);
    CHECK(city.worst_utilisation == Approx(1.2));
    CHECK(city.worst_unit == "P1-C1");
    CHECK(city.unstable);
    CHECK_FALSE(queue(report, Tier::street, "dept:d").unstable);
    REQUIRE(report.unstable.size() == 2);
    CHECK(report.unstable[0] ==
          "P1-C1 (city) dept:d: utilisation 1.20 >= 1 (offered 6.00 erlangs on 5 servers open "
          "100%)");
    CHECK(report.unstable[1].find("P1-C2 (city) dept:d") == 0);
    // "e" has no servers at the city and no work: it is not listed there.
    CHECK_FALSE(has_queue(report, Tier::city, "dept:e"));

    SECTION("a department without servers that gets work is infinitely loaded") {
        spec.ticket_types[0].departments = {1};
        report = analyse(spec);
        const QueueLoad& e = queue(report, Tier::city, "dept:e");
        CHECK(std::isinf(e.utilisation));
        CHECK(e.unstable);
        REQUIRE(report.unstable.size() == 2);
        CHECK(report.unstable[0].find("P1-C1 (city) dept:e: utilisation inf") == 0);
    }

    SECTION("scale_staff scales servers by population like the simulation") {
        spec.tiers[static_cast<std::size_t>(Tier::city)].staff = {10, 0};
        spec.tiers[static_cast<std::size_t>(Tier::city)].scale_staff = true;
        report = analyse(spec);
        CHECK(queue(report, Tier::city, "dept:d").servers == 20.0);  // equal populations
        CHECK(report.unstable.empty());
    }
}

TEST_CASE("traffic: an approval bureau pools its departments' staff and work", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("licence");
    type.departments = {0, 1};
    spec.ticket_types = {type};
    spec.levers.design[static_cast<std::size_t>(Tier::street)] = Design::approval_bureau;

    SECTION("both departments merge: one queue with both staffs and both visits") {
        const TrafficReport r = analyse(spec);
        const QueueLoad& bureau = queue(r, Tier::street, "bureau");
        CHECK(bureau.units == 1);
        CHECK(bureau.servers == 20.0);
        CHECK(bureau.arrival_rate_per_h == Approx(2.0));  // d then e, 1/h each
        CHECK(bureau.offered_load == Approx(4.0));
        CHECK(bureau.utilisation == Approx(0.2));
        CHECK_FALSE(has_queue(r, Tier::street, "dept:d"));
        CHECK_FALSE(has_queue(r, Tier::street, "dept:e"));
        // The district has no bureau: its departments keep their queues.
        CHECK(queue(r, Tier::district, "dept:d").servers == 10.0);
        CHECK_FALSE(has_queue(r, Tier::district, "bureau"));
    }

    SECTION("a department without approval keeps its own queue") {
        spec.department_approval = {true, false};
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "bureau").servers == 10.0);
        CHECK(queue(r, Tier::street, "bureau").arrival_rate_per_h == Approx(1.0));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0));
        CHECK(queue(r, Tier::street, "dept:e").servers == 10.0);
    }

    SECTION("bureau steps return less; shared data shortens the service") {
        spec.ticket_types[0].departments = {0};
        spec.ticket_types[0].materials = 2;
        spec.levers.return_probability = 0.5;
        spec.levers.bureau_return_factor = 0.2;
        spec.levers.data_sharing[static_cast<std::size_t>(Tier::street)] = 0.5;
        spec.levers.sharing_speedup = 0.4;
        spec.max_returns = 1'000'000;
        const TrafficReport r = analyse(spec);
        const QueueLoad& bureau = queue(r, Tier::street, "bureau");
        CHECK(bureau.arrival_rate_per_h == Approx(1.0 / (1.0 - 0.1)));
        CHECK(bureau.offered_load == Approx(2.0 * (1.0 - 0.4 * 0.5) / (1.0 - 0.1)));
    }
}

TEST_CASE("traffic: split windows take each department's share of the window work", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    for (auto& tier : spec.tiers)
        tier.intake_staff = 3;
    TicketTypeSpec a = type_named("a");
    a.channel = Channel::window;
    a.departments = {0};
    TicketTypeSpec b = type_named("b");
    b.channel = Channel::window;
    b.rate = 48.0;
    b.departments = {1};
    spec.ticket_types = {a, b};
    spec.levers.generalist_slowdown = 1.5;

    SECTION("pooled generalist windows: one queue, slowed down") {
        const TrafficReport r = analyse(spec);
        const QueueLoad& pooled = queue(r, Tier::street, "intake:window");
        CHECK(pooled.servers == 3.0);
        CHECK(pooled.arrival_rate_per_h == Approx(3.0));
        CHECK(pooled.offered_load == Approx(3.0 * 0.1 * 1.5));
        CHECK_FALSE(has_queue(r, Tier::street, "window:d"));
        CHECK_FALSE(has_queue(r, Tier::street, "window:e"));
    }

    SECTION("split windows: one queue per first department, staff by workload") {
        spec.levers.generalist_windows = false;
        const TrafficReport r = analyse(spec);
        const QueueLoad& d = queue(r, Tier::street, "window:d");
        const QueueLoad& e = queue(r, Tier::street, "window:e");
        CHECK(d.arrival_rate_per_h == Approx(1.0));
        CHECK(d.offered_load == Approx(0.1));
        CHECK(d.servers == 1.0);
        CHECK(e.arrival_rate_per_h == Approx(2.0));
        CHECK(e.offered_load == Approx(0.2));
        CHECK(e.servers == 2.0);
        CHECK_FALSE(has_queue(r, Tier::street, "intake:window"));
    }

    SECTION("split windows never have more clerks than intake_staff") {
        spec.levers.generalist_windows = false;
        for (auto& tier : spec.tiers)
            tier.intake_staff = 1;
        // One clerk for two departments: there is no window of its own for either, and both
        // departments' items queue at the one pooled window.
        const TrafficReport r = analyse(spec);
        const QueueLoad& pooled = queue(r, Tier::street, "intake:window");
        CHECK(pooled.servers == 1.0);
        CHECK(pooled.arrival_rate_per_h == Approx(3.0));
        CHECK_FALSE(has_queue(r, Tier::street, "window:d"));
        CHECK_FALSE(has_queue(r, Tier::street, "window:e"));
    }

    SECTION("online_share moves an online-capable type's window arrivals online") {
        spec.ticket_types[0].online = true;
        spec.levers.online_share = 0.25;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "intake:window").arrival_rate_per_h == Approx(2.75));
        CHECK(queue(r, Tier::city, "intake:online").arrival_rate_per_h == Approx(0.25));
        CHECK(queue(r, Tier::city, "intake:online").offered_load == Approx(0.025));
    }
}

TEST_CASE("traffic: cross-province tickets pass the link to their home province", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    spec.divisions.provinces = 2;
    spec.cross.link_staff = 2;
    spec.cross.link_service_h = 0.5;
    TicketTypeSpec type = type_named("transfer");
    type.cross_province = 0.5;
    type.cross_modes = {0.5, 0.25, 0.25, 0.0};  // online, proxy, joint, trip_home
    type.close_at_intake = 0.2;                 // home tickets only
    type.escalate = {0.5, 0.0, 0.0, 0.0};       // home tickets only
    spec.ticket_types = {type};
    const TrafficReport r = analyse(spec);

    // Each street: 1/h, half of it cross-province, all homed in the other province.
    for (const char* name : {"link:P1→P2", "link:P2→P1"}) {
        INFO(name);
        const QueueLoad& link = queue(r, Tier::province, name);
        CHECK(link.units == 1);
        CHECK(link.arrival_rate_per_h == Approx(0.5));
        CHECK(link.offered_load == Approx(0.25));
        CHECK(link.servers == 2.0);
        CHECK(link.utilisation == Approx(0.125));
    }
    CHECK(queue(r, Tier::province, "link:P1→P2").worst_unit == "P1");
    // Intake: home at the hotline, cross online online, proxy and joint at the window.
    CHECK(queue(r, Tier::city, "intake:hotline").arrival_rate_per_h == Approx(2 * 0.5));
    CHECK(queue(r, Tier::city, "intake:online").arrival_rate_per_h == Approx(2 * 0.25));
    CHECK(queue(r, Tier::street, "intake:window").arrival_rate_per_h == Approx(2 * 0.25));
    // Streets: home dispatched 0.5 × 0.8, cross arrivals from the other province 0.5 and the
    // local part of the joint ones 0.5 × 0.25; only home tickets escalate.
    CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(2 * (0.4 + 0.5 + 0.125)));
    CHECK(queue(r, Tier::district, "dept:d").arrival_rate_per_h == Approx(2 * 0.4 * 0.5));
}

TEST_CASE("traffic: the K-th return goes to the leader, then one last pass", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    const double q = 0.4;
    spec.levers.return_probability = q;
    spec.levers.leader_decision_h = 4.0;
    spec.levers.leader_engagement = 2.0;
    spec.max_returns = 3;
    TicketTypeSpec type = type_named("dispute");
    spec.ticket_types = {type};

    SECTION("K = 1: every return goes to the city's leader") {
        spec.levers.escalate_after_returns = 1;
        const TrafficReport r = analyse(spec);
        const QueueLoad& leader = queue(r, Tier::city, "leader");
        CHECK(leader.arrival_rate_per_h == Approx(q));
        CHECK(leader.offered_load == Approx(q * 2.0));
        CHECK(leader.servers == 1.0);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 + q));
        CHECK_FALSE(has_queue(r, Tier::province, "leader"));
    }

    SECTION("K = 2: the second return") {
        spec.levers.escalate_after_returns = 2;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::city, "leader").arrival_rate_per_h == Approx(q * q));
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 + q + q * q));
    }

    SECTION("K beyond max_returns never reaches the leader") {
        spec.levers.escalate_after_returns = 4;
        const TrafficReport r = analyse(spec);
        CHECK_FALSE(has_queue(r, Tier::city, "leader"));
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h ==
              Approx(1.0 + q + q * q + q * q * q));
    }

    SECTION("handled at the province, the province's leader decides") {
        spec.levers.escalate_after_returns = 1;
        spec.ticket_types[0].authority = Tier::province;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::province, "leader").arrival_rate_per_h == Approx(q));
        CHECK_FALSE(has_queue(r, Tier::city, "leader"));
    }

    SECTION("a return from an escalated unit goes to that unit's leader") {
        spec.levers.escalate_after_returns = 1;
        spec.ticket_types[0].escalate = {0.0, 0.0, 0.5, 0.0};
        spec.ticket_types[0].authority = Tier::city;
        const TrafficReport r = analyse(spec);
        // First pass: city 1, province (1-q)/2. Returns: q at the city, (1-q)/2 q at the
        // province; after the decision one pass at the city, no escalation.
        const double to_province = (1.0 - q) * 0.5;
        CHECK(queue(r, Tier::city, "leader").arrival_rate_per_h == Approx(q));
        CHECK(queue(r, Tier::province, "leader").arrival_rate_per_h == Approx(to_province * q));
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h ==
              Approx(1.0 + q + to_province * q));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h == Approx(to_province));
    }
}

TEST_CASE("traffic: negative-listed materials visit the leader once under three lists",
          "[traffic][three_lists]") {
    ScenarioSpec spec = tiny_spec();
    spec.levers.data_sharing.fill(0.5);
    spec.levers.leader_decision_h = 2.0;
    spec.levers.negative_list = 0.4;
    spec.levers.negative_list_lifted = 0.25;
    spec.levers.sharing_willingness = 0.6;
    TicketTypeSpec type = type_named("item");
    type.authority = Tier::district;
    type.materials = 3;
    type.material_holders = {0, 1};  // d (own), e, d
    spec.ticket_types = {type};

    SECTION("without the lists the willingness applies and no leader decides") {
        auto lv = spec.levers;
        compile_willingness(lv, 2);
        const auto e = expected_materials(type, lv, 1, 1.0);
        // Two own materials: 1 − 0.5 each; the one of e: 0.5 + 0.5 × (1 − 0.6).
        CHECK(e.requested == Approx(2 * 0.5 + 0.5 + 0.5 * 0.4));
        CHECK(e.leader_visits == 0.0);
        CHECK_FALSE(has_queue(analyse(spec), Tier::city, "leader"));
        // A pair laid over the base: e shares everything with d.
        lv.sharing = {{0, 1, 1.0}};
        compile_willingness(lv, 2);
        CHECK(expected_materials(type, lv, 1, 1.0).requested == Approx(1.5));
        // Stale shared data: only the current share is found.
        CHECK(expected_materials(type, lv, 1, 0.5).requested == Approx(3 * 0.75));
    }

    SECTION("with the lists the city's leader decides on the negative list") {
        spec.levers.three_lists = true;
        const auto e = expected_materials(type, spec.levers, 1, 1.0);
        CHECK(e.requested == Approx(2 * 0.5 + 0.5 + 0.5 * 0.4 * 0.75));
        CHECK(e.leader_visits == Approx(0.5 * 0.4));
        const TrafficReport r = analyse(spec);
        const QueueLoad& leader = queue(r, Tier::city, "leader");
        CHECK(leader.arrival_rate_per_h == Approx(0.2));  // one item an hour
        CHECK(leader.offered_load == Approx(0.2 * 2.0));
        CHECK_FALSE(has_queue(r, Tier::district, "leader"));
    }
}

TEST_CASE("traffic: a joint review visits each department once per pass", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    const double q = 0.4;
    spec.levers.return_probability = q;
    spec.levers.design[static_cast<std::size_t>(Tier::street)] = Design::joint_review;
    spec.max_returns = 1'000'000;
    TicketTypeSpec type = type_named("project");
    type.departments = {0, 1};
    spec.ticket_types = {type};

    SECTION("the meeting returns with q: 1/(1-q) passes") {
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
    }

    SECTION("three lists lower the meeting's returns") {
        spec.levers.three_lists = true;
        spec.levers.three_lists_factor = 0.25;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 / 0.9));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0 / 0.9));
    }

    SECTION("sequential under three lists: only the first department returns") {
        spec.levers.design[static_cast<std::size_t>(Tier::street)] = Design::fragmented;
        spec.levers.three_lists = true;
        spec.levers.three_lists_factor = 0.25;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 / 0.9));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0));
    }
}

TEST_CASE("traffic: a type handled in parallel forks and joins under any design", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    const double q = 0.4;
    spec.levers.return_probability = q;
    spec.max_returns = 1'000'000;
    TicketTypeSpec type = type_named("urgent");
    type.departments = {0, 1};
    type.handling = tiersim::model::Handling::parallel;
    spec.ticket_types = {type};
    // 吹哨报到 at a fragmented or bureau tier: only the lead's join returns, as after a joint
    // review's meeting, so each department sees 1/(1-q) passes (in turn, the second would see
    // the first's returns too).
    SECTION("fragmented") {
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
        CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.0 / (1.0 - q)));
    }

    SECTION("approval bureau: both steps in the bureau's queue, no bureau return factor") {
        spec.levers.design[static_cast<std::size_t>(Tier::street)] = Design::approval_bureau;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "bureau").arrival_rate_per_h == Approx(2.0 / (1.0 - q)));
    }
}

TEST_CASE("traffic: upward updates climb every tier, less the district's rejections", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("grid_update");
    type.channel = Channel::grid;
    type.route = Route::upward;
    type.reject_probability = 0.25;
    type.escalate = {0.5, 0.5, 0.5, 0.0};  // ignored by the upward route
    spec.ticket_types = {type};
    spec.levers.return_probability = 0.5;  // no returns on the upward route

    SECTION("intake at the street") {
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::street, "intake:grid").arrival_rate_per_h == Approx(1.0));
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == 0.0);
        CHECK(queue(r, Tier::district, "dept:d").arrival_rate_per_h == Approx(1.0));
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h == Approx(0.75));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h == Approx(0.75));
        CHECK(queue(r, Tier::province, "dept:d").offered_load == Approx(1.5));
    }

    SECTION("intake at the district: rejected there before climbing") {
        spec.channels[static_cast<std::size_t>(Channel::grid)].tier = Tier::district;
        const TrafficReport r = analyse(spec);
        CHECK(queue(r, Tier::district, "intake:grid").arrival_rate_per_h == Approx(1.0));
        CHECK(queue(r, Tier::district, "dept:d").arrival_rate_per_h == 0.0);
        CHECK(queue(r, Tier::city, "dept:d").arrival_rate_per_h == Approx(0.75));
        CHECK(queue(r, Tier::province, "dept:d").arrival_rate_per_h == Approx(0.75));
    }
}

TEST_CASE("traffic: re-handles add visits to the last step where the ticket closes", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("repair");
    type.departments = {0, 1};
    type.solve_probability = 0.6;
    spec.ticket_types = {type};
    spec.levers.rehandle = 0.5;
    spec.levers.max_rehandles = 2;
    const TrafficReport r = analyse(spec);
    // P(unsolved) × rehandle = 0.2 per callback, at most twice: 0.2 + 0.04.
    CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.0));
    CHECK(queue(r, Tier::street, "dept:e").arrival_rate_per_h == Approx(1.24));
}

TEST_CASE(
    "traffic: a ticket answered at intake but reported unsolved is dispatched when re-handled",
    "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("question");
    type.close_at_intake = 0.9;
    type.solve_probability = 0.8;
    type.unreasonable = 0.1;
    spec.ticket_types = {type};
    spec.levers.rehandle = 0.5;
    spec.levers.max_rehandles = 1;
    // 0.1 dispatched at intake; of the 0.9 answered, P(unsolved) = 0.1 + 0.9 × 0.2 = 0.28 and
    // half of those are dispatched after all: 0.1 + 0.9 × 0.14 = 0.226 per hour at the street.
    // Each dispatch then closes once at the department, where 0.14 are handled again.
    const double dispatched = 0.1 + 0.9 * 0.28 * 0.5;
    TrafficReport r = analyse(spec);
    CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h ==
          Approx(dispatched * (1.0 + 0.28 * 0.5)));
    SECTION("under three lists an unreasonable demand closes with its explanation") {
        spec.levers.three_lists = true;
        r = analyse(spec);
        const double unsolved = 0.9 * 0.2;
        CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h ==
              Approx((0.1 + 0.9 * unsolved * 0.5) * (1.0 + unsolved * 0.5)));
    }
}

TEST_CASE("traffic: deadline pressure adds a session for the field work it takes up again",
          "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("repair");
    type.followup = {DistKind::exponential, 48.0, 1.0};
    type.resolve_wd = 5.0;
    spec.ticket_types = {type};
    spec.levers.expedite_at = 0.4;
    // Every day works (tiny_spec is open around the clock), so 0.4 × 5 working days end at
    // midnight two days after the creation day: 60 h after a creation at noon.
    const TrafficReport r = analyse(spec);
    CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h ==
          Approx(1.0 + std::exp(-60.0 / 48.0)));
}

TEST_CASE("traffic: a province's and a unit's own staff replace the tier's", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    spec.divisions.streets_per_district = 2;
    spec.ticket_types = {type_named("repair")};
    spec.staff_overrides.push_back(
        {.scope = "P1", .tier = 0, .department = 0, .count = 4, .key = "provinces.P1"});
    spec.staff_overrides.push_back(
        {.scope = "P1-C1-D1-S2", .unit = true, .department = 0, .per_10k = 7.0, .key = "units"});
    const TrafficReport r = analyse(spec);
    // Street 1 has its province's 4, street 2 its own 7 per 10,000 of its 10,000 residents.
    CHECK(queue(r, Tier::street, "dept:d").servers == 11.0);
    CHECK(queue(r, Tier::street, "dept:e").servers == 20.0);
    CHECK(queue(r, Tier::district, "dept:d").servers == 10.0);
}

TEST_CASE("traffic: a re-handled step may be returned again", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("repair");
    type.solve_probability = 0.6;
    spec.ticket_types = {type};
    spec.levers.return_probability = 0.5;
    spec.max_returns = 1;
    spec.levers.rehandle = 0.5;
    spec.levers.max_rehandles = 1;
    const TrafficReport r = analyse(spec);
    // First pass 1, returned 0.5 for a last pass; each of the two closures (0.5 each) is
    // re-handled with 0.2: 0.1 + 0.1, and the one re-handled before its return is returned
    // with 0.5 into one more pass, 0.05.
    CHECK(queue(r, Tier::street, "dept:d").arrival_rate_per_h == Approx(1.75));
}

namespace {

/// The office calendar of tiny_spec by hour of the week, times `servers`: 9-12 and 13:30-17:30
/// on weekdays, so the hours 13 and 17 are half open.
WeekHours office_capacity(double servers) {
    WeekHours capacity{};
    for (int day = 0; day < 5; ++day) {
        for (const int h : {9, 10, 11, 14, 15, 16})
            capacity[static_cast<std::size_t>(day * 24 + h)] = servers;
        for (const int h : {13, 17})
            capacity[static_cast<std::size_t>(day * 24 + h)] = servers / 2.0;
    }
    return capacity;
}

}  // namespace

TEST_CASE("traffic: the fluid backlog carries the weekend to Monday morning", "[traffic]") {
    WeekHours arrivals{};
    arrivals.fill(0.1);  // 0.1 server-hours of work an hour
    const WeekHours demand = weekly_demand(arrivals, office_capacity(2.0));
    // Friday 17h clears; Friday 18h .. Monday 8h is 63 hours, then Monday 9h's own work.
    CHECK(demand[9] == Approx(6.4));
    CHECK(demand[10] == Approx(4.5));  // 2 done in each hour
    CHECK(demand[11] == Approx(2.6));  // then 0.6 waits over lunch
    CHECK(demand[12] == Approx(0.7));  // closed
    CHECK(demand[13] == Approx(0.8));  // half open: 1 server-hour, cleared
    CHECK(demand[14] == Approx(0.1));
    CHECK(demand[24 + 9] == Approx(1.6));  // Monday 18h .. Tuesday 8h: 15 hours
    CHECK(demand[4 * 24 + 17] == Approx(0.1));

    SECTION("a week it cannot do is the first week from empty") {
        const WeekHours late = weekly_demand(arrivals, office_capacity(0.01));
        CHECK(late[9] == Approx(1.0));  // Monday 0h .. 9h only
    }
}

TEST_CASE("traffic: a peak hour multiplies the utilisation by its profile factor", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("walk_in");
    type.channel = Channel::window;
    type.intake = {DistKind::exponential, 0.5, 1.0};
    type.close_at_intake = 1.0;
    type.daily_profile.fill((24.0 - 2.4) / 23.0);  // mean 1, with one hour at 2.4
    type.daily_profile[10] = 2.4;
    spec.ticket_types = {type};

    // 1/h × 0.5 h on 2 servers, always open: 25% on average, 2.4 × 25% at 10h (every day alike:
    // the first, Monday).
    TrafficReport report = analyse(spec);
    const QueueLoad& q = queue(report, Tier::street, "intake:window");
    CHECK(q.utilisation == Approx(0.25));
    CHECK(q.peak_utilisation == Approx(2.4 * 0.25));
    CHECK(q.peak_hour == 10);
    CHECK(week_hour_name(q.peak_hour) == "Mon 10h");

    SECTION("a weekly profile moves the peak to the busiest day") {
        spec.ticket_types[0].weekly_profile = {1.0, 1.0, 1.0, 1.0, 1.4, 0.8, 0.8};
        report = analyse(spec);
        const QueueLoad& friday = queue(report, Tier::street, "intake:window");
        CHECK(friday.peak_utilisation == Approx(1.4 * 2.4 * 0.25));
        CHECK(week_hour_name(friday.peak_hour) == "Fri 10h");
    }
    SECTION("a flat profile peaks at the average") {
        spec.ticket_types[0].daily_profile.fill(1.0);
        report = analyse(spec);
        CHECK(queue(report, Tier::street, "intake:window").peak_utilisation == Approx(0.25));
    }
}

TEST_CASE("traffic: an office queue peaks on Monday morning with the weekend's work", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("walk_in");
    type.channel = Channel::window;
    type.intake = {DistKind::exponential, 0.1, 1.0};  // 0.1 erlangs
    type.close_at_intake = 1.0;
    spec.ticket_types = {type};
    spec.channels[static_cast<std::size_t>(Channel::window)].calendar = 1;  // 35 h a week

    // As in the fluid backlog test: (63 + 1) h × 0.1 on 2 servers at Monday 9h.
    TrafficReport report = analyse(spec);
    const QueueLoad& q = queue(report, Tier::street, "intake:window");
    CHECK(q.utilisation == Approx(0.1 / (2.0 * 35.0 / 168.0)));
    CHECK(q.peak_utilisation == Approx(3.2));
    CHECK(q.peak_hour == 9);

    SECTION("a department after an intake open around the clock sees the same profile") {
        // Hotline arrivals 1/h, always open; 0.5 h steps on the street's 10 servers, office
        // hours: 5 times the work on 5 times the servers.
        spec.ticket_types[0] = type_named("complaint");
        spec.ticket_types[0].service = {DistKind::exponential, 0.5, 1.0};
        spec.tiers[static_cast<std::size_t>(Tier::street)].calendar = 1;
        report = analyse(spec);
        const QueueLoad& hotline = queue(report, Tier::city, "intake:hotline");
        CHECK(hotline.peak_utilisation == Approx(hotline.utilisation));
        const QueueLoad& dept = queue(report, Tier::street, "dept:d");
        CHECK(dept.utilisation == Approx(0.5 / (10.0 * 35.0 / 168.0)));
        CHECK(dept.peak_utilisation == Approx(3.2));
        CHECK(week_hour_name(dept.peak_hour) == "Mon 9h");
    }
}

TEST_CASE("traffic: the peak hour of a queue without work or servers", "[traffic]") {
    ScenarioSpec spec = tiny_spec();
    TicketTypeSpec type = type_named("noise");
    type.departments = {1};
    spec.ticket_types = {type};
    spec.tiers[static_cast<std::size_t>(Tier::street)].staff = {10, 0};
    const TrafficReport report = analyse(spec);
    const QueueLoad& idle = queue(report, Tier::street, "dept:d");
    CHECK(idle.peak_utilisation == 0.0);
    CHECK(idle.peak_hour == -1);
    CHECK(week_hour_name(idle.peak_hour) == "-");
    const QueueLoad& unstaffed = queue(report, Tier::street, "dept:e");
    CHECK(std::isinf(unstaffed.peak_utilisation));
    CHECK(unstaffed.peak_hour == 0);
    CHECK(week_hour_name(167) == "Sun 23h");
}
