// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/error.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
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

struct TierSpec {
    int calendar = 0;         ///< index into ScenarioSpec::calendars
    int intake_staff = 1;     ///< servers at each unit's intake (window channel)
    std::vector<int> staff;   ///< servers per department index at each unit of this tier
    double transfer_h = 1.0;  ///< latency of one hop between a unit of this tier and its parent
    Design design = Design::fragmented;
    bool scale_staff = false;  ///< scale staff by unit population / mean population of the tier
};

/// Where a channel's tickets are taken in, and when that intake is open.
struct ChannelSpec {
    Tier tier = Tier::street;
    int calendar = 0;  ///< index into ScenarioSpec::calendars
    int staff = -1;    ///< servers per intake unit; -1 = tiers.<tier>.intake_staff
};

struct TicketTypeSpec {
    std::string name;
    Channel channel = Channel::hotline;
    double rate = 1.0;  ///< arrivals per 10,000 residents per day (mean over a week)
    std::array<double, 24> daily_profile{};     ///< relative weight per hour of day (mean 1)
    std::array<double, 7> weekly_profile{};     ///< relative weight per weekday (mean 1)
    DistSpec intake;                            ///< intake service time
    double close_at_intake = 0.0;               ///< probability of closing at intake
    Tier authority = Tier::street;              ///< lowest tier allowed to decide
    std::array<double, tier_count> escalate{};  ///< P(move up after handling at tier k)
    std::vector<int> departments;               ///< department indices visited in order
    DistSpec service;                           ///< per department step
    double respond_h = 24.0;                    ///< response limit, hours
    double resolve_wd = 7.0;                    ///< resolution limit, working days
    double solve_probability = 0.9;             ///< P(the citizen reports it solved at callback)
};

struct DivisionsSpec {
    enum class Source : std::uint8_t { synthetic, csv };
    Source source = Source::synthetic;
    int provinces = 1;
    int cities_per_province = 2;
    int districts_per_city = 2;
    int streets_per_district = 3;
    double population_per_street = 50'000.0;
    std::string dir;                   ///< csv: folder with provinces/cities/areas/streets.csv
    std::vector<std::string> include;  ///< csv: province codes to keep (empty = all)
};

struct CitizensSpec {
    double satisfied_if_solved = 0.95;
    double satisfied_if_unsolved = 0.30;
    double late_factor = 0.8;  ///< multiplies P(satisfied) when resolved after the limit
};

struct ScenarioSpec {
    std::string name;           ///< embedded name or file stem
    std::string resolved_toml;  ///< the fully resolved scenario, for /provenance

    // [simulation]
    double days = 28.0;
    double warmup_days = 7.0;
    std::uint64_t seed = 1;
    double bucket_hours = 24.0;

    DivisionsSpec divisions;
    std::vector<CalendarSpec> calendars;   ///< index 0 is the built-in "always"
    std::vector<std::string> departments;  ///< index = department id
    /// Calendar of each department (index into calendars), or -1 for its tier's calendar.
    std::vector<int> department_calendar;
    std::array<TierSpec, tier_count> tiers;
    std::array<ChannelSpec, channel_count> channels;
    std::vector<TicketTypeSpec> ticket_types;

    // [technology]
    double link_h = 24.0;  ///< latency of an inter-provincial link
    // [organization]
    double handoff_h = 4.0;       ///< delay between consecutive department steps
    double handoff_cost_h = 0.5;  ///< staff-hours per handoff (coordination cost)
    // [institution]
    double return_probability = 0.0;  ///< P(a department step ends in a return, 退单)
    int max_returns = 3;              ///< after this many returns dispatch force-assigns
    double return_review_h = 8.0;     ///< delay of the dispatch centre's review of a return
    CitizensSpec citizens;

    /// Where each key was set, by dotted path, so that later checks can point at it.
    std::map<std::string, SourceLocation> locations;

    /// The location of a key, or of the scenario file itself when the key was defaulted.
    [[nodiscard]] SourceLocation where(const std::string& key) const;

    [[nodiscard]] int find_department(const std::string& name) const;  ///< -1 if unknown
    [[nodiscard]] int find_calendar(const std::string& name) const;    ///< -1 if unknown
};

}  // namespace tiersim::model
