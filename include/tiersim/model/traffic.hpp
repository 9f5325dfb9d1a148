// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <string>
#include <vector>

/// The analytic companion (DESIGN §3): the scenario's traffic equations, solved with Eigen
/// before anything runs, giving every queue's offered load and utilisation.
namespace tiersim::model {

/// One station class: a queue kind (intake of a channel, or a department) at one tier,
/// aggregated over the units of that tier; `worst_*` names its most loaded unit.
struct QueueLoad {
    Tier tier = Tier::street;
    std::string queue;              ///< "intake:hotline" or "dept:城管"
    int units = 0;                  ///< units of the tier that have this queue
    double arrival_rate_per_h = 0;  ///< total over those units (mean over a week)
    double offered_load = 0;        ///< erlangs: arrival rate × mean service, total
    double servers = 0;             ///< total servers
    double utilisation = 0;         ///< offered load / (servers × open fraction), total
    double worst_utilisation = 0;   ///< of the most loaded single unit
    std::string worst_unit;         ///< its name
    bool unstable = false;          ///< worst_utilisation >= 1
};

struct TrafficReport {
    std::vector<QueueLoad> queues;      ///< by tier, then queue name
    std::vector<std::string> unstable;  ///< one line per unstable (unit, queue)
    double tickets_per_day = 0;         ///< total arrival rate
};

/// Solves λ = γ + λ P per unit and queue (P: routing after service: dispatch, departments in
/// turn, escalation, returns) and reports loads. Utilisation uses each queue's open fraction.
TrafficReport analyse_traffic(const ScenarioSpec& spec, const Organisation& org);

}  // namespace tiersim::model
