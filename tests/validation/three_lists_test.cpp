// SPDX-License-Identifier: MIT
// 三张清单 as data governance (issue 11, item 6): without the lists a holder shares a material
// with the requesting department only with its willingness; with them the demand list obliges
// it, but for materials on its negative list, which wait for the unit's leader. Replications
// with 95% intervals against the expectation that `tiersim check` uses (expected_materials).
#include "tiersim/model/replication_stats.hpp"
#include "tiersim/model/traffic.hpp"

#include "support/test_support.hpp"
#include "validation/replication.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

namespace {

using tiersim::model::EventKind;

/// One district of two streets; one approval item at the district whose four materials are
/// held alternately by its own department `a` and by `b` (two cross-department materials).
/// Shared data covers 0.8 and is always current; `b` shares with `a` with willingness 0.3.
/// Staff (and the city's leaders, who decide on negative-listed materials) are ample, materials
/// come back within the hour and are always complete, so every item created in the first 12
/// days is closed by day 14.
const char* const scenario = R"(
[simulation]
days = 14.0
warmup_days = 0.0

[divisions]
source = "synthetic"
provinces = 1
cities_per_province = 1
districts_per_city = 1
streets_per_district = 2
population_per_street = 10000.0

[departments.a]
calendar = "always"
[departments.b]
calendar = "always"

[tiers.street]
calendar = "always"
intake_staff = 20
[tiers.district]
calendar = "always"
staff = { a = 20 }
[tiers.city]
calendar = "always"
leader_capacity = 4
[tiers.province]
calendar = "always"

[channels.window]
tier = "street"
calendar = "always"

[technology]
data_sharing = 0.8

[institution]
sharing_willingness = 0.3

[strategy]
leader_decision_h = 0.1

[citizens]
supply_h = 1.0
supply_online_h = 1.0
incomplete = 0.0

[ticket_types.item]
channel = "window"
rate = 60.0
authority = "district"
intake = { dist = "exponential", mean_h = 0.05 }
departments = ["a"]
service = { dist = "exponential", mean_h = 0.2 }
materials = 4
material_holders = ["a", "b"]
)";

/// Materials asked per item and the share of items with a leader decision, over the items
/// created in the first 12 days (all closed by the end).
struct Materials final : tiersim::validation::RecordConsumer {
    double per_item = 0.0;
    double leader_share = 0.0;
    std::int64_t items = 0;
    std::int64_t requested = 0;
    std::int64_t open = 0;
    std::set<std::int64_t> counted;
    std::set<std::int64_t> decided;

    void tickets(const std::vector<tiersim::model::TicketRecord>& records) override {
        for (const auto& r : records) {
            if (r.created_h >= 12.0 * 24.0)
                continue;
            if (r.outcome != tiersim::model::Outcome::resolved) {
                ++open;
                continue;
            }
            ++items;
            requested += r.materials_requested;
            counted.insert(r.id);
        }
    }

    void events(const std::vector<tiersim::model::EventRecord>& e) override {
        for (const auto& x : e)
            if (x.kind == EventKind::leader)
                decided.insert(x.ticket);
    }

    void finish() {
        per_item = static_cast<double>(requested) / static_cast<double>(items);
        std::int64_t n = 0;
        for (const auto id : decided)
            n += counted.count(id) > 0 ? 1 : 0;
        leader_share = static_cast<double>(n) / static_cast<double>(items);
    }
};

struct Point {
    tiersim::model::MeanInterval per_item;
    tiersim::model::MeanInterval leader_share;
    double expected_per_item = 0.0;
    double expected_leader = 0.0;
    std::int64_t open = 0;
};

/// Eight replications of the scenario with `sets`.
Point replications(const std::vector<std::string>& sets) {
    const tiersim::test::TempDir dir;
    const std::string path = dir.write("lists.toml", scenario).string();
    const auto runs = tiersim::validation::replicate(8, [&](int r) {
        const auto spec =
            tiersim::validation::load_with_seed(path, sets, static_cast<std::uint64_t>(r + 1));
        Materials m;
        tiersim::validation::run_replication(spec, true, m);
        m.finish();
        return m;
    });
    Point p;
    std::vector<double> per_item;
    std::vector<double> leader;
    for (const auto& m : runs) {
        per_item.push_back(m.per_item);
        leader.push_back(m.leader_share);
        p.open += m.open;
    }
    p.per_item = tiersim::model::mean_interval(per_item);
    p.leader_share = tiersim::model::mean_interval(leader);
    const auto spec = tiersim::io::load_scenario(path, sets);
    const auto compiled = tiersim::io::compile_scenario(spec);
    const auto e = tiersim::model::expected_materials(
        spec.ticket_types[0], compiled.levers()[0], 1, compiled.shared_data_current());
    p.expected_per_item = e.requested;
    p.expected_leader = e.leader_visits;
    return p;
}

void check_expectation(const Point& p) {
    INFO("materials per item " << p.per_item.mean << " [" << p.per_item.low << ", "
                               << p.per_item.high << "], expected " << p.expected_per_item);
    INFO("leader share " << p.leader_share.mean << " [" << p.leader_share.low << ", "
                         << p.leader_share.high << "], expected " << p.expected_leader);
    CHECK(p.open == 0);
    CHECK(p.per_item.low <= p.expected_per_item);
    CHECK(p.expected_per_item <= p.per_item.high);
    CHECK(p.leader_share.low <= p.expected_leader);
    CHECK(p.expected_leader <= p.leader_share.high);
}

}  // namespace

TEST_CASE("three lists lower the materials requested where holders are unwilling to share",
          "[validation][levers][three_lists]") {
    const Point off = replications({"institution.three_lists=false"});
    const Point on = replications({"institution.three_lists=true"});
    // Without the lists: 2 × 0.2 own + 2 × (0.2 + 0.8 × 0.7) = 1.92; with them (negative list
    // 0.1, lifted 0.5): 2 × 0.2 + 2 × (0.2 + 0.8 × 0.1 × 0.5) = 0.88.
    CHECK(off.expected_per_item == Approx(1.92));
    CHECK(on.expected_per_item == Approx(0.88));
    CHECK(off.expected_leader == 0.0);
    CHECK(on.expected_leader == Approx(1.0 - (1.0 - 0.08) * (1.0 - 0.08)));
    check_expectation(off);
    check_expectation(on);
    INFO("off " << off.per_item.low << ".." << off.per_item.high << ", on " << on.per_item.low
                << ".." << on.per_item.high);
    CHECK(on.per_item.high < off.per_item.low);
}

TEST_CASE("a negative list that is never lifted gives back the no-sharing level",
          "[validation][levers][three_lists]") {
    // Every cross-department material is negative-listed and the leader never lifts it: each is
    // asked of the applicant, as where the holder never shares (willingness 0, no lists).
    const Point closed = replications({"institution.three_lists=true",
                                       "institution.negative_list=1.0",
                                       "institution.negative_list_lifted=0.0"});
    const Point unwilling =
        replications({"institution.three_lists=false", "institution.sharing_willingness=0.0"});
    CHECK(closed.expected_per_item == Approx(2.4));
    CHECK(unwilling.expected_per_item == Approx(2.4));
    // A leader decision whenever a cross-department material is found: 1 − 0.2².
    CHECK(closed.expected_leader == Approx(0.96));
    check_expectation(closed);
    check_expectation(unwilling);
}

TEST_CASE("a single pair of the sharing matrix overrides the willingness",
          "[validation][levers][three_lists]") {
    // b shares everything with a: as if everyone shared, 4 × 0.2 = 0.8.
    const Point pair = replications({"institution.sharing.a.b=1.0"});
    CHECK(pair.expected_per_item == Approx(0.8));
    check_expectation(pair);
}
