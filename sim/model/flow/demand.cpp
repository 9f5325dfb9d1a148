// SPDX-License-Identifier: MIT
// Demand that follows perceived responsiveness (domain.md §6.2, V3): at the end of every trust
// period (a barrier, between windows, on every rank) each province's hotline demand becomes
// λ0 × (1 + ε × (r − baseline)), r the share of its hotline tickets solved over the period that
// ended trust_lag_days earlier. A rate that changes draws its streams' next arrivals again from
// that time (a Poisson stream forgets its past, so the draw is exact); the old draw's event is
// left in the queue and dropped when it comes up (Generator::epoch).
#include "ticket_flow.hpp"

#include <algorithm>
#include <span>

namespace tiersim::model::flow {

inline void TicketFlow::count_hotline(LpState& lp, const Ticket& t, Tick now, bool solved) const {
    if (lp.hotline_days.empty() || t.channel != Channel::hotline)
        return;
    const auto day =
        std::min(static_cast<std::size_t>(now / engine::ticks_per_day), lp.hotline_days.size() - 1);
    ++lp.hotline_days[day][0];
    if (solved)
        ++lp.hotline_days[day][1];
}

inline bool TicketFlow::follows_demand(Tick t) const {
    const CitizensSpec& c = spec().citizens;
    return c.trust_elasticity > 0.0 && t % (c.trust_period_days * engine::ticks_per_day) == 0;
}

inline void TicketFlow::follow_demand(Tick t) {
    const CitizensSpec& c = spec().citizens;
    const auto provinces = static_cast<std::size_t>(org.province_count());
    const std::size_t types = spec().ticket_types.size();
    // The period seen: the trust period that ended trust_lag_days before t, in whole days.
    const Tick seen = t - from_hours(c.trust_lag_days * 24.0);
    if (seen <= 0)
        return;
    const auto last = static_cast<std::size_t>(seen / engine::ticks_per_day);
    const std::size_t first = last - std::min(last, static_cast<std::size_t>(c.trust_period_days));
    std::vector<std::int64_t> counts(2 * provinces, 0);  // closed, solved by province
    for (std::size_t i = part.begin; i < part.end; ++i) {
        const auto p = static_cast<std::size_t>(model.lp_province()[i]);
        const auto& days = lp_states[i].hotline_days;
        for (std::size_t d = first; d < std::min(last, days.size()); ++d) {
            counts[2 * p] += days[d][0];
            counts[2 * p + 1] += days[d][1];
        }
    }
    if (world != nullptr && ranks > 1)
        world->allreduce_sum(std::span<std::int64_t>(counts));
    std::vector<bool> moved(provinces * types, false);
    for (std::size_t p = 0; p < provinces; ++p) {
        if (counts[2 * p] == 0)
            continue;  // nothing seen: the perception stays
        const double r =
            static_cast<double>(counts[2 * p + 1]) / static_cast<double>(counts[2 * p]);
        const double factor = std::max(0.0, 1.0 + c.trust_elasticity * (r - c.trust_baseline));
        for (std::size_t k = 0; k < types; ++k) {
            if (spec().ticket_types[k].channel != Channel::hotline)
                continue;
            double& f = demand_factor[p * types + k];
            moved[p * types + k] = f != factor;
            f = factor;
        }
    }
    for (std::size_t i = part.begin; i < part.end; ++i) {
        LpState& lp = lp_states[i];
        const auto& streams = model.arrivals()[i];
        for (std::size_t g = 0; g < lp.generators.size(); ++g) {
            if (!moved[stream_factor(streams[g])])
                continue;
            ++lp.generators[g].epoch;
            schedule_next_arrival(lp, static_cast<std::uint32_t>(g), t);
        }
    }
}

}  // namespace tiersim::model::flow
