// SPDX-License-Identifier: MIT
#include "tiersim/io/run_writer.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/model/costs.hpp"
#include "tiersim/model/group_stats_fields.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/summary_accumulator.hpp"
#include "tiersim/text_format.hpp"
#include "tiersim/version.hpp"

#include <tbb/concurrent_queue.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace tiersim::io {

namespace {

/// Batches in flight between the simulation and the writer: submit() blocks beyond this.
constexpr std::ptrdiff_t queue_capacity = 8;
/// Records gathered from small windows before they go to the writer thread as one batch: a
/// hand-over wakes the writer (a futex call each side), which cost more than the window's work
/// on small models with short windows (issue 5). The order of the records is kept.
constexpr std::size_t coalesce_records = 512;
/// How often the writer thread flushes the partial file between batches, so that after SIGKILL
/// or a power loss `tiersim recover` finds what was written up to then (wall-clock time only
/// decides when: the file's contents do not depend on it).
constexpr std::chrono::seconds flush_interval{2};
/// Rows buffered per column before one HDF5 append: one chunk, so appends are chunk-aligned.
constexpr std::size_t flush_rows = column_chunk_rows;

// The coord_by_kind_h entry of CostKind `kind` of a record `r`.
#define TIERSIM_COORD(kind) r.coord_by_kind_h[static_cast<std::size_t>(model::CostKind::kind)]
static_assert(model::cost_kind_count == 5, "add the new CostKind's columns below");

// Every column of /tickets and /events: name (= TicketRecord/EventRecord field, the
// coord_by_kind_h array as one column per CostKind, named as in group_stats_fields.hpp), file
// type, and the value taken from the record `r`.
#define TIERSIM_TICKET_COLUMNS(X)                                \
    X(id, std::int64_t, r.id)                                    \
    X(type, std::int32_t, r.type)                                \
    X(parent, std::int64_t, r.parent)                            \
    X(origin, std::int32_t, r.origin)                            \
    X(handler, std::int32_t, r.handler)                          \
    X(created_h, double, r.created_h)                            \
    X(responded_h, double, r.responded_h)                        \
    X(closed_h, double, r.closed_h)                              \
    X(tier_resolved, std::int8_t, r.tier_resolved)               \
    X(hops, std::int16_t, r.hops)                                \
    X(handoffs, std::int16_t, r.handoffs)                        \
    X(returns, std::int16_t, r.returns)                          \
    X(escalations, std::int16_t, r.escalations)                  \
    X(leader, std::int8_t, r.leader)                             \
    X(visits, std::int16_t, r.visits)                            \
    X(materials_requested, std::int16_t, r.materials_requested)  \
    X(reworks, std::int16_t, r.reworks)                          \
    X(rehandles, std::int8_t, r.rehandles)                       \
    X(channel, std::int8_t, r.channel)                           \
    X(coord_cost_h, double, r.coord_cost_h)                      \
    X(coord_handoff_h, double, TIERSIM_COORD(handoff))           \
    X(coord_meeting_h, double, TIERSIM_COORD(meeting))           \
    X(coord_return_h, double, TIERSIM_COORD(returned))           \
    X(coord_leader_h, double, TIERSIM_COORD(leader))             \
    X(coord_cross_h, double, TIERSIM_COORD(cross))               \
    X(cross_mode, std::int8_t, r.cross_mode)                     \
    X(home_province, std::int8_t, r.home_province)               \
    X(outcome, std::int8_t, static_cast<std::int8_t>(r.outcome)) \
    X(satisfied, std::int8_t, r.satisfied)                       \
    X(solved, std::int8_t, r.solved)                             \
    X(responded_in_time, std::int8_t, r.responded_in_time)       \
    X(resolved_in_time, std::int8_t, r.resolved_in_time)         \
    X(province, std::int8_t, r.province)                         \
    X(deadline_h, double, r.deadline_h)

// The per-unit table (/unit_series), one row per unit and period (adaptation.period_days),
// streamed as the periods end.
#define TIERSIM_UNIT_SERIES_COLUMNS(X)                      \
    X(t_h, double, r.t_h)                                   \
    X(unit, std::int32_t, r.unit)                           \
    X(closed, std::int64_t, r.closed)                       \
    X(responded_in_time, std::int64_t, r.responded_in_time) \
    X(surveyed, std::int64_t, r.surveyed)                   \
    X(solved, std::int64_t, r.solved)                       \
    X(satisfied, std::int64_t, r.satisfied)                 \
    X(in_time, std::int64_t, r.in_time)                     \
    X(overdue, std::int64_t, r.overdue)                     \
    X(backlog, std::int64_t, r.backlog)                     \
    X(staff, std::int64_t, r.staff)                         \
    X(score, double, r.score)                               \
    X(rank, std::int32_t, r.rank)

#define TIERSIM_EVENT_COLUMNS(X)              \
    X(ticket, std::int64_t, r.ticket)         \
    X(t_h, double, r.t_h)                     \
    X(unit, std::int32_t, r.unit)             \
    X(department, std::int16_t, r.department) \
    X(kind, std::int8_t, static_cast<std::int8_t>(r.kind))

/// Compresses sealed chunks on TBB workers while the writer thread fills the next ones. Its
/// own arena keeps the writer thread from picking up simulation tasks while it waits.
class Compressor {
public:
    template <class F>
    void run(F&& f) {
        arena_.execute([&] { group_.run(std::forward<F>(f)); });
    }

    void wait() {
        arena_.execute([&] { group_.wait(); });
    }

    ~Compressor() {
        try {
            wait();
        } catch (...) {
            // the writer already failed or is aborting; the error was reported once
        }
    }

private:
    tbb::task_arena arena_;
    tbb::task_group group_;
};

/// One column's dataset, the rows being filled (`rows`), the rows being compressed
/// (`sealed`) and their compressed chunk. The buffers are allocated once.
template <class T>
struct BufferedColumn {
    Hdf5Column<T> column;
    std::vector<T> rows;
    std::vector<T> sealed;
    CompressedChunk chunk;

    void open(Hdf5File& file, const std::string& path) {
        column = Hdf5Column<T>(file, path);
        rows.assign(flush_rows, T{});
        sealed.assign(flush_rows, T{});
    }
};

#define TIERSIM_DECLARE_COLUMN(name, T, value) BufferedColumn<T> name;
#define TIERSIM_OPEN_COLUMN(name, T, value) name.open(file, group + "/" #name);
#define TIERSIM_STORE_COLUMN(name, T, value) name.rows[n] = (value);
#define TIERSIM_SEAL_COLUMN(name, T, value) name.rows.swap(name.sealed);
#define TIERSIM_COMPRESS_COLUMN(name, T, value) \
    compressor.run([this] { compress_chunk(name.sealed.data(), pending, name.chunk); });
#define TIERSIM_WRITE_COLUMN(name, T, value) name.column.append_compressed(name.chunk);
#define TIERSIM_CLOSE_COLUMN(name, T, value) name.column.close();

/// A table of columns filled row by row; every flush_rows rows, the chunk of each column is
/// compressed in parallel and written (in column order) at the next flush or at complete().
#define TIERSIM_COLUMN_TABLE(Table, Record, COLUMNS)                         \
    struct Table {                                                           \
        COLUMNS(TIERSIM_DECLARE_COLUMN)                                      \
        std::size_t n = 0;       /* rows filled */                           \
        std::size_t pending = 0; /* rows sealed and compressing */           \
        Compressor* compressor_ptr = nullptr;                                \
                                                                             \
        void open(Hdf5File& file, const std::string& group, Compressor& c) { \
            compressor_ptr = &c;                                             \
            COLUMNS(TIERSIM_OPEN_COLUMN)                                     \
        }                                                                    \
        void push(const Record& r) {                                         \
            COLUMNS(TIERSIM_STORE_COLUMN)                                    \
            if (++n == flush_rows) {                                         \
                flush();                                                     \
            }                                                                \
        }                                                                    \
        /* Seals the filled rows and starts compressing them. */             \
        void flush() {                                                       \
            if (n == 0) {                                                    \
                return;                                                      \
            }                                                                \
            complete();                                                      \
            COLUMNS(TIERSIM_SEAL_COLUMN)                                     \
            pending = n;                                                     \
            n = 0;                                                           \
            Compressor& compressor = *compressor_ptr;                        \
            COLUMNS(TIERSIM_COMPRESS_COLUMN)                                 \
        }                                                                    \
        /* Waits for the compressing chunks and writes them. */              \
        void complete() {                                                    \
            if (pending == 0) {                                              \
                return;                                                      \
            }                                                                \
            compressor_ptr->wait();                                          \
            COLUMNS(TIERSIM_WRITE_COLUMN)                                    \
            pending = 0;                                                     \
        }                                                                    \
        void close() {                                                       \
            flush();                                                         \
            complete();                                                      \
            COLUMNS(TIERSIM_CLOSE_COLUMN)                                    \
        }                                                                    \
    };

TIERSIM_COLUMN_TABLE(TicketColumns, model::TicketRecord, TIERSIM_TICKET_COLUMNS)
TIERSIM_COLUMN_TABLE(EventColumns, model::EventRecord, TIERSIM_EVENT_COLUMNS)
TIERSIM_COLUMN_TABLE(UnitSeriesColumns, model::UnitPeriodRow, TIERSIM_UNIT_SERIES_COLUMNS)

#undef TIERSIM_COLUMN_TABLE
#undef TIERSIM_DECLARE_COLUMN
#undef TIERSIM_OPEN_COLUMN
#undef TIERSIM_STORE_COLUMN
#undef TIERSIM_SEAL_COLUMN
#undef TIERSIM_COMPRESS_COLUMN
#undef TIERSIM_WRITE_COLUMN
#undef TIERSIM_CLOSE_COLUMN

const char* trace_name(TraceLevel trace) {
    switch (trace) {
        case TraceLevel::none:
            return "none";
        case TraceLevel::tickets:
            return "tickets";
        case TraceLevel::events:
            return "events";
    }
    return "?";
}

void write_units(Hdf5File& file, const model::Organisation& org) {
    const std::size_t n = org.size();
    std::vector<std::int32_t> id(n);
    std::vector<std::int8_t> tier(n);
    std::vector<std::int32_t> parent(n);
    std::vector<std::int32_t> province(n);
    std::vector<std::int64_t> code(n);
    std::vector<std::string> name(n);
    std::vector<double> population(n);
    for (std::size_t i = 0; i < n; ++i) {
        const model::Unit& u = org.units()[i];
        id[i] = static_cast<std::int32_t>(i);
        tier[i] = static_cast<std::int8_t>(u.tier);
        parent[i] = u.parent;
        province[i] = u.province;
        code[i] = u.code;
        name[i] = u.name;
        population[i] = u.population;
    }
    file.create_group("/units");
    file.write_column("/units/id", id);
    file.write_column("/units/tier", tier);
    file.write_column("/units/parent", parent);
    file.write_column("/units/province", province);
    file.write_column("/units/code", code);
    file.write_string_column("/units/name", name);
    file.write_column("/units/population", population);
}

/// /queues: every staffed queue (StationIndex order) with its unit, servers and calendar, so
/// that utilisation can be computed from the file alone (/series worked_h per tier).
void write_queues(Hdf5File& file, const model::CompiledModel& model) {
    const auto& index = model.stations();
    const auto& plan = model.station_plan();
    const auto& org = model.org();
    std::vector<std::int32_t> unit;
    std::vector<std::int8_t> tier;
    std::vector<std::string> queue;
    std::vector<std::int32_t> servers;
    std::vector<std::string> calendar;
    std::vector<double> open_fraction;
    for (std::size_t si = 0; si < plan.size(); ++si) {
        if (plan[si].servers <= 0)
            continue;
        const model::UnitId u = index.owner(si, org);  // a link: the province it leaves
        const auto cal = static_cast<std::size_t>(plan[si].calendar);
        unit.push_back(u);
        tier.push_back(static_cast<std::int8_t>(org.unit(u).tier));
        queue.push_back(index.queue_name(si, model.spec(), org));
        servers.push_back(plan[si].servers);
        calendar.push_back(model.spec().calendars[cal].name);
        open_fraction.push_back(model.calendars()[cal].open_fraction());
    }
    file.create_group("/queues");
    file.write_column("/queues/unit", unit);
    file.write_column("/queues/tier", tier);
    file.write_string_column("/queues/queue", queue);
    file.write_column("/queues/servers", servers);
    file.write_string_column("/queues/calendar", calendar);
    file.write_column("/queues/open_fraction", open_fraction);
}

void write_ticket_types(Hdf5File& file, const model::ScenarioSpec& spec) {
    const std::size_t n = spec.ticket_types.size();
    std::vector<std::int32_t> id(n);
    std::vector<std::string> name(n);
    std::vector<std::int8_t> channel(n);
    std::vector<std::int8_t> authority(n);
    for (std::size_t i = 0; i < n; ++i) {
        id[i] = static_cast<std::int32_t>(i);
        name[i] = spec.ticket_types[i].name;
        channel[i] = static_cast<std::int8_t>(spec.ticket_types[i].channel);
        authority[i] = static_cast<std::int8_t>(spec.ticket_types[i].authority);
    }
    file.create_group("/ticket_types");
    file.write_column("/ticket_types/id", id);
    file.write_string_column("/ticket_types/name", name);
    file.write_column("/ticket_types/channel", channel);
    file.write_column("/ticket_types/authority", authority);
}

/// The reform timeline, one row per change (a run without one has no /timeline).
void write_timeline(Hdf5File& file, const model::ScenarioSpec& spec) {
    if (spec.timeline.empty())
        return;
    std::vector<double> day;
    std::vector<std::int32_t> step;
    std::vector<std::string> label, key, value;
    for (std::size_t i = 0; i < spec.timeline.size(); ++i) {
        for (const model::ReformChange& c : spec.timeline[i].changes) {
            day.push_back(spec.timeline[i].day);
            step.push_back(static_cast<std::int32_t>(i + 1));
            label.push_back(spec.timeline[i].label);
            key.push_back(c.key);
            value.push_back(c.value);
        }
    }
    file.create_group("/timeline");
    file.write_column("/timeline/day", day);
    file.write_column("/timeline/step", step);
    file.write_string_column("/timeline/label", label);
    file.write_string_column("/timeline/key", key);
    file.write_string_column("/timeline/value", value);
}

/// One member of every row as the column `path`.
template <class Row, class T>
void write_field(Hdf5File& file,
                 const std::string& path,
                 const std::vector<Row>& rows,
                 T Row::*member) {
    std::vector<T> column;
    column.reserve(rows.size());
    for (const Row& r : rows)
        column.push_back(r.*member);
    file.write_column(path, column);
}

/// The buckets' costs (model/costs.hpp), with the totals after the warm-up as attributes.
void write_costs(Hdf5File& file, const std::vector<model::CostRow>& rows, double warmup_h) {
    using R = model::CostRow;
    file.create_group("/costs");
    write_field(file, "/costs/t_h", rows, &R::t_h);
    write_field(file, "/costs/payroll_yuan", rows, &R::payroll_yuan);
    write_field(file, "/costs/coord_yuan", rows, &R::coord_yuan);
    write_field(file, "/costs/moves_yuan", rows, &R::moves_yuan);
    write_field(file, "/costs/reform_yuan", rows, &R::reform_yuan);
    write_field(file, "/costs/total_yuan", rows, &R::total_yuan);
    write_field(file, "/costs/closed", rows, &R::closed);
    write_field(file, "/costs/yuan_per_closed", rows, &R::yuan_per_closed);
    const model::CostTotals t = model::cost_totals(rows, warmup_h);
    file.set_attribute("/costs", "from_h", t.from_h);
    file.set_attribute("/costs", "payroll_yuan", t.payroll_yuan);
    file.set_attribute("/costs", "coord_yuan", t.coord_yuan);
    file.set_attribute("/costs", "moves_yuan", t.moves_yuan);
    file.set_attribute("/costs", "reform_yuan", t.reform_yuan);
    file.set_attribute("/costs", "total_yuan", t.total_yuan);
    file.set_attribute("/costs", "closed", t.closed);
    file.set_attribute("/costs", "yuan_per_closed", t.yuan_per_closed);
}

/// What the adaptation rules did (a run without rules has no /adaptation).
void write_adaptation(Hdf5File& file,
                      bool adapts,
                      const std::vector<std::string>& instruction_names,
                      const std::vector<model::AdaptationRecord>& records) {
    if (!adapts && records.empty())
        return;
    std::vector<double> t_h, value, cost_h;
    std::vector<std::int8_t> action;
    std::vector<std::int32_t> unit, type;
    std::vector<std::int16_t> department;
    std::vector<std::string> action_name, instruction;
    for (const model::AdaptationRecord& r : records) {
        t_h.push_back(r.t_h);
        action.push_back(static_cast<std::int8_t>(r.action));
        action_name.emplace_back(
            model::adaptation_action_names[static_cast<std::size_t>(r.action)]);
        unit.push_back(r.unit);
        department.push_back(r.department);
        type.push_back(r.type);
        value.push_back(r.value);
        cost_h.push_back(r.cost_h);
        instruction.push_back(r.instruction < 0
                                  ? std::string()
                                  : instruction_names[static_cast<std::size_t>(r.instruction)]);
    }
    file.create_group("/adaptation");
    file.write_column("/adaptation/t_h", t_h);
    file.write_column("/adaptation/action", action);
    file.write_string_column("/adaptation/action_name", action_name);
    file.write_column("/adaptation/unit", unit);
    file.write_column("/adaptation/department", department);
    file.write_column("/adaptation/type", type);
    file.write_column("/adaptation/value", value);
    file.write_column("/adaptation/cost_h", cost_h);
    file.write_string_column("/adaptation/instruction", instruction);
}

// Every column of /series: name (= SeriesRow field, coord_by_kind_h as for /tickets), file
// type, and the value taken from the row `r`.
#define TIERSIM_SERIES_COLUMNS(X)                               \
    X(t_h, double, r.t_h)                                       \
    X(tier, std::int8_t, r.tier)                                \
    X(arrivals, std::int64_t, r.arrivals)                       \
    X(closed, std::int64_t, r.closed)                           \
    X(queue_len, std::int64_t, r.queue_len)                     \
    X(busy_staff, std::int64_t, r.busy_staff)                   \
    X(open_staff, std::int64_t, r.open_staff)                   \
    X(worked_h, double, r.worked_h)                             \
    X(open_staff_h, double, r.open_staff_h)                     \
    X(returns, std::int64_t, r.returns)                         \
    X(escalations, std::int64_t, r.escalations)                 \
    X(leader, std::int64_t, r.leader)                           \
    X(materials_requested, std::int64_t, r.materials_requested) \
    X(visits, std::int64_t, r.visits)                           \
    X(repeat_calls, std::int64_t, r.repeat_calls)               \
    X(abandoned, std::int64_t, r.abandoned)                     \
    X(data_applied, std::int64_t, r.data_applied)               \
    X(solved, std::int64_t, r.solved)                           \
    X(surveyed, std::int64_t, r.surveyed)                       \
    X(satisfied, std::int64_t, r.satisfied)                     \
    X(in_time, std::int64_t, r.in_time)                         \
    X(hotline_closed, std::int64_t, r.hotline_closed)           \
    X(hotline_solved, std::int64_t, r.hotline_solved)           \
    X(hotline_surveyed, std::int64_t, r.hotline_surveyed)       \
    X(hotline_satisfied, std::int64_t, r.hotline_satisfied)     \
    X(coord_cost_h, double, r.coord_cost_h)                     \
    X(coord_handoff_h, double, TIERSIM_COORD(handoff))          \
    X(coord_meeting_h, double, TIERSIM_COORD(meeting))          \
    X(coord_return_h, double, TIERSIM_COORD(returned))          \
    X(coord_leader_h, double, TIERSIM_COORD(leader))            \
    X(coord_cross_h, double, TIERSIM_COORD(cross))              \
    X(payroll_yuan, double, r.payroll_yuan)                     \
    X(coord_yuan, double, r.coord_yuan)

/// /series (and /series_by_province, with the province's name): the rows are few (buckets ×
/// tiers, periods × provinces × tiers), so each column is gathered and written whole.
void write_series(Hdf5File& file,
                  const std::string& group,
                  const std::vector<SeriesRow>& series,
                  const std::vector<std::string>* province_names = nullptr) {
    file.create_group(group);
    if (province_names != nullptr) {
        std::vector<std::string> column;
        column.reserve(series.size());
        for (const SeriesRow& r : series)
            column.push_back((*province_names)[static_cast<std::size_t>(r.province)]);
        file.write_string_column(group + "/province", column);
    }
#define TIERSIM_WRITE_SERIES_COLUMN(name, T, value)   \
    {                                                 \
        std::vector<T> column;                        \
        column.reserve(series.size());                \
        for (const SeriesRow& r : series) {           \
            column.push_back(value);                  \
        }                                             \
        file.write_column(group + "/" #name, column); \
    }
    TIERSIM_SERIES_COLUMNS(TIERSIM_WRITE_SERIES_COLUMN)
#undef TIERSIM_WRITE_SERIES_COLUMN
}

#undef TIERSIM_SERIES_COLUMNS
#undef TIERSIM_COORD

/// A table of groups: a `name` string column and one column per GroupStats field.
template <class Groups>
void write_group_table(Hdf5File& file, const std::string& path, const Groups& groups) {
    file.create_group(path);
    std::vector<std::string> names;
    for (const model::GroupStats& g : groups) {
        names.push_back(g.name);
    }
    file.write_string_column(path + "/name", names);
    for (const auto& field : model::group_stats_count_fields) {
        std::vector<std::int64_t> column;
        for (const model::GroupStats& g : groups) {
            column.push_back(g.*field.member);
        }
        file.write_column(path + "/" + field.name, column);
    }
    for (const auto& field : model::group_stats_value_fields) {
        std::vector<double> column;
        for (const model::GroupStats& g : groups) {
            column.push_back(field.get(g));
        }
        file.write_column(path + "/" + field.name, column);
    }
}

/// The censoring warning (Summary::short_horizon) where a script finds it: the horizon after
/// the warm-up, the factor and how many types are short on /summary (all numbers, as every
/// /summary attribute); which ones in /summary/by_type/short_horizon.
void write_horizon(Hdf5File& file, const model::Summary& s) {
    file.set_attribute("/summary", "horizon_h", s.horizon_h);
    file.set_attribute("/summary", "censoring_horizon_factor", model::censoring_horizon_factor);
    file.set_attribute(
        "/summary", "short_horizon_types", static_cast<std::int64_t>(s.short_horizon.size()));
}

/// /summary/by_type's limit_h (resolve_wd × 7/5 × 24) and short_horizon (1 where the horizon
/// after the warm-up is under censoring_horizon_factor limits and the type has tickets).
void write_type_limits(Hdf5File& file,
                       const std::vector<double>& resolve_wd,
                       const model::Summary& s) {
    std::vector<double> limit_h;
    for (double wd : resolve_wd) {
        limit_h.push_back(model::resolution_limit_h(wd));
    }
    std::vector<std::int8_t> short_horizon(resolve_wd.size(), 0);
    for (const model::ShortHorizon& w : s.short_horizon) {
        short_horizon.at(static_cast<std::size_t>(w.type_index)) = 1;
    }
    file.write_column("/summary/by_type/limit_h", limit_h);
    file.write_column("/summary/by_type/short_horizon", short_horizon);
}

void write_summary(Hdf5File& file,
                   const model::Summary& s,
                   double warmup_h,
                   const std::vector<double>& resolve_wd) {
    file.create_group("/summary");
    file.set_attribute("/summary", "created", s.created);
    file.set_attribute("/summary", "closed", s.closed);
    file.set_attribute("/summary", "abandoned", s.abandoned);
    file.set_attribute("/summary", "open_at_end", s.open_at_end);
    file.set_attribute("/summary", "warmup_h", warmup_h);
    // The overall group's counts are over tickets created after the warm-up; those whose
    // names clash with the conservation counts above are qualified (created_after_warmup…).
    for (const auto& field : model::group_stats_count_fields) {
        const std::string name = field.name;
        const bool clashes = name == "created" || name == "closed" || name == "abandoned";
        file.set_attribute(
            "/summary", clashes ? name + "_after_warmup" : name, s.overall.*field.member);
    }
    for (const auto& field : model::group_stats_value_fields) {
        file.set_attribute("/summary", field.name, field.get(s.overall));
    }
    write_horizon(file, s);
    write_group_table(file, "/summary/by_tier", s.by_tier);
    write_group_table(file, "/summary/by_type", s.by_type);
    write_type_limits(file, resolve_wd, s);
    write_group_table(file, "/summary/by_province", s.by_province);
    write_group_table(file, "/summary/by_channel", s.by_channel);
    if (s.hang_ups) {  // callers hang up (channels.CHANNEL.patience_min): the connection rate
        file.write_column("/summary/by_channel/hung_up",
                          std::vector<std::int64_t>(s.hung_up.begin(), s.hung_up.end()));
        file.write_column("/summary/by_channel/connection_rate",
                          std::vector<double>(s.connection_rate.begin(), s.connection_rate.end()));
    }
    write_group_table(file, "/summary/by_cross_mode", s.by_cross_mode);
    // By unit of origin, with the unit's id (a row of /units) beside its name.
    constexpr std::array<const char*, 3> unit_tables = {
        "/summary/by_district", "/summary/by_city", "/summary/by_street"};
    for (std::size_t t = 0; t < unit_tables.size(); ++t) {
        if (t == 2 && s.by_unit[t].units.empty()) {
            continue;  // simulation.street_summary is off
        }
        write_group_table(file, unit_tables[t], s.by_unit[t].groups);
        file.write_column(std::string(unit_tables[t]) + "/unit", s.by_unit[t].units);
    }
}

struct Message {
    RecordBatch batch;
    bool stop = false;
};

}  // namespace

struct RunWriter::Impl {
    std::filesystem::path out;
    std::filesystem::path partial;
    TraceLevel trace = TraceLevel::none;
    std::string scenario_name;
    std::string scenario_toml;
    double warmup_h = 0.0;
    std::vector<double> resolve_wd;  ///< by ticket type, for /summary/by_type/limit_h
    bool adapts = false;             ///< an adaptation rule acts at some step: /adaptation
    std::vector<std::string> instruction_names;

    Hdf5File file;
    TicketColumns tickets;
    EventColumns events;
    UnitSeriesColumns unit_series;
    Compressor compressor;  // after the columns: destroyed first, it waits for their tasks
    model::SummaryAccumulator accumulator;

    tbb::concurrent_bounded_queue<Message> full_batches;
    tbb::concurrent_queue<RecordBatch> free_batches;
    std::thread writer;
    std::atomic<bool> failed{false};
    std::atomic<bool> aborting{false};
    std::exception_ptr error;  // set by the writer thread before `failed`
    bool finished = false;
    RecordBatch pending;  // submitted records not yet handed to the writer thread

    model::CostBasis costs;                   // for /costs
    std::vector<std::string> province_names;  // for /series_by_province

    Impl(const model::ScenarioSpec& spec, const model::Organisation& org)
        : accumulator(spec, org),
          costs(model::CostBasis::of(spec, org)) {
        adapts = spec.adaptation.any() ||
                 std::any_of(spec.timeline.begin(), spec.timeline.end(), [](const auto& step) {
                     return step.state->adaptation.any();
                 });
        for (const auto& in : spec.adaptation.instructions)
            instruction_names.push_back(in.name);
        for (int p = 0; p < org.province_count(); ++p)
            province_names.push_back(org.unit(org.province_unit(p)).name);
    }

    void recycle(RecordBatch&& batch) {
        batch.censor_open_at_h = std::numeric_limits<double>::quiet_NaN();
        batch.tickets.clear();
        batch.events.clear();
        batch.unit_rows.clear();
        free_batches.push(std::move(batch));
    }

    void consume(const RecordBatch& batch) {
        if (!std::isnan(batch.censor_open_at_h)) {
            accumulator.censor_open_at(batch.censor_open_at_h);
        }
        for (const model::TicketRecord& r : batch.tickets) {
            accumulator.add(r);
        }
        if (trace != TraceLevel::none) {
            for (const model::TicketRecord& r : batch.tickets) {
                tickets.push(r);
            }
        }
        if (trace == TraceLevel::events) {
            for (const model::EventRecord& r : batch.events) {
                events.push(r);
            }
        }
        for (const model::UnitPeriodRow& r : batch.unit_rows) {
            unit_series.push(r);
        }
    }

    /// The writer thread: consumes batches until the stop message; after a failure it keeps
    /// draining (so submit() never blocks for ever) and records only the first error.
    void run() {
        Message message;
        auto last_flush = std::chrono::steady_clock::now();
        for (;;) {
            full_batches.pop(message);
            if (message.stop) {
                break;
            }
            if (!failed.load(std::memory_order_relaxed) && !aborting.load()) {
                try {
                    consume(message.batch);
                    const auto now = std::chrono::steady_clock::now();
                    if (now - last_flush >= flush_interval) {
                        file.flush();
                        last_flush = now;
                    }
                } catch (...) {
                    error = std::current_exception();
                    failed.store(true);
                }
            }
            recycle(std::move(message.batch));
        }
        if (failed.load() || aborting.load()) {
            return;
        }
        try {
            if (trace != TraceLevel::none) {
                tickets.close();
            }
            if (trace == TraceLevel::events) {
                events.close();
            }
            unit_series.close();
        } catch (...) {
            error = std::current_exception();
            failed.store(true);
        }
    }

    /// Hands the pending records to the writer thread.
    void flush_pending() {
        if (pending.tickets.empty() && pending.events.empty() && pending.unit_rows.empty()) {
            return;
        }
        Message message;
        message.batch = std::move(pending);
        pending = RecordBatch{};
        free_batches.try_pop(pending);
        full_batches.push(std::move(message));
    }

    void stop_writer() {
        if (writer.joinable()) {
            Message stop;
            stop.stop = true;
            full_batches.push(std::move(stop));
            writer.join();
        }
    }

    void rethrow_if_failed() const {
        if (!failed.load()) {
            return;
        }
        try {
            std::rethrow_exception(error);
        } catch (const IoError& e) {
            throw IoError("cannot write " + out.string() + ": " + e.what());
        } catch (const std::exception& e) {
            throw IoError("writing " + out.string() + " failed: " + e.what());
        }
    }
};

RunWriter::RunWriter(const std::filesystem::path& out,
                     TraceLevel trace,
                     const model::ScenarioSpec& spec,
                     const model::Organisation& org,
                     const model::CompiledModel* model)
    : impl_(std::make_unique<Impl>(spec, org)) {
    Impl& w = *impl_;
    w.out = out;
    w.partial = out;
    w.partial += ".partial";
    w.trace = trace;
    w.scenario_name = spec.name;
    w.scenario_toml = spec.resolved_toml;
    w.warmup_h = spec.warmup_days * 24.0;
    for (const model::TicketTypeSpec& type : spec.ticket_types) {
        w.resolve_wd.push_back(type.resolve_wd);
    }

    std::filesystem::path dir = out.parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw IoError("cannot write " + out.string() + ": folder " + dir.string() +
                      " does not exist");
    }
    // The finished file is renamed over OUT, which would replace a device or a folder there.
    if (std::filesystem::exists(out, ec) && !std::filesystem::is_regular_file(out, ec)) {
        throw IoError("cannot write " + out.string() +
                      ": it exists and is not a regular file (tiersim writes a new HDF5 file "
                      "there); choose another output path");
    }
    try {
        w.file = Hdf5File::create(w.partial);
        // What the run is, first: a partial file left by SIGKILL says it (tiersim recover).
        w.file.create_group("/provenance");
        w.file.set_attribute("/provenance", "tiersim_version", std::string(tiersim::version));
        w.file.set_attribute("/provenance", "scenario_toml", w.scenario_toml);
        w.file.set_attribute("/provenance", "scenario_name", w.scenario_name);
        w.file.set_attribute("/provenance", "trace", std::string(trace_name(trace)));
        write_units(w.file, org);
        write_ticket_types(w.file, spec);
        write_timeline(w.file, spec);
        if (model != nullptr)
            write_queues(w.file, *model);
        if (trace != TraceLevel::none) {
            w.file.create_group("/tickets");
            w.tickets.open(w.file, "/tickets", w.compressor);
        }
        if (trace == TraceLevel::events) {
            w.file.create_group("/events");
            w.events.open(w.file, "/events", w.compressor);
        }
        w.file.create_group("/unit_series");
        w.unit_series.open(w.file, "/unit_series", w.compressor);
    } catch (const IoError& e) {
        w.tickets = TicketColumns{};
        w.events = EventColumns{};
        w.file = Hdf5File{};
        std::filesystem::remove(w.partial, ec);
        throw IoError("cannot write " + out.string() + ": " + e.what());
    }
    w.full_batches.set_capacity(queue_capacity);
    w.writer = std::thread([&w] { w.run(); });
}

RunWriter::~RunWriter() {
    if (!impl_) {
        return;
    }
    Impl& w = *impl_;
    w.aborting.store(true);
    try {
        w.stop_writer();
    } catch (...) {
        // join() can only fail on a broken thread; nothing more can be done in a destructor
    }
    if (!w.finished) {
        try {
            // Chunks may still be compressing into the columns' buffers: let them finish
            // before the columns go.
            w.compressor.wait();
        } catch (...) {
            // the writer already failed; its error was reported once
        }
        try {
            w.tickets = TicketColumns{};
            w.events = EventColumns{};
            w.file = Hdf5File{};
        } catch (...) {
            // closing a file we are about to delete: errors do not matter
        }
        std::error_code ec;
        std::filesystem::remove(w.partial, ec);
    }
}

RecordBatch RunWriter::acquire_batch() {
    RecordBatch batch;
    if (impl_->free_batches.try_pop(batch)) {
        return batch;
    }
    return RecordBatch{};
}

void RunWriter::submit(RecordBatch&& batch) {
    Impl& w = *impl_;
    TIERSIM_CHECK(!w.finished, "submit() after finish()");
    w.rethrow_if_failed();
    if (batch.tickets.empty() && batch.events.empty()) {
        w.recycle(std::move(batch));
        return;
    }
    if (w.pending.tickets.empty() && w.pending.events.empty()) {
        std::swap(w.pending, batch);
    } else {
        w.pending.tickets.insert(
            w.pending.tickets.end(), batch.tickets.begin(), batch.tickets.end());
        w.pending.events.insert(w.pending.events.end(), batch.events.begin(), batch.events.end());
    }
    w.recycle(std::move(batch));
    if (w.pending.tickets.size() + w.pending.events.size() >= coalesce_records) {
        w.flush_pending();
    }
}

void RunWriter::open_tickets_follow(double end_h) {
    Impl& w = *impl_;
    TIERSIM_CHECK(!w.finished, "open_tickets_follow() after finish()");
    w.rethrow_if_failed();
    w.flush_pending();
    Message message;
    message.batch.censor_open_at_h = end_h;
    w.full_batches.push(std::move(message));
}

void RunWriter::submit_unit_rows(std::vector<model::UnitPeriodRow>& rows) {
    Impl& w = *impl_;
    TIERSIM_CHECK(!w.finished, "submit_unit_rows() after finish()");
    w.rethrow_if_failed();
    w.pending.unit_rows.insert(w.pending.unit_rows.end(), rows.begin(), rows.end());
    rows.clear();
    w.flush_pending();
}

model::Summary RunWriter::finish(const model::RunOutcome& outcome, const RunInfo& info) {
    Impl& w = *impl_;
    TIERSIM_CHECK(!w.finished, "finish() called twice");
    // Rows a run kept rather than streamed (submit_unit_rows) follow the streamed ones.
    w.pending.unit_rows.insert(
        w.pending.unit_rows.end(), outcome.unit_periods.begin(), outcome.unit_periods.end());
    w.flush_pending();
    w.stop_writer();
    w.rethrow_if_failed();
    model::Summary summary = w.accumulator.finish(info.end_h);
    try {
        write_series(w.file, "/series", outcome.series);
        write_series(w.file, "/series_by_province", outcome.province_series, &w.province_names);
        write_costs(
            w.file, model::cost_rows(w.costs, outcome.series, outcome.adaptation), w.warmup_h);
        write_adaptation(w.file, w.adapts, w.instruction_names, outcome.adaptation);
        write_summary(w.file, summary, w.warmup_h, w.resolve_wd);

        const std::string p = "/provenance";  // begun when the file was created
        w.file.set_attribute(p, "seed", static_cast<std::int64_t>(info.seed));
        w.file.set_attribute(p, "days", info.days);
        w.file.set_attribute(p, "end_h", info.end_h);
        w.file.set_attribute(p, "threads", static_cast<std::int64_t>(info.threads));
        w.file.set_attribute(p, "ranks", static_cast<std::int64_t>(info.ranks));
        w.file.set_attribute(p, "created_utc", info.created_utc);
        w.file.set_attribute(p, "wall_seconds", info.wall_seconds);
        w.file.set_attribute(p, "events", static_cast<std::int64_t>(info.events));
        w.file.set_attribute(p, "interrupted", static_cast<std::int64_t>(info.interrupted ? 1 : 0));
        // A checkpoint's day and the state there (tiersim run --checkpoint, --from).
        if (info.state_digest) {
            w.file.set_attribute(p, "checkpoint_day", info.digest_day);
            w.file.set_attribute(p, "state_digest", digest_text(*info.state_digest));
        }
        if (!info.from_checkpoint.empty())
            w.file.set_attribute(p, "from_checkpoint", info.from_checkpoint);

        w.file.close();
        std::filesystem::rename(w.partial, w.out);
    } catch (const std::filesystem::filesystem_error& e) {
        throw IoError("cannot write " + w.out.string() + ": " + e.what());
    }
    w.finished = true;
    return summary;
}

}  // namespace tiersim::io
