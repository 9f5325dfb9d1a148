// SPDX-License-Identifier: MIT
// `tiersim plan`: the smallest staffing that meets targets, on the M/M/c street intake of
// validation/mmc (λ = 3.2/h, mean service 1 h). A mean sojourn of at most 1.2 h needs five
// servers (Erlang C: W = 1.159 h; four give 1.746 h), which the traffic equations alone (every
// queue below 95% busy: four) do not find; a target that no staffing of the tier can meet (the
// intake's service time alone is 1 h) ends without one, and bad targets are usage errors.
#include "support/test_support.hpp"
#include "validation/queueing_theory.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using tiersim::test::run_tiersim;

std::vector<std::string> plan_mmc(const std::string& target) {
    return {
        "plan", "validation/mmc", "--days", "200", "--replications", "4", "--target", target, "-q"};
}

}  // namespace

TEST_CASE("plan finds the smallest intake staff whose mean sojourn meets the target",
          "[cli][plan]") {
    REQUIRE(tiersim::validation::mmc_w(3.2, 1.0, 5) < 1.2);
    REQUIRE(tiersim::validation::mmc_w(3.2, 1.0, 4) > 1.2);
    auto args = plan_mmc("lead_time_mean_h<=1.2");
    args.emplace_back("--json");
    const auto r = run_tiersim(args);
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["found"] == true);
    CHECK(j["overrides"] == nlohmann::json::array({"tiers.street.intake_staff=5"}));
    // The traffic equations' staffing (4 servers, ρ = 0.8) was tried first and failed.
    REQUIRE(j["rounds"].size() == 2);
    CHECK(j["rounds"][0]["targets"]["lead_time_mean_h<=1.2"]["met"] == false);
    const auto last = j["rounds"][1]["targets"]["lead_time_mean_h<=1.2"];
    CHECK(last["met"] == true);
    CHECK(last["high"].get<double>() <= 1.2);
    CHECK(j["replications_meeting_all"] == 4);
    CHECK(j["yuan_per_year"].get<double>() > 0.0);
}

TEST_CASE("plan says so when no staffing within its rounds meets a target", "[cli][plan]") {
    auto args = plan_mmc("lead_time_mean_h<=0.9");  // below the service time itself
    args.insert(args.end(), {"--max-rounds", "3"});
    const auto r = run_tiersim(args);
    INFO(r.err << r.out);
    CHECK(r.exit_code == 4);
    CHECK(r.out.find("no staffing met every target within 3 rounds") != std::string::npos);
}

TEST_CASE("plan refuses a target it cannot read", "[cli][plan]") {
    for (const char* bad : {"lead_time_mean_h=1",
                            "no_such_metric<=1",
                            "within_limit_share@type:nope>=0.9",
                            "within_limit_share>=x"}) {
        const auto r = run_tiersim(plan_mmc(bad));
        INFO(bad << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--target") != std::string::npos);
    }
}
