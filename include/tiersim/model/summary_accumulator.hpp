// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/log_histogram.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/summary.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tiersim::model {

/// Computes the Summary (DESIGN §2.7) from the stream of ticket records, in bounded memory.
///
/// The conservation counts are over every ticket. The groups (overall, by closing tier, by
/// type, by province of origin) count tickets created at or after the warm-up; of those the
/// closed ones (outcome resolved) give the rates, the lead times (closed_h − created_h) and
/// the per-ticket means of handoffs, returns, escalations, hops and visits; coord_cost_h sums
/// over every ticket of the group, closed or not. The lead-time mean is exact (long double
/// sum); quantiles come from a LogHistogram (within 0.2%). Sums are taken in arrival order, so
/// the same records in the same order give the same bits. Not thread-safe.
class SummaryAccumulator {
public:
    /// Copies what it needs (warm-up, type and province names); keeps no reference.
    SummaryAccumulator(const ScenarioSpec& spec, const Organisation& org);

    /// Counts one ticket. @throws InternalError if its type or province is out of range
    void add(const TicketRecord& record);
    /// The summary of every ticket added so far.
    [[nodiscard]] Summary finish() const;

private:
    struct Group {
        std::int64_t created = 0;
        std::int64_t closed = 0;
        std::int64_t responded_in_time = 0;
        std::int64_t solved = 0;
        std::int64_t satisfied = 0;
        std::int64_t resolved_in_time = 0;
        std::int64_t handoffs = 0;
        std::int64_t returns = 0;
        std::int64_t escalations = 0;
        std::int64_t hops = 0;
        std::int64_t visits = 0;
        long double lead_sum_h = 0.0L;
        long double coord_cost_h = 0.0L;
        LogHistogram lead_h;

        void add(const TicketRecord& record, bool closed, double lead_h);
        [[nodiscard]] GroupStats stats(std::string name) const;
    };

    double warmup_h_ = 0.0;
    std::int64_t created_ = 0;
    std::int64_t closed_ = 0;
    std::int64_t abandoned_ = 0;
    std::int64_t open_at_end_ = 0;
    Group overall_;
    std::array<Group, tier_count> by_tier_;
    std::vector<Group> by_type_;
    std::vector<Group> by_province_;
    std::vector<std::string> type_names_;
    std::vector<std::string> province_names_;
};

}  // namespace tiersim::model
