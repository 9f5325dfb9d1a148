// SPDX-License-Identifier: MIT
// The analytic companion of DESIGN §3: the traffic equations of the flow that simulation.cpp
// simulates, solved with Eigen, and the offered load and utilisation of every station.
//
// The flow, per street and ticket type (means over a week; the profiles have mean 1):
//   * arrivals at rate γ = rate × population / 10,000 per day, taken in at the intake station of
//     the type's channel at the street's ancestor at the channel's tier;
//   * after intake the ticket closes with probability close_at_intake (always without
//     departments), else it is dispatched to the authority unit (the origin's ancestor at the
//     authority tier) and visits the type's departments in order there;
//   * after each department step it is returned with probability q = return_probability while
//     it has had fewer than max_returns returns, and then restarts at the first department of
//     the authority unit (wherever it was);
//   * after the last department at a unit of tier k it escalates to the parent (first
//     department there) with probability escalate[k], else closes.
//
// The routing after dispatch depends only on the type (every chain climbs from the authority
// tier to the province), so the traffic equations are solved once per type, per ticket
// dispatched, over the states (returns so far r, level above the authority l, step j). The
// returns count is part of the state, so max_returns is modelled exactly: a ticket with r =
// max_returns returns is never returned again. When max_returns is large the layers stop where
// q^r is negligible (below 1e-12) and the last layer returns into itself, which is exact for an
// unbounded max_returns and overstates the load by a relative q^r otherwise; a hard cap on the
// number of layers (q close to 1 with a huge max_returns) instead lets the last layer close
// without returns. The visit rates per (level, step) are then scaled by the dispatch rate of
// every authority unit and mapped onto its actual ancestors.
#include "tiersim/model/traffic.hpp"

#include "tiersim/model/calendar.hpp"
#include "tiersim/model/province_levers.hpp"
#include "tiersim/model/station_plan.hpp"
#include "tiersim/text_format.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tiersim::model {

namespace {

// Layers of the returns count kept beyond which the rest is a geometric tail.
constexpr double negligible_return_mass = 1e-12;
constexpr int max_return_layers = 2000;

/// Mean visits to each (level, step) per ticket dispatched to the authority unit.
struct ChainVisits {
    int levels = 0;              ///< authority tier .. province
    int steps = 0;               ///< departments of the type
    std::vector<double> visits;  ///< level * steps + step

    [[nodiscard]] double at(int level, int step) const {
        return visits[static_cast<std::size_t>(level * steps + step)];
    }
};

/// Number of return layers (returns so far = 0 .. layers-1) and whether the last one may
/// still return into itself.
struct ReturnLayers {
    int layers = 1;
    bool tail = false;
};

ReturnLayers return_layers(double q, int max_returns) {
    if (q <= 0.0 || max_returns <= 0)
        return {};
    int wanted = max_returns;
    if (q < 1.0) {
        const double needed = std::ceil(std::log(negligible_return_mass) / std::log(q));
        if (needed < static_cast<double>(wanted))
            wanted = static_cast<int>(needed);
    }
    wanted = std::min(wanted, max_return_layers);
    return {wanted + 1, wanted < max_returns && q < 1.0};
}

/// Solves (I - Pᵀ) v = e₀ over the states (r, l, j) of one ticket type.
ChainVisits solve_chain(const ScenarioSpec& spec, const TicketTypeSpec& type) {
    ChainVisits out;
    out.levels = tier_count - static_cast<int>(type.authority);
    out.steps = static_cast<int>(type.departments.size());
    out.visits.assign(static_cast<std::size_t>(out.levels * out.steps), 0.0);
    if (out.steps == 0)
        return out;

    const double q = spec.levers.return_probability;
    const ReturnLayers rl = return_layers(q, spec.max_returns);
    const int per_layer = out.levels * out.steps;
    const int n = rl.layers * per_layer;
    auto index = [&](int r, int l, int j) {
        return (r * out.levels + l) * out.steps + j;
    };

    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(static_cast<std::size_t>(n) * 3);
    for (int r = 0; r < rl.layers; ++r) {
        const bool last = r + 1 == rl.layers;
        const double q_r = (!last || rl.tail) ? q : 0.0;
        const int r_next = last ? r : r + 1;
        for (int l = 0; l < out.levels; ++l) {
            const auto tier =
                static_cast<std::size_t>(type.authority) + static_cast<std::size_t>(l);
            for (int j = 0; j < out.steps; ++j) {
                const int from = index(r, l, j);
                entries.emplace_back(from, from, 1.0);
                if (q_r > 0.0)
                    entries.emplace_back(index(r_next, 0, 0), from, -q_r);
                const double cont = 1.0 - q_r;
                if (j + 1 < out.steps) {
                    entries.emplace_back(index(r, l, j + 1), from, -cont);
                } else if (l + 1 < out.levels && type.escalate[tier] > 0.0) {
                    entries.emplace_back(index(r, l + 1, 0), from, -cont * type.escalate[tier]);
                }
            }
        }
    }
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(entries.begin(), entries.end());  // sums duplicates (a return to itself)
    a.makeCompressed();
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
    lu.compute(a);
    TIERSIM_CHECK(lu.info() == Eigen::Success, "the traffic equations are singular");
    Eigen::VectorXd gamma = Eigen::VectorXd::Zero(n);
    gamma(index(0, 0, 0)) = 1.0;
    const Eigen::VectorXd v = lu.solve(gamma);
    TIERSIM_CHECK(lu.info() == Eigen::Success, "solving the traffic equations failed");

    for (int r = 0; r < rl.layers; ++r) {
        for (int k = 0; k < per_layer; ++k) {
            out.visits[static_cast<std::size_t>(k)] += v(r * per_layer + k);
        }
    }
    return out;
}

/// One station of one unit: servers, open fraction of its calendar, arrivals and offered load
/// (summed over the ticket types, each with its own mean service time).
struct Station {
    int servers = 0;
    double open = 1.0;
    double lambda = 0.0;   // per hour
    double offered = 0.0;  // erlangs

    [[nodiscard]] double capacity() const { return static_cast<double>(servers) * open; }

    [[nodiscard]] double utilisation() const {
        if (offered <= 0.0)
            return 0.0;
        return capacity() > 0.0 ? offered / capacity() : std::numeric_limits<double>::infinity();
    }
};


}  // namespace

TrafficReport analyse_traffic(const ScenarioSpec& spec, const Organisation& org) {
    const StationIndex sindex(spec, org);
    const std::size_t stride = sindex.stride();
    const std::size_t n_units = org.size();

    // The stations the simulation runs (station_plan.hpp), with their calendars' open share.
    std::vector<double> open_fraction;
    for (const auto& c : spec.calendars)
        open_fraction.push_back(Calendar(c).open_fraction());
    const auto plan = plan_stations(spec, org, levers_by_province(spec, org), sindex);
    std::vector<Station> stations(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        stations[i].servers = plan[i].servers;
        stations[i].open = open_fraction[static_cast<std::size_t>(plan[i].calendar)];
    }

    // Arrivals: intake directly per street; departments through each type's chain solution,
    // scaled by the dispatch rate into each authority unit.
    TrafficReport report;
    const auto streets = org.units_at(Tier::street);
    std::vector<double> dispatched(n_units);
    for (const auto& type : spec.ticket_types) {
        if (type.rate <= 0.0)
            continue;
        const auto channel = static_cast<std::size_t>(type.channel);
        const Tier intake_tier = spec.channels[channel].tier;
        const double p_dispatch = type.departments.empty() ? 0.0 : 1.0 - type.close_at_intake;
        std::fill(dispatched.begin(), dispatched.end(), 0.0);
        for (const UnitId street : streets) {
            const double per_day = type.rate * org.unit(street).population / 10'000.0;
            report.tickets_per_day += per_day;
            const double per_hour = per_day / 24.0;
            const UnitId intake = org.ancestor(street, intake_tier);
            TIERSIM_CHECK(intake != no_unit, "a street without a unit at the channel's tier");
            Station& s = stations[sindex.intake(intake, type.channel)];
            s.lambda += per_hour;
            s.offered += per_hour * type.intake.mean_h;
            if (p_dispatch > 0.0) {
                const UnitId authority = org.ancestor(street, type.authority);
                TIERSIM_CHECK(authority != no_unit,
                              "a street without a unit at the authority tier");
                dispatched[static_cast<std::size_t>(authority)] += per_hour * p_dispatch;
            }
        }
        if (p_dispatch <= 0.0)
            continue;
        const ChainVisits chain = solve_chain(spec, type);
        for (std::size_t a = 0; a < n_units; ++a) {
            if (dispatched[a] <= 0.0)
                continue;
            auto unit = static_cast<UnitId>(a);
            for (int l = 0; l < chain.levels && unit != no_unit; ++l) {
                for (int j = 0; j < chain.steps; ++j) {
                    Station& s = stations[sindex.department(
                        unit, type.departments[static_cast<std::size_t>(j)])];
                    const double rate = dispatched[a] * chain.at(l, j);
                    s.lambda += rate;
                    s.offered += rate * type.service.mean_h;
                }
                unit = org.unit(unit).parent;
            }
        }
    }

    // Aggregate per (tier, queue); list every unstable (unit, queue).
    struct Flagged {
        double utilisation;
        std::size_t unit;
        std::size_t station;
    };

    std::vector<Flagged> flagged;
    for (int t = 0; t < tier_count; ++t) {
        const auto tier = static_cast<Tier>(t);
        const auto units = org.units_at(tier);
        for (std::size_t st = 0; st < stride; ++st) {
            QueueLoad q;
            q.tier = tier;
            q.queue = sindex.queue_name(st, spec, org);
            double capacity = 0.0;
            for (const UnitId id : units) {
                const auto u = static_cast<std::size_t>(id);
                const Station& s = stations[u * stride + st];
                if (s.lambda <= 0.0 && s.servers == 0)
                    continue;
                ++q.units;
                q.arrival_rate_per_h += s.lambda;
                q.offered_load += s.offered;
                q.servers += static_cast<double>(s.servers);
                capacity += s.capacity();
                const double util = s.utilisation();
                if (q.worst_unit.empty() || util > q.worst_utilisation) {
                    q.worst_utilisation = util;
                    q.worst_unit = org.unit(id).name;
                }
                if (util >= 1.0)
                    flagged.push_back({util, u, st});
            }
            // Intake queues of channels that no ticket type uses are left out; departments
            // with servers but no work are kept (idle staff is worth seeing).
            if (q.units == 0 ||
                (st < static_cast<std::size_t>(channel_count) && q.arrival_rate_per_h <= 0.0)) {
                continue;
            }
            q.utilisation = q.offered_load <= 0.0 ? 0.0
                            : capacity > 0.0      ? q.offered_load / capacity
                                                  : std::numeric_limits<double>::infinity();
            q.unstable = q.worst_utilisation >= 1.0;
            report.queues.push_back(std::move(q));
        }
    }
    std::sort(
        report.queues.begin(), report.queues.end(), [](const QueueLoad& a, const QueueLoad& b) {
            return a.tier != b.tier ? a.tier < b.tier : a.queue < b.queue;
        });

    // Worst first; ties in unit id, then station order.
    std::sort(flagged.begin(), flagged.end(), [](const Flagged& a, const Flagged& b) {
        if (a.utilisation != b.utilisation)
            return a.utilisation > b.utilisation;
        return a.unit != b.unit ? a.unit < b.unit : a.station < b.station;
    });
    for (const Flagged& f : flagged) {
        const Unit& unit = org.units()[f.unit];
        const Station& s = stations[f.unit * stride + f.station];
        report.unstable.push_back(
            unit.name + " (" + tier_names[static_cast<std::size_t>(unit.tier)] + ") " +
            sindex.queue_name(f.station, spec, org) + ": utilisation " + format_fixed(f.utilisation, 2) +
            " >= 1 (offered " + format_fixed(s.offered, 2) + " erlangs on " +
            std::to_string(s.servers) + " servers open " + format_fixed(100.0 * s.open, 0) + "%)");
    }
    return report;
}

}  // namespace tiersim::model
