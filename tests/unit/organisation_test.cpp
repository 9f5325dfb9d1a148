// SPDX-License-Identifier: MIT
#include "tiersim/model/organisation.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/division_reader.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using tiersim::model::DivisionsSpec;
using tiersim::model::Organisation;
using tiersim::model::ScenarioSpec;
using tiersim::model::Tier;

namespace {

ScenarioSpec synthetic(int provinces, int cities, int districts, int streets) {
    ScenarioSpec spec;
    spec.divisions.provinces = provinces;
    spec.divisions.cities_per_province = cities;
    spec.divisions.districts_per_city = districts;
    spec.divisions.streets_per_district = streets;
    spec.divisions.population_per_street = 1000.0;
    spec.tiers[0].transfer_h = 1.0;
    spec.tiers[1].transfer_h = 2.0;
    spec.tiers[2].transfer_h = 4.0;
    spec.link_h = 3.0;
    return spec;
}

}  // namespace

TEST_CASE("the synthetic generator builds the tree depth first", "[unit][org]") {
    const auto spec = synthetic(2, 2, 2, 3);
    const Organisation org = Organisation::build(spec);
    REQUIRE(org.size() == 2 * (1 + 2 * (1 + 2 * (1 + 3))));
    REQUIRE(org.units_at(Tier::street).size() == 24);
    REQUIRE(org.province_count() == 2);
    REQUIRE(org.unit(0).tier == Tier::province);
    REQUIRE(org.unit(1).tier == Tier::city);
    REQUIRE(org.unit(1).parent == 0);
    REQUIRE(org.unit(3).name == "P1-C1-D1-S1");
    REQUIRE(org.unit(0).population == 12 * 1000.0);
    // One LP per city with its districts and streets, one per province unit.
    REQUIRE(org.lp_count() == 2 + 2 * 2);
    REQUIRE(org.unit(3).lp == org.unit(1).lp);
    REQUIRE(org.unit(0).lp != org.unit(1).lp);
    // One link between the two provinces.
    REQUIRE(org.links().size() == 1);
}

TEST_CASE("ancestors and path latencies follow the chain", "[unit][org]") {
    const auto spec = synthetic(1, 1, 2, 2);
    const Organisation org = Organisation::build(spec);
    const auto street = org.units_at(Tier::street).back();
    const auto district = org.ancestor(street, Tier::district);
    const auto city = org.ancestor(street, Tier::city);
    const auto province = org.ancestor(street, Tier::province);
    REQUIRE(org.ancestor(street, Tier::street) == street);
    REQUIRE(org.unit(district).tier == Tier::district);
    REQUIRE(org.path_latency_h(street, district, spec) == 1.0);
    REQUIRE(org.path_latency_h(city, street, spec) == 1.0 + 2.0);
    REQUIRE(org.path_latency_h(street, province, spec) == 1.0 + 2.0 + 4.0);
    REQUIRE(org.ancestor(province, Tier::street) == tiersim::model::no_unit);
}

TEST_CASE("the lookahead is the least latency between LPs", "[unit][org]") {
    auto spec = synthetic(2, 1, 1, 1);
    REQUIRE(Organisation::build(spec).lookahead_h() == 3.0);  // the link
    spec.link_h = 10.0;
    REQUIRE(Organisation::build(spec).lookahead_h() == 4.0);  // city–province
    const auto single = synthetic(1, 1, 1, 1);
    REQUIRE(Organisation::build(single).lookahead_h() == 4.0);
}

TEST_CASE("the real division codes give Jiangsu's and Shanghai's units", "[unit][org]") {
    ScenarioSpec spec;
    spec.divisions.source = DivisionsSpec::Source::csv;
    spec.divisions.dir = tiersim::test::source_path("scenarios/data/divisions").string();
    spec.divisions.include = {"31", "32"};
    const Organisation org = tiersim::io::build_organisation(spec);  // reads the files
    REQUIRE(org.province_count() == 2);
    REQUIRE(org.unit(org.province_unit(0)).name == "上海市");
    REQUIRE(org.unit(org.province_unit(0)).code == 31);
    REQUIRE(org.unit(org.province_unit(1)).name == "江苏省");
    // Shanghai is a municipality: one city unit (市辖区) with its 16 districts.
    std::size_t shanghai_cities = 0;
    std::size_t shanghai_districts = 0;
    std::size_t jiangsu_cities = 0;
    std::size_t streets = 0;
    for (const auto& u : org.units()) {
        const bool shanghai = u.province == org.province_unit(0);
        if (u.tier == Tier::city)
            (shanghai ? shanghai_cities : jiangsu_cities)++;
        if (u.tier == Tier::district && shanghai)
            ++shanghai_districts;
        if (u.tier == Tier::street)
            ++streets;
    }
    REQUIRE(shanghai_cities == 1);
    REQUIRE(shanghai_districts == 16);
    REQUIRE(jiangsu_cities == 13);
    REQUIRE(streets == 1487 + 234);  // streets/towns in the 2023 codes (some are parks/zones)
}

TEST_CASE("a selection of unknown provinces is an error at divisions.include", "[unit][org]") {
    ScenarioSpec spec;
    spec.divisions.source = DivisionsSpec::Source::csv;
    spec.divisions.dir = tiersim::test::source_path("scenarios/data/divisions").string();
    spec.divisions.include = {"99"};
    spec.locations["divisions.include"] = {"x.toml", 4, 11};
    try {
        (void)tiersim::io::build_organisation(spec);
        FAIL("expected a ScenarioError");
    } catch (const tiersim::ScenarioError& e) {
        REQUIRE_THAT(std::string(e.what()),
                     Catch::Contains("x.toml:4:11: error: divisions.include"));
        REQUIRE_THAT(std::string(e.what()), Catch::Contains("'99'"));
    }
}

namespace {

ScenarioSpec census_spec(DivisionsSpec::Share share) {
    ScenarioSpec spec;
    spec.divisions.source = DivisionsSpec::Source::csv;
    spec.divisions.dir = tiersim::test::source_path("scenarios/data/divisions").string();
    spec.divisions.include = {"31", "32"};
    spec.divisions.population_share = share;
    for (const char* file :
         {"provinces-2020.csv", "jiangsu-cities-2020.csv", "shanghai-districts-2020.csv"}) {
        spec.divisions.population_files.push_back(
            tiersim::test::source_path("scenarios/data/population").append(file).string());
    }
    return spec;
}

const tiersim::model::Unit& unit_with_code(const Organisation& org, std::int64_t code) {
    for (const auto& u : org.units()) {
        if (u.code == code)
            return u;
    }
    FAIL("no unit with code " << code);
    return org.unit(0);
}

}  // namespace

TEST_CASE("census populations are shared down to the streets", "[unit][org]") {
    const auto share = GENERATE(DivisionsSpec::Share::even, DivisionsSpec::Share::streets);
    const Organisation org = tiersim::io::build_organisation(census_spec(share));
    // The 2020 census (scenarios/data/population): Jiangsu's cities sum to its total; Shanghai's
    // districts are 42 persons over the city's total, and the districts are what is listed.
    REQUIRE(unit_with_code(org, 32).population == Approx(84'748'016.0).epsilon(1e-9));
    REQUIRE(unit_with_code(org, 31).population == Approx(24'870'937.0).epsilon(1e-9));
    REQUIRE(unit_with_code(org, 3201).population == Approx(9'314'685.0).epsilon(1e-9));
    REQUIRE(unit_with_code(org, 310101).population == Approx(662'030.0).epsilon(1e-9));
    // Below the census, each district's (or city's) residents are shared by the rule.
    const std::int64_t nanjing = 3201;
    std::vector<double> district_population;
    std::vector<double> street_population;
    for (std::size_t i = 0; i < org.size(); ++i) {
        const auto& u = org.units()[i];
        const auto city = org.ancestor(static_cast<tiersim::model::UnitId>(i), Tier::city);
        if (city == tiersim::model::no_unit || org.unit(city).code != nanjing)
            continue;
        if (u.tier == Tier::district)
            district_population.push_back(u.population);
        if (u.tier == Tier::street)
            street_population.push_back(u.population);
    }
    REQUIRE(district_population.size() > 1);
    const auto [low, high] =
        std::minmax_element(district_population.begin(), district_population.end());
    const auto [s_low, s_high] =
        std::minmax_element(street_population.begin(), street_population.end());
    if (share == DivisionsSpec::Share::even) {
        REQUIRE(*low == Approx(*high));  // every district of Nanjing the same
    } else {
        REQUIRE(*low < *high);               // districts by their streets
        REQUIRE(*s_low == Approx(*s_high));  // so every street of Nanjing the same
    }
}

TEST_CASE("listed units that hold all of their parent's residents are an error", "[unit][org]") {
    ScenarioSpec spec = census_spec(DivisionsSpec::Share::even);
    spec.locations["divisions.population_files"] = {"x.toml", 6, 20};
    tiersim::model::DivisionTables tables = tiersim::io::read_division_tables(spec);
    // Nanjing listed with all of Jiangsu, and Wuxi not listed: Wuxi would have no one.
    std::erase_if(tables.population, [](const auto& row) { return row.code == "3202"; });
    for (auto& row : tables.population) {
        if (row.code == "3201")
            row.persons = 84'748'016;
    }
    try {
        (void)Organisation::build(spec, &tables);
        FAIL("expected a ScenarioError");
    } catch (const tiersim::ScenarioError& e) {
        REQUIRE_THAT(std::string(e.what()),
                     Catch::Contains("x.toml:6:20: error: divisions.population_files"));
        REQUIRE_THAT(std::string(e.what()), Catch::Contains("江苏省 (32)"));
    }
}
