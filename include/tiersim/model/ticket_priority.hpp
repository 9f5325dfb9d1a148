// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

#include <algorithm>

/// Queue priorities (docs/model.md, *Priorities*): every queue serves its waiting tickets by
/// priority level, highest first, and within a level by arrival, without interrupting a service
/// (domain.md §6.1, "a queue discipline (earliest deadline first, or FIFO)"; §6.3 S4,
/// "deadline-driven scheduling: earliest deadline first", and leader priority). The levels are
/// few and fixed, so that a station holds one FIFO per level.
namespace tiersim::model {

inline constexpr int priority_levels = 4;
inline constexpr int max_priority = priority_levels - 1;

/// The level at which a ticket joins a queue: its type's `priority`, plus the province's
/// `strategy.leader_priority` once a leader has decided it, plus one when its resolution deadline
/// is less than `strategy.deadline_priority_h` away (or has passed), plus what the adaptation
/// rules add (leader attention, instructions), at most max_priority.
[[nodiscard]] constexpr int queue_priority(int type_priority,
                                           bool leader_decided,
                                           int leader_priority,
                                           bool near_deadline,
                                           int raised_by_rules = 0) {
    const int level = type_priority + (leader_decided ? leader_priority : 0) +
                      (near_deadline ? 1 : 0) + raised_by_rules;
    return std::clamp(level, 0, max_priority);
}

/// Whether any ticket of the scenario can wait above level 0: a type with a priority, or a
/// province whose leader or deadline lever raises tickets, or an adaptation rule that does.
/// Without, every queue is one FIFO.
[[nodiscard]] inline bool uses_priorities(const ScenarioSpec& spec) {
    const AdaptationSpec& a = spec.adaptation;
    if ((a.ranks() && a.ranking.attention_priority > 0) ||
        std::any_of(a.instructions.begin(), a.instructions.end(), [](const auto& i) {
            return i.priority > 0;
        }))
        return true;
    auto raises = [](const Levers& lv) {
        return lv.leader_priority > 0 || lv.deadline_priority_h > 0.0;
    };
    if (raises(spec.levers))
        return true;
    for (const auto& [name, levers] : spec.province_levers) {
        if (raises(levers))
            return true;
    }
    return std::any_of(spec.ticket_types.begin(),
                       spec.ticket_types.end(),
                       [](const TicketTypeSpec& t) { return t.priority > 0; });
}

}  // namespace tiersim::model
