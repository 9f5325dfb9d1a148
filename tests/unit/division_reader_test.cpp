// SPDX-License-Identifier: MIT
// The division files' checks (io/division_reader.hpp): valid files read as before, every
// problem is a diagnostic at divisions.dir naming file and line, binary content is never echoed.
#include "tiersim/io/division_reader.hpp"

#include "tiersim/error.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using tiersim::model::DivisionsSpec;
using tiersim::model::ScenarioSpec;
using tiersim::model::Tier;
using tiersim::test::TempDir;

namespace {

const std::string provinces = "code,name\n32,\"江苏省\"\n";
const std::string cities = "code,name,provinceCode\n3201,\"南京市\",32\n";
const std::string areas = "code,name,cityCode,provinceCode\n320102,\"玄武区\",3201,32\n";
const std::string streets =
    "code,name,areaCode,provinceCode,cityCode\n"
    "320102002,\"梅园新村街道\",320102,32,3201\n"
    "320102003,\"新街口街道\",320102,32,3201\n";

/// A folder with the four files; `replace` names one of them and its text.
struct Folder {
    TempDir dir;

    explicit Folder(const std::string& file = "", const std::string& text = "") {
        dir.write("provinces.csv", file == "provinces.csv" ? text : provinces);
        dir.write("cities.csv", file == "cities.csv" ? text : cities);
        dir.write("areas.csv", file == "areas.csv" ? text : areas);
        dir.write("streets.csv", file == "streets.csv" ? text : streets);
    }

    [[nodiscard]] ScenarioSpec spec() const {
        ScenarioSpec s;
        s.divisions.source = DivisionsSpec::Source::csv;
        s.divisions.dir = dir.path().string();
        s.divisions.population_per_street = 1000.0;
        s.locations["divisions.dir"] = {"x.toml", 3, 7};
        return s;
    }
};

/// The diagnostics' messages of reading `folder`, one per line; empty when it reads.
std::string problems(const Folder& folder) {
    try {
        (void)tiersim::io::read_division_tables(folder.spec());
    } catch (const tiersim::ScenarioError& e) {
        std::string out;
        for (const auto& d : e.diagnostics())
            out += d.str() + "\n";
        return out;
    }
    return "";
}

}  // namespace

TEST_CASE("valid division files read field by field", "[unit][divisions]") {
    const Folder folder;
    const auto tables = tiersim::io::read_division_tables(folder.spec());
    REQUIRE(tables.provinces == std::vector<std::vector<std::string>>{{"32", "江苏省"}});
    REQUIRE(tables.streets.size() == 2);
    REQUIRE(tables.streets[1] ==
            std::vector<std::string>{"320102003", "新街口街道", "320102", "32", "3201"});
    REQUIRE(tables.provinces_file == (folder.dir.path() / "provinces.csv").string());
    const auto org = tiersim::io::build_organisation(folder.spec());
    REQUIRE(org.units().size() == 5);  // province, city, district, two streets
    REQUIRE(org.unit(org.province_unit(0)).code == 32);
}

TEST_CASE("a byte-order mark, CRLF line ends, blank lines and \"\" in a name are accepted",
          "[unit][divisions]") {
    const Folder folder("provinces.csv",
                        "\xEF\xBB\xBF"
                        "code,name\r\n32,\"江苏\"\"省\"\r\n\r\n");
    const auto tables = tiersim::io::read_division_tables(folder.spec());
    REQUIRE(tables.provinces == std::vector<std::vector<std::string>>{{"32", "江苏\"省"}});
}

TEST_CASE("the real division files read completely", "[unit][divisions]") {
    ScenarioSpec spec;
    spec.divisions.source = DivisionsSpec::Source::csv;
    spec.divisions.dir = tiersim::test::source_path("scenarios/data/divisions").string();
    const auto tables = tiersim::io::read_division_tables(spec);
    REQUIRE(tables.provinces.size() == 31);
    REQUIRE(tables.cities.size() == 342);
    REQUIRE(tables.areas.size() == 2978);
    REQUIRE(tables.streets.size() == 41352);
    REQUIRE(tables.provinces[0] == std::vector<std::string>{"11", "北京市"});
}

TEST_CASE("a duplicated province is an error, not a second copy of its units",
          "[unit][divisions]") {
    const Folder folder("provinces.csv", provinces + "32,\"江苏省\"\n");
    const std::string text = problems(folder);
    REQUIRE_THAT(text,
                 Catch::StartsWith("x.toml:3:7: error: divisions.dir: " +
                                   (folder.dir.path() / "provinces.csv").string() +
                                   ":3: duplicate province code '32' (first on line 2)"));
    REQUIRE_THROWS_AS(tiersim::io::build_organisation(folder.spec()), tiersim::ScenarioError);
}

TEST_CASE("every problem is reported, at most 20, then a count", "[unit][divisions]") {
    std::string text = "code,name,areaCode,provinceCode,cityCode\n";
    for (int i = 0; i < 30; ++i)
        text += "3201020" + std::to_string(10 + i) + ",\"街道\",320199,32,3201\n";  // orphans
    const Folder folder("streets.csv", text);
    const std::string out = problems(folder);
    REQUIRE(std::count(out.begin(), out.end(), '\n') == 21);
    REQUIRE_THAT(out, Catch::Contains("streets.csv:2: street 320102010 has areaCode 320199"));
    REQUIRE_THAT(out, Catch::Contains("streets.csv:21: street 320102029"));
    REQUIRE_THAT(out,
                 Catch::EndsWith("divisions.dir: 10 more problems in the division files "
                                 "not shown\n"));
}

TEST_CASE("binary content is reported and never echoed", "[unit][divisions]") {
    SECTION("a NUL byte") {
        const Folder folder(
            "cities.csv", std::string("code,name,provinceCode\n3201,\"SECRET") + '\0' + "\",32\n");
        const std::string out = problems(folder);
        REQUIRE_THAT(out,
                     Catch::Contains("cities.csv:2: not a text CSV file (a NUL byte at byte 36)"));
        REQUIRE_THAT(out, !Catch::Contains("SECRET"));
    }
    SECTION("an escape sequence") {
        const Folder folder("areas.csv",
                            "code,name,cityCode,provinceCode\n320102,\"\x1b[2J\",3201,32\n");
        const std::string out = problems(folder);
        REQUIRE_THAT(out,
                     Catch::Contains("areas.csv:2: not a text CSV file (control character 0x1b"));
        REQUIRE(out.find('\x1b') == std::string::npos);
    }
    SECTION("a lone continuation byte and an overlong encoding") {
        for (const char* bad : {"\x80", "\xC0\xAF", "\xED\xA0\x80"}) {
            const Folder folder("provinces.csv", std::string("code,name\n32,\"") + bad + "\"\n");
            const std::string out = problems(folder);
            REQUIRE_THAT(
                out,
                Catch::Contains("provinces.csv:2: not a text CSV file (invalid UTF-8 at byte 15)"));
            REQUIRE(out.find(bad) == std::string::npos);
        }
    }
}

TEST_CASE("long rows and codes are quoted shortened", "[unit][divisions]") {
    const std::string code(5000, '9');
    const Folder folder("provinces.csv", "code,name\n" + code + ",\"江苏省\"\n");
    const std::string out = problems(folder);
    REQUIRE_THAT(out,
                 Catch::Contains("bad province code '" + std::string(60, '9') +
                                 "…' (5000 bytes): expected 2 digits"));
    REQUIRE(out.size() < 400);
}

TEST_CASE("malformed rows, headers and empty files name file and line", "[unit][divisions]") {
    REQUIRE_THAT(problems(Folder("provinces.csv", "")),
                 Catch::Contains("provinces.csv:1: empty file; expected the header 'code,name'"));
    REQUIRE_THAT(problems(Folder("provinces.csv", "code,name\n32,\"江苏省\n")),
                 Catch::Contains("provinces.csv:2: malformed row: unterminated quoted field"));
    REQUIRE_THAT(problems(Folder("provinces.csv", "code,name\n32,江\"苏\"省\n")),
                 Catch::Contains("provinces.csv:2: malformed row: stray character"));
    REQUIRE_THAT(problems(Folder("provinces.csv", "code,name\n32,\n")),
                 Catch::Contains("provinces.csv:2: province '32' has no name"));
    REQUIRE_THAT(problems(Folder("cities.csv", "code,name,province\n3201,\"南京市\",32\n")),
                 Catch::Contains("cities.csv:1: unexpected header 'code,name,province'; expected "
                                 "'code,name,provinceCode'"));
    REQUIRE_THAT(problems(Folder("cities.csv", "code,name,provinceCode\n3201,\"南京市\",3x\n")),
                 Catch::Contains("cities.csv:2: bad provinceCode '3x' of city '3201': expected 2 "
                                 "digits"));
    // A malformed row leaves out the orphan checks (its children would all be orphans).
    const std::string out =
        problems(Folder("cities.csv", "code,name,provinceCode\n3201,\"南京市\"\n"));
    REQUIRE_THAT(out, Catch::Contains("cities.csv:2: malformed row: expected 3 fields"));
    REQUIRE_THAT(out, !Catch::Contains("not in cities.csv"));
}

TEST_CASE("an area repeating another province than its city's is an error", "[unit][divisions]") {
    const Folder folder("areas.csv",
                        "code,name,cityCode,provinceCode\n320102,\"玄武区\",3201,31\n");
    REQUIRE_THAT(problems(folder),
                 Catch::Contains("areas.csv:2: area 320102 has provinceCode 31, but its city 3201 "
                                 "(cities.csv line 2) is in province 32"));
}
