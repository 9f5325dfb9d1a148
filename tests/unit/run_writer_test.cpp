// SPDX-License-Identifier: MIT
#include "tiersim/io/run_writer.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/model/group_stats_fields.hpp"
#include "tiersim/model/summary_accumulator.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace tiersim;
using namespace tiersim::io;
namespace fs = std::filesystem;

namespace {

/// A fresh, empty folder under the system temp directory, removed on destruction.
struct TempDir {
    fs::path path;

    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / ("tiersim_run_writer_" + std::to_string(::getpid()) +
                                            "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }

    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

model::ScenarioSpec test_spec() {
    model::ScenarioSpec spec;
    spec.name = "writer-test";
    spec.resolved_toml = "[simulation]\ndays = 3.0\n";
    spec.days = 3.0;
    spec.warmup_days = 0.5;
    spec.divisions.provinces = 2;
    spec.divisions.cities_per_province = 2;
    spec.divisions.districts_per_city = 1;
    spec.divisions.streets_per_district = 2;
    for (const char* name : {"consultation", "complaint", "approval"}) {
        model::TicketTypeSpec t;
        t.name = name;
        // The approval items are service items: visits and materials per case.
        t.channel =
            std::string(name) == "approval" ? model::Channel::window : model::Channel::hotline;
        // A limit short enough for the 60 h after the warm-up: the one type not warned about.
        if (std::string(name) == "approval") {
            t.resolve_wd = 0.5;
        }
        spec.ticket_types.push_back(t);
    }
    return spec;
}

/// Deterministic synthetic tickets exercising every column and outcome.
std::vector<model::TicketRecord> make_tickets(std::size_t n) {
    std::vector<model::TicketRecord> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        model::TicketRecord& r = out[i];
        const auto k = static_cast<std::int64_t>(i);
        r.id = k;
        r.type = static_cast<std::int32_t>(k % 3);
        r.parent = k % 17 == 0 ? k / 2 : -1;
        r.origin = static_cast<std::int32_t>(k % 11);
        r.handler = static_cast<std::int32_t>(k % 7);
        r.created_h = 0.01 * static_cast<double>(k % 7000);
        r.responded_h = r.created_h + 0.25;
        const int outcome = static_cast<int>(k % 10);
        r.outcome = outcome < 8   ? model::Outcome::resolved
                    : outcome < 9 ? model::Outcome::abandoned
                                  : model::Outcome::open_at_end;
        r.closed_h = r.outcome == model::Outcome::open_at_end
                         ? std::nan("")
                         : r.created_h + 1.0 + static_cast<double>(k % 97) * 0.5;
        r.tier_resolved = r.outcome == model::Outcome::resolved ? static_cast<std::int8_t>(k % 4)
                                                                : static_cast<std::int8_t>(-1);
        r.hops = static_cast<std::int16_t>(k % 5);
        r.handoffs = static_cast<std::int16_t>(k % 6);
        r.returns = static_cast<std::int16_t>(k % 3);
        r.escalations = static_cast<std::int16_t>(k % 2);
        r.leader = static_cast<std::int8_t>(k % 13 == 0 ? 1 : 0);
        r.visits = static_cast<std::int16_t>(k % 4);
        r.materials_requested = static_cast<std::int16_t>(k % 9);
        r.reworks = static_cast<std::int16_t>(k % 3 == 1 ? 1 : 0);
        r.rehandles = static_cast<std::int8_t>(k % 19 == 0 ? 1 : 0);
        r.channel = static_cast<std::int8_t>(k % model::channel_count);
        for (std::size_t c = 0; c < r.coord_by_kind_h.size(); ++c) {
            r.coord_by_kind_h[c] = 0.0625 * static_cast<double>((k + static_cast<int>(c)) % 4);
        }
        r.coord_cost_h = 0.125 * static_cast<double>(k % 8);
        r.cross_mode = static_cast<std::int8_t>(k % 23 == 0   ? 2
                                                : k % 29 == 0 ? 3
                                                : k % 31 == 0 ? 1
                                                              : 0);
        r.home_province = static_cast<std::int8_t>(r.cross_mode != 0 ? 1 - k % 2 : -1);
        r.satisfied = static_cast<std::int8_t>(k % 3 == 0 ? 0 : 1);
        r.solved = static_cast<std::int8_t>(k % 5 == 0 ? 0 : 1);
        r.responded_in_time = static_cast<std::int8_t>(k % 7 == 0 ? 0 : 1);
        r.resolved_in_time = static_cast<std::int8_t>(k % 11 == 0 ? 0 : 1);
        r.province = static_cast<std::int8_t>(k % 2);
        // Some open tickets past their limit at the end (72 h), some within it.
        r.deadline_h = r.created_h + 2.0 + 20.0 * static_cast<double>(k % 3);
    }
    return out;
}

std::vector<model::EventRecord> make_events(std::size_t n) {
    std::vector<model::EventRecord> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto k = static_cast<std::int64_t>(i);
        out[i].ticket = k / 4;
        out[i].t_h = 0.5 * static_cast<double>(k);
        out[i].unit = static_cast<std::int32_t>(k % 9);
        out[i].department = static_cast<std::int16_t>(k % 5 - 1);
        out[i].kind = static_cast<model::EventKind>(k % model::event_kind_count);
    }
    return out;
}

std::vector<SeriesRow> make_series() {
    std::vector<SeriesRow> rows;
    for (int b = 0; b < 3; ++b) {
        for (int t = 0; t < model::tier_count; ++t) {
            SeriesRow r;
            r.t_h = 24.0 * (b + 1);
            r.tier = static_cast<std::int8_t>(t);
            r.arrivals = 10 * b + t;
            r.closed = 9 * b + t;
            r.queue_len = b;
            r.busy_staff = t;
            r.returns = b + t + 1;
            r.escalations = b + 2 * t;
            r.leader = t == 3 ? b : 0;
            r.materials_requested = 3 * b;
            r.visits = 2 * b + t;
            r.repeat_calls = t == 0 ? b : 0;
            r.abandoned = b;
            r.data_applied = t == 3 ? 5 * b : 0;
            r.surveyed = 4 * b + t;
            r.solved = 3 * b;
            r.hotline_satisfied = t == 2 ? b : 0;
            r.coord_cost_h = 0.5 * b;
            r.coord_by_kind_h = {0.5 * b, 0.25 * t, 0.0, 1.0, 0.125 * b * t};
            rows.push_back(r);
        }
    }
    return rows;
}

RunInfo test_info() {
    RunInfo info;
    info.tiersim_version = "0.1.0";
    info.seed = 42;
    info.days = 3.0;
    info.end_h = 72.0;
    info.threads = 2;
    info.ranks = 1;
    info.created_utc = "2024-01-01T00:00:00Z";
    info.wall_seconds = 1.5;
    info.events = 12345;
    return info;
}

/// Writes `tickets` and `events` in batches of `batch_size` rows.
model::Summary write_run(const fs::path& out,
                         TraceLevel trace,
                         const model::ScenarioSpec& spec,
                         const model::Organisation& org,
                         const std::vector<model::TicketRecord>& tickets,
                         const std::vector<model::EventRecord>& events,
                         std::size_t batch_size) {
    RunWriter writer(out, trace, spec, org);
    std::size_t t = 0;
    std::size_t e = 0;
    while (t < tickets.size() || e < events.size()) {
        RecordBatch batch = writer.acquire_batch();
        REQUIRE(batch.tickets.empty());
        REQUIRE(batch.events.empty());
        for (std::size_t k = 0; k < batch_size && t < tickets.size(); ++k) {
            batch.tickets.push_back(tickets[t++]);
        }
        for (std::size_t k = 0; k < batch_size && e < events.size(); ++k) {
            batch.events.push_back(events[e++]);
        }
        writer.submit(std::move(batch));
    }
    model::RunOutcome outcome;
    outcome.series = make_series();
    return writer.finish(outcome, test_info());
}

const std::vector<std::string> ticket_columns = {"channel",
                                                 "coord_cost_h",
                                                 "coord_cross_h",
                                                 "coord_handoff_h",
                                                 "coord_leader_h",
                                                 "coord_meeting_h",
                                                 "coord_return_h",
                                                 "created_h",
                                                 "cross_mode",
                                                 "closed_h",
                                                 "deadline_h",
                                                 "escalations",
                                                 "handler",
                                                 "handoffs",
                                                 "home_province",
                                                 "hops",
                                                 "id",
                                                 "leader",
                                                 "materials_requested",
                                                 "origin",
                                                 "outcome",
                                                 "parent",
                                                 "province",
                                                 "rehandles",
                                                 "resolved_in_time",
                                                 "responded_h",
                                                 "responded_in_time",
                                                 "returns",
                                                 "reworks",
                                                 "satisfied",
                                                 "solved",
                                                 "tier_resolved",
                                                 "type",
                                                 "visits"};

template <class T, class Get>
void check_column(const fs::path& file,
                  const std::string& name,
                  const std::vector<model::TicketRecord>& tickets,
                  Get get) {
    const auto values = read_column<T>(file, "/tickets/" + name);
    REQUIRE(values.size() == tickets.size());
    for (std::size_t i = 0; i < tickets.size(); ++i) {
        const T expected = get(tickets[i]);
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(expected)) {
                REQUIRE(std::isnan(values[i]));
                continue;
            }
        }
        if (values[i] != expected) {
            FAIL("/tickets/" << name << " row " << i);
        }
    }
}

void check_same_datasets(const fs::path& a, const fs::path& b, const std::string& group) {
    const auto names = list_datasets(a, group);
    REQUIRE(names == list_datasets(b, group));
    for (const auto& name : names) {
        const std::string path = group + "/" + name;
        INFO(path);
        CHECK(read_raw_column(a, path) == read_raw_column(b, path));
    }
    for (const auto& sub : list_groups(a, group)) {
        check_same_datasets(a, b, (group == "/" ? "" : group) + "/" + sub);
    }
}

}  // namespace

TEST_CASE("run writer writes every dataset and they round-trip", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    // More than two chunks of rows, so appends cross flushes.
    const auto tickets = make_tickets(2 * column_chunk_rows + 1234);
    const auto events = make_events(column_chunk_rows + 99);
    const fs::path out = dir.path / "run.h5";

    const model::Summary summary =
        write_run(out, TraceLevel::events, spec, org, tickets, events, 10'000);

    REQUIRE(fs::exists(out));
    CHECK_FALSE(fs::exists(dir.path / "run.h5.partial"));

    CHECK(list_groups(out, "/") == std::vector<std::string>{"costs",
                                                            "events",
                                                            "provenance",
                                                            "series",
                                                            "series_by_province",
                                                            "summary",
                                                            "ticket_types",
                                                            "tickets",
                                                            "unit_series",
                                                            "units"});
    auto expected_columns = ticket_columns;
    std::sort(expected_columns.begin(), expected_columns.end());
    CHECK(list_datasets(out, "/tickets") == expected_columns);
    CHECK(list_datasets(out, "/events") ==
          std::vector<std::string>{"department", "kind", "t_h", "ticket", "unit"});

    using R = model::TicketRecord;
    check_column<std::int64_t>(out, "id", tickets, [](const R& r) { return r.id; });
    check_column<std::int32_t>(out, "type", tickets, [](const R& r) { return r.type; });
    check_column<std::int64_t>(out, "parent", tickets, [](const R& r) { return r.parent; });
    check_column<std::int32_t>(out, "origin", tickets, [](const R& r) { return r.origin; });
    check_column<std::int32_t>(out, "handler", tickets, [](const R& r) { return r.handler; });
    check_column<double>(out, "created_h", tickets, [](const R& r) { return r.created_h; });
    check_column<double>(out, "responded_h", tickets, [](const R& r) { return r.responded_h; });
    check_column<double>(out, "closed_h", tickets, [](const R& r) { return r.closed_h; });
    check_column<std::int8_t>(
        out, "tier_resolved", tickets, [](const R& r) { return r.tier_resolved; });
    check_column<std::int16_t>(out, "hops", tickets, [](const R& r) { return r.hops; });
    check_column<std::int16_t>(out, "handoffs", tickets, [](const R& r) { return r.handoffs; });
    check_column<std::int16_t>(out, "returns", tickets, [](const R& r) { return r.returns; });
    check_column<std::int16_t>(
        out, "escalations", tickets, [](const R& r) { return r.escalations; });
    check_column<std::int8_t>(out, "leader", tickets, [](const R& r) { return r.leader; });
    check_column<std::int16_t>(out, "visits", tickets, [](const R& r) { return r.visits; });
    check_column<std::int16_t>(
        out, "materials_requested", tickets, [](const R& r) { return r.materials_requested; });
    check_column<double>(out, "coord_cost_h", tickets, [](const R& r) { return r.coord_cost_h; });
    check_column<std::int16_t>(out, "reworks", tickets, [](const R& r) { return r.reworks; });
    check_column<std::int8_t>(out, "rehandles", tickets, [](const R& r) { return r.rehandles; });
    check_column<std::int8_t>(out, "channel", tickets, [](const R& r) { return r.channel; });
    for (std::size_t k = 0; k < model::cost_kind_count; ++k) {
        const std::string name = "coord_" + std::string(model::cost_kind_names[k]) + "_h";
        INFO(name);
        check_column<double>(out, name, tickets, [k](const R& r) { return r.coord_by_kind_h[k]; });
    }
    check_column<std::int8_t>(out, "cross_mode", tickets, [](const R& r) { return r.cross_mode; });
    check_column<std::int8_t>(
        out, "home_province", tickets, [](const R& r) { return r.home_province; });
    check_column<std::int8_t>(
        out, "outcome", tickets, [](const R& r) { return static_cast<std::int8_t>(r.outcome); });
    check_column<std::int8_t>(out, "satisfied", tickets, [](const R& r) { return r.satisfied; });
    check_column<std::int8_t>(out, "solved", tickets, [](const R& r) { return r.solved; });
    check_column<std::int8_t>(
        out, "responded_in_time", tickets, [](const R& r) { return r.responded_in_time; });
    check_column<std::int8_t>(
        out, "resolved_in_time", tickets, [](const R& r) { return r.resolved_in_time; });
    check_column<std::int8_t>(out, "province", tickets, [](const R& r) { return r.province; });
    check_column<double>(out, "deadline_h", tickets, [](const R& r) { return r.deadline_h; });

    const auto ev_ticket = read_column<std::int64_t>(out, "/events/ticket");
    const auto ev_t = read_column<double>(out, "/events/t_h");
    const auto ev_unit = read_column<std::int32_t>(out, "/events/unit");
    const auto ev_dept = read_column<std::int16_t>(out, "/events/department");
    const auto ev_kind = read_column<std::int8_t>(out, "/events/kind");
    REQUIRE(ev_ticket.size() == events.size());
    REQUIRE(ev_kind.size() == events.size());
    bool events_ok = true;
    for (std::size_t i = 0; i < events.size(); ++i) {
        events_ok = events_ok && ev_ticket[i] == events[i].ticket && ev_t[i] == events[i].t_h &&
                    ev_unit[i] == events[i].unit && ev_dept[i] == events[i].department &&
                    ev_kind[i] == static_cast<std::int8_t>(events[i].kind);
    }
    CHECK(events_ok);

    // /units and /ticket_types
    CHECK(
        list_datasets(out, "/units") ==
        std::vector<std::string>{"code", "id", "name", "parent", "population", "province", "tier"});
    const auto unit_names = read_string_column(out, "/units/name");
    const auto unit_tier = read_column<std::int8_t>(out, "/units/tier");
    const auto unit_parent = read_column<std::int32_t>(out, "/units/parent");
    const auto unit_province = read_column<std::int32_t>(out, "/units/province");
    REQUIRE(unit_names.size() == org.size());
    for (std::size_t i = 0; i < org.size(); ++i) {
        const auto& u = org.units()[i];
        CHECK(unit_names[i] == u.name);
        CHECK(unit_tier[i] == static_cast<std::int8_t>(u.tier));
        CHECK(unit_parent[i] == u.parent);
        CHECK(unit_province[i] == u.province);
    }
    CHECK(read_string_column(out, "/ticket_types/name") ==
          std::vector<std::string>{"consultation", "complaint", "approval"});
    CHECK(read_column<std::int32_t>(out, "/ticket_types/id") == std::vector<std::int32_t>{0, 1, 2});

    // /series
    const auto series = make_series();
    CHECK(column_size(out, "/series/t_h") == series.size());
    CHECK(read_column<std::int64_t>(out, "/series/arrivals")[5] == series[5].arrivals);
    CHECK(read_column<std::int8_t>(out, "/series/tier")[6] == series[6].tier);
    CHECK(read_column<std::int64_t>(out, "/series/surveyed")[7] == series[7].surveyed);
    CHECK(read_column<std::int64_t>(out, "/series/solved")[7] == series[7].solved);
    CHECK(read_column<std::int64_t>(out, "/series/hotline_satisfied")[6] ==
          series[6].hotline_satisfied);
    CHECK(list_datasets(out, "/series") == std::vector<std::string>{"abandoned",
                                                                    "arrivals",
                                                                    "busy_staff",
                                                                    "closed",
                                                                    "coord_cost_h",
                                                                    "coord_cross_h",
                                                                    "coord_handoff_h",
                                                                    "coord_leader_h",
                                                                    "coord_meeting_h",
                                                                    "coord_return_h",
                                                                    "coord_yuan",
                                                                    "data_applied",
                                                                    "escalations",
                                                                    "hotline_closed",
                                                                    "hotline_satisfied",
                                                                    "hotline_solved",
                                                                    "hotline_surveyed",
                                                                    "in_time",
                                                                    "leader",
                                                                    "materials_requested",
                                                                    "open_staff",
                                                                    "open_staff_h",
                                                                    "payroll_yuan",
                                                                    "queue_len",
                                                                    "repeat_calls",
                                                                    "returns",
                                                                    "satisfied",
                                                                    "solved",
                                                                    "surveyed",
                                                                    "t_h",
                                                                    "tier",
                                                                    "visits",
                                                                    "worked_h"});
    {
        const auto returns = read_column<std::int64_t>(out, "/series/returns");
        const auto escalations = read_column<std::int64_t>(out, "/series/escalations");
        const auto leader = read_column<std::int64_t>(out, "/series/leader");
        const auto materials = read_column<std::int64_t>(out, "/series/materials_requested");
        const auto visits = read_column<std::int64_t>(out, "/series/visits");
        const auto repeat_calls = read_column<std::int64_t>(out, "/series/repeat_calls");
        const auto abandoned = read_column<std::int64_t>(out, "/series/abandoned");
        const auto data_applied = read_column<std::int64_t>(out, "/series/data_applied");
        const auto coord_cost = read_column<double>(out, "/series/coord_cost_h");
        REQUIRE(returns.size() == series.size());
        for (std::size_t i = 0; i < series.size(); ++i) {
            INFO("series row " << i);
            CHECK(returns[i] == series[i].returns);
            CHECK(escalations[i] == series[i].escalations);
            CHECK(leader[i] == series[i].leader);
            CHECK(materials[i] == series[i].materials_requested);
            CHECK(visits[i] == series[i].visits);
            CHECK(repeat_calls[i] == series[i].repeat_calls);
            CHECK(abandoned[i] == series[i].abandoned);
            CHECK(data_applied[i] == series[i].data_applied);
            CHECK(coord_cost[i] == series[i].coord_cost_h);
        }
        for (std::size_t k = 0; k < model::cost_kind_count; ++k) {
            const std::string name = "coord_" + std::string(model::cost_kind_names[k]) + "_h";
            const auto column = read_column<double>(out, "/series/" + name);
            REQUIRE(column.size() == series.size());
            for (std::size_t i = 0; i < series.size(); ++i) {
                INFO(name << " row " << i);
                CHECK(column[i] == series[i].coord_by_kind_h[k]);
            }
        }
    }

    // /summary matches an independent accumulator over the same tickets.
    model::SummaryAccumulator acc(spec, org);
    for (const auto& r : tickets) {
        acc.add(r);
    }
    const model::Summary expected = acc.finish(test_info().end_h);
    CHECK(summary.created == expected.created);
    CHECK(read_int_attribute(out, "/summary", "created") == expected.created);
    CHECK(read_int_attribute(out, "/summary", "closed") == expected.closed);
    CHECK(read_int_attribute(out, "/summary", "abandoned") == expected.abandoned);
    CHECK(read_int_attribute(out, "/summary", "open_at_end") == expected.open_at_end);
    CHECK(expected.created == static_cast<std::int64_t>(tickets.size()));
    CHECK(read_int_attribute(out, "/summary", "created_after_warmup") == expected.overall.created);
    CHECK(read_int_attribute(out, "/summary", "closed_after_warmup") == expected.overall.closed);
    CHECK(read_int_attribute(out, "/summary", "abandoned_after_warmup") ==
          expected.overall.abandoned);
    for (const char* name : {"surveyed", "service_items", "repeat_calls", "data_updates"}) {
        INFO(name);
        bool found = false;
        for (const auto& field : model::group_stats_count_fields) {
            if (std::string(field.name) == name) {
                found = true;
                CHECK(read_int_attribute(out, "/summary", name) == expected.overall.*field.member);
            }
        }
        CHECK(found);
    }
    CHECK(expected.overall.service_items > 0);
    CHECK(expected.overall.repeat_calls > 0);
    for (const auto& field : model::group_stats_value_fields) {
        INFO(field.name);
        const double value = field.get(expected.overall);
        const double stored = read_double_attribute(out, "/summary", field.name);
        CHECK((stored == value || (std::isnan(stored) && std::isnan(value))));
    }
    CHECK(read_string_column(out, "/summary/by_tier/name") ==
          std::vector<std::string>{"street", "district", "city", "province"});
    CHECK(read_string_column(out, "/summary/by_type/name") ==
          std::vector<std::string>{"consultation", "complaint", "approval"});
    const auto province_names = read_string_column(out, "/summary/by_province/name");
    REQUIRE(province_names.size() == 2);
    CHECK(province_names[1] == org.unit(org.province_unit(1)).name);
    CHECK(read_string_column(out, "/summary/by_channel/name") ==
          std::vector<std::string>{"window", "hotline", "online", "grid"});
    CHECK(read_string_column(out, "/summary/by_cross_mode/name") ==
          std::vector<std::string>{"online", "proxy", "joint", "trip_home"});
    for (const std::string table :
         {"by_tier", "by_type", "by_province", "by_channel", "by_cross_mode"}) {
        INFO(table);
        std::vector<std::string> columns = {"name"};
        for (const auto& field : model::group_stats_count_fields) {
            columns.emplace_back(field.name);
        }
        for (const auto& field : model::group_stats_value_fields) {
            columns.emplace_back(field.name);
        }
        if (table == "by_type") {
            columns.emplace_back("limit_h");
            columns.emplace_back("short_horizon");
        }
        std::sort(columns.begin(), columns.end());
        CHECK(list_datasets(out, "/summary/" + table) == columns);
    }
    // The censoring warning: 72 h − 12 h of warm-up is under 3 limits of 7 working days (235 h)
    // for consultation and complaint, not of approval's half day (17 h).
    CHECK(expected.overall.open_late > 0);
    CHECK(expected.overall.open_undecided > 0);
    CHECK(read_double_attribute(out, "/summary", "horizon_h") == 60.0);
    CHECK(read_double_attribute(out, "/summary", "censoring_horizon_factor") == 3.0);
    CHECK(read_int_attribute(out, "/summary", "short_horizon_types") == 2);
    CHECK(read_column<std::int8_t>(out, "/summary/by_type/short_horizon") ==
          std::vector<std::int8_t>{1, 1, 0});
    CHECK(read_column<double>(out, "/summary/by_type/limit_h") ==
          std::vector<double>{
              7.0 * 7.0 / 5.0 * 24.0, 7.0 * 7.0 / 5.0 * 24.0, 0.5 * 7.0 / 5.0 * 24.0});
    const auto channel_created = read_column<std::int64_t>(out, "/summary/by_channel/created");
    const auto channel_coord = read_column<double>(out, "/summary/by_channel/coord_meeting_h");
    const auto mode_created = read_column<std::int64_t>(out, "/summary/by_cross_mode/created");
    for (std::size_t c = 0; c < model::channel_count; ++c) {
        CHECK(channel_created[c] == expected.by_channel[c].created);
        CHECK(channel_coord[c] == expected.by_channel[c].coord_by_kind_h[1]);
    }
    for (std::size_t m = 0; m < 3; ++m) {
        CHECK(mode_created[m] == expected.by_cross_mode[m].created);
        CHECK(mode_created[m] > 0);
    }
    const auto type_closed = read_column<std::int64_t>(out, "/summary/by_type/closed");
    const auto type_p90 = read_column<double>(out, "/summary/by_type/lead_time_p90_h");
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(type_closed[i] == expected.by_type[i].closed);
        CHECK(type_p90[i] == expected.by_type[i].lead_time_p90_h);
    }

    // /provenance
    CHECK(read_string_attribute(out, "/provenance", "scenario_toml") == spec.resolved_toml);
    CHECK(read_string_attribute(out, "/provenance", "scenario_name") == "writer-test");
    CHECK(read_string_attribute(out, "/provenance", "trace") == "events");
    CHECK(read_int_attribute(out, "/provenance", "seed") == 42);
    CHECK(read_int_attribute(out, "/provenance", "threads") == 2);
    CHECK(read_int_attribute(out, "/provenance", "interrupted") == 0);
    CHECK(read_double_attribute(out, "/provenance", "wall_seconds") == 1.5);
    CHECK(read_double_attribute(out, "/provenance", "end_h") == 72.0);
    CHECK(list_attributes(out, "/provenance").size() == 13);
}

TEST_CASE("run writer writes the connection rate only where callers hang up", "[io][run_writer]") {
    TempDir dir;
    model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    auto tickets = make_tickets(3000);
    for (std::size_t i = 0; i < tickets.size(); i += 7) {  // a seventh of them hang up
        tickets[i].outcome = model::Outcome::hung_up;
    }
    const fs::path without = dir.path / "without.h5";
    CHECK_FALSE(write_run(without, TraceLevel::tickets, spec, org, tickets, {}, 10).hang_ups);
    const auto plain = list_datasets(without, "/summary/by_channel");
    CHECK(std::find(plain.begin(), plain.end(), "connection_rate") == plain.end());
    CHECK(std::find(plain.begin(), plain.end(), "hung_up") == plain.end());

    spec.channels[static_cast<std::size_t>(model::Channel::hotline)].patience_min = 1.0;
    const fs::path with = dir.path / "with.h5";
    const model::Summary summary = write_run(with, TraceLevel::tickets, spec, org, tickets, {}, 10);
    REQUIRE(summary.hang_ups);
    auto columns = plain;
    columns.emplace_back("connection_rate");
    columns.emplace_back("hung_up");
    std::sort(columns.begin(), columns.end());
    CHECK(list_datasets(with, "/summary/by_channel") == columns);
    const auto hung_up = read_column<std::int64_t>(with, "/summary/by_channel/hung_up");
    const auto rate = read_column<double>(with, "/summary/by_channel/connection_rate");
    REQUIRE(hung_up.size() == model::channel_count);
    REQUIRE(rate.size() == model::channel_count);
    for (std::size_t c = 0; c < model::channel_count; ++c) {
        INFO("channel " << c);
        CHECK(hung_up[c] == summary.hung_up[c]);
        if (std::isnan(summary.connection_rate[c])) {
            CHECK(std::isnan(rate[c]));
        } else {
            CHECK(rate[c] == summary.connection_rate[c]);
        }
    }
    const auto h = static_cast<std::size_t>(model::Channel::hotline);
    CHECK(summary.hung_up[h] > 0);
    CHECK(rate[h] == Approx(1.0 - static_cast<double>(summary.hung_up[h]) /
                                      static_cast<double>(summary.by_channel[h].created)));
    // The conservation line counts those who hung up as abandoned.
    CHECK(read_int_attribute(with, "/summary", "created") ==
          read_int_attribute(with, "/summary", "closed") +
              read_int_attribute(with, "/summary", "abandoned") +
              read_int_attribute(with, "/summary", "open_at_end"));
}

TEST_CASE("run writer without a trace writes no /tickets or /events", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "none.h5";
    const auto summary =
        write_run(out, TraceLevel::none, spec, org, make_tickets(5000), make_events(100), 700);
    CHECK(summary.created == 5000);
    CHECK(list_groups(out, "/") == std::vector<std::string>{"costs",
                                                            "provenance",
                                                            "series",
                                                            "series_by_province",
                                                            "summary",
                                                            "ticket_types",
                                                            "unit_series",
                                                            "units"});
    CHECK(read_int_attribute(out, "/summary", "created") == 5000);
    CHECK(read_string_attribute(out, "/provenance", "trace") == "none");

    const fs::path tickets_only = dir.path / "tickets.h5";
    write_run(tickets_only, TraceLevel::tickets, spec, org, make_tickets(10), make_events(10), 3);
    CHECK(list_groups(tickets_only, "/") == std::vector<std::string>{"costs",
                                                                     "provenance",
                                                                     "series",
                                                                     "series_by_province",
                                                                     "summary",
                                                                     "ticket_types",
                                                                     "tickets",
                                                                     "unit_series",
                                                                     "units"});
    CHECK(column_size(tickets_only, "/tickets/id") == 10);
}

TEST_CASE("run writer with no tickets still writes empty columns", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "empty.h5";
    RunWriter writer(out, TraceLevel::events, spec, org);
    writer.submit(writer.acquire_batch());  // empty batches are fine
    const auto summary = writer.finish({}, test_info());
    CHECK(summary.created == 0);
    CHECK(column_size(out, "/tickets/id") == 0);
    CHECK(column_size(out, "/events/kind") == 0);
    CHECK(column_size(out, "/series/t_h") == 0);
    CHECK(std::isnan(read_double_attribute(out, "/summary", "lead_time_mean_h")));
}

TEST_CASE("run writer removes the partial file when not finished", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "aborted.h5";
    {
        RunWriter writer(out, TraceLevel::events, spec, org);
        CHECK(fs::exists(dir.path / "aborted.h5.partial"));
        for (int i = 0; i < 20; ++i) {
            RecordBatch batch = writer.acquire_batch();
            batch.tickets = make_tickets(5000);
            batch.events = make_events(5000);
            writer.submit(std::move(batch));
        }
    }
    CHECK_FALSE(fs::exists(dir.path / "aborted.h5.partial"));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run writer keeps an earlier file until it finishes", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "keep.h5";
    write_run(out, TraceLevel::tickets, spec, org, make_tickets(100), {}, 50);
    { RunWriter writer(out, TraceLevel::tickets, spec, org); }
    CHECK(column_size(out, "/tickets/id") == 100);
}

TEST_CASE("run writer reports a missing or unwritable folder", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "no" / "such" / "run.h5";
    CHECK_THROWS_WITH(RunWriter(out, TraceLevel::none, spec, org), Catch::Contains(out.string()));
    CHECK_THROWS_AS(RunWriter(out, TraceLevel::none, spec, org), IoError);

    fs::create_directories(dir.path / "blocker.h5.partial" / "x");  // the partial cannot be made
    CHECK_THROWS_AS(RunWriter(dir.path / "blocker.h5", TraceLevel::none, spec, org), IoError);
}

TEST_CASE("run writer surfaces writer-thread failures as IoError", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const fs::path out = dir.path / "bad.h5";
    RunWriter writer(out, TraceLevel::tickets, spec, org);
    RecordBatch batch = writer.acquire_batch();
    batch.tickets = make_tickets(10);
    batch.tickets[3].type = 99;  // no such ticket type
    batch.tickets[3].created_h = 100.0;
    writer.submit(std::move(batch));
    CHECK_THROWS_AS(writer.finish({}, test_info()), IoError);
}

TEST_CASE("run writer output is bit-identical for the same records", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    const auto tickets = make_tickets(column_chunk_rows + 777);
    const auto events = make_events(3000);
    const fs::path a = dir.path / "a.h5";
    const fs::path b = dir.path / "b.h5";
    // Different batch boundaries must not change the datasets.
    write_run(a, TraceLevel::events, spec, org, tickets, events, 1000);
    write_run(b, TraceLevel::events, spec, org, tickets, events, 4321);
    for (const std::string group :
         {"/tickets", "/events", "/units", "/ticket_types", "/series", "/summary"}) {
        check_same_datasets(a, b, group);
    }
    for (const auto& name : list_attributes(a, "/summary")) {
        INFO(name);
        const double x = read_double_attribute(a, "/summary", name);
        const double y = read_double_attribute(b, "/summary", name);
        CHECK((x == y || (std::isnan(x) && std::isnan(y))));
    }
    // With identical provenance the files themselves are identical: nothing time-dependent.
    std::ifstream fa(a, std::ios::binary);
    std::ifstream fb(b, std::ios::binary);
    const std::string bytes_a((std::istreambuf_iterator<char>(fa)),
                              std::istreambuf_iterator<char>());
    const std::string bytes_b((std::istreambuf_iterator<char>(fb)),
                              std::istreambuf_iterator<char>());
    CHECK(bytes_a == bytes_b);
}

TEST_CASE("run writer recycles batches", "[io][run_writer]") {
    TempDir dir;
    const model::ScenarioSpec spec = test_spec();
    const model::Organisation org = model::Organisation::build(spec);
    RunWriter writer(dir.path / "recycle.h5", TraceLevel::tickets, spec, org);
    RecordBatch batch = writer.acquire_batch();
    batch.tickets = make_tickets(1000);
    writer.submit(std::move(batch));
    // The writer hands the batch back, cleared and with its capacity, once it has consumed it.
    bool recycled = false;
    for (int tries = 0; tries < 2000 && !recycled; ++tries) {
        RecordBatch again = writer.acquire_batch();
        recycled = again.tickets.capacity() >= 1000;
        CHECK(again.tickets.empty());
        if (!recycled) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    CHECK(recycled);
    writer.finish({}, test_info());
}
