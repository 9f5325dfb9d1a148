// SPDX-License-Identifier: MIT
// The levers behave (the reform-levers issue, item 10): each lever moves its metric the right
// way whatever the seed. Each pair of runs differs in one lever only; the effects are large
// against the noise of a two-week run, so every seed must show them.
#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using tiersim::test::run_tiersim;

/// The overall metrics of one run (`--json`).
nlohmann::json overall(const std::string& scenario,
                       const std::string& seed,
                       const std::vector<std::string>& sets,
                       const std::string& days = "14") {
    std::vector<std::string> args = {
        "run", scenario, "--days", days, "--seed", seed, "-q", "--json"};
    for (const auto& s : sets) {
        args.push_back("--set");
        args.push_back(s);
    }
    const tiersim::test::TempDir dir;
    args.push_back("-o");
    args.push_back((dir.path() / "run.h5").string());
    const auto r = run_tiersim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at("overall");
}

double metric(const nlohmann::json& j, const char* name) {
    return j.at(name).get<double>();
}

const std::vector<std::string> seeds = {"3", "17", "2024"};

}  // namespace

TEST_CASE("more data sharing never raises the materials requested", "[levers]") {
    for (const auto& seed : seeds) {
        INFO("seed " << seed);
        const auto low = overall("s0-fragmented", seed, {"technology.data_sharing=0.3"});
        const auto high = overall("s0-fragmented", seed, {"technology.data_sharing=0.7"});
        CHECK(metric(high, "materials_requested_per_case") <
              metric(low, "materials_requested_per_case"));
    }
}

TEST_CASE("three lists never raise returns", "[levers]") {
    for (const auto& seed : seeds) {
        INFO("seed " << seed);
        const auto off = overall("s0-fragmented", seed, {"institution.three_lists=false"});
        const auto on = overall("s0-fragmented", seed, {"institution.three_lists=true"});
        CHECK(metric(on, "returns_per_ticket") < metric(off, "returns_per_ticket"));
    }
}

TEST_CASE("an approval bureau never raises the handoff cost", "[levers]") {
    for (const auto& seed : seeds) {
        INFO("seed " << seed);
        const auto fragmented = overall("s0-fragmented", seed, {});
        const auto bureau =
            overall("s0-fragmented",
                    seed,
                    {"tiers.district.design=approval_bureau", "tiers.city.design=approval_bureau"});
        CHECK(metric(bureau, "coord_handoff_h") < metric(fragmented, "coord_handoff_h"));
    }
}

TEST_CASE("more staff never lengthen waits in an M/M/c reduction", "[levers]") {
    for (const auto& seed : seeds) {
        INFO("seed " << seed);
        const auto four = overall("validation/mmc", seed, {"tiers.street.intake_staff=4"}, "200");
        const auto five = overall("validation/mmc", seed, {"tiers.street.intake_staff=5"}, "200");
        CHECK(metric(five, "lead_time_mean_h") < metric(four, "lead_time_mean_h"));
    }
}

TEST_CASE("pooled windows never lengthen waits against split ones", "[levers]") {
    for (const auto& seed : seeds) {
        INFO("seed " << seed);
        const auto split =
            overall("validation/windows", seed, {"organization.generalist_windows=false"}, "200");
        const auto pooled =
            overall("validation/windows", seed, {"organization.generalist_windows=true"}, "200");
        CHECK(metric(pooled, "lead_time_mean_h") < metric(split, "lead_time_mean_h"));
    }
}
