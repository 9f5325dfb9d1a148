// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <limits>

/// Fixed-width records that leave the simulation for the output writer: one per ticket
/// (a row of /tickets), one per traced event (a row of /events).
namespace tiersim::model {

/// Outcome of a ticket, the `outcome` column of /tickets. hung_up: the caller hung up while
/// waiting for intake (channels.CHANNEL.patience_min), never connected.
enum class Outcome : std::int8_t { resolved = 0, abandoned = 1, open_at_end = 2, hung_up = 3 };

/// Kinds of traced event, the `kind` column of /events.
enum class EventKind : std::int8_t {
    created = 0,
    intake_start = 1,
    intake_done = 2,
    dispatched = 3,  ///< sent to the handling unit (unit = destination)
    step_start = 4,  ///< a department starts work (department set)
    step_done = 5,
    handoff = 6,
    returned = 7,   ///< 退单: the department sends it back to dispatch
    escalated = 8,  ///< moves up to the parent unit (unit = destination)
    closed = 9,
    arrived = 10,              ///< reaches its handling unit after a transfer
    materials_requested = 11,  ///< the applicant is asked for materials (department = count)
    materials_supplied = 12,   ///< the requested materials are complete
    fork = 13,                 ///< joint review or summons: the departments start at once
    joined = 14,               ///< joint review, summons or 多地联办: the join ends
    leader = 15,               ///< a leader decides the ticket or its negative list (unit: hers)
    chased = 16,               ///< the citizen chases (催办) an unanswered ticket
    abandoned = 17,            ///< the citizen gives up
    rehandled = 18,            ///< an unsolved ticket is handled again (重办)
    link = 19,       ///< 跨省通办: enters a link between provinces (unit = destination)
    rejected = 20,   ///< upward data update rejected at the district review
    rework = 21,     ///< 补正 or mismatched standards: materials go back to the applicant
    expedited = 22,  ///< field work near its limit is finished in one more session (department set)
};
inline constexpr int event_kind_count = 23;

/// Kinds of coordination cost (DESIGN §2.7), in staff-hours.
enum class CostKind : std::uint8_t {
    handoff = 0,
    meeting = 1,
    returned = 2,
    leader = 3,
    cross = 4
};
inline constexpr int cost_kind_count = 5;
inline constexpr std::array<const char*, cost_kind_count> cost_kind_names = {
    "handoff", "meeting", "return", "leader", "cross"};

/// One row of /tickets. Times in hours since the start (Monday 00:00).
struct TicketRecord {
    std::int64_t id = 0;
    std::int32_t type = 0;
    std::int64_t parent = -1;   ///< the ticket a repeat call chases, or -1
    std::int32_t origin = 0;    ///< street unit where the demand arose
    std::int32_t handler = -1;  ///< unit that handled it last (-1 if never dispatched)
    double created_h = 0.0;
    double responded_h = 0.0;        ///< NaN if not yet responded
    double closed_h = 0.0;           ///< NaN if open at end
    std::int8_t tier_resolved = -1;  ///< tier of the closing unit, -1 if open
    std::int16_t hops = 0;           ///< unit-to-unit transfers
    std::int16_t handoffs = 0;
    std::int16_t returns = 0;
    std::int16_t escalations = 0;
    std::int8_t leader = 0;   ///< 1 if a leader decided it (一把手)
    std::int16_t visits = 0;  ///< applicant's trips to a hall
    std::int16_t materials_requested = 0;
    std::int16_t reworks = 0;   ///< rounds of 补正 and of cross-province rework
    std::int8_t rehandles = 0;  ///< times handled again after an unsolved callback (重办)
    std::int8_t channel = 0;    ///< channel it actually arrived by (online_share may move it)
    double coord_cost_h = 0.0;  ///< staff-hours spent on coordination, all kinds
    std::array<double, cost_kind_count> coord_by_kind_h{};  ///< the same by CostKind
    std::int8_t cross_mode = 0;      ///< CrossMode: 0 none, 1 online, 2 proxy, 3 joint
    std::int8_t home_province = -1;  ///< 跨省通办: province index of the home, else -1
    Outcome outcome = Outcome::resolved;
    std::int8_t satisfied = -1;  ///< 1/0 at callback, -1 if not surveyed (open, abandoned, grid)
    /// 1/0 reported solved at callback (upward data updates: applied / rejected), -1 if open
    std::int8_t solved = -1;
    std::int8_t responded_in_time = 0;  ///< responded within respond_h
    std::int8_t resolved_in_time = 0;   ///< closed within resolve_wd working days
    std::int8_t province = 0;           ///< province index of the origin
    /// Resolution deadline: resolve_wd working days of the authority tier's calendar after
    /// created_h (the limit resolved_in_time is judged against); +inf when there is none.
    double deadline_h = std::numeric_limits<double>::infinity();
    /// Not written: the time (engine ticks) of the event whose handling recorded it, which
    /// orders the output (a caller who hung up in a queue is recorded when a server reaches
    /// them, with closed_h their hang-up time).
    std::int64_t recorded_at = 0;
};

/// One row of /events (only with --trace events).
struct EventRecord {
    std::int64_t ticket = 0;
    double t_h = 0.0;
    std::int32_t unit = 0;
    std::int16_t department = -1;  ///< -1 for intake or none
    EventKind kind = EventKind::created;
    /// Not written: as TicketRecord::recorded_at (a service that starts at the next opening is
    /// traced, dated then, when a server takes the ticket).
    std::int64_t recorded_at = 0;
};

/// One row of /unit_series: one unit over one period of adaptation.period_days (the last
/// one may be shorter), the basis of the ranking (三率 by the closing unit, domain.md §1.4).
struct UnitPeriodRow {
    double t_h = 0.0;  ///< end of the period
    std::int32_t unit = 0;
    std::int64_t closed = 0;             ///< tickets the unit closed in the period
    std::int64_t responded_in_time = 0;  ///< of them responded within respond_h (响应率)
    std::int64_t surveyed = 0;           ///< of them asked at the callback
    std::int64_t solved = 0;             ///< of those, reported solved (解决率)
    std::int64_t satisfied = 0;          ///< of those, satisfied (满意率)
    std::int64_t in_time = 0;            ///< of the closed, within the limit
    std::int64_t overdue = 0;            ///< open tickets at the unit past their limit, at t_h
    std::int64_t backlog = 0;            ///< tickets waiting or in service at its queues, at t_h
    std::int64_t staff = 0;              ///< servers of its queues at t_h (rules' included)
    double score = std::numeric_limits<double>::quiet_NaN();  ///< ranking score, NaN unranked
    std::int32_t rank = -1;  ///< 1 = best among its province's ranked units; -1 unranked
};

/// What an adaptation rule did (/adaptation), in the order of time, then of decision.
enum class AdaptationAction : std::int8_t {
    ranked_bottom = 0,     ///< ranking: the unit is in the bottom share (value: its score)
    attention_start = 1,   ///< leader attention begins at the unit (value: servers added)
    attention_end = 2,     ///< ... and ends (value: servers withdrawn)
    team_requested = 3,    ///< project team: a queue's backlog stayed high (value: per server)
    team_arrived = 4,      ///< the team's servers join the queue (value: servers)
    team_released = 5,     ///< they go back (value: servers)
    team_unavailable = 6,  ///< no pool staff or donor was free (value: 0)
    /// 批示: the type's tickets queue higher (value: the overdue tickets that issued it, 0 by date)
    instruction_start = 7,
    instruction_end = 8,  ///< (value: the levels it lifted)
};
inline constexpr int adaptation_action_count = 9;
inline constexpr std::array<const char*, adaptation_action_count> adaptation_action_names = {
    "ranked_bottom",
    "attention_start",
    "attention_end",
    "team_requested",
    "team_arrived",
    "team_released",
    "team_unavailable",
    "instruction_start",
    "instruction_end"};

struct AdaptationRecord {
    double t_h = 0.0;
    AdaptationAction action = AdaptationAction::ranked_bottom;
    std::int32_t unit = -1;         ///< the unit acted on, -1 for an instruction
    std::int16_t department = -1;   ///< the queue's department, -1 for none
    std::int32_t type = -1;         ///< an instruction's ticket type, else -1
    double value = 0.0;             ///< see AdaptationAction
    double cost_h = 0.0;            ///< staff-hours it cost (project teams' moves)
    std::int32_t instruction = -1;  ///< index into adaptation.instructions, else -1
};

/// One row of /series: one bucket of one tier. Counts are of things that happened at this
/// tier's units in the bucket; queue_len and busy_staff are taken at the bucket's end.
struct SeriesRow {
    double t_h = 0.0;  ///< end of the bucket
    std::int8_t tier = 0;
    std::int16_t province = -1;  ///< /series_by_province: the province's index; else -1
    std::int64_t arrivals = 0;   ///< tickets arriving at this tier's units (intake or transfer)
    std::int64_t closed = 0;     ///< tickets closed by this tier in the bucket
    std::int64_t queue_len = 0;  ///< tickets waiting at this tier's stations at the bucket's end
    /// Servers working at this tier at the bucket's end: holding a ticket at an open queue (one
    /// holding a ticket at a closed office is not working).
    std::int64_t busy_staff = 0;
    std::int64_t open_staff = 0;  ///< servers of this tier's queues open at the bucket's end
    std::int64_t returns = 0;     ///< 退单
    std::int64_t escalations = 0;
    std::int64_t leader = 0;               ///< leader decisions (negative-list ones too)
    std::int64_t materials_requested = 0;  ///< materials asked of applicants
    std::int64_t visits = 0;               ///< applicants' trips to a hall
    std::int64_t repeat_calls = 0;         ///< repeat calls created (at the hotline's tier)
    std::int64_t abandoned = 0;
    std::int64_t data_applied = 0;  ///< upward data updates applied (province tier)
    /// Of the closings: those asked at the callback, of them solved and satisfied, and those
    /// within the limit (the 三率 over time, as the summary counts them: solved / surveyed,
    /// satisfied / surveyed; in_time / closed).
    std::int64_t solved = 0;
    std::int64_t surveyed = 0;
    std::int64_t satisfied = 0;
    std::int64_t in_time = 0;
    /// The same for hotline tickets (12345's own rates, V1 and V2), at the hotline's tier only.
    std::int64_t hotline_closed = 0;
    std::int64_t hotline_solved = 0;
    std::int64_t hotline_surveyed = 0;
    std::int64_t hotline_satisfied = 0;
    /// Staff-hours worked in the bucket at this tier's queues, and staff-hours their opening
    /// hours offered: worked_h / open_staff_h is the utilisation over open hours.
    double worked_h = 0.0;
    double open_staff_h = 0.0;
    double coord_cost_h = 0.0;  ///< coordination staff-hours at this tier, all kinds
    std::array<double, cost_kind_count> coord_by_kind_h{};  ///< the same by CostKind
    double payroll_yuan = 0.0;  ///< open_staff_h × the tier's staff_hour_yuan
    double coord_yuan = 0.0;    ///< coord_cost_h × the tier's staff_hour_yuan
};

}  // namespace tiersim::model
