// SPDX-License-Identifier: MIT
#include "tiersim/io/summary_report.hpp"

#include "tiersim/model/group_stats_fields.hpp"
#include "tiersim/text_format.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

namespace tiersim::io {

namespace {

using Json = nlohmann::ordered_json;

std::string pad_right(const std::string& text, std::size_t width) {
    return pad(text, width);
}

std::string pad_left(const std::string& text, std::size_t width) {
    return pad(text, width, true);
}

std::string percent(double share) {
    return std::isfinite(share) ? format_fixed(100.0 * share, 1) : "-";
}

/// An integer with thin thousands separators (commas), e.g. 12,345,678.
std::string grouped(std::int64_t value) {
    const bool negative = value < 0;
    std::string digits = std::to_string(negative ? -value : value);
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[i];
        if ((n - 1 - i) % 3 == 0 && i + 1 < n) {
            out += ',';
        }
    }
    return negative ? "-" + out : out;
}

/// Lead times: more decimals for short times so that minutes stay visible.
std::string hours(double value) {
    if (!std::isfinite(value)) {
        return "-";
    }
    return format_fixed(value, std::fabs(value) < 10.0 ? 2 : 1);
}

/// Hours shown as days, two decimals: data freshness runs from hours to weeks.
std::string days(double hours_value) {
    if (!std::isfinite(hours_value)) {
        return "-";
    }
    return format_fixed(hours_value / 24.0, 2);
}

Json number(double value) {
    return std::isfinite(value) ? Json(value) : Json(nullptr);
}

Json group_json(const model::GroupStats& g) {
    Json out = Json::object();
    for (const auto& field : model::group_stats_count_fields) {
        out[field.name] = g.*field.member;
    }
    for (const auto& field : model::group_stats_value_fields) {
        out[field.name] = number(field.get(g));
    }
    return out;
}

template <class Groups>
Json groups_json(const Groups& groups) {
    Json out = Json::object();
    for (const model::GroupStats& g : groups) {
        out[g.name] = group_json(g);
    }
    return out;
}

double events_per_second(const RunInfo& info) {
    return info.wall_seconds > 0.0 ? static_cast<double>(info.events) / info.wall_seconds
                                   : std::nan("");
}

struct Row {
    std::string label;
    const model::GroupStats* stats;
};

/// An aligned table: a header line ("group" and `headers`), then one line per row with the
/// cells `cells_of` gives for its group (as many as there are headers).
template <class Cells>
std::string table(const std::vector<Row>& rows,
                  const std::vector<std::string>& headers,
                  Cells cells_of) {
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const Row& row : rows) {
        cells.push_back(cells_of(*row.stats));
    }
    std::size_t label_width = 5;
    for (const Row& row : rows) {
        label_width = std::max(label_width, display_width(row.label));
    }
    std::vector<std::size_t> widths(headers.size());
    for (std::size_t c = 0; c < headers.size(); ++c) {
        widths[c] = display_width(headers[c]);
        for (const auto& r : cells) {
            widths[c] = std::max(widths[c], display_width(r[c]));
        }
    }
    std::string out = pad_right("group", label_width);
    for (std::size_t c = 0; c < headers.size(); ++c) {
        out += "  " + pad_left(headers[c], widths[c]);
    }
    out += "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out += pad_right(rows[i].label, label_width);
        for (std::size_t c = 0; c < headers.size(); ++c) {
            out += "  " + pad_left(cells[i][c], widths[c]);
        }
        out += "\n";
    }
    return out;
}

}  // namespace

std::string timeline_text(const model::ScenarioSpec& spec) {
    if (spec.timeline.empty())
        return {};
    std::string out = "reform timeline (" + std::to_string(spec.timeline.size()) +
                      " steps; /timeline in the output):\n";
    constexpr std::size_t shown = 12;  // a long ramp shows its first steps and its last
    for (std::size_t i = 0; i < spec.timeline.size(); ++i) {
        if (spec.timeline.size() > shown && i == shown - 2) {
            out += "  ... " + std::to_string(spec.timeline.size() - shown + 1) + " more steps\n";
            i = spec.timeline.size() - 2;
            continue;
        }
        const model::ReformStep& step = spec.timeline[i];
        std::string changes;
        for (const model::ReformChange& c : step.changes)
            changes += (changes.empty() ? "" : ", ") + c.key + " = " + c.value;
        out += "  day " + pad_left(format_fixed(step.day, 0), 5) + "  " +
               (step.label.empty() ? std::string() : step.label + ": ") + changes + "\n";
    }
    return out;
}

std::string adaptation_text(const std::vector<model::AdaptationRecord>& records) {
    if (records.empty())
        return {};
    std::array<std::int64_t, model::adaptation_action_count> n{};
    std::array<double, model::adaptation_action_count> value{};
    double cost_h = 0.0;
    for (const model::AdaptationRecord& r : records) {
        ++n[static_cast<std::size_t>(r.action)];
        value[static_cast<std::size_t>(r.action)] += r.value;
        cost_h += r.cost_h;
    }
    using A = model::AdaptationAction;
    auto count = [&](A a) {
        return grouped(n[static_cast<std::size_t>(a)]);
    };
    auto servers = [&](A a) {
        return grouped(static_cast<std::int64_t>(value[static_cast<std::size_t>(a)]));
    };
    std::string out = "adaptation (/adaptation and /unit_series in the output):\n";
    if (n[0] + n[1] + n[2] > 0)
        out += "  ranking: " + count(A::ranked_bottom) + " units at the bottom, attention " +
               count(A::attention_start) + " times (" + servers(A::attention_start) +
               " reserve servers sent)\n";
    if (n[3] + n[4] + n[5] + n[6] > 0)
        out += "  project teams: " + count(A::team_requested) + " called, " +
               count(A::team_arrived) + " came (" + servers(A::team_arrived) + " servers), " +
               count(A::team_released) + " went back, " + count(A::team_unavailable) +
               " found no staff; " + format_fixed(cost_h, 0) + " staff-hours of moves\n";
    if (n[7] + n[8] > 0)
        out += "  leader instructions: " + count(A::instruction_start) + " issued, " +
               count(A::instruction_end) + " ended\n";
    return out;
}

std::string cost_text(const model::CostTotals& t) {
    if (!(t.total_yuan > 0.0))
        return {};
    auto yuan = [](double y) {
        return y >= 1e6 ? format_fixed(y / 1e6, 2) + " M" : grouped(std::llround(y));
    };
    std::string out = "costs, yuan, after the warm-up (/costs in the output): payroll " +
                      yuan(t.payroll_yuan) + ", coordination " + yuan(t.coord_yuan);
    if (t.moves_yuan > 0.0)
        out += ", staff moves " + yuan(t.moves_yuan);
    if (t.reform_yuan > 0.0)
        out += ", reforms " + yuan(t.reform_yuan);
    out += "; total " + yuan(t.total_yuan);
    if (t.closed > 0)
        out += ", " + format_fixed(t.yuan_per_closed, 1) + " per closed ticket";
    return out + "\n";
}

/// A lead time in words: hours below two days, else days as well ("130 h (5.4 days)").
std::string lead_words(double h) {
    if (!std::isfinite(h))
        return "- (not reached)";
    return h < 48.0 ? hours(h) + " h"
                    : format_fixed(h, 0) + " h (" + format_fixed(h / 24.0, 1) + " days)";
}

std::string headline_text(const model::Summary& summary,
                          const RunInfo& info,
                          const std::string& scenario_name) {
    const model::GroupStats& o = summary.overall;
    std::string out = scenario_name + ": " + format_fixed(info.days, 0) + " days, seed " +
                      std::to_string(info.seed) + (info.interrupted ? ", interrupted" : "") +
                      ", ran in " + format_fixed(info.wall_seconds, 2) + " s\n";
    out += "  三率     " + percent(o.resolution_rate) + "% resolved (解决率), " +
           percent(o.satisfaction_rate) + "% satisfied (满意率), " + percent(o.response_rate) +
           "% answered in time (响应率)\n           of the " + grouped(o.closed) +
           " tickets closed after the warm-up (the first two of those called back)\n";
    out += "  limit    " + percent(o.within_limit_share) +
           "% closed within their time limit (按时办结); " + grouped(summary.open_at_end) +
           " tickets still open at the end\n";
    out += "  time     half closed within " + lead_words(o.lead_time_p50_h) +
           ", nine in ten within " + lead_words(o.lead_time_p90_h) + "\n";
    std::string kinds;
    for (std::size_t k = 0; k < model::cost_kind_count; ++k)
        if (o.coord_by_kind_h[k] > 0)
            kinds += (kinds.empty() ? "" : ", ") + std::string(model::cost_kind_names[k]) + " " +
                     grouped(std::llround(o.coord_by_kind_h[k]));
    out += "  cost     " + grouped(std::llround(o.coord_cost_h)) + " staff-hours of coordination" +
           (kinds.empty() ? "" : " (" + kinds + ")") + "\n";
    out += "  citizens " +
           (std::isfinite(o.visits_per_case) ? format_fixed(o.visits_per_case, 2) : "-") +
           " visits per service case (" + percent(o.at_most_one_visit_share) + "% at most one, " +
           percent(o.no_visit_share) + "% none); " + percent(o.abandoned_share) + "% gave up\n\n";
    return out;
}

std::string summary_text(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name) {
    std::string out;
    char line[512];
    const double rate = events_per_second(info);
    std::snprintf(
        line,
        sizeof line,
        "scenario %s  seed %llu  days %g%s  threads %d%s  wall %.2f s  events %s (%s/s)\n",
        scenario_name.c_str(),
        static_cast<unsigned long long>(info.seed),
        info.days,
        info.interrupted ? " (interrupted)" : "",
        info.threads,
        info.ranks > 1 ? (" ranks " + std::to_string(info.ranks)).c_str() : "",
        info.wall_seconds,
        grouped(static_cast<std::int64_t>(info.events)).c_str(),
        std::isfinite(rate) ? grouped(std::llround(rate)).c_str() : "-");
    out += line;
    out += "created " + grouped(summary.created) + " = closed " + grouped(summary.closed) +
           " + abandoned " + grouped(summary.abandoned) + " + open at end " +
           grouped(summary.open_at_end) + "\n";
    if (summary.hang_ups) {  // channels.CHANNEL.patience_min: callers hang up while waiting
        std::string rates;
        for (std::size_t c = 0; c < model::channel_count; ++c) {
            if (!std::isfinite(summary.connection_rate[c])) {  // no patience, or no tickets
                continue;
            }
            rates += (rates.empty() ? "" : ", ") + std::string(model::channel_names[c]) + " " +
                     percent(summary.connection_rate[c]) + "% (hung up " +
                     grouped(summary.hung_up[c]) + " of " + grouped(summary.by_channel[c].created) +
                     ")";
        }
        out += "connection rate (after the warm-up): " + rates + "\n";
    }
    out += "\n";

    // One row per group: every tier, type and province; the channels and the cross-province
    // modes only where they have tickets.
    std::vector<Row> rows;
    rows.push_back({"overall", &summary.overall});
    for (const auto& g : summary.by_tier) {
        rows.push_back({"tier " + g.name, &g});
    }
    for (const auto& g : summary.by_type) {
        rows.push_back({"type " + g.name, &g});
    }
    for (const auto& g : summary.by_province) {
        rows.push_back({"province " + g.name, &g});
    }
    for (const auto& g : summary.by_channel) {
        if (g.created > 0) {
            rows.push_back({"channel " + g.name, &g});
        }
    }
    for (const auto& g : summary.by_cross_mode) {
        if (g.created > 0) {
            rows.push_back({"cross " + g.name, &g});
        }
    }

    out += table(rows,
                 {"closed",
                  "resp%",
                  "resol%",
                  "satis%",
                  "limit%",
                  "undecided",
                  "lead mean",
                  "p50",
                  "p90",
                  "p99",
                  "km p50",
                  "km p90",
                  "km p99",
                  "hand/t",
                  "ret/t",
                  "esc/t",
                  "leader%"},
                 [](const model::GroupStats& g) -> std::vector<std::string> {
                     return {grouped(g.closed),
                             percent(g.response_rate),
                             percent(g.resolution_rate),
                             percent(g.satisfaction_rate),
                             percent(g.within_limit_share),
                             grouped(g.open_undecided),
                             hours(g.lead_time_mean_h),
                             hours(g.lead_time_p50_h),
                             hours(g.lead_time_p90_h),
                             hours(g.lead_time_p99_h),
                             hours(g.lead_time_km_p50_h),
                             hours(g.lead_time_km_p90_h),
                             hours(g.lead_time_km_p99_h),
                             format_fixed(g.handoffs_per_ticket, 2),
                             format_fixed(g.returns_per_ticket, 2),
                             format_fixed(g.escalations_per_ticket, 2),
                             percent(g.leader_share)};
                 });
    out +=
        "(lead times in hours; rates, lead mean and p50-p99 over tickets created after the "
        "warm-up and closed;\n"
        " limit% over those closed and those still open past their limit (late): the "
        "undecided, open within\n"
        " their limit, are left out; km = Kaplan-Meier over closed and open, open censored at "
        "the end, - if not reached)\n\n";

    out += table(rows,
                 {"created",
                  "aband%",
                  "repeat%",
                  "rework/t",
                  "rehand/t",
                  "items",
                  "visits/c",
                  "<=1 visit%",
                  "0 visit%",
                  "mater/c",
                  "updates",
                  "fresh mean",
                  "fresh p90",
                  "reject%"},
                 [](const model::GroupStats& g) -> std::vector<std::string> {
                     return {grouped(g.created),
                             percent(g.abandoned_share),
                             percent(g.repeat_call_share),
                             format_fixed(g.reworks_per_ticket, 2),
                             format_fixed(g.rehandles_per_ticket, 2),
                             grouped(g.service_items),
                             format_fixed(g.visits_per_case, 2),
                             percent(g.at_most_one_visit_share),
                             percent(g.no_visit_share),
                             format_fixed(g.materials_requested_per_case, 2),
                             grouped(g.data_updates),
                             days(g.data_freshness_mean_h),
                             days(g.data_freshness_p90_h),
                             percent(g.data_rejected_share)};
                 });
    out +=
        "(abandoned and repeat calls in % of created; reworks and rehandles per closed ticket;\n"
        " visits and materials per closed window/online item: 最多跑一次 = <=1 visit, 不见面 = "
        "0 visits;\n"
        " data freshness in days from creation to provincial use, over applied upward "
        "updates;\n"
        " reject% of the data updates that reached the tier, closed there or above)\n\n";

    std::vector<std::string> coord_headers = {"coord h"};
    for (const char* kind : model::cost_kind_names) {
        coord_headers.push_back(kind);
    }
    out += table(rows, coord_headers, [](const model::GroupStats& g) {
        std::vector<std::string> cells = {format_fixed(g.coord_cost_h, 1)};
        for (double h : g.coord_by_kind_h) {
            cells.push_back(format_fixed(h, 1));
        }
        return cells;
    });
    out +=
        "(coordination cost in staff-hours by kind, over every ticket created after the "
        "warm-up)\n";
    return out;
}

std::string short_horizon_warning(const model::Summary& summary) {
    if (summary.short_horizon.empty()) {
        return "";
    }
    std::string types;
    for (const model::ShortHorizon& w : summary.short_horizon) {
        types += (types.empty() ? "" : ", ") + w.type + " (limit " + format_fixed(w.limit_wd, 1) +
                 " wd = " + format_fixed(w.limit_h, 0) + " h)";
    }
    return "the horizon after the warm-up (" + format_fixed(summary.horizon_h, 0) +
           " h) is shorter than " + format_fixed(model::censoring_horizon_factor, 0) +
           " resolution limits of " + std::to_string(summary.short_horizon.size()) +
           " type(s): " + types +
           "; their within-limit shares and lead-time quantiles are censored-biased (the "
           "tickets created late in the run cannot be seen to their limit); run longer for them";
}

std::string summary_json(const model::Summary& summary,
                         const RunInfo& info,
                         const std::string& scenario_name,
                         const std::string& output_path) {
    Json j = Json::object();
    j["scenario"] = scenario_name;
    j["output"] = output_path;
    j["seed"] = info.seed;
    j["days"] = number(info.days);
    j["end_h"] = number(info.end_h);
    j["threads"] = info.threads;
    j["ranks"] = info.ranks;
    j["wall_seconds"] = number(info.wall_seconds);
    j["events"] = info.events;
    j["events_per_second"] = number(events_per_second(info));
    j["interrupted"] = info.interrupted;
    if (info.state_digest) {  // a checkpoint's day (tiersim run --checkpoint, --from)
        j["checkpoint_day"] = number(info.digest_day);
        j["state_digest"] = digest_text(*info.state_digest);
    }
    if (!info.from_checkpoint.empty())
        j["from_checkpoint"] = info.from_checkpoint;
    j["tickets"] = {{"created", summary.created},
                    {"closed", summary.closed},
                    {"abandoned", summary.abandoned},
                    {"open_at_end", summary.open_at_end}};
    j["horizon_h"] = number(summary.horizon_h);
    Json short_horizon = Json::array();
    for (const model::ShortHorizon& w : summary.short_horizon) {
        short_horizon.push_back(
            {{"type", w.type}, {"limit_wd", number(w.limit_wd)}, {"limit_h", number(w.limit_h)}});
    }
    j["short_horizon"] = short_horizon;
    j["overall"] = group_json(summary.overall);
    j["by_tier"] = groups_json(summary.by_tier);
    j["by_type"] = groups_json(summary.by_type);
    j["by_province"] = groups_json(summary.by_province);
    j["by_channel"] = groups_json(summary.by_channel);
    if (summary.hang_ups) {  // only where callers hang up (channels.CHANNEL.patience_min)
        for (std::size_t c = 0; c < model::channel_count; ++c) {
            Json& g = j["by_channel"][summary.by_channel[c].name];
            g["hung_up"] = summary.hung_up[c];
            g["connection_rate"] = number(summary.connection_rate[c]);
        }
    }
    j["by_cross_mode"] = groups_json(summary.by_cross_mode);
    // Replace invalid UTF-8 rather than throw: names come from data files.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tiersim::io
