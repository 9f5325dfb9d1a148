// SPDX-License-Identifier: MIT
#include "tiersim/model/station_plan.hpp"

#include "tiersim/error.hpp"
#include "tiersim/model/arrival_variants.hpp"
#include "tiersim/model/province_levers.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tiersim::model {

namespace {

/// Mean population of the units of each tier, for scale_staff.
std::array<double, tier_count> mean_population(const Organisation& org) {
    std::array<double, tier_count> sum{};
    std::array<double, tier_count> n{};
    for (const auto& u : org.units()) {
        sum[static_cast<std::size_t>(u.tier)] += u.population;
        n[static_cast<std::size_t>(u.tier)] += 1.0;
    }
    for (std::size_t t = 0; t < tier_count; ++t)
        sum[t] = n[t] > 0 ? sum[t] / n[t] : 1.0;
    return sum;
}

/// Window workload (erlangs per resident, up to a constant) of each window group: index 0 for
/// types without departments (they stay at the pooled window), 1 + d for department d.
std::vector<double> window_workload(const ScenarioSpec& spec, const Levers& levers) {
    std::vector<double> w(spec.departments.size() + 1, 0.0);
    for (const auto& type : spec.ticket_types) {
        if (type.channel != Channel::window)
            continue;
        const std::size_t group =
            type.departments.empty() ? 0 : static_cast<std::size_t>(type.departments.front()) + 1;
        w[group] += type.rate * window_fraction(type, levers) * type.intake.mean_h;
    }
    return w;
}

/// `total` servers shared among the window groups with a positive weight, never more than
/// `total`. When there are enough, every group gets one and the rest go in proportion to the
/// weights (largest remainders). When there are fewer clerks than groups, the heaviest
/// department groups keep a clerk each and the others share the last one at the pooled window
/// (group 0), where their items then queue (StationIndex::split_window).
std::vector<int> share_servers(int total, const std::vector<double>& weights) {
    std::vector<int> out(weights.size(), 0);
    std::vector<std::size_t> groups;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i] > 0.0)
            groups.push_back(i);
    }
    if (total <= 0 || groups.empty())
        return out;
    const auto k = static_cast<int>(groups.size());
    if (total < k) {
        std::vector<std::size_t> departments;
        for (std::size_t g : groups) {
            if (g != 0)
                departments.push_back(g);
        }
        std::stable_sort(departments.begin(), departments.end(), [&](auto a, auto b) {
            return weights[a] > weights[b];
        });
        for (std::size_t j = 0; j + 1 < static_cast<std::size_t>(total); ++j)
            out[departments[j]] = 1;
        out[0] = 1;
        return out;
    }
    double sum = 0.0;
    for (std::size_t g : groups)
        sum += weights[g];
    const int rest = total - k;
    std::vector<std::pair<double, std::size_t>> remainders;
    int given = 0;
    for (std::size_t g : groups) {
        const double exact = rest * weights[g] / sum;
        out[g] = 1 + static_cast<int>(std::floor(exact));
        given += out[g] - 1;
        remainders.emplace_back(exact - std::floor(exact), g);
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first > b.first;
    });
    for (std::size_t j = 0; j < remainders.size() && given < rest; ++j, ++given)
        ++out[remainders[j].second];
    return out;
}

/// The unit named by a [units.CODE] override: its division code, or its name when no other
/// unit has it. @throws ScenarioError when none or several match.
UnitId unit_named(const ScenarioSpec& spec, const Organisation& org, const StaffOverride& o) {
    UnitId found = no_unit;
    int named = 0;
    for (std::size_t u = 0; u < org.size(); ++u) {
        const Unit& unit = org.units()[u];
        if (unit.code != 0 && std::to_string(unit.code) == o.scope)
            return static_cast<UnitId>(u);
        if (unit.name == o.scope) {
            found = static_cast<UnitId>(u);
            ++named;
        }
    }
    if (named == 1)
        return found;
    const std::string key = "units." + o.scope;
    const std::string why = named == 0
                                ? ": no unit is coded or named '" + o.scope + "' in this scenario"
                                : ": " + std::to_string(named) + " units are named '" + o.scope +
                                      "'; name it by its division code";
    throw ScenarioError(Diagnostic{spec.where(o.key), key, key + why});
}

/// The override that staffs each (unit, department), by unit × departments + department: the
/// unit's own, else its province's at its tier, else none (the tier's staff).
std::vector<const StaffOverride*> staff_overrides(const ScenarioSpec& spec,
                                                  const Organisation& org) {
    const std::size_t nd = spec.departments.size();
    std::vector<const StaffOverride*> out(spec.staff_overrides.empty() ? 0 : org.size() * nd);
    for (const StaffOverride& o : spec.staff_overrides) {
        if (o.unit)
            continue;
        const int p = find_province(org, o.scope);  // levers_by_province checked the name
        for (std::size_t u = 0; u < org.size(); ++u) {
            const Unit& unit = org.units()[u];
            if (static_cast<std::size_t>(unit.tier) == o.tier &&
                org.province_index(static_cast<UnitId>(u)) == p)
                out[u * nd + o.department] = &o;
        }
    }
    for (const StaffOverride& o : spec.staff_overrides) {
        if (o.unit)
            out[static_cast<std::size_t>(unit_named(spec, org, o)) * nd + o.department] = &o;
    }
    return out;
}

}  // namespace

double window_fraction(const TicketTypeSpec& type, const Levers& levers) {
    double share = 0.0;
    for (const ArrivalVariant& v : arrival_variants(type, levers))
        share += v.channel == Channel::window ? v.share : 0.0;
    return share;
}

std::string StationIndex::queue_name(std::size_t station,
                                     const ScenarioSpec& spec,
                                     const Organisation& org) const {
    if (station >= unit_stations()) {
        const std::size_t k = station - unit_stations();
        const auto from = static_cast<int>(k / provinces_);
        const auto to = static_cast<int>(k % provinces_);
        return "link:" + org.unit(org.province_unit(from)).name + "→" +
               org.unit(org.province_unit(to)).name;
    }
    std::size_t i = station % stride_;
    if (i < static_cast<std::size_t>(channel_count))
        return std::string("intake:") + channel_names[i];
    i -= static_cast<std::size_t>(channel_count);
    if (i < departments_)
        return "dept:" + spec.departments[i];
    i -= departments_;
    if (i < departments_)
        return "window:" + spec.departments[i];
    return i == departments_ ? "bureau" : "leader";
}

std::vector<StationPlan> plan_stations(const ScenarioSpec& spec,
                                       const Organisation& org,
                                       const std::vector<Levers>& levers,
                                       const StationIndex& index) {
    std::vector<StationPlan> plan(index.size());
    const auto mean_pop = mean_population(org);
    const auto own_staff = staff_overrides(spec, org);
    std::vector<std::vector<double>> workload;
    for (const auto& l : levers)
        workload.push_back(window_workload(spec, l));
    for (std::size_t u = 0; u < org.size(); ++u) {
        const auto id = static_cast<UnitId>(u);
        const Unit& unit = org.units()[u];
        const auto tier = static_cast<std::size_t>(unit.tier);
        const TierSpec& ts = spec.tiers[tier];
        const auto province = static_cast<std::size_t>(org.province_index(id));
        const Levers& lv = levers[province];
        const double factor =
            ts.scale_staff && mean_pop[tier] > 0.0 ? unit.population / mean_pop[tier] : 1.0;
        auto scaled = [factor](int base) {
            if (base <= 0)
                return 0;
            return std::max(1, static_cast<int>(std::lround(base * factor)));
        };
        auto per_residents = [&unit](double per_10k) {
            if (!(per_10k > 0.0))
                return 0;
            const double servers = std::min(per_10k * unit.population / 1e4, 1e9);
            return std::max(1, static_cast<int>(std::lround(servers)));
        };
        for (int c = 0; c < channel_count; ++c) {
            const ChannelSpec& ch = spec.channels[static_cast<std::size_t>(c)];
            StationPlan& s = plan[index.intake(id, static_cast<Channel>(c))];
            s.calendar = ch.calendar;
            if (ch.tier != unit.tier)
                continue;
            if (ch.staff_per_10k > 0.0)
                s.servers = per_residents(ch.staff_per_10k);
            else if (ch.staff >= 0)
                s.servers = scaled(ch.staff);
            else if (ts.intake_staff_per_10k > 0.0)
                s.servers = per_residents(ts.intake_staff_per_10k);
            else
                s.servers = scaled(ts.intake_staff);
        }
        const auto window = static_cast<std::size_t>(Channel::window);
        if (!lv.generalist_windows && spec.channels[window].tier == unit.tier) {
            StationPlan& pooled = plan[index.intake(id, Channel::window)];
            const auto shares = share_servers(pooled.servers, workload[province]);
            pooled.servers = shares[0];
            for (std::size_t d = 0; d < spec.departments.size(); ++d) {
                StationPlan& s = plan[index.window(id, static_cast<int>(d))];
                s.calendar = pooled.calendar;
                s.servers = shares[d + 1];
            }
        }
        const bool bureau = lv.design[tier] == Design::approval_bureau;
        StationPlan& b = plan[index.bureau(id)];
        b.calendar = ts.calendar;
        for (std::size_t d = 0; d < spec.departments.size(); ++d) {
            StationPlan& s = plan[index.department(id, static_cast<int>(d))];
            const int own = d < spec.department_calendar.size() ? spec.department_calendar[d] : -1;
            s.calendar = own >= 0 ? own : ts.calendar;
            const StaffOverride* o =
                own_staff.empty() ? nullptr : own_staff[u * spec.departments.size() + d];
            if (o != nullptr) {
                // A unit's count is its own; a province's is per unit, like the tier's.
                s.servers = o->count < 0 ? per_residents(o->per_10k)
                            : o->unit    ? o->count
                                         : scaled(o->count);
            } else {
                s.servers = d < ts.staff_per_10k.size() && ts.staff_per_10k[d] > 0.0
                                ? per_residents(ts.staff_per_10k[d])
                                : (d < ts.staff.size() ? scaled(ts.staff[d]) : 0);
            }
            const bool merges = d >= spec.department_approval.size() || spec.department_approval[d];
            if (bureau && merges) {
                b.servers += s.servers;
                s.servers = 0;
            }
        }
        if (unit.tier == Tier::city || unit.tier == Tier::province) {
            StationPlan& l = plan[index.leader(id)];
            l.calendar = ts.calendar;
            l.servers = scaled(lv.leader_capacity[tier]);
        }
    }
    bool any_cross = false;
    for (const auto& type : spec.ticket_types)
        any_cross = any_cross || (type.cross_province > 0.0 && type.rate > 0.0);
    const int provinces = org.province_count();
    for (int p = 0; p < provinces; ++p) {
        for (int q = 0; q < provinces; ++q) {
            StationPlan& s = plan[index.link(p, q)];
            s.calendar = 0;  // the national exchange platform runs around the clock
            s.servers = any_cross && p != q ? spec.cross.link_staff : 0;
        }
    }
    return plan;
}

}  // namespace tiersim::model
