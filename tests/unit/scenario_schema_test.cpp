// SPDX-License-Identifier: MIT
// The scenario schema table: its lookups, that the embedded scenarios use only its keys, and
// that its defaults are the values a scenario gets when it leaves a key out.
#include "tiersim/io/scenario_schema.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/embedded_scenarios.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace schema = tiersim::io::schema;
using tiersim::io::load_scenario;
using tiersim::model::ScenarioSpec;
using tiersim::test::TempDir;

/// One department, one ticket type (as in scenario_loader_test.cpp).
const std::string minimal = R"(
[departments.d]

[tiers.street]
staff = { d = 1 }

[ticket_types.t]
rate = 2.0
departments = ["d"]
)";

std::vector<std::string> names(const std::optional<std::vector<std::string_view>>& keys) {
    REQUIRE(keys.has_value());
    return {keys->begin(), keys->end()};
}

// ---- a ScenarioSpec as text, every value exactly (hexfloat), to compare two of them ----

class Describe {
public:
    Describe() { os_ << std::hexfloat; }

    template <typename T>
    Describe& operator()(const char* name, const T& v) {
        os_ << name << '=';
        put(v);
        os_ << '\n';
        return *this;
    }

    [[nodiscard]] std::string str() const { return os_.str(); }

private:
    std::ostringstream os_;

    template <typename T>
    void put(const T& v) {
        if constexpr (std::is_enum_v<T>) {
            os_ << static_cast<int>(v);
        } else if constexpr (std::is_same_v<T, std::string> || std::is_arithmetic_v<T>) {
            os_ << v;
        } else {
            os_ << '[';
            for (const auto& e : v) {
                put(typename T::value_type(e));  // vector<bool> holds proxies
                os_ << ',';
            }
            os_ << ']';
        }
    }
};

std::string describe(const tiersim::model::DistSpec& d) {
    return Describe()("kind", d.kind)("mean_h", d.mean_h)("cv", d.cv).str();
}

std::string describe(const tiersim::model::DivisionsSpec& d) {
    return Describe()("source", d.source)("provinces", d.provinces)(
               "cities", d.cities_per_province)("districts", d.districts_per_city)(
               "streets", d.streets_per_district)("population", d.population_per_street)("include",
                                                                                         d.include)
        .str();
}

std::string describe(const tiersim::model::CitizensSpec& c) {
    return Describe()("satisfied_if_solved", c.satisfied_if_solved)(
               "satisfied_if_unsolved", c.satisfied_if_unsolved)("late_factor", c.late_factor)(
               "visit_factor", c.visit_factor)("return_factor", c.return_factor)(
               "patience_h", c.patience_h)("repeat_call", c.repeat_call)("abandon", c.abandon)(
               "supply_h", c.supply_h)("supply_online_h", c.supply_online_h)("incomplete",
                                                                             c.incomplete)
        .str();
}

std::string describe(const tiersim::model::Levers& l) {
    return Describe()("design", l.design)("leader_capacity", l.leader_capacity)(
               "leader_engagement", l.leader_engagement)("leader_decision_h", l.leader_decision_h)(
               "escalate_after_returns", l.escalate_after_returns)("rehandle", l.rehandle)(
               "max_rehandles", l.max_rehandles)("data_sharing", l.data_sharing)(
               "online_share", l.online_share)("sharing_speedup", l.sharing_speedup)(
               "generalist_windows", l.generalist_windows)(
               "generalist_slowdown", l.generalist_slowdown)("handoff_h", l.handoff_h)(
               "handoff_cost_h", l.handoff_cost_h)("bureau_handoff_factor",
                                                   l.bureau_handoff_factor)(
               "bureau_return_factor", l.bureau_return_factor)("join_h", l.join_h)(
               "join_cost_h", l.join_cost_h)("return_probability", l.return_probability)(
               "return_solve_factor", l.return_solve_factor)("three_lists", l.three_lists)(
               "three_lists_factor", l.three_lists_factor)("standardization", l.standardization)(
               "accept_incomplete", l.accept_incomplete)(
               "sharing_willingness", l.sharing_willingness)("negative_list", l.negative_list)(
               "negative_list_lifted", l.negative_list_lifted)
        .str();
}

std::string describe(const tiersim::model::CrossProvinceSpec& x) {
    Describe d;
    d("mismatch", x.mismatch)("courier_h", x.courier_h)("link_staff", x.link_staff)(
        "link_service_h", x.link_service_h);
    for (const auto& m : x.migration)
        d("migration", m.from + ">" + m.to)("weight", m.weight);
    return d.str();
}

std::string describe(const tiersim::model::GridSpec& g) {
    return Describe()("review_median_wd", g.review_median_wd)("review_p90_wd", g.review_p90_wd)(
               "city_batch_h", g.city_batch_h)("city_batch_hour", g.city_batch_hour)(
               "province_sync_days", g.province_sync_days)(
               "province_sync_hour", g.province_sync_hour)("stale_after_days", g.stale_after_days)
        .str();
}

/// The scalar keys of a ticket type (its profiles, distributions and departments aside).
std::string describe_scalars(const tiersim::model::TicketTypeSpec& t) {
    return Describe()("channel", t.channel)("close_at_intake", t.close_at_intake)(
               "authority", t.authority)("respond_h", t.respond_h)("resolve_wd", t.resolve_wd)(
               "solve_probability", t.solve_probability)("route", t.route)(
               "reject_probability", t.reject_probability)("materials", t.materials)(
               "online", t.online)("cross_province", t.cross_province)("cross_modes", t.cross_modes)
        .str();
}

/// Everything the model reads from a spec (not its name, text or locations).
std::string describe(const ScenarioSpec& s) {
    Describe d;
    d("days", s.days)("warmup_days", s.warmup_days)("seed", s.seed)("bucket_hours", s.bucket_hours)(
        "divisions", describe(s.divisions))("dir", s.divisions.dir);
    for (const auto& c : s.calendars) {
        d("calendar", c.name)("always", c.always)("weekdays", c.weekdays);
        for (const auto& h : c.hours)
            d("hours", h);
    }
    d("departments", s.departments)("department_calendar", s.department_calendar)(
        "department_approval", s.department_approval);
    for (const auto& t : s.tiers) {
        d("tier.calendar", t.calendar)("intake_staff", t.intake_staff)("staff", t.staff)(
            "transfer_h", t.transfer_h)("scale_staff", t.scale_staff);
    }
    for (const auto& c : s.channels)
        d("channel.tier", c.tier)("calendar", c.calendar)("staff", c.staff)("patience_min",
                                                                            c.patience_min);
    for (const auto& t : s.ticket_types) {
        d("ticket_type", t.name)("scalars", describe_scalars(t))("rate", t.rate)(
            "daily_profile", t.daily_profile)("weekly_profile", t.weekly_profile)(
            "intake", describe(t.intake))("escalate", t.escalate)("departments", t.departments)(
            "material_holders", t.material_holders)("service", describe(t.service))(
            "followup", describe(t.followup));
    }
    d("link_h", s.link_h)("max_returns", s.max_returns)("return_review_h", s.return_review_h)(
        "citizens", describe(s.citizens))("cross", describe(s.cross))("grid", describe(s.grid))(
        "levers", describe(s.levers));
    for (const auto& [name, levers] : s.province_levers)
        d("province", name)("levers", describe(levers));
    return d.str();
}

/// The concrete paths of a schema path in the minimal scenario: NAME, TIER, CHANNEL, DIST
/// and DEPT replaced by names it has (or may have).
std::vector<std::string> instances(std::string_view path) {
    std::vector<std::string> out{""};
    std::string_view previous;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto dot = path.find('.', start);
        const std::string_view segment = path.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        std::vector<std::string> values;
        if (segment == "NAME") {
            if (previous == "ticket_types")
                values = {"t"};
            else if (previous == "departments")
                values = {"d"};
            else if (previous == "calendars")
                values = {"office"};
        } else if (segment == "TIER") {
            values = {"street", "district", "city", "province"};
        } else if (segment == "CHANNEL") {
            values = {"window", "hotline", "online", "grid"};
        } else if (segment == "DIST") {
            values = {"intake", "service"};  // followup has no default mean
        } else if (segment == "DEPT") {
            values = {"d"};
        } else {
            values = {std::string(segment)};
        }
        std::vector<std::string> next;
        for (const auto& prefix : out) {
            for (const auto& v : values)
                next.push_back(prefix.empty() ? v : prefix + "." + v);
        }
        out = std::move(next);
        previous = segment;
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("every key of the schema is well formed", "[io][schema]") {
    std::set<std::string_view> paths;
    for (const auto& key : schema::keys()) {
        INFO(key.path);
        CHECK(paths.insert(key.path).second);  // defined once
        CHECK_FALSE(key.doc.empty());
        CHECK(key.doc.find('|') == std::string_view::npos);  // a Markdown table cell
        CHECK(schema::find(key.path) == &key);
        if (key.type == schema::Type::number || key.type == schema::Type::number_or_table)
            CHECK(key.range != nullptr);
        if (key.type == schema::Type::choice || key.type == schema::Type::choice_or_table)
            CHECK(key.choices != nullptr);
        if (key.type == schema::Type::integer)
            CHECK(key.min <= key.max);
        if (key.default_kind == schema::Default::value ||
            key.default_kind == schema::Default::per_instance) {
            CHECK_FALSE(key.default_value.empty());
        }
        if (key.default_kind == schema::Default::derived)
            CHECK_FALSE(key.default_doc.empty());
        // A lever of one province is one that a reform can change.
        if (key.has(schema::per_province))
            CHECK(key.has(schema::changeable));
        // The structure of a scenario is fixed for a run; of a ticket type only its demand (a
        // surge on the timeline, issue 12) and how well it is solved (units that learn) may.
        const auto section = schema::section_of(key);
        if ((section == "simulation" || section == "divisions" || section == "calendars" ||
             section == "departments" || section == "ticket_types" || section == "distribution") &&
            key.path != "ticket_types.NAME.rate" &&
            key.path != "ticket_types.NAME.solve_probability") {
            CHECK_FALSE(key.has(schema::changeable));
        }
    }
}

TEST_CASE("the schema's tables list their keys in the reference's order", "[io][schema]") {
    CHECK(names(schema::known_keys("")) ==
          std::vector<std::string>{"base",         "description", "simulation",     "divisions",
                                   "calendars",    "departments", "tiers",          "channels",
                                   "ticket_types", "strategy",    "technology",     "organization",
                                   "institution",  "citizens",    "cross_province", "grid",
                                   "units",        "costs",       "adaptation",     "timeline",
                                   "provinces"});
    CHECK(names(schema::known_keys("tiers")) ==
          std::vector<std::string>{"street", "district", "city", "province"});
    CHECK(names(schema::known_keys("tiers.city")) ==
          std::vector<std::string>{"calendar",
                                   "intake_staff",
                                   "intake_staff_per_10k",
                                   "staff",
                                   "staff_per_10k",
                                   "transfer_h",
                                   "staff_hour_yuan",
                                   "design",
                                   "scale_staff",
                                   "leader_capacity"});
    CHECK(names(schema::known_keys("ticket_types.h1.service")) ==
          std::vector<std::string>{"dist", "mean_h", "cv"});
    CHECK(names(schema::known_keys("ticket_types.h1.escalate")) ==
          std::vector<std::string>{"street", "district", "city"});
    CHECK(names(schema::known_keys("ticket_types.h1")).size() == 26);
    // Names the scenario chooses.
    CHECK_FALSE(schema::known_keys("ticket_types").has_value());
    CHECK_FALSE(schema::known_keys("tiers.city.staff").has_value());
    CHECK_FALSE(schema::known_keys("tiers.city.staff_per_10k").has_value());
    CHECK_FALSE(schema::known_keys("cross_province.migration").has_value());
}

TEST_CASE("a province holds only the levers", "[io][schema]") {
    CHECK(
        names(schema::known_keys("provinces.P2")) ==
        std::vector<std::string>{"tiers", "strategy", "technology", "organization", "institution"});
    CHECK(names(schema::known_keys("provinces.P2.tiers.city")) ==
          std::vector<std::string>{"staff", "staff_per_10k", "design", "leader_capacity"});
    CHECK(names(schema::known_keys("provinces.32.technology")) ==
          std::vector<std::string>{
              "data_sharing", "online_share", "result_delivery", "sharing_speedup"});
    CHECK(names(schema::known_keys("provinces.P2.technology.data_sharing")).size() == 4);
    CHECK(names(schema::known_keys("provinces.P2.institution")) ==
          std::vector<std::string>{"return_probability",
                                   "return_solve_factor",
                                   "three_lists",
                                   "three_lists_factor",
                                   "standardization",
                                   "accept_incomplete",
                                   "sharing_willingness",
                                   "sharing",
                                   "negative_list",
                                   "negative_list_lifted"});
    // The sharing matrix names departments, a province's too.
    CHECK_FALSE(schema::known_keys("provinces.P2.institution.sharing").has_value());
    CHECK(schema::find("provinces.P2.institution.sharing.a.b") ==
          schema::find("institution.sharing.a.b"));
    CHECK(schema::find("institution.sharing.a.b") != nullptr);

    const auto* rehandle = schema::find("provinces.P2.strategy.rehandle");
    REQUIRE(rehandle != nullptr);
    CHECK(rehandle == schema::find("strategy.rehandle"));
    // The priority levers are per province too; a ticket type's priority is not a lever.
    CHECK(schema::find("provinces.P2.strategy.leader_priority") ==
          schema::find("strategy.leader_priority"));
    CHECK(schema::find("provinces.P2.strategy.deadline_priority_h") ==
          schema::find("strategy.deadline_priority_h"));
    CHECK(schema::find("provinces.P2.ticket_types.t.priority") == nullptr);
    CHECK(schema::find("provinces.P2.technology.link_h") == nullptr);
    CHECK(schema::find("provinces.P2.citizens.abandon") == nullptr);
    CHECK(schema::find("provinces.P2.tiers.city.intake_staff") == nullptr);
    // A province's key defaults to the top-level value, not to the schema's.
    CHECK(schema::default_of("strategy.rehandle") == "0");
    CHECK_FALSE(schema::default_of("provinces.P2.strategy.rehandle").has_value());
}

TEST_CASE("concrete paths find their keys and defaults", "[io][schema]") {
    CHECK(schema::find("simulation.days") != nullptr);
    CHECK(schema::find("simulation.day") == nullptr);
    CHECK(schema::find("tiers.town.calendar") == nullptr);
    CHECK(schema::find("tiers.city.staff.housing")->path == "tiers.TIER.staff.DEPT");
    CHECK(schema::find("ticket_types.h1.intake")->path == "ticket_types.NAME.intake");
    CHECK(schema::find("ticket_types.h1.intake.cv")->path == "ticket_types.NAME.DIST.cv");
    CHECK(schema::find("simulation.days.x") == nullptr);
    // A name may hold dots (a quoted TOML key), so a path below a plain key may still name a
    // table of chosen names: here a ticket type "h1.rate.x".
    CHECK(schema::find("ticket_types.h1.rate.x")->path == "ticket_types.NAME");
    CHECK(schema::find("ticket_types.a.b.rate")->path == "ticket_types.NAME.rate");
    CHECK(schema::find("cross_province.migration.32.31")->path ==
          "cross_province.migration.FROM.TO");

    CHECK(schema::default_of("tiers.district.transfer_h") == "2");
    CHECK(schema::default_of("channels.hotline.tier") == "\"city\"");
    CHECK(schema::default_of("ticket_types.h1.service.mean_h") == "8.0");
    CHECK_FALSE(schema::default_of("ticket_types.h1.followup.mean_h").has_value());
    CHECK_FALSE(schema::default_of("ticket_types.h1.rate").has_value());  // required
    CHECK(schema::find("ticket_types.h1.rate")->default_kind == schema::Default::required);
}

TEST_CASE("every key the embedded scenarios set is in the schema", "[io][schema]") {
    for (const auto& e : tiersim::io::embedded_scenarios()) {
        const ScenarioSpec spec = load_scenario(std::string(e.name));
        for (const auto& [key, where] : spec.locations) {
            if (key.empty())
                continue;
            INFO(e.name << ": " << key);
            CHECK(schema::find(key) != nullptr);
        }
    }
}

TEST_CASE("the schema's defaults are the struct defaults of ScenarioSpec", "[io][schema]") {
    using namespace tiersim::model;
    const TempDir dir;
    const ScenarioSpec s = load_scenario(dir.write("minimal.toml", minimal).string());
    const ScenarioSpec plain;
    CHECK(s.days == plain.days);
    CHECK(s.warmup_days == plain.warmup_days);
    CHECK(s.seed == plain.seed);
    CHECK(s.bucket_hours == plain.bucket_hours);
    CHECK(describe(s.divisions) == describe(DivisionsSpec{}));
    CHECK(s.link_h == plain.link_h);
    CHECK(s.max_returns == plain.max_returns);
    CHECK(s.return_review_h == plain.return_review_h);
    CHECK(describe(s.citizens) == describe(CitizensSpec{}));
    CHECK(describe(s.cross) == describe(CrossProvinceSpec{}));
    CHECK(describe(s.grid) == describe(GridSpec{}));
    CHECK(describe(s.levers) == describe(Levers{}));
    REQUIRE(s.ticket_types.size() == 1);
    CHECK(describe_scalars(s.ticket_types[0]) == describe_scalars(TicketTypeSpec{}));
    CHECK(describe(s.ticket_types[0].followup) == describe(TicketTypeSpec{}.followup));
}

TEST_CASE("setting a key to the schema's default changes nothing", "[io][schema]") {
    const TempDir dir;
    const std::string file = dir.write("minimal.toml", minimal).string();
    // A divisions.dir from --set starts from the working directory: make that the file's.
    const fs::path cwd = fs::current_path();
    fs::current_path(dir.path());
    const ScenarioSpec base = load_scenario(file);
    const std::string expected = describe(base);
    int checked = 0;
    for (const auto& key : schema::keys()) {
        if (key.default_kind != schema::Default::value &&
            key.default_kind != schema::Default::per_instance) {
            continue;
        }
        // A mode's share alone is not a valid split (the shares must sum to 1).
        if (key.path.starts_with("ticket_types.NAME.cross_mode."))
            continue;
        // A timeline entry's key belongs to an entry of the array, not to a table of its own.
        if (key.path.starts_with("timeline."))
            continue;
        for (const auto& path : instances(key.path)) {
            if (base.locations.count(path) != 0)
                continue;  // the scenario sets it
            const auto value = schema::default_of(path);
            INFO(path);
            REQUIRE(value.has_value());
            std::string got;
            try {
                got = describe(load_scenario(file, {path + "=" + *value}));
            } catch (const tiersim::ScenarioError& e) {
                FAIL(e.diagnostics().front().str());
            }
            CHECK(got == expected);
            ++checked;
        }
    }
    fs::current_path(cwd);
    CHECK(checked > 100);
}

TEST_CASE("a name with dots loads like any other", "[io][schema]") {
    const TempDir dir;
    const auto spec = load_scenario(dir.write("dots.toml", R"(
[departments."x.y"]

[tiers.street.staff]
"x.y" = 2

[ticket_types."a.b"]
rate = 1.0
departments = ["x.y"]
service = { dist = "gamma", mean_h = 2.0, cv = 0.5 }
)")
                                        .string());
    REQUIRE(spec.ticket_types.size() == 1);
    CHECK(spec.ticket_types[0].name == "a.b");
    CHECK(spec.ticket_types[0].service.cv == 0.5);
    CHECK(spec.tiers[0].staff == std::vector<int>{2});
}
