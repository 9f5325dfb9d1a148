// SPDX-License-Identifier: MIT
#include "tiersim/model/summary_accumulator.hpp"

#include "tiersim/error.hpp"
#include "tiersim/model/kaplan_meier.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace tiersim::model {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : nan;
}

double mean(long double sum, std::int64_t count) {
    return count > 0 ? static_cast<double>(sum / static_cast<long double>(count)) : nan;
}

}  // namespace

SummaryAccumulator::SummaryAccumulator(const ScenarioSpec& spec, const Organisation& org)
    : warmup_h_(spec.warmup_days * 24.0),
      by_type_(spec.ticket_types.size()),
      by_province_(static_cast<std::size_t>(org.province_count())) {
    type_names_.reserve(spec.ticket_types.size());
    types_.reserve(spec.ticket_types.size());
    for (const auto& type : spec.ticket_types) {
        type_names_.push_back(type.name);
        TypeInfo info;
        info.service_item = type.channel == Channel::window || type.channel == Channel::online;
        info.data_update = type.route == Route::upward;
        info.resolve_wd = type.resolve_wd;
        types_.push_back(info);
    }
    unit_tier_.reserve(org.size());
    for (const Unit& unit : org.units()) {
        unit_tier_.push_back(static_cast<std::int8_t>(unit.tier));
    }
    for (std::size_t c = 0; c < intake_tier_.size(); ++c) {
        intake_tier_[c] = static_cast<int>(spec.channels[c].tier);
        patience_[c] = spec.channels[c].patience_min > 0.0;
        hang_ups_ = hang_ups_ || patience_[c];
    }
    province_names_.reserve(by_province_.size());
    for (int p = 0; p < org.province_count(); ++p) {
        province_names_.push_back(org.unit(org.province_unit(p)).name);
    }
    unit_names_.reserve(org.size());
    for (const Unit& unit : org.units()) {
        unit_names_.push_back(unit.name);
    }
    build_unit_groups(by_unit_[0], org, Tier::district);
    build_unit_groups(by_unit_[1], org, Tier::city);
    if (spec.street_summary) {
        build_unit_groups(by_unit_[2], org, Tier::street);
    }
}

void SummaryAccumulator::build_unit_groups(UnitGroups& groups, const Organisation& org, Tier tier) {
    std::vector<std::int32_t> group_of_unit(org.size(), -1);
    for (const UnitId id : org.units_at(tier)) {
        group_of_unit[static_cast<std::size_t>(id)] =
            static_cast<std::int32_t>(groups.units.size());
        groups.units.push_back(id);
    }
    groups.groups.resize(groups.units.size());
    groups.index.assign(org.size(), -1);
    for (const UnitId street : org.units_at(Tier::street)) {
        // The unit of `tier` on the way up from the street (itself for the street tier).
        for (UnitId u = street; u != no_unit; u = org.unit(u).parent) {
            if (org.unit(u).tier == tier) {
                groups.index[static_cast<std::size_t>(street)] =
                    group_of_unit[static_cast<std::size_t>(u)];
                break;
            }
        }
    }
}

void SummaryAccumulator::Group::add(const TicketRecord& record, const TypeInfo& type, double lead) {
    counts.add(record, type, lead);
    if (record.outcome != Outcome::resolved) {
        return;
    }
    lead_h.add(lead);
    if (type.data_update && record.solved == 1) {
        fresh_h.add(lead);
    }
}

void SummaryAccumulator::Group::add_open(const OpenTicket& open, double end_h) {
    counts.add_open(open, end_h);
    censored_h.add(end_h - open.created_h);
}

GroupStats SummaryAccumulator::Group::stats(std::string name) const {
    GroupStats s = counts.stats(std::move(name));
    s.lead_time_p50_h = lead_h.quantile(0.50);
    s.lead_time_p90_h = lead_h.quantile(0.90);
    s.lead_time_p99_h = lead_h.quantile(0.99);
    s.lead_time_km_p50_h = kaplan_meier_quantile(lead_h, censored_h, 0.50);
    s.lead_time_km_p90_h = kaplan_meier_quantile(lead_h, censored_h, 0.90);
    s.lead_time_km_p99_h = kaplan_meier_quantile(lead_h, censored_h, 0.99);
    s.data_freshness_p90_h = fresh_h.quantile(0.90);
    return s;
}

void SummaryAccumulator::Counts::add(const TicketRecord& record,
                                     const TypeInfo& type,
                                     double lead) {
    ++created;
    const bool hung = record.outcome == Outcome::hung_up;
    abandoned += record.outcome == Outcome::abandoned || hung ? 1 : 0;
    hung_up += hung ? 1 : 0;
    repeat_calls += record.parent >= 0 ? 1 : 0;
    // Most tickets cost no coordination: skip the long double adds of zeros (x + 0 == x
    // bit for bit, as no sum is ever -0), the costliest part of a ticket here.
    if (record.coord_cost_h != 0.0) {
        coord_cost_h += record.coord_cost_h;
    }
    for (std::size_t k = 0; k < coord_by_kind_h.size(); ++k) {
        if (record.coord_by_kind_h[k] != 0.0) {
            coord_by_kind_h[k] += record.coord_by_kind_h[k];
        }
    }
    if (record.outcome != Outcome::resolved) {
        return;
    }
    ++closed;
    responded_in_time += record.responded_in_time != 0 ? 1 : 0;
    resolved_in_time += record.resolved_in_time != 0 ? 1 : 0;
    if (record.satisfied >= 0) {
        ++surveyed;
        solved += record.solved == 1 ? 1 : 0;
        satisfied += record.satisfied == 1 ? 1 : 0;
    }
    handoffs += record.handoffs;
    returns += record.returns;
    escalations += record.escalations;
    hops += record.hops;
    leader += record.leader == 1 ? 1 : 0;
    rehandles += record.rehandles;
    reworks += record.reworks;
    lead_sum_h += lead;
    if (type.service_item) {
        ++service_items;
        visits += record.visits;
        at_most_one_visit += record.visits <= 1 ? 1 : 0;
        no_visit += record.visits == 0 ? 1 : 0;
        materials_requested += record.materials_requested;
    }
    if (type.data_update) {
        ++data_updates;
        ++data_reached;
        if (record.solved == 1) {
            ++data_applied;
            fresh_sum_h += lead;
        } else if (record.solved == 0) {
            ++data_rejected;
        }
    }
}

void SummaryAccumulator::Counts::add_open(const OpenTicket& open, double end_h) {
    // Past its deadline it is late whenever it closes; within it, it may yet be on time.
    if (open.deadline_h < end_h) {
        ++open_late;
    } else {
        ++open_undecided;
    }
}

GroupStats SummaryAccumulator::Counts::stats(std::string name) const {
    GroupStats s;
    s.name = std::move(name);
    s.created = created;
    s.closed = closed;
    s.abandoned = abandoned;
    s.open_late = open_late;
    s.open_undecided = open_undecided;
    s.surveyed = surveyed;
    s.service_items = service_items;
    s.repeat_calls = repeat_calls;
    s.data_updates = data_updates;
    s.response_rate = ratio(responded_in_time, closed);
    s.resolution_rate = ratio(solved, surveyed);
    s.satisfaction_rate = ratio(satisfied, surveyed);
    s.within_limit_share = ratio(resolved_in_time, closed + open_late);
    s.lead_time_mean_h = mean(lead_sum_h, closed);
    s.lead_time_p50_h = nan;
    s.lead_time_p90_h = nan;
    s.lead_time_p99_h = nan;
    s.lead_time_km_p50_h = nan;
    s.lead_time_km_p90_h = nan;
    s.lead_time_km_p99_h = nan;
    s.handoffs_per_ticket = ratio(handoffs, closed);
    s.returns_per_ticket = ratio(returns, closed);
    s.escalations_per_ticket = ratio(escalations, closed);
    s.hops_per_ticket = ratio(hops, closed);
    s.leader_share = ratio(leader, closed);
    s.rehandles_per_ticket = ratio(rehandles, closed);
    s.reworks_per_ticket = ratio(reworks, closed);
    s.abandoned_share = ratio(abandoned, created);
    s.repeat_call_share = ratio(repeat_calls, created);
    s.visits_per_case = ratio(visits, service_items);
    s.at_most_one_visit_share = ratio(at_most_one_visit, service_items);
    s.no_visit_share = ratio(no_visit, service_items);
    s.materials_requested_per_case = ratio(materials_requested, service_items);
    s.data_freshness_mean_h = mean(fresh_sum_h, data_applied);
    s.data_freshness_p90_h = nan;
    s.data_rejected_share = ratio(data_rejected, data_reached);
    s.coord_cost_h = static_cast<double>(coord_cost_h);
    for (std::size_t k = 0; k < coord_by_kind_h.size(); ++k) {
        s.coord_by_kind_h[k] = static_cast<double>(coord_by_kind_h[k]);
    }
    return s;
}

void SummaryAccumulator::add(const TicketRecord& record) {
    ++created_;
    switch (record.outcome) {
        case Outcome::resolved:
            ++closed_;
            break;
        case Outcome::abandoned:
        case Outcome::hung_up:
            ++abandoned_;
            break;
        case Outcome::open_at_end:
            ++open_at_end_;
            break;
    }
    if (!(record.created_h >= warmup_h_)) {
        return;
    }
    TIERSIM_CHECK(record.type >= 0 && static_cast<std::size_t>(record.type) < by_type_.size(),
                  "ticket type out of range");
    TIERSIM_CHECK(
        record.province >= 0 && static_cast<std::size_t>(record.province) < by_province_.size(),
        "ticket province out of range");
    TIERSIM_CHECK(record.channel >= 0 && record.channel < channel_count,
                  "ticket channel out of range");
    TIERSIM_CHECK(record.cross_mode >= 0 && record.cross_mode < cross_mode_count,
                  "ticket cross mode out of range");
    const TypeInfo& type = types_[static_cast<std::size_t>(record.type)];
    const double lead =
        record.outcome == Outcome::resolved ? record.closed_h - record.created_h : 0.0;
    TIERSIM_CHECK(record.origin >= 0 && static_cast<std::size_t>(record.origin) < unit_tier_.size(),
                  "ticket origin out of range");
    for_each_group(
        record.type,
        record.tier_resolved,
        record.province,
        record.channel,
        record.cross_mode,
        record.origin,
        [&](Group& g) { g.add(record, type, lead); },
        [&](Counts& c) { c.add(record, type, lead); });
    if (record.outcome == Outcome::open_at_end) {
        const OpenTicket open{record.created_h,
                              record.deadline_h,
                              record.type,
                              record.province,
                              record.channel,
                              record.cross_mode,
                              record.origin};
        if (censored_at_) {
            censor(open, *censored_at_);
        } else {
            open_cohort_.push_back(open);
        }
    }
    if (type.data_update) {
        count_reached(record);
    }
}

void SummaryAccumulator::count_reached(const TicketRecord& record) {
    // The highest tier the update has left behind: below the one that closed it, or below the
    // unit it is at (or on its way to) when the run ends.
    int passed = -1;
    if (record.outcome == Outcome::resolved) {
        passed = record.tier_resolved - 1;
    } else if (record.outcome == Outcome::open_at_end && record.handler >= 0 &&
               static_cast<std::size_t>(record.handler) < unit_tier_.size()) {
        passed = unit_tier_[static_cast<std::size_t>(record.handler)] - 1;
    }
    for (int k = intake_tier_[static_cast<std::size_t>(record.channel)]; k <= passed; ++k) {
        ++by_tier_[static_cast<std::size_t>(k)].counts.data_reached;
    }
    // An open update past the district review counts in the other groups' reject share too
    // (a closed one already does): else the rejected, which close early, would be overcounted.
    if (record.outcome != Outcome::open_at_end || passed < static_cast<int>(Tier::district)) {
        return;
    }
    for_each_group(
        record.type,
        -1,
        record.province,
        record.channel,
        record.cross_mode,
        record.origin,
        [](Group& g) { ++g.counts.data_reached; },
        [](Counts& c) { ++c.data_reached; });
}

template <class F, class U>
void SummaryAccumulator::for_each_group(
    int type, int tier, int province, int channel, int cross_mode, UnitId origin, F&& f, U&& u) {
    for (UnitGroups& unit_groups : by_unit_) {
        if (unit_groups.index.empty()) {
            continue;
        }
        const std::int32_t g = unit_groups.index[static_cast<std::size_t>(origin)];
        if (g >= 0) {
            u(unit_groups.groups[static_cast<std::size_t>(g)]);
        }
    }
    f(overall_);
    if (tier >= 0 && tier < tier_count) {
        f(by_tier_[static_cast<std::size_t>(tier)]);
    }
    f(by_type_[static_cast<std::size_t>(type)]);
    f(by_province_[static_cast<std::size_t>(province)]);
    f(by_channel_[static_cast<std::size_t>(channel)]);
    if (cross_mode > 0) {
        f(by_cross_mode_[static_cast<std::size_t>(cross_mode - 1)]);
    }
}

std::vector<ShortHorizon> SummaryAccumulator::short_horizon(double horizon_h) const {
    std::vector<ShortHorizon> out;
    for (std::size_t i = 0; i < types_.size(); ++i) {
        const double limit_h = resolution_limit_h(types_[i].resolve_wd);
        if (by_type_[i].counts.created > 0 && limit_h > 0.0 &&
            horizon_h < censoring_horizon_factor * limit_h) {
            out.push_back(
                {static_cast<std::int32_t>(i), type_names_[i], types_[i].resolve_wd, limit_h});
        }
    }
    return out;
}

void SummaryAccumulator::censor_open_at(double end_h) {
    TIERSIM_CHECK(!censored_at_ || *censored_at_ == end_h, "the open tickets censored twice");
    censored_at_ = end_h;
}

void SummaryAccumulator::censor(const OpenTicket& open, double end_h) {
    for_each_group(
        open.type,
        -1,
        open.province,
        open.channel,
        open.cross_mode,
        open.origin,
        [&](Group& g) { g.add_open(open, end_h); },
        [&](Counts& c) { c.add_open(open, end_h); });
}

Summary SummaryAccumulator::finish(double end_h) {
    if (censored_at_) {
        TIERSIM_CHECK(*censored_at_ == end_h, "finish() at another time than censor_open_at()");
        if (open_cohort_.size() == 0)
            return summarise(end_h);  // the open tickets are in the groups already
    }
    // Censor the open tickets in a copy, so that add() may go on after a finish(). The copy
    // leaves out the open tickets themselves (one entry each, the largest part at the end of a
    // long run).
    engine::SlotPool<OpenTicket, 12> open_cohort = std::move(open_cohort_);
    SummaryAccumulator at_end = [&] {
        try {
            return *this;
        } catch (...) {
            open_cohort_ = std::move(open_cohort);
            throw;
        }
    }();
    open_cohort_ = std::move(open_cohort);
    for (const OpenTicket& open : open_cohort_)
        at_end.censor(open, end_h);
    return at_end.summarise(end_h);
}

Summary SummaryAccumulator::summarise(double end_h) const {
    Summary summary;
    summary.created = created_;
    summary.closed = closed_;
    summary.abandoned = abandoned_;
    summary.open_at_end = open_at_end_;
    summary.overall = overall_.stats("overall");
    for (std::size_t t = 0; t < by_tier_.size(); ++t) {
        summary.by_tier[t] = by_tier_[t].stats(tier_names[t]);
    }
    summary.by_type.reserve(by_type_.size());
    for (std::size_t i = 0; i < by_type_.size(); ++i) {
        summary.by_type.push_back(by_type_[i].stats(type_names_[i]));
    }
    summary.by_province.reserve(by_province_.size());
    for (std::size_t i = 0; i < by_province_.size(); ++i) {
        summary.by_province.push_back(by_province_[i].stats(province_names_[i]));
    }
    summary.hang_ups = hang_ups_;
    for (std::size_t c = 0; c < by_channel_.size(); ++c) {
        summary.by_channel[c] = by_channel_[c].stats(channel_names[c]);
        const Counts& counts = by_channel_[c].counts;
        summary.hung_up[c] = counts.hung_up;
        summary.connection_rate[c] =
            patience_[c] ? 1.0 - ratio(counts.hung_up, counts.created) : nan;
    }
    for (std::size_t m = 0; m < by_cross_mode_.size(); ++m) {
        summary.by_cross_mode[m] = by_cross_mode_[m].stats(cross_mode_names[m + 1]);
    }
    for (std::size_t t = 0; t < by_unit_.size(); ++t) {
        UnitGroupStats& out = summary.by_unit[t];
        const UnitGroups& in = by_unit_[t];
        out.units = in.units;
        out.groups.reserve(in.groups.size());
        for (std::size_t g = 0; g < in.groups.size(); ++g) {
            out.groups.push_back(
                in.groups[g].stats(unit_names_[static_cast<std::size_t>(in.units[g])]));
        }
    }
    summary.horizon_h = end_h - warmup_h_;
    summary.short_horizon = short_horizon(summary.horizon_h);
    return summary;
}

}  // namespace tiersim::model
