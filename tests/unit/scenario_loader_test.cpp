// SPDX-License-Identifier: MIT
// The TOML scenario loader: defaults, `base =` inheritance, `--set`, diagnostics and their
// locations, the resolved text round trip and embedded scenarios.
#include "tiersim/io/scenario_loader.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/embedded_scenarios.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using tiersim::Diagnostic;
using tiersim::ScenarioError;
using tiersim::io::load_scenario;
using tiersim::model::ScenarioSpec;

/// A fresh folder under the system temp folder, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = fs::temp_directory_path() /
                ("tiersim_loader_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        fs::create_directories(path_);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }

    /// Writes `text` to NAME inside the folder and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const fs::path file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
        return file.string();
    }

    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

/// The smallest valid scenario: one department, one ticket type.
const std::string minimal = R"(
[departments.d]

[tiers.street]
staff = { d = 1 }

[ticket_types.t]
rate = 2.0
departments = ["d"]
)";

/// The diagnostics that loading throws (none if it loads).
std::vector<Diagnostic> diagnostics_of(const std::string& path,
                                       const std::vector<std::string>& overrides = {}) {
    try {
        (void)load_scenario(path, overrides);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

bool any_message_contains(const std::vector<Diagnostic>& diags, const std::string& text) {
    for (const auto& d : diags) {
        if (d.message.find(text) != std::string::npos)
            return true;
    }
    return false;
}

void require_same_levers(const tiersim::model::Levers& a, const tiersim::model::Levers& b) {
    CHECK(a.design == b.design);
    CHECK(a.leader_capacity == b.leader_capacity);
    CHECK(a.leader_engagement == b.leader_engagement);
    CHECK(a.leader_decision_h == b.leader_decision_h);
    CHECK(a.escalate_after_returns == b.escalate_after_returns);
    CHECK(a.rehandle == b.rehandle);
    CHECK(a.max_rehandles == b.max_rehandles);
    CHECK(a.leader_priority == b.leader_priority);
    CHECK(a.deadline_priority_h == b.deadline_priority_h);
    CHECK(a.data_sharing == b.data_sharing);
    CHECK(a.online_share == b.online_share);
    CHECK(a.sharing_speedup == b.sharing_speedup);
    CHECK(a.generalist_windows == b.generalist_windows);
    CHECK(a.generalist_slowdown == b.generalist_slowdown);
    CHECK(a.handoff_h == b.handoff_h);
    CHECK(a.handoff_cost_h == b.handoff_cost_h);
    CHECK(a.bureau_handoff_factor == b.bureau_handoff_factor);
    CHECK(a.bureau_return_factor == b.bureau_return_factor);
    CHECK(a.join_h == b.join_h);
    CHECK(a.join_cost_h == b.join_cost_h);
    CHECK(a.summons_join_h == b.summons_join_h);
    CHECK(a.summons_join_cost_h == b.summons_join_cost_h);
    CHECK(a.return_probability == b.return_probability);
    CHECK(a.return_solve_factor == b.return_solve_factor);
    CHECK(a.three_lists == b.three_lists);
    CHECK(a.three_lists_factor == b.three_lists_factor);
    CHECK(a.standardization == b.standardization);
    CHECK(a.accept_incomplete == b.accept_incomplete);
    CHECK(a.sharing_willingness == b.sharing_willingness);
    REQUIRE(a.sharing.size() == b.sharing.size());
    for (std::size_t i = 0; i < a.sharing.size(); ++i) {
        CHECK(a.sharing[i].requester == b.sharing[i].requester);
        CHECK(a.sharing[i].holder == b.sharing[i].holder);
        CHECK(a.sharing[i].willingness == b.sharing[i].willingness);
    }
    CHECK(a.negative_list == b.negative_list);
    CHECK(a.negative_list_lifted == b.negative_list_lifted);
}

void require_same_dist(const tiersim::model::DistSpec& a, const tiersim::model::DistSpec& b) {
    CHECK(a.kind == b.kind);
    CHECK(a.mean_h == b.mean_h);
    CHECK(a.cv == b.cv);
}

/// Every field of the spec except name, resolved_toml and locations.
void require_same_spec(const ScenarioSpec& a, const ScenarioSpec& b) {
    CHECK(a.days == b.days);
    CHECK(a.warmup_days == b.warmup_days);
    CHECK(a.seed == b.seed);
    CHECK(a.bucket_hours == b.bucket_hours);
    CHECK(a.divisions.source == b.divisions.source);
    CHECK(a.divisions.provinces == b.divisions.provinces);
    CHECK(a.divisions.cities_per_province == b.divisions.cities_per_province);
    CHECK(a.divisions.districts_per_city == b.divisions.districts_per_city);
    CHECK(a.divisions.streets_per_district == b.divisions.streets_per_district);
    CHECK(a.divisions.population_per_street == b.divisions.population_per_street);
    CHECK(a.divisions.dir == b.divisions.dir);
    CHECK(a.divisions.include == b.divisions.include);
    REQUIRE(a.calendars.size() == b.calendars.size());
    for (std::size_t i = 0; i < a.calendars.size(); ++i) {
        CHECK(a.calendars[i].name == b.calendars[i].name);
        CHECK(a.calendars[i].always == b.calendars[i].always);
        CHECK(a.calendars[i].weekdays == b.calendars[i].weekdays);
        CHECK(a.calendars[i].hours == b.calendars[i].hours);
    }
    CHECK(a.departments == b.departments);
    CHECK(a.department_calendar == b.department_calendar);
    CHECK(a.department_approval == b.department_approval);
    for (std::size_t k = 0; k < a.tiers.size(); ++k) {
        CHECK(a.tiers[k].calendar == b.tiers[k].calendar);
        CHECK(a.tiers[k].intake_staff == b.tiers[k].intake_staff);
        CHECK(a.tiers[k].staff == b.tiers[k].staff);
        CHECK(a.tiers[k].transfer_h == b.tiers[k].transfer_h);
        CHECK(a.tiers[k].scale_staff == b.tiers[k].scale_staff);
        CHECK(a.tiers[k].staff_per_10k == b.tiers[k].staff_per_10k);
    }
    REQUIRE(a.staff_overrides.size() == b.staff_overrides.size());
    for (std::size_t i = 0; i < a.staff_overrides.size(); ++i) {
        const auto& x = a.staff_overrides[i];
        const auto& y = b.staff_overrides[i];
        CHECK(x.scope == y.scope);
        CHECK(x.unit == y.unit);
        CHECK(x.tier == y.tier);
        CHECK(x.department == y.department);
        CHECK(x.count == y.count);
        CHECK(x.per_10k == y.per_10k);
    }
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        CHECK(a.channels[c].tier == b.channels[c].tier);
        CHECK(a.channels[c].calendar == b.channels[c].calendar);
        CHECK(a.channels[c].staff == b.channels[c].staff);
        CHECK(a.channels[c].patience_min == b.channels[c].patience_min);
    }
    REQUIRE(a.ticket_types.size() == b.ticket_types.size());
    for (std::size_t i = 0; i < a.ticket_types.size(); ++i) {
        const auto& x = a.ticket_types[i];
        const auto& y = b.ticket_types[i];
        CHECK(x.name == y.name);
        CHECK(x.channel == y.channel);
        CHECK(x.rate == y.rate);
        CHECK(x.daily_profile == y.daily_profile);
        CHECK(x.weekly_profile == y.weekly_profile);
        require_same_dist(x.intake, y.intake);
        CHECK(x.close_at_intake == y.close_at_intake);
        CHECK(x.authority == y.authority);
        CHECK(x.escalate == y.escalate);
        CHECK(x.departments == y.departments);
        require_same_dist(x.service, y.service);
        CHECK(x.respond_h == y.respond_h);
        CHECK(x.resolve_wd == y.resolve_wd);
        CHECK(x.solve_probability == y.solve_probability);
        CHECK(x.route == y.route);
        CHECK(x.handling == y.handling);
        CHECK(x.dispatch_h == y.dispatch_h);
        CHECK(x.reject_probability == y.reject_probability);
        CHECK(x.materials == y.materials);
        CHECK(x.material_holders == y.material_holders);
        CHECK(x.online == y.online);
        CHECK(x.cross_province == y.cross_province);
        CHECK(x.cross_modes == y.cross_modes);
        CHECK(x.priority == y.priority);
    }
    CHECK(a.link_h == b.link_h);
    CHECK(a.max_returns == b.max_returns);
    CHECK(a.return_review_h == b.return_review_h);
    CHECK(a.citizens.satisfied_if_solved == b.citizens.satisfied_if_solved);
    CHECK(a.citizens.satisfied_if_unsolved == b.citizens.satisfied_if_unsolved);
    CHECK(a.citizens.late_factor == b.citizens.late_factor);
    CHECK(a.citizens.visit_factor == b.citizens.visit_factor);
    CHECK(a.citizens.return_factor == b.citizens.return_factor);
    CHECK(a.citizens.patience_h == b.citizens.patience_h);
    CHECK(a.citizens.repeat_call == b.citizens.repeat_call);
    CHECK(a.citizens.abandon == b.citizens.abandon);
    CHECK(a.citizens.supply_h == b.citizens.supply_h);
    CHECK(a.citizens.incomplete == b.citizens.incomplete);
    CHECK(a.cross.mismatch == b.cross.mismatch);
    CHECK(a.cross.courier_h == b.cross.courier_h);
    CHECK(a.cross.link_staff == b.cross.link_staff);
    CHECK(a.cross.link_service_h == b.cross.link_service_h);
    REQUIRE(a.cross.migration.size() == b.cross.migration.size());
    for (std::size_t i = 0; i < a.cross.migration.size(); ++i) {
        CHECK(a.cross.migration[i].from == b.cross.migration[i].from);
        CHECK(a.cross.migration[i].to == b.cross.migration[i].to);
        CHECK(a.cross.migration[i].weight == b.cross.migration[i].weight);
    }
    require_same_levers(a.levers, b.levers);
    REQUIRE(a.province_levers.size() == b.province_levers.size());
    for (std::size_t i = 0; i < a.province_levers.size(); ++i) {
        CHECK(a.province_levers[i].first == b.province_levers[i].first);
        require_same_levers(a.province_levers[i].second, b.province_levers[i].second);
    }
}

}  // namespace

TEST_CASE("a minimal scenario gets every default", "[io][scenario_loader]") {
    using namespace tiersim::model;
    TempDir dir;
    const ScenarioSpec s = load_scenario(dir.write("minimal.toml", minimal));

    CHECK(s.name == "minimal");
    CHECK(s.days == 28.0);
    CHECK(s.warmup_days == 7.0);
    CHECK(s.seed == 1);
    CHECK(s.bucket_hours == 24.0);
    CHECK(s.divisions.source == DivisionsSpec::Source::synthetic);
    CHECK(s.divisions.provinces == 1);
    CHECK(s.divisions.cities_per_province == 2);
    CHECK(s.divisions.districts_per_city == 2);
    CHECK(s.divisions.streets_per_district == 3);
    CHECK(s.divisions.population_per_street == 50'000.0);
    CHECK(fs::path(s.divisions.dir).is_absolute());
    CHECK(fs::path(s.divisions.dir) == dir.path() / "data" / "divisions");

    REQUIRE(s.calendars.size() == 2);
    CHECK(s.calendars[0].name == "always");
    CHECK(s.calendars[0].always);
    CHECK(s.calendars[1].name == "office");
    CHECK_FALSE(s.calendars[1].always);
    CHECK(s.calendars[1].weekdays ==
          std::array<bool, 7>{true, true, true, true, true, false, false});
    CHECK(s.calendars[1].hours == std::vector<std::array<double, 2>>{{9.0, 12.0}, {13.5, 17.5}});
    CHECK(s.find_calendar("office") == 1);
    CHECK(s.find_calendar("nope") == -1);

    REQUIRE(s.departments == std::vector<std::string>{"d"});
    CHECK(s.find_department("d") == 0);
    CHECK(s.find_department("x") == -1);
    const std::array<double, tier_count> transfer = {1.0, 2.0, 4.0, 4.0};
    for (std::size_t k = 0; k < tier_count; ++k) {
        CHECK(s.tiers[k].calendar == 1);
        CHECK(s.tiers[k].intake_staff == 2);
        CHECK(s.tiers[k].transfer_h == transfer[k]);
        CHECK(s.levers.design[k] == Design::fragmented);
        CHECK_FALSE(s.tiers[k].scale_staff);
        REQUIRE(s.tiers[k].staff.size() == 1);
        CHECK(s.tiers[k].staff[0] == (k == 0 ? 1 : 0));
    }

    const auto& window = s.channels[static_cast<std::size_t>(Channel::window)];
    const auto& hotline = s.channels[static_cast<std::size_t>(Channel::hotline)];
    const auto& online = s.channels[static_cast<std::size_t>(Channel::online)];
    CHECK(window.tier == Tier::street);
    CHECK(window.calendar == 1);  // follows tiers.street.calendar
    CHECK(window.staff == -1);
    CHECK(hotline.tier == Tier::city);
    CHECK(hotline.calendar == 0);
    CHECK(online.tier == Tier::city);
    CHECK(online.calendar == 0);

    REQUIRE(s.ticket_types.size() == 1);
    const auto& t = s.ticket_types[0];
    CHECK(t.name == "t");
    CHECK(t.channel == Channel::hotline);
    CHECK(t.rate == 2.0);
    for (double w : t.daily_profile)
        CHECK(w == 1.0);
    for (double w : t.weekly_profile)
        CHECK(w == 1.0);
    CHECK(t.intake.kind == DistKind::exponential);
    CHECK(t.intake.mean_h == 0.1);
    CHECK(t.intake.cv == 1.0);
    CHECK(t.close_at_intake == 0.0);
    CHECK(t.authority == Tier::street);
    CHECK(t.escalate == std::array<double, tier_count>{0.0, 0.0, 0.0, 0.0});
    CHECK(t.departments == std::vector<int>{0});
    CHECK(t.service.kind == DistKind::exponential);
    CHECK(t.service.mean_h == 8.0);
    CHECK(t.respond_h == 24.0);
    CHECK(t.resolve_wd == 7.0);
    CHECK(t.solve_probability == 0.9);
    CHECK(t.route == Route::dispatch);
    CHECK(t.handling == tiersim::model::Handling::design);
    CHECK(t.dispatch_h < 0.0);  // the hops' transfer_h
    CHECK(t.reject_probability == 0.0);
    CHECK(t.materials == 0);
    CHECK_FALSE(t.online);
    CHECK(t.cross_province == 0.0);
    CHECK(t.cross_modes == std::array<double, 4>{1.0, 0.0, 0.0, 0.0});
    CHECK(t.priority == 0);

    CHECK(s.department_approval == std::vector<bool>{true});
    CHECK(s.link_h == 24.0);
    CHECK(s.max_returns == 3);
    CHECK(s.return_review_h == 8.0);

    const Levers& l = s.levers;
    CHECK(l.leader_capacity == std::array<int, tier_count>{1, 1, 1, 1});
    CHECK(l.leader_engagement == 1.0);
    CHECK(l.leader_decision_h == 4.0);
    CHECK(l.escalate_after_returns == 0);
    CHECK(l.rehandle == 0.0);
    CHECK(l.max_rehandles == 2);
    CHECK(l.leader_priority == 0);
    CHECK(l.deadline_priority_h == 0.0);
    CHECK(l.data_sharing == std::array<double, tier_count>{0.0, 0.0, 0.0, 0.0});
    CHECK(l.online_share == 0.0);
    CHECK(l.sharing_speedup == 0.35);
    CHECK(l.generalist_windows);
    CHECK(l.generalist_slowdown == 1.0);
    CHECK(l.handoff_h == 4.0);
    CHECK(l.handoff_cost_h == 0.5);
    CHECK(l.bureau_handoff_factor == 0.3);
    CHECK(l.bureau_return_factor == 0.2);
    CHECK(l.join_h == 8.0);
    CHECK(l.join_cost_h == 0.5);
    CHECK(l.summons_join_h == 0.0);
    CHECK(l.summons_join_cost_h == 0.25);
    CHECK(l.return_probability == 0.0);
    CHECK(l.return_solve_factor == 1.0);
    CHECK_FALSE(l.three_lists);
    CHECK(l.three_lists_factor == 0.25);
    CHECK(l.standardization == 1.0);
    CHECK_FALSE(l.accept_incomplete);
    CHECK(l.sharing_willingness == 1.0);
    CHECK(l.sharing.empty());
    CHECK(l.negative_list == 0.1);
    CHECK(l.negative_list_lifted == 0.5);
    CHECK(l.willingness.empty());  // compiled with the model
    CHECK(s.province_levers.empty());

    CHECK(s.citizens.satisfied_if_solved == 0.95);
    CHECK(s.citizens.satisfied_if_unsolved == 0.30);
    CHECK(s.citizens.late_factor == 0.8);
    CHECK(s.citizens.visit_factor == 1.0);
    CHECK(s.citizens.return_factor == 1.0);
    CHECK(std::isinf(s.citizens.patience_h));
    CHECK(s.citizens.patience_h > 0.0);
    CHECK(s.citizens.repeat_call == 0.0);
    CHECK(s.citizens.abandon == 0.0);
    CHECK(s.citizens.supply_h == 48.0);
    CHECK(s.citizens.incomplete == 0.2);

    CHECK(s.cross.mismatch == 0.1);
    CHECK(s.cross.courier_h == 48.0);
    CHECK(s.cross.link_staff == 2);
    CHECK(s.cross.link_service_h == 0.5);
    CHECK(s.cross.migration.empty());
}

TEST_CASE("values are read, sorted and normalised", "[io][scenario_loader]") {
    using namespace tiersim::model;
    TempDir dir;
    const std::string path = dir.write("full.toml", R"(
[calendars.weekend]
weekdays = ["sat", "sun"]
hours = [[10.0, 16.0]]

[calendars.early]
weekdays = ["mon"]

[departments.zoning]
[departments.police]
label = "公安"

[tiers.street]
calendar = "weekend"
staff = { zoning = 2, police = 1 }
[tiers.district]
staff = { zoning = 1, police = 1 }
[tiers.city]
staff = { zoning = 1, police = 1 }
[tiers.province]
staff = { zoning = 1 }

[channels.window]
tier = "district"
[channels.hotline]
calendar = "office"
staff = 5
patience_min = 1.5

[ticket_types.b]
rate = 1
channel = "window"
weekly_profile = [2, 2, 2, 2, 2, 0, 0]
escalate = { street = 0.2, district = 0.1 }
departments = ["zoning", "police"]
service = { dist = "deterministic", mean_h = 3 }

[ticket_types.a]
rate = 1
escalate = 0.25
departments = ["zoning"]
authority = "district"
close_at_intake = 0.5
intake = { dist = "uniform", mean_h = 0.5, cv = 0.5 }
)");
    const ScenarioSpec s = load_scenario(path);
    REQUIRE(s.calendars.size() == 4);
    CHECK(s.calendars[2].name == "early");
    CHECK(s.calendars[2].hours == s.calendars[1].hours);  // the office hours by default
    CHECK(s.calendars[3].name == "weekend");
    CHECK(s.calendars[3].weekdays ==
          std::array<bool, 7>{false, false, false, false, false, true, true});
    CHECK(s.departments == std::vector<std::string>{"police", "zoning"});
    CHECK(s.tiers[0].calendar == 3);
    CHECK(s.tiers[0].staff == std::vector<int>{1, 2});
    CHECK(s.tiers[2].staff == std::vector<int>{1, 1});
    CHECK(s.tiers[3].staff == std::vector<int>{0, 1});

    const auto& window = s.channels[static_cast<std::size_t>(Channel::window)];
    CHECK(window.tier == Tier::district);
    CHECK(window.calendar == 1);  // tiers.district.calendar, the office default
    const auto& hotline = s.channels[static_cast<std::size_t>(Channel::hotline)];
    CHECK(hotline.calendar == 1);
    CHECK(hotline.staff == 5);
    CHECK(hotline.patience_min == 1.5);
    CHECK(window.patience_min == 0.0);  // callers never hang up by default

    REQUIRE(s.ticket_types.size() == 2);
    const auto& a = s.ticket_types[0];
    const auto& b = s.ticket_types[1];
    CHECK(a.name == "a");
    CHECK(a.escalate == std::array<double, tier_count>{0.25, 0.25, 0.25, 0.0});
    CHECK(a.authority == Tier::district);
    CHECK(a.intake.kind == DistKind::uniform);
    CHECK(a.intake.cv == 0.5);
    CHECK(b.name == "b");
    CHECK(b.channel == Channel::window);
    CHECK(b.weekly_profile == std::array<double, 7>{1.4, 1.4, 1.4, 1.4, 1.4, 0.0, 0.0});
    CHECK(b.escalate == std::array<double, tier_count>{0.2, 0.1, 0.0, 0.0});
    CHECK(b.departments == std::vector<int>{1, 0});
    CHECK(b.service.kind == DistKind::deterministic);
    CHECK(b.service.cv == 0.0);
}

TEST_CASE("base inheritance merges tables and the child wins", "[io][scenario_loader]") {
    TempDir dir;
    dir.write("shared/base.toml", minimal + R"(
[simulation]
days = 10
seed = 5

[tiers.city]
intake_staff = 4
transfer_h = 6.0
)");
    const std::string child = dir.write("child.toml",
                                        "base = \"shared/base.toml\"\n"
                                        "[simulation]\n"
                                        "days = 12\n"
                                        "[tiers.city]\n"
                                        "transfer_h = 3.0\n");
    const ScenarioSpec s = load_scenario(child);
    CHECK(s.name == "child");
    CHECK(s.days == 12.0);
    CHECK(s.seed == 5);
    CHECK(s.tiers[2].intake_staff == 4);
    CHECK(s.tiers[2].transfer_h == 3.0);
    REQUIRE(s.ticket_types.size() == 1);

    // Each key points at the file that set it.
    CHECK(s.where("simulation.days").file == child);
    CHECK(s.where("simulation.days").line == 3);
    CHECK(fs::path(s.where("simulation.seed").file).filename() == "base.toml");
    CHECK(s.where("simulation.seed").line == 13);
    CHECK(s.resolved_toml.find("base =") == std::string::npos);

    SECTION("a missing base is an error at the base key") {
        const std::string orphan = dir.write("orphan.toml", "\n\nbase = \"nope.toml\"\n");
        const auto diags = diagnostics_of(orphan);
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].where.file == orphan);
        CHECK(diags[0].where.line == 3);
        CHECK(diags[0].where.column == 8);
        CHECK(diags[0].key == "base");
        CHECK(any_message_contains(diags, "'nope.toml' not found"));
    }
    SECTION("a cycle is an error naming the files") {
        const std::string a = dir.write("a.toml", "base = \"b.toml\"\n");
        dir.write("b.toml", "# b\nbase = \"a.toml\"\n");
        const auto diags = diagnostics_of(a);
        REQUIRE(diags.size() == 1);
        CHECK(fs::path(diags[0].where.file).filename() == "b.toml");
        CHECK(diags[0].where.line == 2);
        CHECK(any_message_contains(diags, "inheritance cycle"));
        CHECK(any_message_contains(diags, "a.toml -> "));
    }
    SECTION("a file may inherit an embedded scenario by name") {
        const auto& embedded = tiersim::io::embedded_scenarios();
        if (!embedded.empty()) {
            const std::string name(embedded.front().name);
            const std::string path =
                dir.write("on_embedded.toml", "base = \"" + name + "\"\n[simulation]\nseed = 99\n");
            const ScenarioSpec e = load_scenario(path);
            CHECK(e.seed == 99);
            CHECK(e.name == "on_embedded");
        }
    }
}

TEST_CASE("overrides (--set) apply after the merge", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("s.toml", minimal);

    SECTION("a number") {
        const ScenarioSpec s = load_scenario(path, {"simulation.days=14", "simulation.seed = 7"});
        CHECK(s.days == 14.0);
        CHECK(s.seed == 7);
        CHECK(s.where("simulation.days").file == "<command line>");
        CHECK(s.where("simulation.days").line == 0);
    }
    SECTION("a quoted string") {
        const ScenarioSpec s = load_scenario(path, {"tiers.city.calendar=\"always\""});
        CHECK(s.tiers[2].calendar == 0);
    }
    SECTION("a bare string") {
        const ScenarioSpec s = load_scenario(path, {"tiers.city.calendar=always"});
        CHECK(s.tiers[2].calendar == 0);
    }
    SECTION("a table value and a new key inside an existing table") {
        const ScenarioSpec s =
            load_scenario(path,
                          {"ticket_types.t.service={dist=\"gamma\", mean_h=2.0, cv=0.5}",
                           "tiers.street.staff.d=3"});
        CHECK(s.ticket_types[0].service.kind == tiersim::model::DistKind::gamma);
        CHECK(s.ticket_types[0].service.cv == 0.5);
        CHECK(s.tiers[0].staff[0] == 3);
        CHECK(s.where("ticket_types.t.service.cv").file == "<command line>");
        CHECK(s.where("ticket_types.t.rate").file == path);
    }
    SECTION("an unknown key is reported at the command line with a suggestion") {
        const auto diags = diagnostics_of(path, {"tiers.city.staf=3"});
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].where.file == "<command line>");
        CHECK(diags[0].where.line == 0);
        CHECK(diags[0].str() ==
              "<command line>: error: unknown key 'tiers.city.staf'; did you mean 'staff'?");
    }
    SECTION("a bad value is reported at the command line") {
        const auto diags = diagnostics_of(path, {"ticket_types.t.close_at_intake=1.5"});
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].str() ==
              "<command line>: error: ticket_types.t.close_at_intake: expected a probability in "
              "[0, 1], got 1.5");
    }
    SECTION("an override without '=' is an error") {
        const auto diags = diagnostics_of(path, {"simulation.days"});
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].where.file == "<command line>");
        CHECK(any_message_contains(diags, "expected KEY=VALUE"));
    }
    SECTION("an inline table merges into the existing table key by key") {
        const std::string seeded =
            dir.write("seeded.toml",
                      minimal +
                          "[simulation]\nseed = 42\n[ticket_types.t.service]\n"
                          "dist = \"gamma\"\nmean_h = 3.0\ncv = 0.5\n");
        const ScenarioSpec s = load_scenario(
            seeded,
            {"simulation={days = 14, warmup_days = 2}", "ticket_types.t={service={cv=0.25}}"});
        CHECK(s.days == 14.0);
        CHECK(s.warmup_days == 2.0);
        CHECK(s.seed == 42);  // kept: the whole table was replaced before
        CHECK(s.ticket_types[0].rate == 2.0);
        CHECK(s.ticket_types[0].service.kind == tiersim::model::DistKind::gamma);
        CHECK(s.ticket_types[0].service.mean_h == 3.0);
        CHECK(s.ticket_types[0].service.cv == 0.25);
        CHECK(s.where("simulation.days").file == "<command line>");
        CHECK(s.where("simulation.seed").file == seeded);
        CHECK(s.where("ticket_types.t.service.cv").file == "<command line>");
        CHECK(s.where("ticket_types.t.service.mean_h").file == seeded);
    }
    SECTION("a control character in an override is an error") {
        const auto diags = diagnostics_of(path, {"simulation.days=1\nseed=5"});
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].str() ==
              "<command line>: error: --set 'simulation.days=1\\nseed=5': contains a control "
              "character ('\\n'); give each key its own --set KEY=VALUE");
    }
    SECTION("an override below a value is an error") {
        const auto diags = diagnostics_of(path, {"simulation.days=3", "ticket_types.t.rate.x=1"});
        REQUIRE(diags.size() == 1);
        CHECK(any_message_contains(diags, "'ticket_types.t.rate' is a value, not a table"));
    }
}

TEST_CASE("every problem is reported at once, each at its value", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("three.toml",
                                       minimal +                       // 9 lines
                                           "[simulation]\n"            // 10
                                           "days = -1\n"               // 11
                                           "[tiers.city]\n"            // 12
                                           "intake_staff = \"two\"\n"  // 13
                                           "[citizens]\n"              // 14
                                           "late_factr = 0.5\n");      // 15
    const auto diags = diagnostics_of(path);
    REQUIRE(diags.size() == 3);
    CHECK(diags[0].where.line == 11);
    CHECK(diags[0].where.column == 8);
    CHECK(diags[0].key == "simulation.days");
    CHECK(diags[0].str() == path +
                                ":11:8: error: simulation.days: expected a number of days > 0 and "
                                "<= 1000000 (about 2,700 years), got -1");
    CHECK(diags[1].where.line == 13);
    CHECK(diags[1].where.column == 16);
    CHECK(diags[1].key == "tiers.city.intake_staff");
    CHECK(diags[1].message ==
          "tiers.city.intake_staff: expected an integer >= 1, got string \"two\"");
    CHECK(diags[2].where.line == 15);
    CHECK(diags[2].key == "citizens.late_factr");
    CHECK(diags[2].message == "unknown key 'citizens.late_factr'; did you mean 'late_factor'?");
}

TEST_CASE("locations point at each key's value", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("loc.toml", minimal);
    const ScenarioSpec s = load_scenario(path);
    CHECK(s.where("ticket_types.t.rate").line == 8);
    CHECK(s.where("ticket_types.t.rate").column == 8);
    CHECK(s.where("tiers.street.staff.d").line == 5);
    CHECK(s.where("tiers.street.staff.d").column == 15);
    CHECK(s.locations.count("ticket_types.t.departments") == 1);
    // A defaulted key points at its table, or at the file.
    CHECK(s.where("ticket_types.t.respond_h").line == 7);
    CHECK(s.where("simulation.days").file == path);
    CHECK(s.where("simulation.days").line == 0);
}

TEST_CASE("schema errors name the key and what was expected", "[io][scenario_loader]") {
    TempDir dir;
    auto diags_for = [&](const std::string& extra) {
        return diagnostics_of(dir.write("case.toml", minimal + extra));
    };
    CHECK(any_message_contains(diags_for("[tiers.district]\nleader_capacity = 0\n"),
                               "tiers.district.leader_capacity: expected an integer >= 1, got 0"));
    CHECK(any_message_contains(diags_for("[tiers.district]\ndesign = \"joint\"\n"),
                               "tiers.district.design: expected a design (\"fragmented\", "
                               "\"joint_review\", or \"approval_bureau\"), got \"joint\""));
    CHECK(any_message_contains(diags_for("[ticket_types.u]\nclose_at_intake = 1.0\n"),
                               "ticket_types.u.rate is required"));
    CHECK(any_message_contains(diags_for("[calendars.always]\n"), "built in"));
    CHECK(any_message_contains(diags_for("[ticket_types.t.service]\ndist = \"gama\"\n"),
                               "did you mean \"gamma\"?"));
    CHECK(any_message_contains(diags_for("[tiers.city]\nstaff = { e = 1 }\n"),
                               "unknown department 'e'"));
    CHECK(any_message_contains(diags_for("[simulation]\nwarmup_days = 30\n"),
                               "expected a number >= 0 and < simulation.days"));
    CHECK(any_message_contains(diags_for("[divisions]\nsource = \"csv\"\ndir = \"missing\"\n"),
                               "does not exist"));
    // The department must be staffed where the ticket is decided and where it escalates.
    const auto staff = diagnostics_of(dir.write("staff.toml", R"(
[departments.d]
[tiers.street]
staff = { d = 1 }
[ticket_types.t]
rate = 1
departments = ["d"]
escalate = { street = 0.1 }
)"));
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].key == "tiers.district.staff");
    CHECK(any_message_contains(staff, "department 'd' has no staff at the district tier"));
    // Closing everything at intake needs no department at all.
    CHECK_NOTHROW(load_scenario(
        dir.write("intake_only.toml", "[ticket_types.t]\nrate = 1\nclose_at_intake = 1.0\n")));
}

TEST_CASE("every lever, citizen and cross-province key is read", "[io][scenario_loader]") {
    using namespace tiersim::model;
    TempDir dir;
    const std::string path = dir.write("levers.toml", R"(
[departments.a]
approval = false
[departments.d]

[tiers.street]
staff = { a = 1, d = 1 }
[tiers.district]
design = "joint_review"
leader_capacity = 2
[tiers.city]
design = "approval_bureau"
leader_capacity = 3

[ticket_types.t]
rate = 2.0
departments = ["d", "a"]
materials = 3
online = true
cross_province = 0.25
cross_mode = "proxy"
priority = 2

[ticket_types.u]
rate = 1.0
channel = "grid"
route = "upward"
reject_probability = 0.15

[strategy]
leader_engagement = 2.5
leader_decision_h = 6
escalate_after_returns = 2
rehandle = 0.4
max_rehandles = 5
leader_priority = 1
deadline_priority_h = 12

[technology]
link_h = 12
data_sharing = 0.6
online_share = 0.7
sharing_speedup = 0.5

[organization]
generalist_windows = false
generalist_slowdown = 1.3
handoff_h = 2
handoff_cost_h = 0.25
bureau_handoff_factor = 0.4
bureau_return_factor = 0.1
join_h = 6
join_cost_h = 0.75

[institution]
return_probability = 0.12
max_returns = 4
return_review_h = 5
return_solve_factor = 0.9
three_lists = true
three_lists_factor = 0.3
standardization = 0.8
accept_incomplete = true

[citizens]
visit_factor = 0.9
return_factor = 0.7
patience_h = 36
repeat_call = 0.6
abandon = 0.3
supply_h = 24
incomplete = 0.35

[cross_province]
mismatch = 0.2
courier_h = 36
link_staff = 4
link_service_h = 0.75
)");
    const ScenarioSpec s = load_scenario(path);
    CHECK(s.departments == std::vector<std::string>{"a", "d"});
    CHECK(s.department_approval == std::vector<bool>{false, true});

    REQUIRE(s.ticket_types.size() == 2);
    const auto& t = s.ticket_types[0];
    CHECK(t.route == Route::dispatch);
    CHECK(t.materials == 3);
    CHECK(t.online);
    CHECK(t.cross_province == 0.25);
    CHECK(t.cross_modes == std::array<double, 4>{0.0, 1.0, 0.0, 0.0});
    CHECK(t.priority == 2);
    const auto& u = s.ticket_types[1];
    CHECK(u.route == Route::upward);
    CHECK(u.reject_probability == 0.15);
    CHECK(u.departments.empty());  // an upward ticket needs no department

    const Levers& l = s.levers;
    CHECK(l.design == std::array<Design, tier_count>{Design::fragmented,
                                                     Design::joint_review,
                                                     Design::approval_bureau,
                                                     Design::fragmented});
    CHECK(l.leader_capacity == std::array<int, tier_count>{1, 2, 3, 1});
    CHECK(l.leader_engagement == 2.5);
    CHECK(l.leader_decision_h == 6.0);
    CHECK(l.escalate_after_returns == 2);
    CHECK(l.rehandle == 0.4);
    CHECK(l.max_rehandles == 5);
    CHECK(l.leader_priority == 1);
    CHECK(l.deadline_priority_h == 12.0);
    CHECK(s.link_h == 12.0);
    CHECK(l.data_sharing == std::array<double, tier_count>{0.6, 0.6, 0.6, 0.6});
    CHECK(l.online_share == 0.7);
    CHECK(l.sharing_speedup == 0.5);
    CHECK_FALSE(l.generalist_windows);
    CHECK(l.generalist_slowdown == 1.3);
    CHECK(l.handoff_h == 2.0);
    CHECK(l.handoff_cost_h == 0.25);
    CHECK(l.bureau_handoff_factor == 0.4);
    CHECK(l.bureau_return_factor == 0.1);
    CHECK(l.join_h == 6.0);
    CHECK(l.join_cost_h == 0.75);
    CHECK(l.return_probability == 0.12);
    CHECK(s.max_returns == 4);
    CHECK(s.return_review_h == 5.0);
    CHECK(l.return_solve_factor == 0.9);
    CHECK(l.three_lists);
    CHECK(l.three_lists_factor == 0.3);
    CHECK(l.standardization == 0.8);
    CHECK(l.accept_incomplete);

    CHECK(s.citizens.visit_factor == 0.9);
    CHECK(s.citizens.return_factor == 0.7);
    CHECK(s.citizens.patience_h == 36.0);
    CHECK(s.citizens.repeat_call == 0.6);
    CHECK(s.citizens.abandon == 0.3);
    CHECK(s.citizens.supply_h == 24.0);
    CHECK(s.citizens.incomplete == 0.35);

    CHECK(s.cross.mismatch == 0.2);
    CHECK(s.cross.courier_h == 36.0);
    CHECK(s.cross.link_staff == 4);
    CHECK(s.cross.link_service_h == 0.75);

    // The resolved text carries every one of them.
    const ScenarioSpec again = load_scenario(dir.write("again/levers.toml", s.resolved_toml));
    require_same_spec(s, again);

    SECTION("patience may be infinite, and --set sets the new keys") {
        const ScenarioSpec o = load_scenario(path,
                                             {"citizens.patience_h=inf",
                                              "tiers.street.design=approval_bureau",
                                              "technology.data_sharing={city = 0.5}",
                                              "ticket_types.t.cross_mode=joint"});
        CHECK(std::isinf(o.citizens.patience_h));
        CHECK(o.levers.design[0] == Design::approval_bureau);
        CHECK(o.levers.data_sharing == std::array<double, tier_count>{0.0, 0.0, 0.5, 0.0});
        CHECK(o.ticket_types[0].cross_modes == std::array<double, 4>{0.0, 0.0, 1.0, 0.0});
        CHECK(o.where("citizens.patience_h").file == "<command line>");
        const ScenarioSpec r = load_scenario(dir.write("again/inf.toml", o.resolved_toml));
        CHECK(std::isinf(r.citizens.patience_h));
    }
}

TEST_CASE("data_sharing is one probability or a table by tier", "[io][scenario_loader]") {
    using tiersim::model::tier_count;
    TempDir dir;
    const std::string path = dir.write("s.toml", minimal);
    CHECK(load_scenario(path, {"technology.data_sharing=0.25"}).levers.data_sharing ==
          std::array<double, tier_count>{0.25, 0.25, 0.25, 0.25});
    CHECK(load_scenario(path, {"technology.data_sharing=1"}).levers.data_sharing ==
          std::array<double, tier_count>{1.0, 1.0, 1.0, 1.0});
    // A tier left out of the table shares nothing.
    CHECK(load_scenario(path, {"technology.data_sharing={street = 0.2, province = 0.9}"})
              .levers.data_sharing == std::array<double, tier_count>{0.2, 0.0, 0.0, 0.9});

    const auto unknown = diagnostics_of(path, {"technology.data_sharing={stret = 0.2}"});
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].message ==
          "unknown key 'technology.data_sharing.stret'; did you mean 'street'?");
    CHECK(any_message_contains(diagnostics_of(path, {"technology.data_sharing={city = 1.5}"}),
                               "technology.data_sharing.city: expected a probability in [0, 1], "
                               "got 1.5"));
    CHECK(any_message_contains(diagnostics_of(path, {"technology.data_sharing=\"all\""}),
                               "technology.data_sharing: expected a probability in [0, 1] or a "
                               "table {street = P, district = P, city = P, province = P}, got "
                               "string \"all\""));
}

TEST_CASE("cross_mode is one mode or a table of shares", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("s.toml", minimal);
    auto modes = [&](const std::string& value) {
        return load_scenario(path, {"ticket_types.t.cross_mode=" + value})
            .ticket_types[0]
            .cross_modes;
    };
    CHECK(modes("\"online\"") == std::array<double, 4>{1.0, 0.0, 0.0, 0.0});
    CHECK(modes("proxy") == std::array<double, 4>{0.0, 1.0, 0.0, 0.0});
    CHECK(modes("joint") == std::array<double, 4>{0.0, 0.0, 1.0, 0.0});
    CHECK(modes("{online = 0.5, proxy = 0.3, joint = 0.2}") ==
          std::array<double, 4>{0.5, 0.3, 0.2, 0.0});
    CHECK(modes("{proxy = 0.25, joint = 0.75}") == std::array<double, 4>{0.0, 0.25, 0.75, 0.0});
    CHECK(modes("{joint = 1}") == std::array<double, 4>{0.0, 0.0, 1.0, 0.0});
    CHECK(modes("trip_home") == std::array<double, 4>{0.0, 0.0, 0.0, 1.0});
    CHECK(modes("{online = 0.5, trip_home = 0.5}") == std::array<double, 4>{0.5, 0.0, 0.0, 0.5});
    // Within the tolerance of 1e-9.
    CHECK(modes("{online = 0.1, proxy = 0.2, joint = 0.7}")[2] == 0.7);

    const auto sum =
        diagnostics_of(path, {"ticket_types.t.cross_mode={online = 0.5, joint = 0.6}"});
    REQUIRE(sum.size() == 1);
    CHECK(sum[0].key == "ticket_types.t.cross_mode");
    CHECK(sum[0].message ==
          "ticket_types.t.cross_mode: expected shares {online, proxy, joint, trip_home} that sum "
          "to 1, got 0.5 + 0.0 + 0.6 + 0.0 = 1.1");
    CHECK(any_message_contains(
        diagnostics_of(path, {"ticket_types.t.cross_mode={online = -0.5}"}),
        "ticket_types.t.cross_mode.online: expected a weight >= 0 and <= 1000000, got -0.5"));
    CHECK(any_message_contains(diagnostics_of(path, {"ticket_types.t.cross_mode={web = 1.0}"}),
                               "unknown key 'ticket_types.t.cross_mode.web'"));
    CHECK(any_message_contains(
        diagnostics_of(path, {"ticket_types.t.cross_mode=\"courier\""}),
        "ticket_types.t.cross_mode: expected a cross-province mode "
        "(\"online\", \"proxy\", \"joint\", or \"trip_home\"), got \"courier\""));
    CHECK(any_message_contains(diagnostics_of(path, {"ticket_types.t.cross_mode=2"}),
                               "ticket_types.t.cross_mode: expected a cross-province mode"));
}

TEST_CASE("a province inherits the top-level levers and overrides what it names",
          "[io][scenario_loader]") {
    using namespace tiersim::model;
    TempDir dir;
    const std::string path = dir.write("provinces.toml", minimal + R"(
[tiers.district]
design = "joint_review"
leader_capacity = 2

[strategy]
leader_engagement = 2.0
rehandle = 0.3

[technology]
data_sharing = 0.5
online_share = 0.4

[organization]
handoff_h = 3.0

[institution]
return_probability = 0.1
max_returns = 5

[provinces.P2.tiers.district]
design = "approval_bureau"
[provinces.P2.tiers.city]
leader_capacity = 4
[provinces.P2.strategy]
rehandle = 0.6
[provinces.P2.technology]
data_sharing = { province = 0.9 }
[provinces.P2.organization]
generalist_windows = false
[provinces.P2.institution]
three_lists = true
return_probability = 0.05

[provinces.32]
)");
    const ScenarioSpec s = load_scenario(path);
    REQUIRE(s.province_levers.size() == 2);
    // Table order is name order.
    CHECK(s.province_levers[0].first == "32");
    CHECK(s.province_levers[1].first == "P2");
    CHECK(s.where("provinces.P2").file == path);
    CHECK(s.where("provinces.32").line == 44);

    // A province that names nothing has exactly the top-level levers.
    require_same_levers(s.province_levers[0].second, s.levers);

    const Levers& top = s.levers;
    const Levers& p2 = s.province_levers[1].second;
    CHECK(top.design[1] == Design::joint_review);
    CHECK(p2.design ==
          std::array<Design, tier_count>{
              Design::fragmented, Design::approval_bureau, Design::fragmented, Design::fragmented});
    CHECK(p2.leader_capacity == std::array<int, tier_count>{1, 2, 4, 1});
    CHECK(p2.leader_engagement == 2.0);  // inherited
    CHECK(p2.rehandle == 0.6);
    CHECK(top.rehandle == 0.3);
    CHECK(p2.data_sharing == std::array<double, tier_count>{0.0, 0.0, 0.0, 0.9});
    CHECK(top.data_sharing == std::array<double, tier_count>{0.5, 0.5, 0.5, 0.5});
    CHECK(p2.online_share == 0.4);  // inherited
    CHECK_FALSE(p2.generalist_windows);
    CHECK(top.generalist_windows);
    CHECK(p2.handoff_h == 3.0);  // inherited
    CHECK(p2.three_lists);
    CHECK_FALSE(top.three_lists);
    CHECK(p2.return_probability == 0.05);
    CHECK(top.return_probability == 0.1);
    CHECK(s.max_returns == 5);

    // The overrides round-trip through the resolved text.
    require_same_spec(s, load_scenario(dir.write("again/provinces.toml", s.resolved_toml)));

    SECTION("a key that is not a lever is an error, with a suggestion where one fits") {
        const auto staff = diagnostics_of(path, {"provinces.P2.tiers.street.intake_staff=3"});
        REQUIRE(staff.size() == 1);
        CHECK(staff[0].message ==
              "unknown key 'provinces.P2.tiers.street.intake_staff' (expected "
              "'staff', 'staff_per_10k', 'design', or 'leader_capacity')");
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.technology.link_h=3"}),
                                   "unknown key 'provinces.P2.technology.link_h'"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.institution.max_returns=1"}),
                                   "unknown key 'provinces.P2.institution.max_returns'"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.citizens.abandon=0.1"}),
                                   "unknown key 'provinces.P2.citizens'"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.tiers.town.design=1"}),
                                   "unknown key 'provinces.P2.tiers.town'"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.strategy.rehandel=0.1"}),
                                   "unknown key 'provinces.P2.strategy.rehandel'; did you mean "
                                   "'rehandle'?"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P2.strategy.rehandle=2"}),
                                   "provinces.P2.strategy.rehandle: expected a probability in "
                                   "[0, 1], got 2"));
        CHECK(any_message_contains(diagnostics_of(path, {"provinces.P3=1"}),
                                   "provinces.P3: expected a table of lever overrides"));
    }
}

TEST_CASE("migration weights are read per pair of provinces", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("migration.toml", minimal + R"(
[cross_province.migration.32]
31 = 3.0
34 = 1

[cross_province.migration.P1]
P2 = 0.5
)");
    const ScenarioSpec s = load_scenario(path);
    REQUIRE(s.cross.migration.size() == 3);
    CHECK(s.cross.migration[0].from == "32");
    CHECK(s.cross.migration[0].to == "31");
    CHECK(s.cross.migration[0].weight == 3.0);
    CHECK(s.cross.migration[1].from == "32");
    CHECK(s.cross.migration[1].to == "34");
    CHECK(s.cross.migration[1].weight == 1.0);
    CHECK(s.cross.migration[2].from == "P1");
    CHECK(s.cross.migration[2].to == "P2");
    CHECK(s.cross.migration[2].weight == 0.5);
    // The model checks the names against the organisation, at these locations.
    CHECK(s.where("cross_province.migration.32.34").line == 13);
    CHECK(s.where("cross_province.migration.32.34").column == 6);
    CHECK(s.where("cross_province.migration.P1").line == 15);

    CHECK(any_message_contains(
        diagnostics_of(path, {"cross_province.migration.32.31=-1"}),
        "cross_province.migration.32.31: expected a weight >= 0 and <= 1000000, got -1"));
    CHECK(any_message_contains(diagnostics_of(path, {"cross_province.migration.33=1"}),
                               "cross_province.migration.33: expected a table of weights"));
}

TEST_CASE("the sharing matrix and the holders of materials are read by department",
          "[io][scenario_loader][three_lists]") {
    TempDir dir;
    const std::string path = dir.write("sharing.toml", R"(
[departments.a]
[departments.b]
[departments.c]

[tiers.street]
staff = { a = 1, b = 1 }

[ticket_types.t]
rate = 2.0
departments = ["a", "b"]
materials = 3

[ticket_types.u]
rate = 1.0
departments = ["b"]
materials = 2
material_holders = ["c", "b", "a"]

[institution]
sharing_willingness = 0.4
negative_list = 0.2
negative_list_lifted = 0.7

[institution.sharing.a]
b = 0.9
c = 0.0

[provinces.P1.institution]
sharing_willingness = 0.6
[provinces.P1.institution.sharing.a]
b = 0.5
)");
    const ScenarioSpec s = load_scenario(path);
    // By default the holders are the type's own departments (cycled by the flow).
    CHECK(s.ticket_types[0].material_holders == std::vector<int>{0, 1});
    CHECK(s.ticket_types[1].material_holders == std::vector<int>{2, 1, 0});
    const auto& l = s.levers;
    CHECK(l.sharing_willingness == 0.4);
    CHECK(l.negative_list == 0.2);
    CHECK(l.negative_list_lifted == 0.7);
    REQUIRE(l.sharing.size() == 2);
    CHECK(l.sharing[0].requester == 0);
    CHECK(l.sharing[0].holder == 1);
    CHECK(l.sharing[0].willingness == 0.9);
    CHECK(l.sharing[1].holder == 2);
    CHECK(l.sharing[1].willingness == 0.0);
    CHECK(s.where("institution.sharing.a.c").line == 27);
    // A province keeps the top-level pairs and lays its own over them.
    REQUIRE(s.province_levers.size() == 1);
    const auto& p1 = s.province_levers[0].second;
    CHECK(p1.sharing_willingness == 0.6);
    CHECK(p1.negative_list == 0.2);
    REQUIRE(p1.sharing.size() == 3);
    CHECK(p1.sharing[2].willingness == 0.5);

    // The dense matrix: row = requester, the pairs over the base, 1 on the diagonal.
    auto top = l;
    tiersim::model::compile_willingness(top, 3);
    REQUIRE(top.willingness.size() == 9);
    CHECK(top.willing(0, 1) == 0.9);
    CHECK(top.willing(0, 2) == 0.0);
    CHECK(top.willing(1, 0) == 0.4);
    CHECK(top.willing(2, 2) == 1.0);
    CHECK(top.willing(-1, 2) == 1.0);  // no requesting department: nothing to share
    auto own = p1;
    tiersim::model::compile_willingness(own, 3);
    CHECK(own.willing(0, 1) == 0.5);  // the province's pair wins
    CHECK(own.willing(0, 2) == 0.0);  // the top level's pair stays
    CHECK(own.willing(2, 1) == 0.6);
    // Everyone sharing needs no matrix.
    tiersim::model::Levers all;
    tiersim::model::compile_willingness(all, 3);
    CHECK(all.willingness.empty());
    CHECK(all.willing(0, 1) == 1.0);

    CHECK(any_message_contains(diagnostics_of(path, {"institution.sharing.a.x=0.5"}),
                               "institution.sharing.a.x: unknown department 'x'"));
    CHECK(any_message_contains(diagnostics_of(path, {"institution.sharing.z.a=0.5"}),
                               "institution.sharing.z: unknown department 'z'"));
    CHECK(
        any_message_contains(diagnostics_of(path, {"institution.sharing.a.b=1.5"}),
                             "institution.sharing.a.b: expected a probability in [0, 1], got 1.5"));
    CHECK(any_message_contains(diagnostics_of(path, {"institution.sharing.b=0.5"}),
                               "institution.sharing.b: expected a table of willingness"));
    CHECK(any_message_contains(diagnostics_of(path, {"institution.negative_list=2"}),
                               "institution.negative_list: expected a probability in [0, 1]"));
    CHECK(any_message_contains(
        diagnostics_of(path, {"provinces.P1.institution.negative_list_lifted=-1"}),
        "provinces.P1.institution.negative_list_lifted: expected a probability in [0, 1]"));
    CHECK(any_message_contains(diagnostics_of(path, {"ticket_types.u.material_holders=[\"q\"]"}),
                               "ticket_types.u.material_holders: unknown department 'q'"));
    CHECK(any_message_contains(diagnostics_of(path, {"ticket_types.u.material_holders=[]"}),
                               "ticket_types.u.material_holders: expected at least one"));
}

TEST_CASE("reform-lever keys are validated", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("s.toml", minimal);
    auto first = [&](const std::vector<std::string>& overrides) {
        const auto diags = diagnostics_of(path, overrides);
        return diags.empty() ? std::string() : diags.front().message;
    };
    CHECK(first({"citizens.repeat_call=0.6", "citizens.abandon=0.5"}) ==
          "citizens.repeat_call + citizens.abandon: expected a sum <= 1 (both are shares of the "
          "chases), got 0.6 + 0.5 = 1.1");
    CHECK(first({"citizens.repeat_call=0.6", "citizens.abandon=0.4"}).empty());
    CHECK(first({"citizens.incomplete=1"}) ==
          "citizens.incomplete: expected a number in [0, 1) (< 1), got 1");
    CHECK(first({"citizens.incomplete=0.99"}).empty());
    CHECK(first({"citizens.patience_h=0"}) ==
          "citizens.patience_h: expected a number > 0 (inf = never), got 0");
    CHECK(first({"citizens.patience_h=-inf"}) ==
          "citizens.patience_h: expected a number > 0 (inf = never), got -inf");
    CHECK(first({"strategy.leader_engagement=0"}) ==
          "strategy.leader_engagement: expected a number > 0 and <= 10, got 0");
    CHECK(first({"strategy.leader_engagement=10"}).empty());
    CHECK(first({"strategy.leader_engagement=10.5"}) ==
          "strategy.leader_engagement: expected a number > 0 and <= 10, got 10.5");
    CHECK(first({"strategy.max_rehandles=101"}) ==
          "strategy.max_rehandles: expected an integer >= 0 and <= 100, got 101");
    CHECK(first({"strategy.escalate_after_returns=-1"}) ==
          "strategy.escalate_after_returns: expected an integer >= 0, got -1");
    CHECK(first({"technology.link_h=inf"}) ==
          "technology.link_h: expected a number of hours > 0 and <= 10000000 (about 1,100 years), "
          "got inf");
    CHECK(first({"organization.generalist_slowdown=0"}) ==
          "organization.generalist_slowdown: expected a number > 0 and <= 100, got 0");
    CHECK(first({"organization.bureau_handoff_factor=1.5"}) ==
          "organization.bureau_handoff_factor: expected a number in [0, 1], got 1.5");
    CHECK(first({"organization.generalist_windows=1"}) ==
          "organization.generalist_windows: expected a boolean (true or false), got integer 1");
    CHECK(first({"ticket_types.t.route=down"}) ==
          "ticket_types.t.route: expected a route (\"dispatch\" or \"upward\"), got \"down\"");
    CHECK(first({"ticket_types.t.materials=101"}) ==
          "ticket_types.t.materials: expected an integer >= 0 and <= 100, got 101");
    CHECK(first({"tiers.city.leader_capacity=0"}) ==
          "tiers.city.leader_capacity: expected an integer >= 1, got 0");
    CHECK(first({"cross_province.link_staff=0"}) ==
          "cross_province.link_staff: expected an integer >= 1, got 0");
    CHECK(first({"cross_province.courier=1"}) ==
          "unknown key 'cross_province.courier'; did you mean 'courier_h'?");
    CHECK(first({"departments.d.approval=\"no\""}) ==
          "departments.d.approval: expected a boolean (true or false), got string \"no\"");

    // Only a dispatched ticket needs a department.
    const std::string upward = dir.write("upward.toml", R"(
[ticket_types.g]
rate = 1
channel = "grid"
route = "upward"
)");
    CHECK_NOTHROW(load_scenario(upward));
    CHECK(any_message_contains(diagnostics_of(upward, {"ticket_types.g.route=dispatch"}),
                               "ticket_types.g.departments: expected at least one department"));
}

TEST_CASE("nesting is bounded before toml++ parses, and strings and comments do not count",
          "[io][scenario_loader]") {
    TempDir dir;
    const auto parts = [](int n) {
        std::string key = "a";
        for (int i = 1; i < n; ++i)
            key += ".a";
        return key;
    };
    SECTION("a header of 32 parts is a key like any other; 33 are too deep") {
        const auto ok = diagnostics_of(dir.write("ok.toml", minimal + "[" + parts(32) + "]\n"));
        REQUIRE(ok.size() == 1);
        CHECK(any_message_contains(ok, "unknown key 'a'"));
        const auto deep = diagnostics_of(dir.write("deep.toml", minimal + "[" + parts(33) + "]\n"));
        REQUIRE(deep.size() == 1);
        CHECK(deep[0].where.line == 10);
        CHECK(deep[0].where.column == 1);
        CHECK(any_message_contains(deep, "nests 33 levels deep"));
    }
    SECTION("dots and brackets in strings, quoted keys and comments are not nesting") {
        const std::string brackets(200, '[');
        const std::string text = "description = \"" + brackets + parts(100) + "\"\n# " + brackets +
                                 parts(100) + "\n" + minimal + "[departments.\"" + parts(50) +
                                 "\"]\nlabel = '''\n" + brackets + "\n" + parts(100) +
                                 "'''\n[departments.e]\nlabel = \"\"\"x\\\"\"\" " + brackets +
                                 " \"\"\"\n[departments.f]\nlabel = \"\"\"a\"\"\"\"\n";
        const auto diags = diagnostics_of(dir.write("strings.toml", text));
        INFO((diags.empty() ? std::string() : diags[0].str()));
        CHECK(diags.empty());
    }
    SECTION("arrays count: a key under [simulation] holds 30 nested arrays, not 31") {
        const auto array = [](std::size_t n) {
            return std::string(n, '[') + "1" + std::string(n, ']');
        };
        CHECK_FALSE(any_message_contains(
            diagnostics_of(
                dir.write("a31.toml", minimal + "[simulation]\nx = " + array(30) + "\n")),
            "levels deep"));
        const auto deep = diagnostics_of(
            dir.write("a32.toml", minimal + "[simulation]\nx = " + array(31) + "\n"));
        REQUIRE(deep.size() == 1);
        CHECK(any_message_contains(deep, "this array ([1]]"));
        CHECK(any_message_contains(deep, "nests 33 levels deep"));
    }
    SECTION("a --set counts its key's parts and its value's nesting") {
        const std::string path = dir.write("s.toml", minimal);
        CHECK(
            any_message_contains(diagnostics_of(path, {parts(33) + "=1"}), "the key has 33 parts"));
        CHECK(any_message_contains(diagnostics_of(path, {"simulation.x={" + parts(31) + "=1}"}),
                                   "nests 33 levels deep"));
        CHECK(any_message_contains(diagnostics_of(path, {"simulation.x={" + parts(30) + "=1}"}),
                                   "unknown key 'simulation.x'"));
    }
}

TEST_CASE("a syntax error carries toml++'s position", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("syntax.toml", "[simulation]\ndays = [1,\n");
    const auto diags = diagnostics_of(path);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].where.file == path);
    CHECK(diags[0].where.line >= 2);
    CHECK(diags[0].where.column > 0);
}

TEST_CASE("the resolved text reproduces the scenario", "[io][scenario_loader]") {
    TempDir dir;
    // A warm-up shorter than the run: the default (7 days) is refused for a run of 0.1 days.
    dir.write("base.toml",
              minimal + "[simulation]\ndays = 0.1\nwarmup_days = 0\nbucket_hours = 1.7\n");
    const std::string path = dir.write("child.toml", R"(
base = "base.toml"
[calendars.short]
weekdays = ["tue", "thu"]
hours = [[8.25, 11.0]]
[divisions]
population_per_street = 12345.6
[ticket_types.t]
daily_profile = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 1, 1, 1, 0.5, 0.3, 0.3]
intake = { dist = "lognormal", mean_h = 0.15, cv = 0.7 }
)");
    const ScenarioSpec original = load_scenario(path, {"citizens.late_factor=0.7"});
    const std::string copy = dir.write("elsewhere/resolved.toml", original.resolved_toml);
    const ScenarioSpec again = load_scenario(copy);
    require_same_spec(original, again);
    CHECK(again.resolved_toml == original.resolved_toml);

    for (const auto& e : tiersim::io::embedded_scenarios()) {
        INFO("embedded scenario " << e.name);
        const ScenarioSpec s = load_scenario(std::string(e.name));
        const ScenarioSpec t = load_scenario(
            dir.write("embedded_copy/" + std::string(e.name) + ".toml", s.resolved_toml));
        require_same_spec(s, t);
    }
}

TEST_CASE("embedded scenarios are found by name", "[io][scenario_loader]") {
    const auto& embedded = tiersim::io::embedded_scenarios();
    for (const auto& e : embedded) {
        const ScenarioSpec s = load_scenario(std::string(e.name));
        CHECK(s.name == e.name);
        CHECK(s.where("").file == "<embedded>/" + std::string(e.name) + ".toml");
    }
    const bool has_default = std::any_of(
        embedded.begin(), embedded.end(), [](const auto& e) { return e.name == "default"; });
    if (has_default)
        CHECK(load_scenario("").name == "default");

    const auto diags = diagnostics_of("no/such/scenario");
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].str() ==
          "<command line>: error: no scenario file or embedded scenario named "
          "'no/such/scenario'");
}

TEST_CASE("provinces and units may set their own staff", "[io][scenario_loader]") {
    TempDir dir;
    const std::string path = dir.write("s.toml",
                                       "[departments.d]\n"
                                       "[departments.e]\n"
                                       "[tiers.street]\n"
                                       "staff = { d = 2, e = 2 }\n"
                                       "[ticket_types.t]\nrate = 2.0\ndepartments = [\"d\"]\n"
                                       "[provinces.P1.tiers.street]\n"
                                       "staff = { d = 5 }\n"
                                       "staff_per_10k = { e = 1.5 }\n"
                                       "[units.\"320102\".staff_per_10k]\n"
                                       "d = 0.7\n");
    const auto s = load_scenario(path);
    REQUIRE(s.staff_overrides.size() == 3);
    const auto& count = s.staff_overrides[0];
    CHECK(count.scope == "P1");
    CHECK_FALSE(count.unit);
    CHECK(count.tier == 0);
    CHECK(count.department == 0);
    CHECK(count.count == 5);
    CHECK(s.staff_overrides[1].department == 1);
    CHECK(s.staff_overrides[1].count == -1);
    CHECK(s.staff_overrides[1].per_10k == 1.5);
    CHECK(s.staff_overrides[2].scope == "320102");
    CHECK(s.staff_overrides[2].unit);
    CHECK(s.staff_overrides[2].per_10k == 0.7);
    CHECK(s.tiers[0].staff[0] == 2);  // the tier's own stay
    require_same_spec(s, load_scenario(dir.write("again.toml", s.resolved_toml)));
    SECTION("a --set count replaces a file's density for the same unit") {
        const auto o = load_scenario(path, {"units.320102.staff.d=9"});
        REQUIRE(o.staff_overrides.size() == 3);
        CHECK(o.staff_overrides[2].count == 9);
    }
    SECTION("both forms for one department in one layer are an error") {
        CHECK(any_message_contains(
            diagnostics_of(path,
                           {"provinces.P1.tiers.street.staff_per_10k.d=1",
                            "provinces.P1.tiers.street.staff.d=3"}),
            "provinces.P1.tiers.street.staff_per_10k.d: department 'd' is staffed twice"));
    }
    SECTION("an override cannot close a queue") {
        CHECK(any_message_contains(diagnostics_of(path, {"units.320102.staff.d=0"}),
                                   "units.320102.staff.d: expected an integer >= 1"));
    }
}

TEST_CASE("a later layer's staff form replaces its base's", "[io][scenario_loader]") {
    TempDir dir;
    dir.write("base.toml",
              "[departments.d]\n"
              "[tiers.street]\n"
              "intake_staff_per_10k = 2.0\n"
              "staff_per_10k = { d = 1.5 }\n"
              "[channels.hotline]\n"
              "staff_per_10k = 0.3\n"
              "[ticket_types.t]\nrate = 2.0\ndepartments = [\"d\"]\n");
    const std::string counts = dir.write("counts.toml",
                                         "base = \"base.toml\"\n"
                                         "[tiers.street]\n"
                                         "intake_staff = 7\n"
                                         "staff = { d = 9 }\n"
                                         "[channels.hotline]\n"
                                         "staff = 11\n");
    SECTION("an overlay's counts replace the base's densities") {
        const auto s = load_scenario(counts);
        const auto& street = s.tiers[0];
        CHECK(street.intake_staff == 7);
        CHECK(street.intake_staff_per_10k == 0.0);
        CHECK(street.staff[0] == 9);
        CHECK(street.staff_per_10k[0] == 0.0);
        CHECK(s.channels[static_cast<std::size_t>(tiersim::model::Channel::hotline)].staff == 11);
        CHECK(
            s.channels[static_cast<std::size_t>(tiersim::model::Channel::hotline)].staff_per_10k ==
            0.0);
    }
    SECTION("a --set density replaces the overlay's counts") {
        const auto s = load_scenario(
            counts, {"tiers.street.staff_per_10k.d=4", "channels.hotline.staff_per_10k=0.5"});
        CHECK(s.tiers[0].staff_per_10k[0] == 4.0);
        CHECK(
            s.channels[static_cast<std::size_t>(tiersim::model::Channel::hotline)].staff_per_10k ==
            0.5);
        CHECK(s.tiers[0].intake_staff_per_10k == 0.0);  // untouched: the overlay's count stays
    }
    SECTION("a --set count replaces the base's density") {
        const auto s =
            load_scenario((dir.path() / "base.toml").string(), {"tiers.street.staff.d=3"});
        CHECK(s.tiers[0].staff[0] == 3);
        CHECK(s.tiers[0].staff_per_10k[0] == 0.0);
        CHECK(s.tiers[0].intake_staff_per_10k == 2.0);
    }
    SECTION("both forms in one layer are an error") {
        CHECK(any_message_contains(
            diagnostics_of(counts,
                           {"channels.hotline.staff_per_10k=0.5", "channels.hotline.staff=4"}),
            "channels.hotline.staff_per_10k: the intake's staff is set twice"));
    }
}

TEST_CASE("a reform timeline becomes one state per step", "[io][scenario_loader][timeline]") {
    TempDir dir;
    const std::string base = dir.write("base.toml",
                                       "[simulation]\ndays = 100\n"
                                       "[departments.d]\n"
                                       "[tiers.street]\nstaff = { d = 2 }\n"
                                       "[ticket_types.t]\nrate = 2.0\ndepartments = [\"d\"]\n"
                                       "[[timeline]]\nday = 1\nset.strategy.rehandle = 0.5\n");
    const std::string path = dir.write("s.toml",
                                       "base = \"base.toml\"\n"
                                       "[[timeline]]\n"
                                       "day = 30\n"
                                       "label = \"bureau\"\n"
                                       "set.tiers.street.design = \"approval_bureau\"\n"
                                       "[[timeline]]\n"
                                       "day = 10\n"
                                       "label = \"staff\"\n"
                                       "ramp_days = 20\n"
                                       "step_days = 10\n"
                                       "set.tiers.street.staff.d = 5\n"
                                       "set.provinces.P1.technology.online_share = 0.4\n"
                                       "[[timeline]]\n"
                                       "day = 100\n"
                                       "set.strategy.rehandle = 1.0\n");
    const auto s = load_scenario(path);
    // The child's timeline replaces its base's; the steps come in day order, the ramp's in
    // steps of 10 days, and an entry on the last day never applies.
    REQUIRE(s.timeline.size() == 2);
    CHECK(s.timeline[0].day == 20);
    CHECK(s.timeline[0].label == "staff (1/2)");
    REQUIRE(s.timeline[0].changes.size() == 2);
    CHECK(s.timeline[0].changes[0].key == "provinces.P1.technology.online_share");
    CHECK(s.timeline[0].changes[0].value == "0.2");  // from the default, 0
    CHECK(s.timeline[0].changes[1].key == "tiers.street.staff.d");
    CHECK(s.timeline[0].changes[1].value == "4");  // 2 + 3 × 10/20, rounded
    CHECK(s.timeline[1].day == 30);
    CHECK(s.timeline[1].label == "bureau; staff (2/2)");  // file order within a day
    REQUIRE(s.timeline[1].changes.size() == 3);
    // Each step's state has every change up to it; the scenario itself is unchanged.
    CHECK(s.tiers[0].staff[0] == 2);
    CHECK(s.timeline[0].state->tiers[0].staff[0] == 4);
    REQUIRE(s.timeline[0].state->province_levers.size() == 1);
    CHECK(s.timeline[0].state->province_levers[0].second.online_share == 0.2);
    CHECK(s.timeline[0].state->levers.design[0] == tiersim::model::Design::fragmented);
    CHECK(s.timeline[1].state->tiers[0].staff[0] == 5);
    CHECK(s.timeline[1].state->levers.design[0] == tiersim::model::Design::approval_bureau);
    CHECK(s.timeline[1].state->timeline.empty());
    // The resolved text holds the timeline, so it reproduces the run.
    const auto again = load_scenario(dir.write("again.toml", s.resolved_toml));
    REQUIRE(again.timeline.size() == 2);
    CHECK(again.timeline[1].state->tiers[0].staff[0] == 5);
}
