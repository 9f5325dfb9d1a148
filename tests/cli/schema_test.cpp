// SPDX-License-Identifier: MIT
// `tiersim schema`: the schema table as a readable list, as JSON and as the README's blocks.
#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace {

using tiersim::test::run_tiersim;

}  // namespace

TEST_CASE("schema --json prints every key as an object", "[cli]") {
    const auto r = run_tiersim({"schema", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto keys = nlohmann::json::parse(r.out);
    REQUIRE(keys.is_array());
    REQUIRE(keys.size() > 100);
    std::set<std::string> paths;
    for (const auto& k : keys) {
        for (const char* field : {"path",
                                  "section",
                                  "type",
                                  "unit",
                                  "default",
                                  "default_text",
                                  "required",
                                  "min",
                                  "max",
                                  "min_exclusive",
                                  "max_exclusive",
                                  "allowed",
                                  "doc",
                                  "per_province",
                                  "changeable"}) {
            INFO(k.dump() << ": " << field);
            REQUIRE(k.contains(field));
        }
        paths.insert(k.at("path").get<std::string>());
    }
    REQUIRE(paths.size() == keys.size());

    auto key = [&keys](const std::string& path) {
        for (const auto& k : keys) {
            if (k.at("path") == path)
                return k;
        }
        FAIL("no key " << path);
        return nlohmann::json{};
    };
    const auto handoff = key("organization.handoff_h");
    CHECK(handoff.at("type") == "number");
    CHECK(handoff.at("unit") == "hours");
    CHECK(handoff.at("default") == 4.0);
    CHECK(handoff.at("min") == 0.0);
    CHECK(handoff.at("max") == 1e7);  // what the tick arithmetic holds, with a margin
    CHECK_FALSE(handoff.at("min_exclusive").get<bool>());
    CHECK(handoff.at("per_province").get<bool>());
    CHECK(handoff.at("changeable").get<bool>());

    const auto design = key("tiers.TIER.design");
    CHECK(design.at("allowed") ==
          nlohmann::json::array({"fragmented", "joint_review", "approval_bureau"}));
    CHECK(design.at("default") == "fragmented");

    const auto rate = key("ticket_types.NAME.rate");
    CHECK(rate.at("required").get<bool>());
    CHECK(rate.at("default").is_null());
    CHECK(rate.at("changeable").get<bool>());  // a demand surge on the timeline
    CHECK_FALSE(key("ticket_types.NAME.resolve_wd").at("changeable").get<bool>());

    CHECK(key("tiers.TIER.transfer_h").at("default") ==
          nlohmann::json({{"street", 1}, {"district", 2}, {"city", 4}, {"province", 4}}));
    CHECK(key("citizens.patience_h").at("default") == "inf");
    CHECK(key("strategy.max_rehandles").at("max") == 100);
    CHECK(key("technology.link_h").at("per_province") == false);
}

TEST_CASE("schema prints a readable list and the README's blocks", "[cli]") {
    const auto text = run_tiersim({"schema"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("organization.handoff_h"));
    CHECK_THAT(text.out, Catch::Contains("delay between consecutive department steps"));

    const auto md = run_tiersim({"schema", "--markdown"});
    REQUIRE(md.exit_code == 0);
    for (const char* section : {"top", "simulation", "tiers", "distribution", "provinces"}) {
        CHECK_THAT(md.out, Catch::Contains(std::string("<!-- schema:begin ") + section + " -->"));
    }
    CHECK_THAT(md.out, Catch::Contains("| `handoff_h` | hours, >= 0 and <= 10^7 | 4.0 |"));

    CHECK(run_tiersim({"schema", "--json", "--markdown"}).exit_code == 2);
}
