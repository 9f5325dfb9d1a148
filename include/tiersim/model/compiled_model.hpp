// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/sim_time.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/grid_data.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/station_plan.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tiersim::model {

/// One Poisson stream of arrivals: a ticket type at a street, in one arrival variant
/// (arrival_variants.hpp). It lives at the LP of its intake, so creation never crosses LPs.
struct ArrivalStream {
    std::uint64_t id = 0;  ///< global: (street ordinal × types + type) × variants + variant
    UnitId street = no_unit;
    UnitId intake = no_unit;
    std::int32_t type = 0;
    Channel channel = Channel::hotline;
    CrossMode cross = CrossMode::none;
    double base_per_hour = 0.0;  ///< mean arrivals per hour before the daily and weekly profiles
    /// The type's arrivals per hour at the street before the variant's share, and where that
    /// share is in a reform step's table (CompiledStep::variant_share).
    double street_per_hour = 0.0;
    std::uint32_t share_index = 0;
};

/// One step of the reform timeline, compiled: from `at` on a run reads these. Step 0 is the
/// scenario itself.
struct CompiledStep {
    engine::Tick at = 0;
    const ScenarioSpec* spec = nullptr;  ///< null at step 0: the model's own spec()
    std::string label;
    std::vector<Levers> levers;  ///< by province index

    /// A station whose servers change at this step. A queue that opens takes its calendar
    /// (a split window's is its pooled window's); one that closes keeps its own.
    struct StaffChange {
        std::uint32_t station = 0;
        std::int32_t servers = 0;
        std::int32_t calendar = 0;
    };

    std::vector<StaffChange> staff;
    /// Each arrival variant's share of its type times the type's rate over the scenario's, by
    /// ArrivalStream::share_index.
    std::vector<double> variant_share;
};

/// The scenario compiled once, between the spec and any run: the organisation, every
/// province's levers, the migration weights of 跨省通办, the calendars, the station plan, the
/// arrival streams of every logical process (LP) and the lookahead, derived and validated
/// here and nowhere else, and each step of the reform timeline (the levers, staff and arrival
/// shares that change). Immutable: `run`, `check` and `sweep` share it, and any number of
/// simulations may run on one at once.
class CompiledModel {
public:
    /// @throws ScenarioError for a [provinces.NAME] or migration weight that names no province,
    /// cross-province tickets without a second province, or a zero cross-LP latency.
    CompiledModel(ScenarioSpec spec, Organisation org);

    [[nodiscard]] const ScenarioSpec& spec() const { return spec_; }

    [[nodiscard]] const Organisation& org() const { return org_; }

    /// The scenario and then each step of its reform timeline, by time (at least one).
    [[nodiscard]] const std::vector<CompiledStep>& reform_steps() const { return steps_; }

    [[nodiscard]] const ScenarioSpec& spec_of(const CompiledStep& step) const {
        return step.spec == nullptr ? spec_ : *step.spec;
    }

    /// Levers by province index.
    [[nodiscard]] const std::vector<Levers>& levers() const { return levers_; }

    [[nodiscard]] const Levers& levers_of(UnitId unit) const {
        return levers_[static_cast<std::size_t>(org_.province_index(unit))];
    }

    /// P(home province j | origin province i), row-major by province index.
    [[nodiscard]] const std::vector<double>& migration() const { return migration_; }

    /// The streets of each province, and their cumulative population (a home street is drawn
    /// in proportion to its residents).
    [[nodiscard]] const std::vector<UnitId>& province_streets(std::size_t province) const {
        return province_streets_[province];
    }

    [[nodiscard]] const std::vector<double>& province_street_cdf(std::size_t province) const {
        return province_street_cdf_[province];
    }

    /// By ScenarioSpec::calendars index.
    [[nodiscard]] const std::vector<Calendar>& calendars() const { return calendars_; }

    /// The calendar whose working days count a type's limits: its authority tier's.
    [[nodiscard]] const Calendar& working_days(const TicketTypeSpec& type) const {
        return calendars_[static_cast<std::size_t>(
            spec_.tiers[static_cast<std::size_t>(type.authority)].calendar)];
    }

    /// The grid data chain's review, batch and sync times ([grid]).
    [[nodiscard]] const GridDataClock& grid_clock() const { return grid_clock_; }

    /// Expected freshness of an applied data update from the parameters (hours; NaN without
    /// grid data updates), and the share of shared records that the province's copy has
    /// current because of it: P(found in shared data) is data_sharing × this share.
    [[nodiscard]] double expected_freshness_h() const { return expected_freshness_h_; }

    [[nodiscard]] double shared_data_current() const { return shared_data_current_; }

    [[nodiscard]] const StationIndex& stations() const { return index_; }

    /// Servers and calendar of every station of stations().
    [[nodiscard]] const std::vector<StationPlan>& station_plan() const { return plan_; }

    /// The arrival streams of each LP, by LP.
    [[nodiscard]] const std::vector<std::vector<ArrivalStream>>& arrivals() const {
        return arrivals_;
    }

    /// All streams that could exist (streets × types × variants): the stride of ticket ids.
    [[nodiscard]] std::uint64_t stream_count() const { return stream_count_; }

    /// The calendar month (0 = January) of each day of the run, from simulation.start_month.
    [[nodiscard]] std::size_t month_of_day(std::size_t day) const {
        return month_of_day_[std::min(day, month_of_day_.size() - 1)];
    }

    /// The province index of each LP (an LP's units are all in one province).
    [[nodiscard]] const std::vector<std::int32_t>& lp_province() const { return lp_province_; }

    /// Each LP's share of the work for the MPI partition: 1 + its arrivals per hour.
    [[nodiscard]] const std::vector<double>& lp_weight() const { return lp_weight_; }

    [[nodiscard]] std::size_t lp_count() const { return arrivals_.size(); }

    /// The least latency between LPs (the window length): more than the horizon when nothing
    /// crosses.
    [[nodiscard]] engine::Tick lookahead() const { return lookahead_; }

    [[nodiscard]] double lookahead_h() const { return engine::to_hours(lookahead_); }

    [[nodiscard]] engine::Tick end() const { return end_; }

    /// The /series bucket length, and the number of buckets up to end().
    [[nodiscard]] engine::Tick bucket() const { return bucket_; }

    [[nodiscard]] std::size_t bucket_count() const { return bucket_count_; }

private:
    void compile_lookahead();
    void compile_arrivals();
    void compile_steps();

    ScenarioSpec spec_;
    Organisation org_;
    std::vector<Calendar> calendars_;
    std::vector<Levers> levers_;
    std::vector<CompiledStep> steps_;
    GridDataClock grid_clock_;
    double expected_freshness_h_ = 0.0;
    double shared_data_current_ = 1.0;
    std::vector<double> migration_;
    std::vector<std::vector<UnitId>> province_streets_;
    std::vector<std::vector<double>> province_street_cdf_;
    StationIndex index_;
    std::vector<StationPlan> plan_;
    std::vector<std::vector<ArrivalStream>> arrivals_;
    std::uint64_t stream_count_ = 0;
    std::vector<double> lp_weight_;
    std::vector<std::uint8_t> month_of_day_;
    std::vector<std::int32_t> lp_province_;
    engine::Tick lookahead_ = 0;
    engine::Tick end_ = 0;
    engine::Tick bucket_ = 0;
    std::size_t bucket_count_ = 0;
};

}  // namespace tiersim::model
