// SPDX-License-Identifier: MIT
#include "tiersim/model/costs.hpp"

#include <algorithm>
#include <limits>

namespace tiersim::model {

namespace {

constexpr double hours_per_year = 365.0 * 24.0;

double per_closed(double yuan, std::int64_t closed) {
    return closed > 0 ? yuan / static_cast<double>(closed)
                      : std::numeric_limits<double>::quiet_NaN();
}

/// A cost item's yuan in the bucket [from_h, to_h): its one-off if its day falls there, and its
/// yearly cost for the part of the bucket after its day.
double reform_yuan(const CostItem& item, double from_h, double to_h) {
    const double day_h = item.day * 24.0;
    double yuan = day_h >= from_h && day_h < to_h ? item.one_off_yuan : 0.0;
    const double running_h = to_h - std::max(from_h, day_h);
    if (running_h > 0.0)
        yuan += item.yearly_yuan * running_h / hours_per_year;
    return yuan;
}

}  // namespace

CostBasis CostBasis::of(const ScenarioSpec& spec, const Organisation& org) {
    CostBasis b;
    for (std::size_t t = 0; t < tier_count; ++t)
        b.staff_hour_yuan[t] = spec.tiers[t].staff_hour_yuan;
    b.items = spec.cost_items;
    for (const Unit& u : org.units())
        b.unit_tier.push_back(u.tier);
    return b;
}

std::vector<CostRow> cost_rows(const CostBasis& basis,
                               const std::vector<SeriesRow>& series,
                               const std::vector<AdaptationRecord>& adaptation) {
    std::vector<CostRow> rows;
    for (const SeriesRow& s : series) {
        if (rows.empty() || rows.back().t_h != s.t_h) {
            rows.emplace_back();
            rows.back().t_h = s.t_h;
        }
        CostRow& r = rows.back();
        r.payroll_yuan += s.payroll_yuan;
        r.coord_yuan += s.coord_yuan;
        r.closed += s.closed;
    }
    for (const AdaptationRecord& a : adaptation) {
        if (!(a.cost_h > 0.0) || a.unit < 0)
            continue;
        const auto at = std::upper_bound(
            rows.begin(), rows.end(), a.t_h, [](double t, const CostRow& r) { return t < r.t_h; });
        if (at == rows.end())
            continue;  // at the end of the run
        const auto tier =
            static_cast<std::size_t>(basis.unit_tier[static_cast<std::size_t>(a.unit)]);
        at->moves_yuan += a.cost_h * basis.staff_hour_yuan[tier];
    }
    double from_h = 0.0;
    for (CostRow& r : rows) {
        for (const CostItem& item : basis.items)
            r.reform_yuan += reform_yuan(item, from_h, r.t_h);
        r.total_yuan = r.payroll_yuan + r.coord_yuan + r.moves_yuan + r.reform_yuan;
        r.yuan_per_closed = per_closed(r.total_yuan, r.closed);
        from_h = r.t_h;
    }
    return rows;
}

CostTotals cost_totals(const std::vector<CostRow>& rows, double from_h) {
    CostTotals t;
    t.from_h = from_h;
    double start = 0.0;
    for (const CostRow& r : rows) {
        if (start >= from_h) {
            t.payroll_yuan += r.payroll_yuan;
            t.coord_yuan += r.coord_yuan;
            t.moves_yuan += r.moves_yuan;
            t.reform_yuan += r.reform_yuan;
            t.closed += r.closed;
            t.to_h = r.t_h;
        }
        start = r.t_h;
    }
    t.total_yuan = t.payroll_yuan + t.coord_yuan + t.moves_yuan + t.reform_yuan;
    t.yuan_per_closed = per_closed(t.total_yuan, t.closed);
    return t;
}

}  // namespace tiersim::model
