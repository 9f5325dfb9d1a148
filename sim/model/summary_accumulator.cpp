// SPDX-License-Identifier: MIT
#include "tiersim/model/summary_accumulator.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace tiersim::model {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : nan;
}

}  // namespace

SummaryAccumulator::SummaryAccumulator(const ScenarioSpec& spec, const Organisation& org)
    : warmup_h_(spec.warmup_days * 24.0),
      by_type_(spec.ticket_types.size()),
      by_province_(static_cast<std::size_t>(org.province_count())) {
    type_names_.reserve(spec.ticket_types.size());
    for (const auto& type : spec.ticket_types) {
        type_names_.push_back(type.name);
    }
    province_names_.reserve(by_province_.size());
    for (int p = 0; p < org.province_count(); ++p) {
        province_names_.push_back(org.unit(org.province_unit(p)).name);
    }
}

void SummaryAccumulator::Group::add(const TicketRecord& record, bool is_closed, double lead) {
    ++created;
    coord_cost_h += record.coord_cost_h;
    if (!is_closed) {
        return;
    }
    ++closed;
    responded_in_time += record.responded_in_time != 0 ? 1 : 0;
    solved += record.solved == 1 ? 1 : 0;
    satisfied += record.satisfied == 1 ? 1 : 0;
    resolved_in_time += record.resolved_in_time != 0 ? 1 : 0;
    handoffs += record.handoffs;
    returns += record.returns;
    escalations += record.escalations;
    hops += record.hops;
    visits += record.visits;
    lead_sum_h += lead;
    lead_h.add(lead);
}

GroupStats SummaryAccumulator::Group::stats(std::string name) const {
    GroupStats s;
    s.name = std::move(name);
    s.created = created;
    s.closed = closed;
    s.response_rate = ratio(responded_in_time, closed);
    s.resolution_rate = ratio(solved, closed);
    s.satisfaction_rate = ratio(satisfied, closed);
    s.within_limit_share = ratio(resolved_in_time, closed);
    s.lead_time_mean_h =
        closed > 0 ? static_cast<double>(lead_sum_h / static_cast<long double>(closed)) : nan;
    s.lead_time_p50_h = lead_h.quantile(0.50);
    s.lead_time_p90_h = lead_h.quantile(0.90);
    s.lead_time_p99_h = lead_h.quantile(0.99);
    s.handoffs_per_ticket = ratio(handoffs, closed);
    s.returns_per_ticket = ratio(returns, closed);
    s.escalations_per_ticket = ratio(escalations, closed);
    s.hops_per_ticket = ratio(hops, closed);
    s.visits_per_case = ratio(visits, closed);
    s.coord_cost_h = static_cast<double>(coord_cost_h);
    return s;
}

void SummaryAccumulator::add(const TicketRecord& record) {
    ++created_;
    const bool is_closed = record.outcome == Outcome::resolved;
    switch (record.outcome) {
        case Outcome::resolved:
            ++closed_;
            break;
        case Outcome::abandoned:
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
    const double lead = is_closed ? record.closed_h - record.created_h : 0.0;
    overall_.add(record, is_closed, lead);
    if (record.tier_resolved >= 0 && record.tier_resolved < tier_count) {
        by_tier_[static_cast<std::size_t>(record.tier_resolved)].add(record, is_closed, lead);
    }
    by_type_[static_cast<std::size_t>(record.type)].add(record, is_closed, lead);
    by_province_[static_cast<std::size_t>(record.province)].add(record, is_closed, lead);
}

Summary SummaryAccumulator::finish() const {
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
    return summary;
}

}  // namespace tiersim::model
