// SPDX-License-Identifier: MIT
// The level at which a ticket joins a queue (tiersim/model/ticket_priority.hpp), and when a
// scenario needs the raised levels at all. The queues' order itself is checked against
// Cobham's formula in tests/validation/priority_test.cpp.
#include "tiersim/model/ticket_priority.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace tiersim::model;

}  // namespace

TEST_CASE("a ticket's queue priority adds the leader and deadline raises, up to the top level",
          "[unit][priority]") {
    CHECK(queue_priority(0, false, 0, false) == 0);
    CHECK(queue_priority(2, false, 0, false) == 2);
    // The leader's raise counts only once a leader has decided the ticket.
    CHECK(queue_priority(0, false, 2, false) == 0);
    CHECK(queue_priority(0, true, 2, false) == 2);
    CHECK(queue_priority(1, true, 0, false) == 1);
    // A near deadline adds one level.
    CHECK(queue_priority(0, false, 0, true) == 1);
    CHECK(queue_priority(1, true, 1, true) == 3);
    // Never above the highest level.
    CHECK(queue_priority(3, true, 3, true) == max_priority);
    CHECK(queue_priority(2, false, 0, true) == 3);
    CHECK(max_priority == priority_levels - 1);
}

TEST_CASE("raised levels are needed only where a type or a lever can raise a ticket",
          "[unit][priority]") {
    ScenarioSpec spec;
    spec.ticket_types.resize(2);
    CHECK_FALSE(uses_priorities(spec));

    SECTION("a ticket type's priority") {
        spec.ticket_types[1].priority = 1;
        CHECK(uses_priorities(spec));
    }
    SECTION("the leader lever, at the top level or in one province") {
        spec.levers.leader_priority = 1;
        CHECK(uses_priorities(spec));
        spec.levers.leader_priority = 0;
        Levers province = spec.levers;
        province.leader_priority = 2;
        spec.province_levers.emplace_back("P2", province);
        CHECK(uses_priorities(spec));
    }
    SECTION("the deadline lever in one province") {
        Levers province = spec.levers;
        province.deadline_priority_h = 24.0;
        spec.province_levers.emplace_back("P1", province);
        CHECK(uses_priorities(spec));
    }
}
