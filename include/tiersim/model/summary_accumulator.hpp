// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/slot_pool.hpp"
#include "tiersim/model/log_histogram.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/summary.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::model {

/// Computes the Summary (DESIGN §2.7) from the stream of ticket records, in bounded memory.
///
/// The conservation counts are over every ticket. The groups (overall, by closing tier, by
/// type, by province of origin, by the channel the ticket arrived by, by cross-province mode,
/// and by the district and city of the street of origin, and that street with
/// simulation.street_summary; the unit groups have no quantiles) count tickets created at or after
/// the warm-up (the cohort): created, abandoned and repeat calls (parent ≥ 0) over all of them,
/// with abandoned_share and repeat_call_share of created; of those the closed ones (outcome
/// resolved) give the response rate, the lead times (closed_h − created_h: mean and lead_time_p*),
/// the leader share and the per-ticket means of handoffs, returns, escalations, hops, rehandles and
/// reworks; the surveyed ones (closed, satisfied ≥ 0) give the resolution and satisfaction rates;
/// the service items (closed, of a type whose channel is window or online) give visits and
/// materials per case and the shares with at most one visit (最多跑一次) and with none (不见面);
/// the data updates (closed, of a type routed upward) give the rejected share (solved = 0) and,
/// over the applied ones (solved = 1), the data freshness. The rejected share is of the updates the
/// district reviewed: the closed ones and those open at the end past the district (rejected ones
/// close at once, the others days later); by tier, of the updates done at the tier, whether it
/// closed them, they went on and closed above it, or they were above it at the end. coord_cost_h
/// and coord_by_kind_h sum over every ticket of the group, closed or not.
///
/// Tickets still open at the end are not left out where that would flatter a short run: one
/// open past its deadline (deadline_h < end) is late (open_late), one within it is undecided
/// (open_undecided); within_limit_share is closed-in-time / (closed + open_late). The
/// lead_time_km_* quantiles are the Kaplan–Meier estimate over closed and open tickets, an
/// open one right-censored at end − created_h (kaplan_meier.hpp). Abandoned tickets are in
/// neither: they leave the model without a resolution (abandoned_share counts them). Callers who
/// hung up waiting for intake (Outcome::hung_up) count as abandoned everywhere, and by channel
/// as hung_up, which gives the connection rate.
///
/// Rates are NaN where their denominator is 0. Means are exact (long double sums); quantiles
/// come from a LogHistogram (within 0.2%). Sums are taken in arrival order, so the same
/// records in the same order give the same bits. The open tickets of the cohort are kept
/// (24 bytes each) until finish() knows the end; closed ones are not. Not thread-safe.
class SummaryAccumulator {
public:
    /// Copies what it needs (warm-up; type names, channels and routes; province names); keeps
    /// no reference.
    SummaryAccumulator(const ScenarioSpec& spec, const Organisation& org);

    /// Counts one ticket. @throws InternalError if its type, province, channel or cross mode is
    /// out of range
    void add(const TicketRecord& record);
    /// The summary of every ticket added so far, for a run that reached `end_h` (the tickets
    /// open at the end are censored there); may be called again after more add()s.
    [[nodiscard]] Summary finish(double end_h);
    /// The tickets added from now on that are open at the end are censored at `end_h` as they
    /// come, instead of being kept for finish(), which must then be given the same end_h.
    void censor_open_at(double end_h);

private:
    /// What the groups need of a ticket's type.
    struct TypeInfo {
        bool service_item = false;  ///< channel window or online (办件)
        bool data_update = false;   ///< route upward (grid data updates)
        double resolve_wd = 0.0;
    };

    /// A cohort ticket open at the end: what finish() needs to censor it in its groups.
    struct OpenTicket {
        double created_h = 0.0;
        double deadline_h = 0.0;
        std::int32_t type = 0;
        std::int8_t province = 0;
        std::int8_t channel = 0;
        std::int8_t cross_mode = 0;
        UnitId origin = 0;
    };

    /// A group's counts and sums: all of a group but its quantiles (about 400 bytes).
    struct Counts {
        std::int64_t created = 0;
        std::int64_t closed = 0;
        std::int64_t abandoned = 0;  ///< hung up included
        std::int64_t hung_up = 0;
        std::int64_t repeat_calls = 0;
        std::int64_t surveyed = 0;
        std::int64_t responded_in_time = 0;
        std::int64_t solved = 0;  ///< of surveyed
        std::int64_t satisfied = 0;
        std::int64_t resolved_in_time = 0;
        std::int64_t handoffs = 0;
        std::int64_t returns = 0;
        std::int64_t escalations = 0;
        std::int64_t hops = 0;
        std::int64_t leader = 0;
        std::int64_t rehandles = 0;
        std::int64_t reworks = 0;
        std::int64_t service_items = 0;
        std::int64_t visits = 0;  ///< of service items
        std::int64_t at_most_one_visit = 0;
        std::int64_t no_visit = 0;
        std::int64_t materials_requested = 0;
        std::int64_t data_updates = 0;
        std::int64_t data_applied = 0;
        std::int64_t data_rejected = 0;
        /// The rejected share's denominator: the data updates reviewed at the district, closed
        /// or open past it at the end; by tier, those that reached the tier and were done there.
        std::int64_t data_reached = 0;
        long double lead_sum_h = 0.0L;
        long double fresh_sum_h = 0.0L;  ///< of applied data updates
        long double coord_cost_h = 0.0L;
        std::array<long double, cost_kind_count> coord_by_kind_h{};
        std::int64_t open_late = 0;
        std::int64_t open_undecided = 0;

        void add(const TicketRecord& record, const TypeInfo& type, double lead_h);
        void add_open(const OpenTicket& open, double end_h);
        /// Every field but the quantiles, which are NaN.
        [[nodiscard]] GroupStats stats(std::string name) const;
    };

    /// A group with its lead-time and freshness histograms (220 kB: one per unit would not
    /// fit a country, so the unit groups are Counts alone).
    struct Group {
        Counts counts;
        LogHistogram lead_h;
        LogHistogram fresh_h;
        LogHistogram censored_h;  ///< end − created of the open ones (filled by finish())

        void add(const TicketRecord& record, const TypeInfo& type, double lead_h);
        void add_open(const OpenTicket& open, double end_h);
        [[nodiscard]] GroupStats stats(std::string name) const;
    };

    /// The per-unit groups of one tier: by the unit of that tier above a ticket's street.
    struct UnitGroups {
        std::vector<std::int32_t> index;  ///< by street UnitId: its group, or -1
        std::vector<UnitId> units;        ///< by group
        std::vector<Counts> groups;
    };

    /// Calls f(group) for every group of a ticket (tier_resolved < 0: none of the tiers), and
    /// u(counts) for each of its unit groups (by its origin street).
    template <class F, class U>
    void for_each_group(
        int type, int tier, int province, int channel, int cross_mode, UnitId origin, F&& f, U&& u);
    /// The unit groups of `tier` (district, city, or street when asked for).
    void build_unit_groups(UnitGroups& groups, const Organisation& org, Tier tier);
    [[nodiscard]] std::vector<ShortHorizon> short_horizon(double horizon_h) const;
    /// Censors one open ticket at end_h in its groups.
    void censor(const OpenTicket& open, double end_h);
    /// The summary once the open tickets are censored into the groups.
    [[nodiscard]] Summary summarise(double end_h) const;

    double warmup_h_ = 0.0;
    bool hang_ups_ = false;                       ///< some channel has patience_min > 0
    std::array<bool, channel_count> patience_{};  ///< by channel: patience_min > 0
    std::int64_t created_ = 0;
    std::int64_t closed_ = 0;
    std::int64_t abandoned_ = 0;
    std::int64_t open_at_end_ = 0;
    Group overall_;
    std::array<Group, tier_count> by_tier_;
    std::vector<Group> by_type_;
    std::vector<Group> by_province_;
    std::array<Group, channel_count> by_channel_;
    std::array<Group, cross_mode_count - 1> by_cross_mode_;
    std::array<UnitGroups, 3> by_unit_;  ///< district, city, street (empty without the flag)
    // Blocks that never move: at the end of a long run this is one entry per open ticket.
    engine::SlotPool<OpenTicket, 12> open_cohort_;
    std::optional<double> censored_at_;  ///< censor_open_at's end_h
    std::vector<TypeInfo> types_;
    std::array<int, channel_count> intake_tier_{};  ///< tier of each channel's intake
    std::vector<std::int8_t> unit_tier_;            ///< tier of each unit, by UnitId

    /// Counts a data update in the reject-share denominators of the tiers it has passed and,
    /// when it is open at the end past the district review, of its other groups.
    void count_reached(const TicketRecord& record);
    std::vector<std::string> type_names_;
    std::vector<std::string> province_names_;
    std::vector<std::string> unit_names_;
};

}  // namespace tiersim::model
