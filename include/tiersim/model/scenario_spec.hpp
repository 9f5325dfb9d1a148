// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

/// The scenario as plain data: what the TOML loader produces and the model builds from.
/// Every key is documented in scenarios/README.md; times are hours unless named `_wd`
/// (working days) or `_days`.
namespace tiersim::model {

/// The four tiers, lowest first; the numeric values are the `tier` column of /units.
enum class Tier : std::uint8_t { street = 0, district = 1, city = 2, province = 3 };
inline constexpr int tier_count = 4;
inline constexpr std::array<const char*, tier_count> tier_names = {
    "street", "district", "city", "province"};

/// How a ticket reaches government (DESIGN §2.3).
enum class Channel : std::uint8_t { window = 0, hotline = 1, online = 2, grid = 3 };
inline constexpr int channel_count = 4;
inline constexpr std::array<const char*, channel_count> channel_names = {
    "window", "hotline", "online", "grid"};

/// Organisational design of the department steps at a tier (DESIGN §2.4).
enum class Design : std::uint8_t { fragmented = 0, joint_review = 1, approval_bureau = 2 };

/// How a ticket type travels: dispatched down to the unit with authority (complaints, approval
/// items), or passed upward through every tier above its intake (grid data updates: 网格员 →
/// 区级审核 → 市级更新 → 省级应用).
enum class Route : std::uint8_t { dispatch = 0, upward = 1 };

/// How a ticket type's department steps are organised: as the design of the tier that handles
/// it says, or all at once whatever the design (吹哨报到: the lead summons every department on
/// site, they work in parallel on call and the lead joins their results).
enum class Handling : std::uint8_t { design = 0, parallel = 1 };

/// Cross-province modes (跨省通办, DESIGN §2.4); the numeric values are the `cross_mode` column
/// of /tickets (0 = not a cross-province ticket). `trip_home` is the baseline without 跨省通办:
/// the applicant travels back to the home province and applies there in person.
enum class CrossMode : std::uint8_t { none = 0, online = 1, proxy = 2, joint = 3, trip_home = 4 };
inline constexpr int cross_mode_count = 5;
inline constexpr std::array<const char*, cross_mode_count> cross_mode_names = {
    "none", "online", "proxy", "joint", "trip_home"};

/// Whether a ticket of this mode is handled across the link between provinces (online, proxy
/// or joint); a trip home is a local ticket of the home province once the applicant is there.
[[nodiscard]] constexpr bool via_link(CrossMode mode) {
    return mode == CrossMode::online || mode == CrossMode::proxy || mode == CrossMode::joint;
}

/// Service-time families, each set by its mean and coefficient of variation.
enum class DistKind : std::uint8_t { exponential, deterministic, lognormal, gamma, uniform };

struct DistSpec {
    DistKind kind = DistKind::exponential;
    double mean_h = 1.0;
    double cv = 1.0;  ///< ignored by exponential (1) and deterministic (0)
};

/// A weekly pattern of opening hours. `always` is open around the clock.
struct CalendarSpec {
    std::string name;
    bool always = false;
    std::array<bool, 7> weekdays{};            ///< index 0 = Monday
    std::vector<std::array<double, 2>> hours;  ///< [open, close) in hours after midnight, sorted
};

/// One province's or one unit's own staff for a department queue, in place of the tier's:
/// [provinces.NAME.tiers.TIER.staff] (or staff_per_10k) for every unit of that tier in the
/// province, [units.CODE.staff] for one unit; a unit's beats its province's.
struct StaffOverride {
    std::string scope;     ///< the province's name or code, or the unit's division code or name
    bool unit = false;     ///< [units.CODE]; else [provinces.NAME]
    std::size_t tier = 0;  ///< a province's: the tier it staffs (a unit has its own)
    std::size_t department = 0;
    int count = -1;        ///< servers per unit; -1 = per_10k
    double per_10k = 0.0;  ///< servers per 10,000 residents of the unit (count < 0)
    std::string key;       ///< the dotted key that set it, for errors
};

/// The index of the built-in calendar "always" in ScenarioSpec::calendars.
inline constexpr std::size_t always_calendar = 0;

struct TierSpec {
    int calendar = 0;          ///< index into ScenarioSpec::calendars
    int intake_staff = 1;      ///< servers at each unit's intake (window channel)
    std::vector<int> staff;    ///< servers per department index at each unit of this tier
    double transfer_h = 1.0;   ///< latency of one hop between a unit of this tier and its parent
    bool scale_staff = false;  ///< scale staff by unit population / mean population of the tier
    /// Per department: servers per 10,000 residents of each unit, in place of `staff` (0 = by
    /// count, `staff`).
    std::vector<double> staff_per_10k;
    double intake_staff_per_10k = 0.0;  ///< > 0: in place of intake_staff, per 10,000 residents
    double staff_hour_yuan = 50.0;      ///< payroll per staff-hour at this tier (costs)

    /// Whether department `d` has staff at this tier, by count or per residents.
    [[nodiscard]] bool staffs(std::size_t d) const {
        return (d < staff.size() && staff[d] > 0) ||
               (d < staff_per_10k.size() && staff_per_10k[d] > 0.0);
    }
};

/// Where a channel's tickets are taken in, and when that intake is open.
struct ChannelSpec {
    Tier tier = Tier::street;
    int calendar = 0;  ///< index into ScenarioSpec::calendars
    int staff = -1;    ///< servers per intake unit; -1 = tiers.<tier>.intake_staff
    double staff_per_10k =
        0.0;  ///< > 0: servers per 10,000 residents of the unit, in place of staff
    /// Mean patience, minutes, of a caller waiting for intake (exponential, Erlang-A): one not
    /// taken into service by then hangs up (Outcome::hung_up); 0 = never hangs up.
    double patience_min = 0.0;
};

struct TicketTypeSpec {
    std::string name;
    Channel channel = Channel::hotline;
    double rate = 1.0;  ///< arrivals per 10,000 residents per day (mean over a week)
    std::array<double, 24> daily_profile{};     ///< relative weight per hour of day (mean 1)
    std::array<double, 7> weekly_profile{};     ///< relative weight per weekday (mean 1)
    std::array<double, 12> monthly_profile{};   ///< relative weight per month (mean 1)
    DistSpec intake;                            ///< intake service time
    double close_at_intake = 0.0;               ///< probability of closing at intake
    Tier authority = Tier::street;              ///< lowest tier allowed to decide
    std::array<double, tier_count> escalate{};  ///< P(move up after handling at tier k)
    std::vector<int> departments;               ///< department indices visited in order
    Handling handling = Handling::design;       ///< parallel: summoned at once (吹哨报到)
    DistSpec service;                           ///< per department step
    /// Elapsed time after the department steps at a unit that holds no staff: site visits,
    /// waiting for the parties or a test (mean 0 = none).
    DistSpec followup{DistKind::exponential, 0.0, 1.0};
    double respond_h = 24.0;         ///< response limit, hours
    double resolve_wd = 7.0;         ///< resolution limit, working days
    double solve_probability = 0.9;  ///< P(the citizen reports it solved at callback)
    /// P(a demand is unreasonable: against law or policy, malicious or repeated), which no
    /// unit can solve; under the three lists it is closed with an explanation and left out
    /// of the 三率 (the negative list).
    double unreasonable = 0.0;
    Route route = Route::dispatch;
    /// Latency of dispatch (派单) from the intake unit to the unit with authority, all hops
    /// together; < 0: the sum of the tiers' transfer_h along the path.
    double dispatch_h = -1.0;
    double reject_probability = 0.0;  ///< upward: P(rejected at the district review)
    int materials = 0;                ///< materials the applicant must supply (一网通办)
    /// The department that holds each material in its records (index m % size); the type's
    /// own departments when the key is left out. Requesting department: departments.front().
    std::vector<int> material_holders;
    bool online = false;          ///< can be done without a visit (网办)
    double cross_province = 0.0;  ///< share of tickets whose home is another province
    /// Shares of the cross-province modes online, proxy, joint, trip_home (index = CrossMode − 1);
    /// sum 1.
    std::array<double, 4> cross_modes{1.0, 0.0, 0.0, 0.0};
    int priority =
        0;  ///< queue priority level, 0 … max_priority (ticket_priority.hpp); higher first
};

/// Whether a ticket's steps at a unit of this design run at once (a fork, then a join): under a
/// joint review or with parallel handling, and only for more than one department.
[[nodiscard]] inline bool steps_in_parallel(const TicketTypeSpec& type, Design design) {
    return type.departments.size() > 1 &&
           (type.handling == Handling::parallel || design == Design::joint_review);
}

struct DivisionsSpec {
    enum class Source : std::uint8_t { synthetic, csv };
    /// How a unit's known population is shared among its children whose own is not known:
    /// evenly, or in proportion to the streets below each child.
    enum class Share : std::uint8_t { even, streets };
    Source source = Source::synthetic;
    int provinces = 1;
    int cities_per_province = 2;
    int districts_per_city = 2;
    int streets_per_district = 3;
    double population_per_street = 50'000.0;
    std::string dir;                   ///< csv: folder with provinces/cities/areas/streets.csv
    std::vector<std::string> include;  ///< csv: province codes to keep (empty = all)
    /// csv: census files (code, name, population), absolute paths; a unit whose code is in
    /// one has that population, shared down to its streets by `population_share`.
    std::vector<std::string> population_files;
    Share population_share = Share::even;
};

struct CitizensSpec {
    double satisfied_if_solved = 0.95;
    double satisfied_if_unsolved = 0.30;
    double late_factor = 0.8;    ///< multiplies P(satisfied) when resolved after the limit
    double visit_factor = 1.0;   ///< multiplies P(satisfied) per visit beyond the first
    double return_factor = 1.0;  ///< multiplies P(satisfied) per return (推诿) suffered
    /// Hours without a response after which the citizen chases (催办); +inf = never.
    double patience_h = std::numeric_limits<double>::infinity();
    double repeat_call = 0.0;      ///< P(a chase is a new hotline ticket linked to the first)
    double abandon = 0.0;          ///< P(the citizen gives up at the chase instead)
    double supply_h = 48.0;        ///< applicant's delay to supply requested materials, per round
    double supply_online_h = 8.0;  ///< the same for a ticket that arrived online (upload)
    double incomplete = 0.2;       ///< P(a round of supplied materials is incomplete: 补正)
    /// Demand that follows perceived responsiveness: hotline rates × (1 + ε (r − baseline)).
    double trust_elasticity = 0.0;
    double trust_baseline = 0.53;
    double trust_lag_days = 30.0;
    int trust_period_days = 7;
};

/// [grid]: the clock of the grid data chain (D1 网格员 → 区级审核 → 市级更新 → 省级应用, domain.md
/// §6.2) and what its delay costs shared data. Every default leaves the chain as it was: no
/// review time, no batches, no staleness.
struct GridSpec {
    /// District review (区级审核), lognormal in working days of the district tier's calendar;
    /// a median of 0 = no review time beyond the department steps.
    double review_median_wd = 0.0;
    double review_p90_wd = 0.0;
    double city_batch_h = 0.0;        ///< city master-data batch every so many hours; 0 = none
    double city_batch_hour = 0.0;     ///< hour of day of the city's batch
    double province_sync_days = 0.0;  ///< province sync every so many days; 0 = none
    double province_sync_hour = 0.0;  ///< hour of day of the province's sync
    /// Records change as a Poisson process of this mean interval (days), so a province copy
    /// E days behind is current with probability exp(−E / stale_after_days); 0 = never stale.
    double stale_after_days = 0.0;
};

/// [adaptation]: units that react to what the run shows them (domain.md §1.4, §6.3 S4; the seed
/// paper's 考核评估体系, 项目小组 and 批示). Each rule acts between windows, at whole days, on
/// counts summed over every LP and rank, so its decisions do not depend on the run's split.
/// Every default leaves the rule off.
struct AdaptationSpec {
    /// Days per period of the per-unit table (/unit_series) and of the ranking.
    int period_days = 30;

    /// Evaluation and ranking (三率考核, 四类排名): at each period's end the units of `tier` in
    /// each province are scored by the weighted 三率 of the tickets they closed; the bottom
    /// share gets leader attention `lag_days` later, for `attention_days`.
    struct Ranking {
        Tier tier = Tier::street;
        double bottom_share = 0.0;  ///< 0 = no ranking
        double weight_response = 0.10;
        double weight_resolution = 0.45;
        double weight_satisfaction = 0.45;
        int min_surveyed = 20;  ///< a unit with fewer callbacks in the period is not ranked
        int lag_days = 30;
        int attention_days = 30;
        int attention_staff = 1;     ///< reserve servers sent to the unit's busiest queues
        int attention_priority = 1;  ///< levels added to its area's tickets wherever they queue
    } ranking;

    /// Project teams (项目小组): a department queue of a unit of `tier` whose waiting tickets per
    /// server stay above `threshold` for `sustain_days` gets `staff` more servers `lag_days`
    /// later, from the unit's pool or from its quiet departments, until its backlog per server
    /// falls below `release_threshold`.
    struct ProjectTeams {
        Tier tier = Tier::street;
        double threshold = 0.0;  ///< 0 = no teams
        int sustain_days = 7;
        int lag_days = 3;
        int staff = 1;
        bool from_departments = false;  ///< source "departments" (else "pool")
        int pool = 2;                   ///< servers in each unit's pool (source "pool")
        double donor_threshold = 1.0;   ///< a donor's waiting per server must be below this
        double release_threshold = 0.5;
        double move_cost_h = 8.0;  ///< staff-hours lost per server moved (hand-over)
    } project_teams;

    /// Leader instructions (批示): a ticket class gets `priority` more levels for
    /// `duration_days`, issued on `day` or whenever its overdue open tickets pass
    /// `overdue_threshold` at a day's end (and it is not in force).
    struct Instruction {
        std::string name;
        int type = 0;               ///< ticket type index
        int day = -1;               ///< issued at this day's start; < 0 = not by date
        int overdue_threshold = 0;  ///< issued when overdue tickets exceed this; 0 = not by count
        int duration_days = 30;
        int priority = 1;
    };

    std::vector<Instruction> instructions;

    [[nodiscard]] bool ranks() const { return ranking.bottom_share > 0.0; }

    [[nodiscard]] bool forms_teams() const { return project_teams.threshold > 0.0; }

    /// Whether any rule acts (and so needs a barrier at every day's end).
    [[nodiscard]] bool any() const { return ranks() || forms_teams() || !instructions.empty(); }
};

/// [costs.NAME]: what a reform costs besides its staff: a one-off investment on its day (a
/// platform, setting up a bureau) and a yearly running cost from then on.
struct CostItem {
    std::string name;
    int day = 0;
    double one_off_yuan = 0.0;
    double yearly_yuan = 0.0;
};

/// The policy levers (DESIGN §2.5) that a province may set for itself in [provinces.NAME]
/// (the seed paper compares provinces with different packages); the top-level keys give the
/// defaults of every province.
struct Levers {
    // [tiers.<tier>]
    std::array<Design, tier_count> design{};  ///< organisational design of the department steps
    std::array<int, tier_count> leader_capacity{1, 1, 1, 1};  ///< servers of a leader queue
    // [strategy]
    double leader_engagement = 1.0;  ///< leader decisions take leader_decision_h / engagement
    double leader_decision_h = 4.0;  ///< mean leader decision time at engagement 1
    int escalate_after_returns = 0;  ///< returns after which the leader decides; 0 = never
    double rehandle = 0.0;           ///< P(an unsolved ticket is re-handled, 重办)
    int max_rehandles = 2;
    int leader_priority = 0;  ///< queue priority levels added once a leader has decided a ticket
    /// A ticket whose resolution deadline is less than this many hours away when it joins a
    /// queue joins it one priority level higher (earliest deadline first); 0 = off.
    double deadline_priority_h = 0.0;
    /// Deadline pressure on field work (预警 and 催办, 事不完人不走): a ticket whose follow-up
    /// would end after this share of its limit (resolve_wd) has gone is taken up again then
    /// and finished in one more session of its last department; 0 = off.
    double expedite_at = 0.0;
    // [technology]
    std::array<double, tier_count> data_sharing{};  ///< P(a material is found in shared data)
    double online_share = 0.0;  ///< P(an online-capable window ticket arrives online)
    /// P(the result of a window item that departments decided is mailed or sent online, 快递送);
    /// otherwise the applicant comes back for it: one more visit
    double result_delivery = 0.0;
    double sharing_speedup = 0.35;  ///< service time × (1 − sharing_speedup × data_sharing)
    // [organization]
    bool generalist_windows = true;    ///< one pooled window intake (全科) or one per department
    double generalist_slowdown = 1.0;  ///< intake time factor of generalist windows
    double handoff_h = 4.0;            ///< delay between consecutive department steps
    double handoff_cost_h = 0.5;       ///< staff-hours per handoff (coordination cost)
    double bureau_handoff_factor = 0.3;  ///< bureau-internal handoff delay and cost factor
    double bureau_return_factor = 0.2;   ///< return probability factor inside a bureau
    double join_h = 8.0;                 ///< joint review: delay of the join meeting
    double join_cost_h = 0.5;            ///< joint review: staff-hours per department joining
    double summons_join_h = 0.0;         ///< parallel handling: delay of the lead's join on site
    double summons_join_cost_h = 0.25;   ///< parallel handling: staff-hours per department joined
    // [institution]
    double return_probability = 0.0;   ///< P(a department step ends in a return, 退单)
    double return_solve_factor = 1.0;  ///< multiplies P(solved) per return suffered
    bool three_lists = false;          ///< 三张清单: fewer returns, a lead unit (首接负责)
    double three_lists_factor = 0.25;  ///< return probability factor under three lists
    double standardization = 1.0;      ///< 跨省通办: rework P = (1 − this) × mismatch
    bool accept_incomplete = false;    ///< 容缺受理: processing starts while materials come
    // [institution] data sharing between departments, governed by the three lists
    /// P(a holder shares a material with a requesting department) without the lists.
    double sharing_willingness = 1.0;

    /// [institution.sharing.REQUESTER] HOLDER = w: single pairs over sharing_willingness.
    struct SharingPair {
        int requester = 0;  ///< department index
        int holder = 0;     ///< department index
        double willingness = 1.0;
    };

    std::vector<SharingPair> sharing;
    double negative_list = 0.1;         ///< three lists: P(a material is on the negative list)
    double negative_list_lifted = 0.5;  ///< P(the leader's decision shares it after all)
    /// Dense departments × departments, row = requester, column = holder, from
    /// sharing_willingness and `sharing` (compile_willingness); empty = everyone shares.
    std::vector<double> willingness;

    /// P(the holder shares a material with the requester) without the lists: 1 for a
    /// department's own data or when the matrix was not compiled.
    [[nodiscard]] double willing(int requester, int holder) const {
        if (requester == holder || requester < 0 || holder < 0 || willingness.empty())
            return 1.0;
        return willingness[static_cast<std::size_t>(requester) * willingness_side +
                           static_cast<std::size_t>(holder)];
    }

    std::size_t willingness_side = 0;  ///< the matrix's side: the scenario's departments
};

/// Fills lv.willingness (departments × departments) from sharing_willingness and the pairs;
/// a department's own data has w = 1.
void compile_willingness(Levers& lv, std::size_t departments);

/// 跨省通办 between province units (DESIGN §2.4): the link queues and the choice of the home
/// province.
struct CrossProvinceSpec {
    double mismatch = 0.1;        ///< P(documents mismatch another province's standard)
    double courier_h = 48.0;      ///< one courier leg of 异地代收代办
    double trip_home_h = 24.0;    ///< the applicant's journey home, each way (trip_home)
    int link_staff = 2;           ///< servers of each directed link's queue
    double link_service_h = 0.5;  ///< mean service of the link queue (exponential)

    /// Explicit migration weights ([cross_province.migration.FROM] TO = weight, provinces by
    /// name or division code), or empty for the gravity model: the home province of a
    /// cross-province ticket is another province, chosen with weight ∝ its population.
    struct Migration {
        std::string from;
        std::string to;
        double weight = 0.0;
    };

    std::vector<Migration> migration;
};

struct ScenarioSpec;

/// One value that a reform timeline sets: a dotted scenario key and its TOML value text.
struct ReformChange {
    std::string key;
    std::string value;
};

/// One step of a reform timeline ([[timeline]]): from `day` on, the run follows `state`, the
/// scenario with every change up to this step applied. A ramp is a step every `step_days`.
struct ReformStep {
    double day = 0.0;
    std::string label;                  ///< the entry's label; a ramp's steps add "(k/n)"
    std::vector<ReformChange> changes;  ///< what this step sets, in the order they apply
    std::shared_ptr<const ScenarioSpec> state;
};

struct ScenarioSpec {
    std::string name;           ///< embedded name or file stem
    std::string resolved_toml;  ///< the fully resolved scenario, for /provenance
    /// The files this scenario was read from: the scenario, its bases and, for the real
    /// division codes, the division files (an output must never be one of them).
    std::vector<std::string> input_files;

    // [simulation]
    double days = 28.0;
    double warmup_days = 7.0;
    std::uint64_t seed = 1;
    double bucket_hours = 24.0;
    bool street_summary = false;  ///< /summary/by_street as well as by district and city
    int start_month = 1;          ///< the calendar month of day 0, 1–12

    DivisionsSpec divisions;
    std::vector<CalendarSpec> calendars;   ///< index always_calendar is the built-in "always"
    std::vector<std::string> departments;  ///< index = department id
    /// Calendar of each department (index into calendars), or -1 for its tier's calendar.
    std::vector<int> department_calendar;
    std::array<TierSpec, tier_count> tiers;
    std::array<ChannelSpec, channel_count> channels;
    std::vector<TicketTypeSpec> ticket_types;

    /// Whether a department's approval staff merge into the bureau where a tier's design is
    /// approval_bureau (departments.NAME.approval, default true).
    std::vector<bool> department_approval;

    // [technology]
    double link_h = 24.0;  ///< latency of an inter-provincial link
    // [institution]
    int max_returns = 3;           ///< after this many returns dispatch force-assigns
    double return_review_h = 8.0;  ///< delay of the dispatch centre's review of a return
    CitizensSpec citizens;
    CrossProvinceSpec cross;
    GridSpec grid;
    AdaptationSpec adaptation;
    std::vector<CostItem> cost_items;

    /// The top-level levers: every province's unless it overrides them.
    Levers levers;
    /// Overrides by [provinces.NAME]: the province's name (synthetic "P1", …) or division
    /// code ("32"), and its complete lever set (the top-level levers with its own keys applied).
    std::vector<std::pair<std::string, Levers>> province_levers;
    /// Staff of single provinces and units, in place of their tier's (station_plan.cpp).
    std::vector<StaffOverride> staff_overrides;

    /// The reform timeline's steps inside the run, by day (each with its own state).
    std::vector<ReformStep> timeline;

    /// Where each key was set, by dotted path, so that later checks can point at it.
    std::map<std::string, SourceLocation> locations;

    /// The location of a key, or of the scenario file itself when the key was defaulted.
    [[nodiscard]] SourceLocation where(const std::string& key) const;

    [[nodiscard]] int find_department(const std::string& name) const;  ///< -1 if unknown
    [[nodiscard]] int find_calendar(const std::string& name) const;    ///< -1 if unknown
};

}  // namespace tiersim::model
