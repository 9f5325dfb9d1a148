// SPDX-License-Identifier: MIT
#include "tiersim/model/compiled_model.hpp"

#include "tiersim/error.hpp"
#include "tiersim/model/arrival_variants.hpp"
#include "tiersim/model/province_levers.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace tiersim::model {

using engine::from_hours;
using engine::Tick;

CompiledModel::CompiledModel(ScenarioSpec spec, Organisation org)
    : spec_(std::move(spec)),
      org_(std::move(org)),
      index_(spec_, org_) {
    for (const auto& c : spec_.calendars)
        calendars_.emplace_back(c);
    levers_ = levers_by_province(spec_, org_);
    // Computed from the parameters, not from the run: the province's state is another LP's.
    const auto district_calendar =
        static_cast<std::size_t>(spec_.tiers[static_cast<std::size_t>(Tier::district)].calendar);
    grid_clock_ = GridDataClock(
        spec_.grid,
        district_calendar < calendars_.size() ? calendars_[district_calendar] : Calendar());
    expected_freshness_h_ = model::expected_freshness_h(spec_, grid_clock_);
    shared_data_current_ =
        model::shared_data_current(expected_freshness_h_, spec_.grid.stale_after_days);
    migration_ = migration_matrix(spec_, org_);
    compile_lookahead();
    end_ = from_hours(spec_.days * 24.0);
    bucket_ = std::max<Tick>(1, from_hours(spec_.bucket_hours));
    bucket_count_ = static_cast<std::size_t>((end_ + bucket_ - 1) / bucket_);

    province_streets_.resize(static_cast<std::size_t>(org_.province_count()));
    province_street_cdf_.resize(province_streets_.size());
    for (UnitId s : org_.units_at(Tier::street)) {
        const auto p = static_cast<std::size_t>(org_.province_index(s));
        const double before =
            province_street_cdf_[p].empty() ? 0.0 : province_street_cdf_[p].back();
        province_streets_[p].push_back(s);
        province_street_cdf_[p].push_back(before + org_.unit(s).population);
    }
    plan_ = plan_stations(spec_, org_, levers_, index_);
    compile_steps();
    compile_arrivals();
    // Months of a 365-day year, from the month of day 0.
    constexpr std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const auto days = static_cast<std::size_t>(std::ceil(spec_.days)) + 1;
    auto month = static_cast<std::size_t>(spec_.start_month - 1);
    int left = month_days[month];
    for (std::size_t d = 0; d < days; ++d) {
        if (left == 0) {
            month = (month + 1) % 12;
            left = month_days[month];
        }
        month_of_day_.push_back(static_cast<std::uint8_t>(month));
        --left;
    }
    lp_province_.assign(static_cast<std::size_t>(org_.lp_count()), 0);
    for (UnitId u = 0; u < static_cast<UnitId>(org_.size()); ++u)
        lp_province_[static_cast<std::size_t>(org_.unit(u).lp)] = org_.province_index(u);
}

/// Step 0 is the scenario; each timeline step has its levers, the servers that differ from
/// the step before and every arrival variant's share. Only the keys marked changeable differ
/// between steps, so the organisation, the station index and the calendars stay.
void CompiledModel::compile_steps() {
    const std::size_t types = spec_.ticket_types.size();
    auto shares = [&](const ScenarioSpec& spec, const std::vector<Levers>& levers) {
        std::vector<double> out(levers.size() * types * arrival_variant_count);
        for (std::size_t p = 0; p < levers.size(); ++p) {
            for (std::size_t t = 0; t < types; ++t) {
                const double own = spec_.ticket_types[t].rate;
                const double rate =
                    &spec == &spec_ || !(own > 0.0) ? 1.0 : spec.ticket_types[t].rate / own;
                const auto variants = arrival_variants(spec.ticket_types[t], levers[p]);
                for (std::size_t v = 0; v < arrival_variant_count; ++v)
                    out[(p * types + t) * arrival_variant_count + v] = variants[v].share * rate;
            }
        }
        return out;
    };
    // A type's streams exist from the start: one that does not arrive then cannot start.
    for (const ReformStep& r : spec_.timeline) {
        for (std::size_t t = 0; t < types; ++t) {
            if (spec_.ticket_types[t].rate > 0.0 || !(r.state->ticket_types[t].rate > 0.0))
                continue;
            const std::string key = "ticket_types." + spec_.ticket_types[t].name + ".rate";
            throw ScenarioError(Diagnostic{
                r.state->where(key),
                key,
                key + ": a type whose rate is 0 at the start cannot start arriving during a run; "
                      "give it a small rate in the scenario and raise it on the timeline"});
        }
    }
    steps_.push_back({0, nullptr, "", levers_, {}, shares(spec_, levers_)});
    std::vector<StationPlan> before = plan_;
    for (const ReformStep& r : spec_.timeline) {
        CompiledStep step;
        step.at = from_hours(r.day * 24.0);
        step.spec = r.state.get();
        step.label = r.label;
        step.levers = levers_by_province(*r.state, org_);
        std::vector<StationPlan> plan = plan_stations(*r.state, org_, step.levers, index_);
        for (std::size_t i = 0; i < plan.size(); ++i) {
            if (plan[i].servers == 0)
                plan[i].calendar = before[i].calendar;  // a closed queue keeps its own
            // No calendar key is changeable: only a queue that opens can take another one.
            TIERSIM_CHECK(plan[i].calendar == before[i].calendar || before[i].servers == 0,
                          "a reform step changed the calendar of an open queue");
            if (plan[i].servers != before[i].servers)
                step.staff.push_back(
                    {static_cast<std::uint32_t>(i), plan[i].servers, plan[i].calendar});
        }
        before = std::move(plan);
        step.variant_share = shares(*r.state, step.levers);
        steps_.push_back(std::move(step));
    }
}

void CompiledModel::compile_lookahead() {
    double lookahead_h = org_.lookahead_h();
    // Only two kinds of edge cross LPs: city–province hops and provincial links.
    std::string key = spec_.tiers[static_cast<std::size_t>(Tier::city)].transfer_h == lookahead_h
                          ? "tiers.city.transfer_h"
                          : "technology.link_h";
    std::string what =
        "the latency of edges between logical processes (each city with its districts and "
        "streets, each province unit)";
    // A type's own dispatch time replaces the hops' when it dispatches between a province unit
    // and a unit below it, which live on different LPs.
    for (const TicketTypeSpec& type : spec_.ticket_types) {
        const bool intake_at_province =
            spec_.channels[static_cast<std::size_t>(type.channel)].tier == Tier::province;
        const bool crosses = intake_at_province != (type.authority == Tier::province);
        if (type.dispatch_h >= 0.0 && crosses && type.dispatch_h < lookahead_h) {
            lookahead_h = type.dispatch_h;
            key = "ticket_types." + type.name + ".dispatch_h";
            what =
                "the latency of this type's dispatch between logical processes (a province "
                "unit and the units below it)";
        }
        // The journey home crosses into another province's LPs.
        const bool trips =
            type.rate > 0.0 && type.cross_province > 0.0 &&
            type.cross_modes[static_cast<std::size_t>(CrossMode::trip_home) - 1] > 0.0;
        if (trips && spec_.cross.trip_home_h < lookahead_h) {
            lookahead_h = spec_.cross.trip_home_h;
            key = "cross_province.trip_home_h";
            what = "the applicant's journey home, which crosses logical processes";
        }
    }
    if (!(lookahead_h > 0.0) || from_hours(lookahead_h) <= 0) {
        std::ostringstream got;
        got << lookahead_h;
        throw ScenarioError(
            Diagnostic{spec_.where(key),
                       key,
                       "zero cross-LP latency: " + key + " is " + what +
                           ", which must be at least one second so that the parallel windows "
                           "have a length; got " +
                           got.str() + " h"});
    }
    lookahead_ =
        std::isinf(lookahead_h) ? from_hours(spec_.days * 24.0) + 1 : from_hours(lookahead_h);
}

void CompiledModel::compile_arrivals() {
    arrivals_.resize(static_cast<std::size_t>(org_.lp_count()));
    lp_weight_.assign(arrivals_.size(), 1.0);
    const auto streets = org_.units_at(Tier::street);
    const std::size_t types = spec_.ticket_types.size();
    stream_count_ = streets.size() * types * arrival_variant_count;
    for (std::size_t s = 0; s < streets.size(); ++s) {
        const UnitId street = streets[s];
        const Levers& lv = levers_of(street);
        const auto province = static_cast<std::size_t>(org_.province_index(street));
        for (std::size_t t = 0; t < types; ++t) {
            const TicketTypeSpec& type = spec_.ticket_types[t];
            if (type.rate <= 0.0)
                continue;
            const double base = type.rate * org_.unit(street).population / 10'000.0 / 24.0;
            const auto variants = arrival_variants(type, lv);
            for (std::size_t v = 0; v < arrival_variant_count; ++v) {
                // A stream exists if its variant has a share at some step of the timeline.
                const std::size_t share_index = (province * types + t) * arrival_variant_count + v;
                const bool ever = std::any_of(steps_.begin(), steps_.end(), [&](const auto& step) {
                    return step.variant_share[share_index] > 0.0;
                });
                if (!ever)
                    continue;
                ArrivalStream a;
                a.id = (s * types + t) * arrival_variant_count + v;
                a.street = street;
                a.channel = variants[v].channel;
                a.cross = variants[v].cross;
                a.intake =
                    org_.ancestor(street, spec_.channels[static_cast<std::size_t>(a.channel)].tier);
                a.type = static_cast<std::int32_t>(t);
                a.base_per_hour = base * variants[v].share;
                a.street_per_hour = base;
                a.share_index = static_cast<std::uint32_t>(share_index);
                const auto lp = static_cast<std::size_t>(org_.unit(a.intake).lp);
                arrivals_[lp].push_back(a);
                lp_weight_[lp] += a.base_per_hour;
            }
        }
    }
}

}  // namespace tiersim::model
