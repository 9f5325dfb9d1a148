// SPDX-License-Identifier: MIT
#include "check_report.hpp"

#include "tiersim/io/run_budget.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/text_format.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <vector>

namespace tiersim::cli {

namespace {

/// Unstable lines printed in the table; the rest is counted (all of them are in --json).
constexpr std::size_t max_unstable_lines = 50;

std::string percent(double utilisation) {
    return std::isinf(utilisation) ? "inf" : format_fixed(100.0 * utilisation, 1);
}

void pad(std::ostringstream& out, const std::string& cell, std::size_t width, bool right) {
    out << tiersim::pad(cell, width, right);
}

/// The queue of each tier with the highest peak-hour utilisation (the first of equals), in tier
/// order; tiers without work are left out.
std::vector<const model::QueueLoad*> busiest_at_peak(const model::TrafficReport& report) {
    std::array<const model::QueueLoad*, model::tier_count> best{};
    for (const auto& q : report.queues) {
        const model::QueueLoad*& b = best[static_cast<std::size_t>(q.tier)];
        if (q.peak_hour >= 0 && (b == nullptr || q.peak_utilisation > b->peak_utilisation))
            b = &q;
    }
    std::vector<const model::QueueLoad*> out;
    for (const auto* q : best) {
        if (q != nullptr)
            out.push_back(q);
    }
    return out;
}

/// "busiest queue per tier at its peak hour:", then one line per tier with work.
void busiest_text(std::ostringstream& out, const model::TrafficReport& report) {
    const auto busiest = busiest_at_peak(report);
    if (busiest.empty())
        return;
    out << "busiest queue per tier at its peak hour:\n";
    for (const auto* q : busiest) {
        out << "  " << model::tier_names[static_cast<std::size_t>(q->tier)] << ' ' << q->queue
            << ": " << percent(q->peak_utilisation) << "% on "
            << model::week_hour_name(q->peak_hour) << " (weekly " << percent(q->utilisation)
            << "%)\n";
    }
}

}  // namespace

std::string check_text(const model::TrafficReport& report, const model::RunEstimate& estimate) {
    constexpr std::size_t columns = 11;
    const std::array<std::string, columns> header = {"tier",
                                                     "queue",
                                                     "units",
                                                     "arrivals/h",
                                                     "offered",
                                                     "servers",
                                                     "util %",
                                                     "peak %",
                                                     "peak at",
                                                     "worst unit",
                                                     "worst %"};
    const std::array<bool, columns> right = {
        false, false, true, true, true, true, true, true, false, false, true};
    std::vector<std::array<std::string, columns>> rows;
    double max_utilisation = 0.0;
    for (const auto& q : report.queues) {
        rows.push_back({model::tier_names[static_cast<std::size_t>(q.tier)],
                        q.queue,
                        std::to_string(q.units),
                        format_fixed(q.arrival_rate_per_h, 2),
                        format_fixed(q.offered_load, 2),
                        format_fixed(q.servers, 0),
                        percent(q.utilisation),
                        percent(q.peak_utilisation),
                        model::week_hour_name(q.peak_hour),
                        q.worst_unit,
                        percent(q.worst_utilisation)});
        max_utilisation = std::max(max_utilisation, q.worst_utilisation);
    }
    std::array<std::size_t, columns> width{};
    for (std::size_t c = 0; c < columns; ++c)
        width[c] = display_width(header[c]);
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < columns; ++c) {
            width[c] = std::max(width[c], display_width(row[c]));
        }
    }

    std::ostringstream out;
    out << "residents: " << format_fixed(report.residents, 0);
    if (report.provinces.size() > 1) {
        out << " (";
        for (std::size_t p = 0; p < report.provinces.size(); ++p) {
            out << (p > 0 ? ", " : "") << report.provinces[p].name << ' '
                << format_fixed(report.provinces[p].residents, 0);
        }
        out << ')';
    }
    out << "\nstaff per 100,000 residents:";
    for (std::size_t c = 0; c < model::channel_count; ++c) {
        out << (c > 0 ? "," : "") << ' ' << model::channel_names[c] << ' '
            << format_fixed(report.intake_staff_per_100k[c], 1);
    }
    out << "; departments, bureaus and leaders "
        << format_fixed(report.department_staff_per_100k, 1) << '\n';
    out << "tickets per day: " << format_fixed(report.tickets_per_day, 1)
        << " (offered load in erlangs; utilisation = offered / (servers x open fraction); peak ="
           " the busiest open hour's work, with what waits from closed hours, / its servers)\n";
    auto emit = [&](const std::array<std::string, columns>& row) {
        for (std::size_t c = 0; c < columns; ++c) {
            if (c > 0)
                out << "  ";
            if (c + 1 == columns && !right[c]) {
                out << row[c];  // no trailing blanks
            } else {
                pad(out, row[c], width[c], right[c]);
            }
        }
        out << '\n';
    };
    emit(header);
    for (const auto& row : rows)
        emit(row);
    out << '\n';
    busiest_text(out, report);
    if (report.unstable.empty()) {
        out << "all queues stable (max utilisation " << percent(max_utilisation) << "%)\n";
    } else {
        out << "unstable queues:\n";
        const std::size_t shown = std::min(report.unstable.size(), max_unstable_lines);
        for (std::size_t i = 0; i < shown; ++i)
            out << "  " << report.unstable[i] << '\n';
        if (shown < report.unstable.size()) {
            out << "  ... and " << report.unstable.size() - shown << " more (see --json)\n";
        }
    }
    if (std::isfinite(report.data_freshness_expected_h)) {
        out << "grid data updates: expected freshness "
            << format_fixed(report.data_freshness_expected_h / 24.0, 2)
            << " days (review, batch and sync, queueing aside); shared records current "
            << format_fixed(100.0 * report.shared_data_current, 1) << "%\n";
    }
    out << "estimate: " << format_fixed(estimate.tickets, 0) << " tickets, "
        << format_fixed(estimate.events, 0) << " events; open at once "
        << format_fixed(estimate.open_tickets, 0) << " to "
        << format_fixed(estimate.open_tickets_high, 0) << ", memory "
        << io::memory_text(estimate.memory_bytes) << " to "
        << io::memory_text(estimate.memory_high_bytes)
        << " (a run is refused past --max-tickets or the lower memory bound past --max-memory)\n";
    return out.str();
}

std::vector<StepCheck> check_steps(const model::CompiledModel& model) {
    std::vector<StepCheck> out;
    for (const model::ReformStep& step : model.spec().timeline) {
        const model::CompiledModel state = io::compile_scenario(*step.state);
        const model::TrafficReport report = model::analyse_traffic(state);
        StepCheck c;
        c.day = step.day;
        c.label = step.label;
        c.unstable = report.unstable;
        for (const auto& q : report.queues) {
            if (q.worst_utilisation > c.max_utilisation || c.busiest.empty()) {
                c.max_utilisation = q.worst_utilisation;
                c.busiest = std::string(model::tier_names[static_cast<std::size_t>(q.tier)]) + " " +
                            q.queue + " at " + q.worst_unit;
            }
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::string steps_text(const std::vector<StepCheck>& steps) {
    if (steps.empty())
        return {};
    std::ostringstream out;
    out << "reform timeline: the queues of each step (the state from its day on)\n";
    // Stable steps in a row whose busiest queue is the same (a ramp, say) share one line.
    for (std::size_t i = 0; i < steps.size();) {
        const StepCheck& c = steps[i];
        if (!c.unstable.empty()) {
            out << "  day " << format_fixed(c.day, 0) << "  "
                << (c.label.empty() ? std::string() : c.label + ": ") << c.unstable.size()
                << " unstable: " << c.unstable.front() << (c.unstable.size() > 1 ? " ..." : "")
                << '\n';
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        double most = c.max_utilisation;
        while (j < steps.size() && steps[j].unstable.empty() && steps[j].busiest == c.busiest) {
            most = std::max(most, steps[j].max_utilisation);
            ++j;
        }
        if (j == i + 1) {
            out << "  day " << format_fixed(c.day, 0) << "  "
                << (c.label.empty() ? std::string() : c.label + ": ");
        } else {
            out << "  days " << format_fixed(c.day, 0) << "-" << format_fixed(steps[j - 1].day, 0)
                << " (" << j - i << " steps, from " << (c.label.empty() ? "?" : c.label) << "): ";
        }
        out << "stable, max " << percent(most) << "% (" << c.busiest << ")\n";
        i = j;
    }
    return out.str();
}

std::string check_json(const model::TrafficReport& report,
                       const model::RunEstimate& estimate,
                       const std::vector<StepCheck>& steps) {
    auto number = [](double value) -> nlohmann::json {
        if (std::isfinite(value))
            return value;
        return nullptr;
    };
    auto hour = [](int h) -> nlohmann::json {
        if (h >= 0)
            return h;
        return nullptr;
    };
    auto hour_name = [](int h) -> nlohmann::json {
        if (h >= 0)
            return model::week_hour_name(h);
        return nullptr;
    };
    nlohmann::json queues = nlohmann::json::array();
    bool stable = true;
    for (const auto& q : report.queues) {
        queues.push_back({{"tier", model::tier_names[static_cast<std::size_t>(q.tier)]},
                          {"queue", q.queue},
                          {"units", q.units},
                          {"arrival_rate_per_h", q.arrival_rate_per_h},
                          {"offered_load", q.offered_load},
                          {"servers", q.servers},
                          {"utilisation", number(q.utilisation)},
                          {"worst_unit", q.worst_unit},
                          {"worst_utilisation", number(q.worst_utilisation)},
                          {"unstable", q.unstable},
                          {"peak_utilisation", number(q.peak_utilisation)},
                          {"peak_hour", hour(q.peak_hour)},
                          {"peak_hour_name", hour_name(q.peak_hour)}});
        if (q.unstable)
            stable = false;
    }
    nlohmann::json busiest = nlohmann::json::array();
    for (const auto* q : busiest_at_peak(report)) {
        busiest.push_back({{"tier", model::tier_names[static_cast<std::size_t>(q->tier)]},
                           {"queue", q->queue},
                           {"peak_utilisation", number(q->peak_utilisation)},
                           {"peak_hour", hour(q->peak_hour)},
                           {"peak_hour_name", hour_name(q->peak_hour)}});
    }
    nlohmann::json provinces = nlohmann::json::array();
    for (const auto& p : report.provinces)
        provinces.push_back({{"name", p.name}, {"residents", p.residents}});
    nlohmann::json staff = nlohmann::json::object();
    for (std::size_t c = 0; c < model::channel_count; ++c)
        staff[model::channel_names[c]] = report.intake_staff_per_100k[c];
    staff["departments"] = report.department_staff_per_100k;
    const nlohmann::json doc = {{"tickets_per_day", report.tickets_per_day},
                                {"residents", report.residents},
                                {"provinces", provinces},
                                {"staff_per_100k", staff},
                                {"queues", queues},
                                {"unstable", report.unstable},
                                {"stable", stable && report.unstable.empty()},
                                {"busiest_at_peak", busiest},
                                {"estimate",
                                 {{"tickets", estimate.tickets},
                                  {"events", estimate.events},
                                  {"open_tickets", estimate.open_tickets},
                                  {"open_tickets_high", estimate.open_tickets_high},
                                  {"memory_bytes", estimate.memory_bytes},
                                  {"memory_high_bytes", estimate.memory_high_bytes},
                                  {"series_bytes", estimate.series_bytes}}}};
    if (steps.empty())
        return doc.dump();
    nlohmann::json with_steps = doc;
    nlohmann::json rows = nlohmann::json::array();
    for (const StepCheck& c : steps) {
        rows.push_back({{"day", c.day},
                        {"label", c.label},
                        {"max_utilisation", number(c.max_utilisation)},
                        {"busiest", c.busiest},
                        {"unstable", c.unstable}});
    }
    with_steps["timeline_steps"] = rows;
    return with_steps.dump();
}

}  // namespace tiersim::cli
