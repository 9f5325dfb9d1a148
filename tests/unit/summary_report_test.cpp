// SPDX-License-Identifier: MIT
#include "tiersim/io/summary_report.hpp"

#include "tiersim/model/group_stats_fields.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

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
    for (int c = 0; c < model::channel_count; ++c) {
        s.by_channel[static_cast<std::size_t>(c)].name =
            model::channel_names[static_cast<std::size_t>(c)];
    }
    s.by_channel[1].created = 650;  // hotline; the other channels have no tickets
    s.by_channel[1].repeat_call_share = 0.125;
    for (int m = 0; m < model::cross_mode_count - 1; ++m) {
        s.by_cross_mode[static_cast<std::size_t>(m)].name =
            model::cross_mode_names[static_cast<std::size_t>(m + 1)];
    }
    s.by_cross_mode[1].created = 3;  // proxy
    s.overall.service_items = 120;
    s.overall.at_most_one_visit_share = 0.875;
    s.overall.data_freshness_mean_h = 36.5;
    s.overall.coord_by_kind_h = {21.5, 0.0, 3.25, 1.0, 0.0};
    return s;
}

/// Every field name of group_stats_fields.hpp, counts first, in order.
std::vector<std::string> field_names() {
    std::vector<std::string> names;
    for (const auto& f : model::group_stats_count_fields) {
        names.emplace_back(f.name);
    }
    for (const auto& f : model::group_stats_value_fields) {
        names.emplace_back(f.name);
    }
    return names;
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

TEST_CASE("the headline says the cards' numbers in words", "[io][report]") {
    model::Summary s = sample_summary();
    s.overall.resolution_rate = 0.773;
    s.overall.lead_time_p90_h = 130.2;
    s.overall.coord_cost_h = 25.75;
    const std::string text = io::headline_text(s, sample_info(), "s0-fragmented");
    CHECK_THAT(text, Catch::StartsWith("s0-fragmented: 28 days, seed 7, ran in 2.00 s\n"));
    CHECK_THAT(text, Catch::Contains("77.3% resolved (解决率)"));
    CHECK_THAT(text, Catch::Contains("95.0% answered in time (响应率)"));
    CHECK_THAT(text, Catch::Contains("of the 750 tickets closed after the warm-up"));
    CHECK_THAT(text, Catch::Contains("40 tickets still open at the end"));
    CHECK_THAT(text,
               Catch::Contains("half closed within 4.00 h, nine in ten within 130 h (5.4 days)"));
    // Coordination by kind, the kinds without cost left out.
    CHECK_THAT(text,
               Catch::Contains("26 staff-hours of coordination (handoff 22, return 3, leader 1)"));
    CHECK_THAT(text, Catch::Contains("87.5% at most one"));
    CHECK_THAT(text, Catch::EndsWith("\n\n"));
}

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
    // The second and third tables: citizens, services and data; coordination by kind.
    CHECK_THAT(text, Catch::Contains("<=1 visit%"));
    CHECK_THAT(text, Catch::Contains("87.5"));
    CHECK_THAT(text, Catch::Contains("1.52"));  // freshness 36.5 h, shown in days
    CHECK_THAT(text, Catch::Contains("data freshness in days"));
    CHECK_THAT(text, Catch::Contains("fresh p90"));
    CHECK_THAT(text, Catch::Contains("handoff"));
    CHECK_THAT(text, Catch::Contains("21.5"));
    CHECK_THAT(text, Catch::Contains("3.2"));  // 3.25 to one decimal (3.2 or 3.3)
    // Channels and cross-province modes only where they have tickets.
    CHECK_THAT(text, Catch::Contains("channel hotline"));
    CHECK_THAT(text, !Catch::Contains("channel window"));
    CHECK_THAT(text, !Catch::Contains("channel grid"));
    CHECK_THAT(text, Catch::Contains("cross proxy"));
    CHECK_THAT(text, !Catch::Contains("cross online"));
    CHECK_THAT(text, !Catch::Contains("cross joint"));
    CHECK_THAT(text, !Catch::Contains("nan"));
}

TEST_CASE("summary JSON has every key and no NaN", "[io][report]") {
    const std::string json =
        io::summary_json(sample_summary(), sample_info(), "default", "out/run.h5");
    CHECK_THAT(json, Catch::StartsWith("{\"scenario\":\"default\",\"output\":\"out/run.h5\""));
    for (const char* key :
         {"\"seed\":7",
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
          "\"overall\":{\"created\":800,\"closed\":750,\"abandoned\":0,",
          "\"response_rate\":0.95,",
          "\"by_tier\":{\"street\":{",
          "\"by_type\":{\"consultation\":{",
          "\"by_province\":{\"北京市\":{",
          "\"by_channel\":{\"window\":{",
          "\"hotline\":{\"created\":650,",
          "\"grid\":{",
          "\"by_cross_mode\":{\"online\":{",
          "\"proxy\":{\"created\":3,",
          "\"joint\":{",
          "\"service_items\":120",
          "\"at_most_one_visit_share\":0.875",
          "\"data_freshness_mean_h\":36.5",
          "\"coord_handoff_h\":21.5,\"coord_meeting_h\":0.0,"
          "\"coord_return_h\":3.25,\"coord_leader_h\":1.0,\"coord_cross_h\":0.0"}) {
        CHECK_THAT(json, Catch::Contains(key));
    }
    CHECK_THAT(json, Catch::Contains("\"response_rate\":null"));
    // Every field of every group, in the order of group_stats_fields.hpp.
    const auto j = nlohmann::ordered_json::parse(json);
    for (const char* table : {"by_tier", "by_type", "by_province", "by_channel", "by_cross_mode"}) {
        for (const auto& [name, group] : j.at(table).items()) {
            INFO(table << "." << name);
            std::vector<std::string> keys;
            for (const auto& [key, value] : group.items()) {
                keys.push_back(key);
            }
            CHECK(keys == field_names());
        }
    }
    CHECK(j.at("by_channel").size() == model::channel_count);
    CHECK(j.at("by_cross_mode").size() == 4);
    CHECK_THAT(json, !Catch::Contains("NaN") && !Catch::Contains("nan"));
}

TEST_CASE("the text summary shows the undecided tickets and the Kaplan-Meier quantiles",
          "[io][report]") {
    model::Summary s = sample_summary();
    s.overall.open_undecided = 4321;
    s.overall.lead_time_km_p50_h = 77.25;
    s.overall.lead_time_km_p99_h = std::nan("");  // not reached: "-"
    const std::string text = io::summary_text(s, sample_info(), "default");
    CHECK_THAT(text, Catch::Contains("undecided"));
    CHECK_THAT(text, Catch::Contains("km p50"));
    CHECK_THAT(text, Catch::Contains("4,321"));
    CHECK_THAT(text, Catch::Contains("77.2") || Catch::Contains("77.3"));
    CHECK_THAT(text, Catch::Contains("Kaplan-Meier"));
    CHECK_THAT(text, !Catch::Contains("nan"));
}

TEST_CASE("a short horizon names each type, its limit and the horizon", "[io][report]") {
    model::Summary s = sample_summary();
    s.horizon_h = 144.0;
    CHECK(io::short_horizon_warning(s).empty());  // a long enough run: no warning
    s.short_horizon.push_back({0, "consultation", 5.0, 168.0});
    s.short_horizon.push_back({3, "compound", 20.0, 672.0});
    const std::string warning = io::short_horizon_warning(s);
    CHECK_THAT(warning, Catch::Contains("(144 h)"));
    CHECK_THAT(warning, Catch::Contains("2 type(s)"));
    CHECK_THAT(warning, Catch::Contains("consultation (limit 5.0 wd = 168 h)"));
    CHECK_THAT(warning, Catch::Contains("compound (limit 20.0 wd = 672 h)"));
    CHECK_THAT(warning, Catch::Contains("censored-biased"));
    CHECK(warning.find('\n') == std::string::npos);

    const auto j =
        nlohmann::ordered_json::parse(io::summary_json(s, sample_info(), "default", "out/run.h5"));
    CHECK(j.at("horizon_h").get<double>() == 144.0);
    REQUIRE(j.at("short_horizon").size() == 2);
    CHECK(j.at("short_horizon")[1].at("type").get<std::string>() == "compound");
    CHECK(j.at("short_horizon")[1].at("limit_wd").get<double>() == 20.0);
    CHECK(j.at("short_horizon")[1].at("limit_h").get<double>() == 672.0);
    const auto none = nlohmann::ordered_json::parse(
        io::summary_json(sample_summary(), sample_info(), "default", "out/run.h5"));
    CHECK(none.at("short_horizon").empty());
}
