// SPDX-License-Identifier: MIT
#include "tiersim/model/run_estimate.hpp"

#include "tiersim/model/simulation.hpp"

#include <algorithm>

namespace tiersim::model {

namespace {
constexpr double calendar_days_per_working_day = 7.0 / 5.0;
constexpr double bytes_per_station = 64.0;  // a Station and its first ring
}  // namespace

RunEstimate estimate_run(const CompiledModel& model, const TrafficReport& traffic) {
    const ScenarioSpec& spec = model.spec();
    const double hours = spec.days * 24.0;
    RunEstimate e;
    e.tickets = traffic.tickets_per_day * spec.days;

    double limit_days = 0.0;
    for (const TicketTypeSpec& type : spec.ticket_types)
        limit_days = std::max(limit_days, type.resolve_wd * calendar_days_per_working_day);

    double visits_per_h = 0.0;
    double in_service = 0.0;
    double backlog = 0.0;
    for (const QueueLoad& q : traffic.queues) {
        visits_per_h += q.arrival_rate_per_h;
        if (q.utilisation >= 1.0) {
            backlog += q.arrival_rate_per_h * (1.0 - 1.0 / q.utilisation) * hours;
            in_service += q.offered_load / q.utilisation;  // every server busy
        } else {
            in_service += q.offered_load;
        }
    }
    e.open_tickets = std::min(in_service + backlog, e.tickets);
    e.open_tickets_high =
        std::min(traffic.tickets_per_day * std::min(spec.days, limit_days) + backlog, e.tickets);
    e.events = 2.0 * visits_per_h * hours + 3.0 * e.tickets;

    e.series_bytes = static_cast<double>(model.org().province_count()) *
                     static_cast<double>(model.bucket_count()) *
                     static_cast<double>(Simulation::series_bytes_per_province_bucket());
    const double fixed =
        e.series_bytes + static_cast<double>(model.station_plan().size()) * bytes_per_station;
    e.memory_bytes = e.open_tickets * bytes_per_open_ticket + fixed;
    e.memory_high_bytes = e.open_tickets_high * bytes_per_open_ticket + fixed;
    return e;
}

}  // namespace tiersim::model
