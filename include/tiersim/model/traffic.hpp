// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/compiled_model.hpp"

#include <array>
#include <string>
#include <vector>

/// The analytic companion (DESIGN §3): the scenario's traffic equations, solved with Eigen
/// before anything runs, giving every queue's offered load and utilisation.
namespace tiersim::model {

/// One station class: a queue kind (StationIndex::queue_name) at one tier, aggregated over the
/// units of that tier; `worst_*` names its most loaded unit. Each directed link between two
/// provinces is its own class at the province tier, owned by the province it leaves.
struct QueueLoad {
    Tier tier = Tier::street;
    /// "intake:hotline", "dept:城管", "window:城管", "bureau", "leader" or "link:A→B"
    std::string queue;
    int units = 0;                  ///< units of the tier that have this queue
    double arrival_rate_per_h = 0;  ///< total over those units (mean over a week)
    double offered_load = 0;        ///< erlangs: arrival rate × mean service, total
    double servers = 0;             ///< total servers
    double utilisation = 0;         ///< offered load / (servers × open fraction), total
    double worst_utilisation = 0;   ///< of the most loaded single unit
    std::string worst_unit;         ///< its name
    bool unstable = false;  ///< worst_utilisation >= 1, but not an intake whose callers hang up
    /// The busiest hour of the week (weekly_demand): the most, over the hours in which any of
    /// the units' servers are open, of the work demanded in that hour over the servers open in
    /// it (if only for part of it), total over the units; infinite for work without servers, 0
    /// without work.
    double peak_utilisation = 0;
    int peak_hour = -1;  ///< of the week, 0 = Monday 00:00-01:00; -1 without work
};

inline constexpr int hours_per_week = 168;
/// A value per hour of the week, 0 = Monday 00:00-01:00.
using WeekHours = std::array<double, hours_per_week>;

/// The work demanded of a queue in each hour of its steady weekly cycle, by a fluid backlog:
/// `arrivals` is the work (server-hours) arriving in each hour, `capacity` the server-hours
/// open in it; the demand of an hour is what arrives in it plus what waits at its start, and
/// what the hour cannot do waits for the next. From an empty start the weeks are repeated
/// until the backlog at the end of a week is the one it started with. A first-order estimate:
/// within an hour the work is a fluid (no queueing of single tickets), and where the week's
/// work is not below its capacity (an unstable queue: no steady cycle) the first week from an
/// empty start is returned, a lower bound.
WeekHours weekly_demand(const WeekHours& arrivals, const WeekHours& capacity);

/// "Mon 10h" for hour 10 of the week; "-" for a negative hour.
std::string week_hour_name(int hour);

/// Residents of one province unit.
struct ProvinceResidents {
    std::string name;
    double residents = 0;
};

struct TrafficReport {
    std::vector<QueueLoad> queues;             ///< by tier, then queue name
    std::vector<std::string> unstable;         ///< one line per unstable (unit, queue)
    double tickets_per_day = 0;                ///< total arrival rate
    double residents = 0;                      ///< over every province
    std::vector<ProvinceResidents> provinces;  ///< in province order
    /// Servers per 100,000 residents at each channel's intake (split windows included), by
    /// Channel, and in the departments, bureaus and leaders of every tier.
    std::array<double, channel_count> intake_staff_per_100k{};
    double department_staff_per_100k = 0;
    /// Grid data updates: the expected freshness from the parameters (hours; NaN without
    /// them) and the share of shared records current because of it (CompiledModel).
    double data_freshness_expected_h = 0.0;
    double shared_data_current = 1.0;
};

/// What the materials of one ticket at its handling unit come to in expectation, as the flow
/// draws them (sim/model/flow/materials.cpp).
struct MaterialsExpectation {
    double requested = 0.0;      ///< materials asked of the applicant (first request)
    double leader_visits = 0.0;  ///< P(a negative-list decision at the unit's leader)
};

/// A material is found in shared data with data_sharing[tier] × `current` (the share of
/// shared records current); one held by another department than the requesting one (the
/// type's first) is then shared with the levers' willingness, or under the three lists always
/// unless it is on the negative list (negative_list), where the leader's decision shares it
/// with negative_list_lifted.
[[nodiscard]] MaterialsExpectation expected_materials(const TicketTypeSpec& type,
                                                      const Levers& lv,
                                                      std::size_t tier,
                                                      double current);

/// Solves λ = γ + λ P per unit and queue, P being the routing of the ticket flow (sim/model/flow/)
/// with each province's levers (arrival variants, split or generalist windows, upward data updates
/// with the district's rejections, dispatch within the province or over a link to the home province
/// of a cross-province ticket, department steps in queues, bureaus or joint reviews, returns up
/// to max_returns, leader decisions (after returns, and on negative-listed materials under the
/// three lists), escalation and re-handling), and reports loads.
/// Utilisation uses each queue's open fraction. The peak hour spreads each ticket type's load at a
/// queue over the week by the type's daily and weekly arrival profiles, unshifted (a queue after
/// intake sees the profile of the arrivals upstream: first-order), and carries what arrives while
/// the queue is closed, or beyond its servers, to its next open hours (weekly_demand). Everything
/// it routes by (levers, migration, stations, calendars) comes from the compiled model, as in the
/// simulation.
TrafficReport analyse_traffic(const CompiledModel& model);

}  // namespace tiersim::model
