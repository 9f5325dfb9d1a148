// SPDX-License-Identifier: MIT
#include "tiersim/model/station_plan.hpp"

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

}  // namespace

std::vector<StationPlan> plan_stations(const ScenarioSpec& spec, const Organisation& org) {
    const std::size_t stride = station_stride(spec);
    std::vector<StationPlan> plan(org.size() * stride);
    const auto mean_pop = mean_population(org);
    for (std::size_t u = 0; u < org.size(); ++u) {
        const Unit& unit = org.units()[u];
        const auto tier = static_cast<std::size_t>(unit.tier);
        const TierSpec& ts = spec.tiers[tier];
        const double factor =
            ts.scale_staff && mean_pop[tier] > 0.0 ? unit.population / mean_pop[tier] : 1.0;
        auto scaled = [factor](int base) {
            if (base <= 0)
                return 0;
            return std::max(1, static_cast<int>(std::lround(base * factor)));
        };
        for (std::size_t c = 0; c < static_cast<std::size_t>(channel_count); ++c) {
            const ChannelSpec& ch = spec.channels[c];
            StationPlan& s = plan[u * stride + c];
            s.calendar = ch.calendar;
            if (ch.tier == unit.tier)
                s.servers = scaled(ch.staff >= 0 ? ch.staff : ts.intake_staff);
        }
        for (std::size_t d = 0; d < spec.departments.size(); ++d) {
            StationPlan& s = plan[u * stride + static_cast<std::size_t>(channel_count) + d];
            const int own = d < spec.department_calendar.size() ? spec.department_calendar[d] : -1;
            s.calendar = own >= 0 ? own : ts.calendar;
            s.servers = d < ts.staff.size() ? scaled(ts.staff[d]) : 0;
        }
    }
    return plan;
}

}  // namespace tiersim::model
