// SPDX-License-Identifier: MIT
// The analytic companion of DESIGN §3: the traffic equations of the flow that sim/model/flow/
// simulates, solved with Eigen, and the offered load and utilisation of every station of
// station_plan.hpp (intakes, department queues, split windows, approval bureaus, leaders and the
// links between provinces).
//
// The flow, per street and ticket type (means over a week; the profiles have mean 1), with the
// levers of the province of the unit where each thing happens:
//   * arrivals at rate γ = rate × population / 10,000 per day, split into the arrival variants
//     of build_lps: of the home share (1 − cross_province), online_share goes online when the
//     type is online-capable and its channel is the window; the cross-province share splits by
//     cross_modes into online (online channel), proxy and joint (the window, or online when the
//     type's channel is online). Each variant is taken in at its channel's tier: at the split
//     window of the type's first department where the province has no generalist windows (a
//     window ticket with departments), else at the channel's intake, whose service is slowed by
//     generalist_slowdown at generalist windows;
//   * upward types (grid data updates): no steps at the intake unit; every unit above it runs
//     the departments once (no returns: a joint review is one pass, a meeting without returns);
//     the district review rejects reject_probability of what passes it (at the intake when the
//     intake is the district), so the flow above the district is × (1 − reject_probability);
//   * dispatch types close at intake with close_at_intake (always without departments, never
//     for cross-province tickets), and such a ticket reported unsolved at its callback is
//     dispatched after all with P(unsolved) × rehandle (an unreasonable one never, under three
//     lists; the re-handle it used is not taken off those left to its chain); the rest go to
//     the authority unit: the origin's ancestor at the authority tier, or for cross-province
//     tickets an authority unit of the home province (migration_matrix) in proportion to the
//     population of its streets, after the link queue from the origin province to the home
//     province. 多地联办 (joint) tickets also run the
//     departments once at the origin's own authority unit (the local part: no returns, no
//     escalation);
//   * department steps at a unit of tier k run at its bureau when the province's design at k is
//     approval_bureau and the department has approval, else at the department's queue; the
//     service mean is × (1 − sharing_speedup × data_sharing[k]) when the type has materials.
//     Sequentially (fragmented, bureau), step j returns with q = return_probability ×
//     three_lists_factor (three lists: the first step only) × bureau_return_factor (a bureau
//     step); a joint review (two or more departments) visits every department once per pass
//     and its meeting returns with q = return_probability × three_lists_factor (three lists).
//     A return restarts at the authority's first step; the returns count is kept, so no return
//     happens once it reaches max_returns. With escalate_after_returns = K > 0 the K-th return
//     goes instead to the leader (the handling unit's city, or the province unit when handled
//     at the province), whose decision sends the ticket back to the authority for one last
//     pass without returns or escalation;
//   * materials (expected_materials): under three lists, a ticket with a material found in
//     another department's shared data that is on that holder's negative list visits the
//     leader of the authority's escalation path (as above) once, on arrival there, before its
//     steps;
//   * after the last step at tier k a ticket escalates to the parent (first step there) with
//     escalate[k], except cross-province tickets and after a leader's decision; else it closes;
//   * at the callback an unsolved ticket (1 − solve_probability × return_solve_factor^returns)
//     is handled again at the last step of the closing unit with probability rehandle, at most
//     max_rehandles times; that step is sequential (its own return probability, even at a joint
//     review) and may be returned or escalated again;
//   * under deadline pressure (expedite_at > 0) each visit to the last step at a level is
//     followed by one more session there with P(followup > the calendar time from creation to
//     expedite_at × resolve_wd working days later, averaged over the days of the week): a
//     first-order share, which leaves out the time spent before the field work begins and so
//     undercounts re-handled, returned and escalated tickets, which are expedited more often.
// Not modelled: repeat calls and abandonment after a chase (they depend on response times),
// callers who hang up waiting for intake (the load is what is offered; such an intake is not
// listed as unstable, as its queue stays bounded), material and standards rework (delays that
// visit no queue).
//
// The routing after dispatch depends only on the type, the province (its levers) and whether
// the ticket is cross-province (no escalation), so the traffic equations are solved once per
// (type, province, cross) present, per ticket dispatched, over the states (re-handles so far h,
// returns so far r, level above the authority l, step j or the re-handled last step). Both
// counts are part of the state, so max_rehandles, P(solved) by returns, max_returns and the
// leader threshold are modelled exactly: layer r = max_returns never returns, and with
// a leader at K ≤ max_returns the returns from layer K − 1 leave for the leader. Within a layer
// each (l, j) is visited at most once (re-handles aside, which are rare), so a layer is left by a
// return with probability at most Q = 1 − Π (1 − q_lj); when the layers needed exceed where Q^r is
// negligible (below 1e-12) the last layer kept returns into itself, which is exact for an unbounded
// max_returns and errs by a relative Q^r otherwise (a leader beyond that layer is then never
// reached, also within Q^r). The re-handle layers are cut the same way where x^h is negligible, x
// being the largest P(unsolved) × rehandle (the last layer kept is re-handled into itself, using
// its own count for the re-handles left after a leader's decision). A hard cap of 2000 layers
// applies when Q = 1 (a step that always returns) or x = 1 with a huge max_returns or
// max_rehandles: the last layer then closes without returns or re-handles. The visits per (level,
// step), the leader decisions per level and the re-handles per level are then scaled by the
// dispatch rate of every authority unit and mapped onto its actual ancestors.
//
// The peak hour (QueueLoad::peak_utilisation) is a first-order estimate on top of these weekly
// means: each type's offered load at a station is spread over the 168 hours of the week by the
// type's daily × weekly arrival profile, unshifted at every queue (a department step after
// intake sees the profile of the arrivals upstream, not delayed by the intake, the dispatch or
// the steps before it), and a fluid backlog per station (weekly_demand, peak_hours.cpp) carries
// the work that arrives while the station is closed, or beyond its servers, to its next open
// hours, repeated to a steady weekly cycle. Queueing within an hour, the spread of service
// times and the real delays between stations are not modelled.
#include "tiersim/model/traffic.hpp"

#include "tiersim/model/arrival_variants.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/distribution_tail.hpp"
#include "tiersim/model/station_plan.hpp"
#include "tiersim/text_format.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace tiersim::model {

namespace {

// Layers of the returns count kept beyond which the rest is a geometric tail.
constexpr double negligible_return_mass = 1e-12;
constexpr int max_return_layers = 2000;

/// Whether department `d` works in the bureau at a tier with these levers.
bool in_bureau(const ScenarioSpec& spec, const Levers& lv, std::size_t tier, int d) {
    if (lv.design[tier] != Design::approval_bureau)
        return false;
    const auto i = static_cast<std::size_t>(d);
    return i >= spec.department_approval.size() || spec.department_approval[i];
}

/// Whether the steps at a tier run at once, then join: a joint review, or a type handled in
/// parallel (吹哨报到).
bool joint_review(const TicketTypeSpec& type, const Levers& lv, std::size_t tier) {
    return steps_in_parallel(type, lv.design[tier]);
}

/// P(the ticket is returned after step j at a tier), before max_returns and the leader: for a
/// joint review (`fork`), the meeting's after the last department; a re-handled last step is
/// sequential (no fork) even where the tier runs joint reviews.
double step_return(const ScenarioSpec& spec,
                   const TicketTypeSpec& type,
                   const Levers& lv,
                   std::size_t tier,
                   int j,
                   bool fork) {
    const int n = static_cast<int>(type.departments.size());
    double p = lv.return_probability;
    if (fork) {
        if (j + 1 < n)
            return 0.0;
        return lv.three_lists ? p * lv.three_lists_factor : p;
    }
    if (lv.three_lists) {
        if (j > 0)
            return 0.0;  // 首接负责: only the lead department returns
        p *= lv.three_lists_factor;
    }
    if (in_bureau(spec, lv, tier, type.departments[static_cast<std::size_t>(j)]))
        p *= lv.bureau_return_factor;
    return p;
}

/// Mean visits per ticket dispatched to the authority unit: to each (level, step), to the
/// leader from returns at each level, and re-handles of the last step at each level.
struct ChainVisits {
    int levels = 0;                 ///< authority tier .. province (1 for cross-province)
    int steps = 0;                  ///< departments of the type
    std::vector<double> visits;     ///< level * steps + step
    std::vector<double> leader;     ///< by level
    std::vector<double> rehandles;  ///< by level

    [[nodiscard]] double at(int level, int step) const {
        return visits[static_cast<std::size_t>(level * steps + step)];
    }
};

/// Layers of a count (returns or re-handles so far = 0 .. layers-1): whether the last one
/// loops into itself (tail) or leaves (returns: for the leader); otherwise it never moves on.
struct Layers {
    int layers = 1;
    bool tail = false;
    bool leaves = false;
};

/// `p`: the most probability with which a layer is left for the next; `last`: the last layer
/// that exists; `leaves`: whether it is left too (to the leader).
Layers count_layers(double p, int last, bool leaves) {
    if (p <= 0.0 || last < 0)
        return {};
    int wanted = last;
    if (p < 1.0) {
        const double needed = std::ceil(std::log(negligible_return_mass) / std::log(p));
        if (needed < static_cast<double>(wanted))
            wanted = static_cast<int>(needed);
    }
    wanted = std::min(wanted, max_return_layers);
    Layers out;
    out.layers = wanted + 1;
    if (wanted < last) {
        out.tail = p < 1.0;
    } else {
        out.leaves = leaves;
    }
    return out;
}

/// The share of field work that deadline pressure takes up again (expedite_at in closing.cpp),
/// as if it began when the ticket was created, averaged over creations at noon of each day.
double expedited_share(const TicketTypeSpec& type, const Levers& lv, const Calendar& calendar) {
    if (!(lv.expedite_at > 0.0) || !(type.followup.mean_h > 0.0))
        return 0.0;
    double share = 0.0;
    for (int day = 0; day < 7; ++day) {
        const engine::Tick created = day * engine::ticks_per_day + engine::ticks_per_day / 2;
        const engine::Tick point =
            calendar.working_day_deadline(created, lv.expedite_at * type.resolve_wd);
        share += survival(type.followup, engine::to_hours(point - created));
    }
    return share / 7.0;
}

/// The share of a home ticket that reaches its authority: those not closed at intake, and of
/// those closed there the ones re-handled (重办) after an unsolved callback (close_ticket).
double dispatched_share(const TicketTypeSpec& type, const Levers& intake) {
    const double closed = type.close_at_intake;
    if (!(closed > 0.0) || intake.max_rehandles <= 0 || !(intake.rehandle > 0.0))
        return 1.0 - closed;
    const double u = type.unreasonable;
    const double unsolved =
        (intake.three_lists ? 0.0 : u) + (1.0 - u) * (1.0 - type.solve_probability);
    return 1.0 - closed + closed * unsolved * intake.rehandle;
}

/// Σ_{m=1..count} x^m.
double geometric_sum(double x, int count) {
    double sum = 0.0;
    double term = 1.0;
    for (int m = 1; m <= count && term > 1e-300; ++m) {
        term *= x;
        sum += term;
    }
    return sum;
}

/// Solves (I - Pᵀ) v = e₀ over the states (re-handles h, returns r, level l, step j) of one
/// type in one province; step j = steps is the re-handled last step.
ChainVisits solve_chain(const ScenarioSpec& spec,
                        const TicketTypeSpec& type,
                        const Levers& lv,
                        bool cross) {
    ChainVisits out;
    out.levels = cross ? 1 : tier_count - static_cast<int>(type.authority);
    out.steps = static_cast<int>(type.departments.size());
    out.visits.assign(static_cast<std::size_t>(out.levels * out.steps), 0.0);
    out.leader.assign(static_cast<std::size_t>(out.levels), 0.0);
    out.rehandles.assign(static_cast<std::size_t>(out.levels), 0.0);
    if (out.steps == 0)
        return out;

    const int n = out.steps;
    const int width = n + 1;  // the steps, then the re-handled last step
    std::vector<double> q(static_cast<std::size_t>(out.levels * width));
    std::vector<double> escalate(static_cast<std::size_t>(out.levels), 0.0);
    double stay = 1.0;  // P(a layer is passed without a return), at least
    for (int l = 0; l < out.levels; ++l) {
        const auto tier = static_cast<std::size_t>(type.authority) + static_cast<std::size_t>(l);
        if (!cross && l + 1 < out.levels)
            escalate[static_cast<std::size_t>(l)] = type.escalate[tier];
        const bool fork = joint_review(type, lv, tier);
        for (int j = 0; j <= n; ++j) {
            const double p = j < n ? step_return(spec, type, lv, tier, j, fork)
                                   : step_return(spec, type, lv, tier, n - 1, false);
            q[static_cast<std::size_t>(l * width + j)] = p;
            stay *= 1.0 - std::clamp(p, 0.0, 1.0);
        }
    }
    // Returns: layer r = max_returns never returns; with a leader at K ≤ max_returns the
    // returns of layer K − 1 leave for the leader.
    const int leader_after = lv.escalate_after_returns;
    const bool leader = leader_after > 0 && leader_after <= spec.max_returns;
    const Layers rl =
        spec.max_returns <= 0
            ? Layers{}
            : count_layers(1.0 - stay, leader ? leader_after - 1 : spec.max_returns, leader);
    // Re-handles: P(unsolved at the callback) × rehandle, by the returns so far.
    std::vector<double> rehandle(static_cast<std::size_t>(rl.layers) + 1, 0.0);
    double most = 0.0;
    for (int r = 0; r <= rl.layers; ++r) {
        const int returns = r < rl.layers ? r : leader_after;  // the last entry: after a leader
        // An unreasonable demand is never solved; under the three lists it is not re-handled.
        const double reasonable = 1.0 - type.unreasonable;
        const double solved = type.solve_probability * reasonable *
                              std::pow(lv.return_solve_factor, static_cast<double>(returns));
        const double unsolved = (lv.three_lists ? reasonable : 1.0) - solved;
        const double x = lv.max_rehandles > 0 ? std::clamp(unsolved, 0.0, 1.0) * lv.rehandle : 0.0;
        rehandle[static_cast<std::size_t>(r)] = x;
        if (r < rl.layers)
            most = std::max(most, x);
    }
    const Layers hl = count_layers(most, lv.max_rehandles, false);

    const int per_r = out.levels * width;
    const int per_h = rl.layers * per_r;
    const int size = hl.layers * per_h;
    auto index = [&](int h, int r, int l, int j) {
        return h * per_h + r * per_r + l * width + j;
    };
    // The return probability used in layer r: none in a last layer that neither loops nor
    // leaves for the leader.
    auto q_in = [&](int r, int l, int j) {
        const bool last = r + 1 == rl.layers;
        return (!last || rl.tail || rl.leaves) ? q[static_cast<std::size_t>(l * width + j)] : 0.0;
    };

    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(static_cast<std::size_t>(size) * 4);
    for (int h = 0; h < hl.layers; ++h) {
        const bool last_h = h + 1 == hl.layers;
        for (int r = 0; r < rl.layers; ++r) {
            const bool last_r = r + 1 == rl.layers;
            const double x = rehandle[static_cast<std::size_t>(r)];
            for (int l = 0; l < out.levels; ++l) {
                const double esc = escalate[static_cast<std::size_t>(l)];
                for (int j = 0; j <= n; ++j) {
                    const int from = index(h, r, l, j);
                    const double q_r = q_in(r, l, j);
                    entries.emplace_back(from, from, 1.0);
                    if (q_r > 0.0 && !(last_r && rl.leaves))
                        entries.emplace_back(index(h, last_r ? r : r + 1, 0, 0), from, -q_r);
                    const double cont = 1.0 - q_r;
                    if (j + 1 < n) {
                        entries.emplace_back(index(h, r, l, j + 1), from, -cont);
                        continue;
                    }
                    // Done at the unit: escalate, or close and perhaps be handled again.
                    if (esc > 0.0)
                        entries.emplace_back(index(h, r, l + 1, 0), from, -cont * esc);
                    if (x > 0.0 && (!last_h || hl.tail))
                        entries.emplace_back(
                            index(last_h ? h : h + 1, r, l, n), from, -cont * (1.0 - esc) * x);
                }
            }
        }
    }
    Eigen::SparseMatrix<double> a(size, size);
    a.setFromTriplets(entries.begin(), entries.end());  // sums duplicates (a loop to itself)
    a.makeCompressed();
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
    lu.compute(a);
    TIERSIM_CHECK(lu.info() == Eigen::Success, "the traffic equations are singular");
    Eigen::VectorXd gamma = Eigen::VectorXd::Zero(size);
    gamma(index(0, 0, 0, 0)) = 1.0;
    const Eigen::VectorXd v = lu.solve(gamma);
    TIERSIM_CHECK(lu.info() == Eigen::Success, "solving the traffic equations failed");

    // After the leader's decision: one pass at the authority without returns or escalation,
    // then re-handles of its last step (the returns count is K from then on).
    double decided = 0.0;
    double decided_rehandles = 0.0;
    for (int h = 0; h < hl.layers; ++h) {
        for (int r = 0; r < rl.layers; ++r) {
            const bool last_r = r + 1 == rl.layers;
            for (int l = 0; l < out.levels; ++l) {
                const auto ls = static_cast<std::size_t>(l);
                for (int j = 0; j < n; ++j)
                    out.visits[ls * static_cast<std::size_t>(n) + static_cast<std::size_t>(j)] +=
                        v(index(h, r, l, j));
                out.rehandles[ls] += v(index(h, r, l, n));
                if (!(last_r && rl.leaves))
                    continue;
                double to_leader = 0.0;
                for (int j = 0; j <= n; ++j)
                    to_leader += v(index(h, r, l, j)) * q_in(r, l, j);
                out.leader[ls] += to_leader;
                decided += to_leader;
                decided_rehandles +=
                    to_leader * geometric_sum(rehandle[static_cast<std::size_t>(rl.layers)],
                                              std::max(0, lv.max_rehandles - h));
            }
        }
    }
    for (int j = 0; j < n; ++j)
        out.visits[static_cast<std::size_t>(j)] += decided;
    out.rehandles[0] += decided_rehandles;
    return out;
}

}  // namespace

MaterialsExpectation expected_materials(const TicketTypeSpec& type,
                                        const Levers& lv,
                                        std::size_t tier,
                                        double current) {
    MaterialsExpectation out;
    const double found = lv.data_sharing[tier] * current;
    const int requester = type.departments.empty() ? -1 : type.departments.front();
    const auto holders = type.material_holders.size();
    double no_visit = 1.0;
    for (int m = 0; m < type.materials; ++m) {
        const int holder =
            holders == 0 ? requester : type.material_holders[static_cast<std::size_t>(m) % holders];
        double asked = 1.0 - found;
        if (holder != requester) {
            if (lv.three_lists) {
                asked += found * lv.negative_list * (1.0 - lv.negative_list_lifted);
                no_visit *= 1.0 - found * lv.negative_list;
            } else {
                asked += found * (1.0 - lv.willing(requester, holder));
            }
        }
        out.requested += asked;
    }
    out.leader_visits = 1.0 - no_visit;
    return out;
}

namespace {

/// One station: servers, open fraction of its calendar, arrivals and offered load (summed over
/// the ticket types, each with its own mean service time).
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

/// The arrival weight of a ticket type in each hour of the week (mean 1 when its profiles have
/// mean 1), as the arrivals draw it (flow/arrivals.cpp).
WeekHours arrival_profile(const TicketTypeSpec& type) {
    WeekHours w{};
    for (std::size_t h = 0; h < w.size(); ++h)
        w[h] = type.daily_profile[h % 24] * type.weekly_profile[h / 24];
    return w;
}

/// The open share of each hour of the week of a calendar.
WeekHours open_share(const Calendar& calendar) {
    constexpr auto hour = engine::ticks_per_hour;
    WeekHours share{};
    for (std::size_t h = 0; h < share.size(); ++h) {
        const auto from = static_cast<engine::Tick>(h) * hour;
        share[h] = static_cast<double>(calendar.open_between(from, from + hour)) /
                   static_cast<double>(hour);
    }
    return share;
}

/// The demand (weekly_demand) of a queue class by hour of the week and the servers open in each
/// hour (if only for part of it), summed over its stations.
struct WeekLoad {
    WeekHours demand{};
    WeekHours servers{};

    /// Its busiest hour: the most demand / servers over the hours with servers open.
    void peak(QueueLoad& q) const {
        q.peak_utilisation = 0.0;
        q.peak_hour = -1;
        if (std::none_of(demand.begin(), demand.end(), [](double d) { return d > 0.0; }))
            return;
        for (std::size_t h = 0; h < demand.size(); ++h) {
            if (!(servers[h] > 0.0))
                continue;
            const double u = demand[h] / servers[h];
            if (q.peak_hour < 0 || u > q.peak_utilisation) {
                q.peak_utilisation = u;
                q.peak_hour = static_cast<int>(h);
            }
        }
        if (q.peak_hour < 0) {  // work, but never a server
            q.peak_utilisation = std::numeric_limits<double>::infinity();
            q.peak_hour =
                static_cast<int>(std::max_element(demand.begin(), demand.end()) - demand.begin());
        }
    }
};

/// The offered load of one ticket type at one station.
struct TypeLoad {
    std::size_t station = 0;
    std::size_t type = 0;
    double offered = 0.0;
};

constexpr auto tiers = static_cast<std::size_t>(tier_count);

/// The queue class of station `s` in class_weeks: tier × stride + queue kind for a unit's
/// station, then every link station on its own.
std::size_t week_class(const CompiledModel& model, std::size_t s) {
    const StationIndex& index = model.stations();
    const std::size_t stride = index.stride();
    if (s >= index.unit_stations())
        return tiers * stride + s - index.unit_stations();
    const auto tier = static_cast<std::size_t>(model.org().unit(index.unit_of(s)).tier);
    return tier * stride + s % stride;
}

/// The week of every queue class (week_class). Each station's arrivals are its types' offered
/// loads (`loads`, in any order) spread by their arrival profiles; its capacity is its servers in
/// its calendar's open time of each hour; its demand is its own fluid backlog (weekly_demand).
std::vector<WeekLoad> class_weeks(const CompiledModel& model, std::vector<TypeLoad> loads) {
    const auto& plan = model.station_plan();
    const StationIndex& index = model.stations();
    std::vector<WeekHours> profiles;
    for (const TicketTypeSpec& type : model.spec().ticket_types)
        profiles.push_back(arrival_profile(type));
    std::vector<WeekHours> open;
    for (const Calendar& c : model.calendars())
        open.push_back(open_share(c));
    std::sort(loads.begin(), loads.end(), [](const TypeLoad& x, const TypeLoad& y) {
        return x.station != y.station ? x.station < y.station : x.type < y.type;
    });

    std::vector<WeekLoad> classes(tiers * index.stride() + plan.size() - index.unit_stations());
    auto next = loads.begin();
    for (std::size_t s = 0; s < plan.size(); ++s) {
        WeekHours arrivals{};
        bool work = false;
        for (; next != loads.end() && next->station == s; ++next) {
            work = true;
            for (std::size_t h = 0; h < arrivals.size(); ++h)
                arrivals[h] += next->offered * profiles[next->type][h];
        }
        const auto servers = static_cast<double>(plan[s].servers);
        if (!work && !(servers > 0.0))
            continue;
        const WeekHours& share = open[static_cast<std::size_t>(plan[s].calendar)];
        WeekHours capacity{};
        for (std::size_t h = 0; h < capacity.size(); ++h)
            capacity[h] = servers * share[h];
        // Without servers nothing is carried (its utilisation is infinite anyway).
        const WeekHours demand =
            work && servers > 0.0 ? weekly_demand(arrivals, capacity) : arrivals;
        WeekLoad& week = classes[week_class(model, s)];
        for (std::size_t h = 0; h < capacity.size(); ++h) {
            week.demand[h] += demand[h];
            week.servers[h] += share[h] > 0.0 ? servers : 0.0;
        }
    }
    return classes;
}

}  // namespace

namespace {

/// The residents of the scenario and its staff per 100,000 of them, by channel.
void staff_per_residents(const CompiledModel& model,
                         const std::vector<StationPlan>& plan,
                         TrafficReport& report) {
    const Organisation& org = model.org();
    const StationIndex& index = model.stations();
    for (int p = 0; p < org.province_count(); ++p) {
        const Unit& u = org.unit(org.province_unit(p));
        report.provinces.push_back({u.name, u.population});
        report.residents += u.population;
    }
    const std::size_t channels = channel_count;
    const std::size_t departments = model.spec().departments.size();
    std::array<double, channel_count> intake{};
    double rest = 0.0;
    for (std::size_t si = 0; si < index.unit_stations(); ++si) {
        const std::size_t k = si % index.stride();
        const auto servers = static_cast<double>(plan[si].servers);
        if (k < channels)
            intake[k] += servers;
        else if (k >= channels + departments && k < channels + 2 * departments)
            intake[static_cast<std::size_t>(Channel::window)] += servers;
        else
            rest += servers;
    }
    const double per = report.residents > 0.0 ? 1e5 / report.residents : 0.0;
    for (std::size_t c = 0; c < channels; ++c)
        report.intake_staff_per_100k[c] = intake[c] * per;
    report.department_staff_per_100k = rest * per;
}

}  // namespace

TrafficReport analyse_traffic(const CompiledModel& model) {
    const ScenarioSpec& spec = model.spec();
    const Organisation& org = model.org();
    const std::vector<Levers>& levers = model.levers();
    const std::vector<double>& migration = model.migration();
    const StationIndex& index = model.stations();
    const std::size_t n_units = org.size();
    const auto provinces = static_cast<std::size_t>(org.province_count());

    // The stations the simulation runs (station_plan.hpp), with their calendars' open share.
    std::vector<double> open_fraction;
    for (const Calendar& c : model.calendars())
        open_fraction.push_back(c.open_fraction());
    const auto& plan = model.station_plan();
    std::vector<Station> stations(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        stations[i].servers = plan[i].servers;
        stations[i].open = open_fraction[static_cast<std::size_t>(plan[i].calendar)];
    }
    // The offered load of the current ticket type at each station (for the peak hour), kept in
    // `type_loads` before the next type.
    std::vector<TypeLoad> type_loads;
    std::size_t current_type = 0;
    std::vector<double> by_station(plan.size(), 0.0);
    std::vector<std::size_t> touched;
    auto add = [&](std::size_t station, double rate, double mean_h) {
        Station& s = stations[station];
        s.lambda += rate;
        s.offered += rate * mean_h;
        if (!(by_station[station] > 0.0))
            touched.push_back(station);
        by_station[station] += rate * mean_h;
    };
    auto keep_type_loads = [&] {
        for (const std::size_t station : touched) {
            if (by_station[station] > 0.0)
                type_loads.push_back({station, current_type, by_station[station]});
            by_station[station] = 0.0;
        }
        touched.clear();
    };
    auto lever = [&](UnitId unit) -> const Levers& {
        return levers[static_cast<std::size_t>(org.province_index(unit))];
    };
    auto tier_of = [&](UnitId unit) {
        return static_cast<std::size_t>(org.unit(unit).tier);
    };

    const auto streets = org.units_at(Tier::street);
    std::vector<double> province_population(provinces, 0.0);
    for (const UnitId s : streets)
        province_population[static_cast<std::size_t>(org.province_index(s))] +=
            org.unit(s).population;

    TrafficReport report;
    report.data_freshness_expected_h = model.expected_freshness_h();
    report.shared_data_current = model.shared_data_current();
    std::vector<double> upward(n_units);
    std::vector<double> home(n_units);
    std::vector<double> cross(n_units);
    std::vector<double> local(n_units);
    std::vector<double> cross_into(provinces);
    std::vector<double> trips_into(provinces);
    for (const auto& type : spec.ticket_types) {
        keep_type_loads();  // the previous type's
        current_type = static_cast<std::size_t>(&type - spec.ticket_types.data());
        if (type.rate <= 0.0)
            continue;
        const auto& depts = type.departments;
        const int steps = static_cast<int>(depts.size());

        // Department step j at `unit`: its station and mean service.
        auto step_station = [&](UnitId unit, int j) {
            const int d = depts[static_cast<std::size_t>(j)];
            return in_bureau(spec, lever(unit), tier_of(unit), d) ? index.bureau(unit)
                                                                  : index.department(unit, d);
        };
        auto step_mean = [&](UnitId unit) {
            const Levers& lv = lever(unit);
            return type.materials > 0
                       ? type.service.mean_h *
                             (1.0 - lv.sharing_speedup * lv.data_sharing[tier_of(unit)])
                       : type.service.mean_h;
        };
        // Every department once (a joint review's meeting without returns).
        auto one_pass = [&](UnitId unit, double rate) {
            for (int j = 0; j < steps; ++j)
                add(step_station(unit, j), rate, step_mean(unit));
        };

        std::fill(upward.begin(), upward.end(), 0.0);
        std::fill(home.begin(), home.end(), 0.0);
        std::fill(cross.begin(), cross.end(), 0.0);
        std::fill(local.begin(), local.end(), 0.0);
        std::fill(cross_into.begin(), cross_into.end(), 0.0);
        std::fill(trips_into.begin(), trips_into.end(), 0.0);

        // The intake of `rate` tickets per hour at `street`'s unit of channel `ch`.
        auto intake_at = [&](UnitId street, Channel ch, double rate) {
            const UnitId intake =
                org.ancestor(street, spec.channels[static_cast<std::size_t>(ch)].tier);
            TIERSIM_CHECK(intake != no_unit, "a street without a unit at the channel's tier");
            const Levers& il = lever(intake);
            const bool window = ch == Channel::window;
            const std::size_t station =
                window && !il.generalist_windows && steps > 0
                    ? index.split_window(
                          intake, depts.front(), [&](auto si) { return plan[si].servers; })
                    : index.intake(intake, ch);
            add(station,
                rate,
                type.intake.mean_h *
                    (window && il.generalist_windows ? il.generalist_slowdown : 1.0));
            return intake;
        };

        // Arrivals and intake, by variant.
        for (const UnitId street : streets) {
            const Levers& lv = lever(street);
            const auto province = static_cast<std::size_t>(org.province_index(street));
            const double per_day = type.rate * org.unit(street).population / 10'000.0;
            report.tickets_per_day += per_day;
            const double base = per_day / 24.0;
            const auto variants = arrival_variants(type, lv);
            for (const ArrivalVariant& variant : variants) {
                if (!(variant.share > 0.0))
                    continue;
                const double rate = base * variant.share;
                if (variant.cross == CrossMode::trip_home) {
                    // The applicant applies at a home street in person (below).
                    for (std::size_t to = 0; to < provinces; ++to)
                        trips_into[to] += rate * migration[province * provinces + to];
                    continue;
                }
                const UnitId intake = intake_at(street, variant.channel, rate);

                if (type.route == Route::upward) {
                    upward[static_cast<std::size_t>(intake)] += rate;
                    continue;
                }
                if (steps == 0)
                    continue;  // closed at intake
                const UnitId authority = org.ancestor(street, type.authority);
                TIERSIM_CHECK(authority != no_unit,
                              "a street without a unit at the authority tier");
                if (variant.cross == CrossMode::none) {
                    home[static_cast<std::size_t>(authority)] +=
                        rate * dispatched_share(type, lever(intake));
                    continue;
                }
                for (std::size_t to = 0; to < provinces; ++to) {
                    const double m = migration[province * provinces + to];
                    if (!(m > 0.0))
                        continue;
                    add(index.link(static_cast<int>(province), static_cast<int>(to)),
                        rate * m,
                        spec.cross.link_service_h);
                    cross_into[to] += rate * m;
                }
                if (variant.cross == CrossMode::joint)
                    local[static_cast<std::size_t>(authority)] += rate;
            }
        }

        // Upward: every unit above the intake runs the departments; the district rejects.
        const bool rejects = type.reject_probability > 0.0;
        for (std::size_t u = 0; u < n_units && type.route == Route::upward; ++u) {
            double rate = upward[u];
            if (rate <= 0.0)
                continue;
            auto unit = static_cast<UnitId>(u);
            for (;;) {
                if (org.unit(unit).tier == Tier::district && rejects)
                    rate *= 1.0 - type.reject_probability;
                unit = org.unit(unit).parent;
                if (unit == no_unit || !(rate > 0.0))
                    break;
                one_pass(unit, rate);
            }
        }
        if (type.route == Route::upward || steps == 0)
            continue;

        // Cross-province tickets: a home street by population, so its authority by population;
        // an applicant back home is a local ticket there.
        for (const UnitId street : streets) {
            const auto p = static_cast<std::size_t>(org.province_index(street));
            if (trips_into[p] > 0.0) {
                const Channel ch =
                    type.channel == Channel::online ? Channel::online : Channel::window;
                const double rate =
                    trips_into[p] * org.unit(street).population / province_population[p];
                const UnitId intake = intake_at(street, ch, rate);
                if (steps > 0)
                    home[static_cast<std::size_t>(org.ancestor(street, type.authority))] +=
                        rate * dispatched_share(type, lever(intake));
            }
            if (!(cross_into[p] > 0.0))
                continue;
            const UnitId authority = org.ancestor(street, type.authority);
            cross[static_cast<std::size_t>(authority)] +=
                cross_into[p] * org.unit(street).population / province_population[p];
        }
        // 多地联办: the local part at the origin's own authority.
        for (std::size_t u = 0; u < n_units; ++u) {
            if (local[u] > 0.0)
                one_pass(static_cast<UnitId>(u), local[u]);
        }

        // The department chains, per (province, cross) that has tickets dispatched.
        std::vector<std::optional<ChainVisits>> chains(2 * provinces);
        std::vector<double> expedited(provinces);  // per province, once per type
        for (std::size_t p = 0; p < provinces; ++p)
            expedited[p] = expedited_share(type, levers[p], model.working_days(type));
        for (int c = 0; c < 2; ++c) {
            const std::vector<double>& dispatched = c == 0 ? home : cross;
            for (std::size_t a = 0; a < n_units; ++a) {
                if (!(dispatched[a] > 0.0))
                    continue;
                const auto authority = static_cast<UnitId>(a);
                const auto p = static_cast<std::size_t>(org.province_index(authority));
                auto& chain = chains[2 * p + static_cast<std::size_t>(c)];
                if (!chain)
                    chain = solve_chain(spec, type, levers[p], c == 1);
                // Negative-listed materials: once at the leader of the authority's escalation
                // path (its city's, or its own at the province), on arrival there.
                if (type.materials > 0 && levers[p].three_lists) {
                    const double visits =
                        expected_materials(
                            type, levers[p], tier_of(authority), model.shared_data_current())
                            .leader_visits;
                    if (visits > 0.0) {
                        const UnitId leader = org.unit(authority).tier == Tier::province
                                                  ? authority
                                                  : org.ancestor(authority, Tier::city);
                        const Levers& lv = lever(leader);
                        add(index.leader(leader),
                            dispatched[a] * visits,
                            lv.leader_decision_h / lv.leader_engagement);
                    }
                }
                UnitId unit = authority;
                for (int l = 0; l < chain->levels && unit != no_unit; ++l) {
                    const auto ls = static_cast<std::size_t>(l);
                    for (int j = 0; j < steps; ++j)
                        add(step_station(unit, j),
                            dispatched[a] * chain->at(l, j),
                            step_mean(unit));
                    if (chain->rehandles[ls] > 0.0) {
                        add(step_station(unit, steps - 1),
                            dispatched[a] * chain->rehandles[ls],
                            step_mean(unit));
                    }
                    // A re-handle keeps the ticket's deadline and starts after the first
                    // pass's field work and callback, at or past the point of pressure, so its
                    // field work is taken up again at once: all of it (closing.cpp).
                    if (expedited[p] > 0.0) {
                        add(step_station(unit, steps - 1),
                            dispatched[a] *
                                (chain->at(l, steps - 1) * expedited[p] + chain->rehandles[ls]),
                            step_mean(unit));
                    }
                    if (chain->leader[ls] > 0.0) {
                        const UnitId leader = org.unit(unit).tier == Tier::province
                                                  ? unit
                                                  : org.ancestor(unit, Tier::city);
                        const Levers& lv = lever(leader);
                        add(index.leader(leader),
                            dispatched[a] * chain->leader[ls],
                            lv.leader_decision_h / lv.leader_engagement);
                    }
                    unit = org.unit(unit).parent;
                }
            }
        }
    }

    // Aggregate per (tier, queue); list every unstable (unit, queue).
    struct Flagged {
        double utilisation;
        UnitId unit;
        std::size_t station;
    };

    keep_type_loads();
    const std::vector<WeekLoad> weeks = class_weeks(model, std::move(type_loads));
    std::vector<Flagged> flagged;
    const std::size_t stride = index.stride();
    const std::size_t leader_offset = index.leader(0);
    for (int t = 0; t < tier_count; ++t) {
        const auto tier = static_cast<Tier>(t);
        const auto units = org.units_at(tier);
        for (std::size_t st = 0; st < stride; ++st) {
            QueueLoad q;
            q.tier = tier;
            q.queue = index.queue_name(st, spec, org);
            // An intake whose callers hang up (channels.CHANNEL.patience_min, Erlang-A) keeps a
            // bounded queue at any load: the callers it cannot take leave.
            const bool hang_up = st < static_cast<std::size_t>(channel_count) &&
                                 spec.channels[st].patience_min > 0.0;
            double capacity = 0.0;
            for (const UnitId id : units) {
                const std::size_t station = static_cast<std::size_t>(id) * stride + st;
                const Station& s = stations[station];
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
                if (util >= 1.0 && !hang_up)
                    flagged.push_back({util, id, station});
            }
            // Intakes of channels and leaders that no ticket reaches are left out; department
            // queues, split windows and bureaus with servers but no work are kept (idle staff
            // is worth seeing).
            const bool intake_or_leader =
                st < static_cast<std::size_t>(channel_count) || st == leader_offset;
            if (q.units == 0 || (intake_or_leader && q.arrival_rate_per_h <= 0.0))
                continue;
            q.utilisation = q.offered_load <= 0.0 ? 0.0
                            : capacity > 0.0      ? q.offered_load / capacity
                                                  : std::numeric_limits<double>::infinity();
            q.unstable = q.worst_utilisation >= 1.0 && !hang_up;
            weeks[static_cast<std::size_t>(t) * stride + st].peak(q);  // week_class
            report.queues.push_back(std::move(q));
        }
    }
    // The links between provinces, each its own queue at the province tier (listed when used).
    for (std::size_t from = 0; from < provinces; ++from) {
        for (std::size_t to = 0; to < provinces; ++to) {
            const std::size_t station = index.link(static_cast<int>(from), static_cast<int>(to));
            const Station& s = stations[station];
            if (s.lambda <= 0.0)
                continue;
            const UnitId owner = org.province_unit(static_cast<int>(from));
            QueueLoad q;
            q.tier = Tier::province;
            q.queue = index.queue_name(station, spec, org);
            q.units = 1;
            q.arrival_rate_per_h = s.lambda;
            q.offered_load = s.offered;
            q.servers = static_cast<double>(s.servers);
            q.utilisation = s.utilisation();
            q.worst_utilisation = q.utilisation;
            q.worst_unit = org.unit(owner).name;
            q.unstable = q.worst_utilisation >= 1.0;
            weeks[week_class(model, station)].peak(q);
            if (q.unstable)
                flagged.push_back({q.utilisation, owner, station});
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
        const Unit& unit = org.unit(f.unit);
        const Station& s = stations[f.station];
        report.unstable.push_back(
            unit.name + " (" + tier_names[static_cast<std::size_t>(unit.tier)] + ") " +
            index.queue_name(f.station, spec, org) + ": utilisation " +
            format_fixed(f.utilisation, 2) + " >= 1 (offered " + format_fixed(s.offered, 2) +
            " erlangs on " + std::to_string(s.servers) + " servers open " +
            format_fixed(100.0 * s.open, 0) + "%)");
    }
    staff_per_residents(model, plan, report);
    return report;
}

}  // namespace tiersim::model
