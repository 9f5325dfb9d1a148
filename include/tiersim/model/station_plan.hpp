// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace tiersim::model {

/// The queues of the model. Every unit has, in this order: an intake per channel (staffed only
/// at the channel's tier), a queue per department, a window per department (used where a
/// province splits its windows by department instead of pooling them, generalist_windows =
/// false), an approval bureau (where its tier's design is approval_bureau) and a leader queue
/// (city and province units). After the units come the directed links between provinces
/// (跨省通办). The simulation and the traffic analysis both build from this index and plan, so
/// that `check` describes exactly the queues that run.
class StationIndex {
public:
    StationIndex(const ScenarioSpec& spec, const Organisation& org)
        : departments_(spec.departments.size()),
          stride_(static_cast<std::size_t>(channel_count) + 2 * departments_ + 2),
          units_(org.size()),
          provinces_(static_cast<std::size_t>(org.province_count())) {}

    [[nodiscard]] std::size_t size() const { return units_ * stride_ + provinces_ * provinces_; }

    [[nodiscard]] std::size_t stride() const { return stride_; }

    [[nodiscard]] std::size_t unit_stations() const { return units_ * stride_; }

    [[nodiscard]] std::size_t intake(UnitId unit, Channel channel) const {
        return base(unit) + static_cast<std::size_t>(channel);
    }

    [[nodiscard]] std::size_t department(UnitId unit, int department) const {
        return base(unit) + static_cast<std::size_t>(channel_count) +
               static_cast<std::size_t>(department);
    }

    /// The window of `department` where windows are split by department.
    [[nodiscard]] std::size_t window(UnitId unit, int department) const {
        return base(unit) + static_cast<std::size_t>(channel_count) + departments_ +
               static_cast<std::size_t>(department);
    }

    /// Where a window item of `department` queues at `unit` when windows are split: the
    /// department's window, or the pooled window when that has no clerk (a unit with fewer
    /// window clerks than departments). `servers(station)` gives a station's servers.
    template <typename Servers>
    [[nodiscard]] std::size_t split_window(UnitId unit, int department, Servers servers) const {
        const std::size_t own = window(unit, department);
        return servers(own) > 0 ? own : intake(unit, Channel::window);
    }

    [[nodiscard]] std::size_t bureau(UnitId unit) const {
        return base(unit) + static_cast<std::size_t>(channel_count) + 2 * departments_;
    }

    [[nodiscard]] std::size_t leader(UnitId unit) const { return bureau(unit) + 1; }

    /// The link from province index `from` to province index `to`.
    [[nodiscard]] std::size_t link(int from, int to) const {
        return unit_stations() + static_cast<std::size_t>(from) * provinces_ +
               static_cast<std::size_t>(to);
    }

    /// The unit of a unit station (no_unit for a link).
    [[nodiscard]] UnitId unit_of(std::size_t station) const {
        return station < unit_stations() ? static_cast<UnitId>(station / stride_) : no_unit;
    }

    /// The unit that holds a station: its own unit, or for a link the province it leaves.
    [[nodiscard]] UnitId owner(std::size_t station, const Organisation& org) const {
        if (station < unit_stations())
            return unit_of(station);
        return org.province_unit(static_cast<int>((station - unit_stations()) / provinces_));
    }

    /// "intake:hotline", "dept:城管", "window:城管", "bureau", "leader" or "link:A→B".
    [[nodiscard]] std::string queue_name(std::size_t station,
                                         const ScenarioSpec& spec,
                                         const Organisation& org) const;

private:
    [[nodiscard]] std::size_t base(UnitId unit) const {
        return static_cast<std::size_t>(unit) * stride_;
    }

    std::size_t departments_;
    std::size_t stride_;
    std::size_t units_;
    std::size_t provinces_;
};

struct StationPlan {
    int servers = 0;   ///< 0: no such queue
    int calendar = 0;  ///< index into ScenarioSpec::calendars
};

/// The share of a type's tickets that arrive at the window channel (the rest go online:
/// online_share for online-capable types, and cross-province tickets in mode online).
double window_fraction(const TicketTypeSpec& type, const Levers& levers);

/// Servers and calendar of every station of `index`, given each province's levers. With
/// tiers.<tier>.scale_staff, counts scale with the unit's population over the mean of its tier
/// (rounded, at least 1 if any). Split windows share the unit's window staff, never more, in
/// proportion to each department's window workload (one each first, then largest remainders);
/// with fewer clerks than departments the lightest share the pooled window. A bureau
/// takes the staff of every department with `approval = true`, whose own queues then have none.
std::vector<StationPlan> plan_stations(const ScenarioSpec& spec,
                                       const Organisation& org,
                                       const std::vector<Levers>& levers,
                                       const StationIndex& index);

}  // namespace tiersim::model
