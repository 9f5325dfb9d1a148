// SPDX-License-Identifier: MIT
#include "tiersim/io/summary_report.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace tiersim;

namespace {

model::Summary sample_summary() {
    model::Summary s;
    s.created = 1000;
    s.closed = 900;
    s.abandoned = 60;
    s.open_at_end = 40;
    s.overall.name = "overall";
    s.overall.created = 800;
    s.overall.closed = 750;
    s.overall.response_rate = 0.95;
    s.overall.lead_time_mean_h = 12.5;
    s.overall.lead_time_p50_h = 4.0;
    for (int t = 0; t < model::tier_count; ++t) {
        s.by_tier[static_cast<std::size_t>(t)].name =
            model::tier_names[static_cast<std::size_t>(t)];
    }
    s.by_tier[3].response_rate = std::nan("");
    s.by_tier[3].lead_time_p99_h = std::nan("");
    model::GroupStats type;
    type.name = "consultation";
    type.closed = 700;
    s.by_type.push_back(type);
    model::GroupStats province;
    province.name = "北京市";
    s.by_province.push_back(province);
    return s;
}

io::RunInfo sample_info() {
    io::RunInfo info;
    info.seed = 7;
    info.days = 28;
    info.end_h = 672;
    info.threads = 4;
    info.wall_seconds = 2.0;
    info.events = 10'000'000;
    return info;
}

}  // namespace

TEST_CASE("summary text has the conservation line and a row per group", "[io][report]") {
    const std::string text = io::summary_text(sample_summary(), sample_info(), "default");
    CHECK_THAT(text, Catch::Contains("scenario default"));
    CHECK_THAT(text, Catch::Contains("seed 7"));
    CHECK_THAT(text, Catch::Contains("5,000,000/s"));
    CHECK_THAT(text, Catch::Contains("created 1,000 = closed 900 + abandoned 60 + open at end 40"));
    CHECK_THAT(text, Catch::Contains("overall"));
    CHECK_THAT(text, Catch::Contains("tier street"));
    CHECK_THAT(text, Catch::Contains("tier province"));
    CHECK_THAT(text, Catch::Contains("type consultation"));
    CHECK_THAT(text, Catch::Contains("province 北京市"));
    CHECK_THAT(text, Catch::Contains("95.0"));
    CHECK_THAT(text, !Catch::Contains("nan"));
}

TEST_CASE("summary JSON has every key and no NaN", "[io][report]") {
    const std::string json =
        io::summary_json(sample_summary(), sample_info(), "default", "out/run.h5");
    CHECK_THAT(json, Catch::StartsWith("{\"scenario\":\"default\",\"output\":\"out/run.h5\""));
    for (const char* key : {"\"seed\":7",
                            "\"days\":28",
                            "\"end_h\":672",
                            "\"threads\":4",
                            "\"ranks\":1",
                            "\"wall_seconds\":2.0",
                            "\"events\":10000000",
                            "\"events_per_second\":5000000.0",
                            "\"interrupted\":false",
                            "\"tickets\":{\"created\":1000,\"closed\":900,\"abandoned\":60,"
                            "\"open_at_end\":40}",
                            "\"overall\":{\"created\":800,\"closed\":750,\"response_rate\":0.95",
                            "\"by_tier\":{\"street\":{",
                            "\"by_type\":{\"consultation\":{",
                            "\"by_province\":{\"北京市\":{"}) {
        CHECK_THAT(json, Catch::Contains(key));
    }
    CHECK_THAT(json, Catch::Contains("\"response_rate\":null"));
    CHECK_THAT(json, !Catch::Contains("NaN") && !Catch::Contains("nan"));
}
