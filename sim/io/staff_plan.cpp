// SPDX-License-Identifier: MIT
#include "tiersim/io/staff_plan.hpp"

#include "tiersim/model/group_stats_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace tiersim::io {

namespace {

using model::Tier;

std::string number_text(double v, bool count) {
    if (count)
        return std::to_string(static_cast<long long>(v));
    std::array<char, 32> text{};
    const auto end = std::to_chars(text.data(), text.data() + text.size(), v).ptr;
    std::string s(text.data(), end);
    if (s.find_first_of(".eE") == std::string::npos)
        s += ".0";
    return s;
}

const model::GroupStats* find_group(const std::string& name, const auto& groups) {
    for (const model::GroupStats& g : groups) {
        if (g.name == name)
            return &g;
    }
    return nullptr;
}

}  // namespace

std::vector<StaffKnob> staff_knobs(const model::ScenarioSpec& spec,
                                   const std::vector<Tier>& tiers) {
    std::vector<StaffKnob> out;
    for (const Tier tier : tiers) {
        const auto t = static_cast<std::size_t>(tier);
        const model::TierSpec& ts = spec.tiers[t];
        const std::string path = std::string("tiers.") + model::tier_names[t];
        for (std::size_t d = 0; d < spec.departments.size(); ++d) {
            const std::string& dept = spec.departments[d];
            if (d < ts.staff_per_10k.size() && ts.staff_per_10k[d] > 0.0)
                out.push_back({tier, path + ".staff_per_10k." + dept, ts.staff_per_10k[d], false});
            else if (d < ts.staff.size() && ts.staff[d] > 0)
                out.push_back({tier, path + ".staff." + dept, double(ts.staff[d]), true});
        }
        const auto& window = spec.channels[static_cast<std::size_t>(model::Channel::window)];
        if (window.tier == tier && window.staff < 0) {  // the window intake is the tier's
            if (ts.intake_staff_per_10k > 0.0)
                out.push_back(
                    {tier, path + ".intake_staff_per_10k", ts.intake_staff_per_10k, false});
            else if (ts.intake_staff > 0)
                out.push_back({tier, path + ".intake_staff", double(ts.intake_staff), true});
        }
        for (std::size_t c = 0; c < model::channel_count; ++c) {
            const model::ChannelSpec& ch = spec.channels[c];
            if (ch.tier != tier)
                continue;
            const std::string key = std::string("channels.") + model::channel_names[c];
            if (ch.staff_per_10k > 0.0)
                out.push_back({tier, key + ".staff_per_10k", ch.staff_per_10k, false});
            else if (ch.staff > 0)
                out.push_back({tier, key + ".staff", double(ch.staff), true});
        }
    }
    return out;
}

std::vector<std::string> staff_overrides(const std::vector<StaffKnob>& knobs,
                                         const std::array<double, model::tier_count>& factor) {
    std::vector<std::string> out;
    for (const StaffKnob& k : knobs) {
        const double f = factor[static_cast<std::size_t>(k.tier)];
        double v = k.count ? std::max(1.0, std::round(k.base * f)) : k.base * f;
        if (!k.count) {
            // Four significant digits: each unit's servers are rounded from it anyway.
            std::array<char, 32> text{};
            std::snprintf(text.data(), text.size(), "%.4g", v);
            v = std::stod(text.data());
        }
        out.push_back(k.key + "=" + number_text(v, k.count));
    }
    return out;
}

std::optional<PlanTarget> parse_target(const std::string& text, std::string& error) {
    PlanTarget t;
    t.text = text;
    auto op = text.find(">=");
    t.at_least = op != std::string::npos;
    if (op == std::string::npos)
        op = text.find("<=");
    if (op == std::string::npos) {
        error = "expected METRIC[@GROUP]>=VALUE or <=VALUE, got '" + text + "'";
        return std::nullopt;
    }
    std::string left = text.substr(0, op);
    const std::string right = text.substr(op + 2);
    if (const auto at = left.find('@'); at != std::string::npos) {
        t.group = left.substr(at + 1);
        left = left.substr(0, at);
    }
    t.metric = left;
    const auto& fields = model::group_stats_value_fields;
    if (std::none_of(
            fields.begin(), fields.end(), [&](const auto& f) { return t.metric == f.name; })) {
        error = "'" + t.metric + "' in '" + text +
                "' is not a summary metric (within_limit_share, abandoned_share, "
                "resolution_rate, satisfaction_rate, lead_time_p90_h, …)";
        return std::nullopt;
    }
    const auto colon = t.group.find(':');
    const std::string kind = t.group.substr(0, colon);
    if (!(t.group == "overall" ||
          (colon != std::string::npos &&
           (kind == "tier" || kind == "type" || kind == "channel" || kind == "province")))) {
        error = "group '" + t.group + "' in '" + text +
                "': expected overall, tier:NAME, type:NAME, channel:NAME or province:NAME";
        return std::nullopt;
    }
    const char* end = right.data() + right.size();
    const auto parsed = std::from_chars(right.data(), end, t.value);
    if (parsed.ec != std::errc{} || parsed.ptr != end || !std::isfinite(t.value)) {
        error = "expected a number after the operator in '" + text + "'";
        return std::nullopt;
    }
    return t;
}

double target_value(const model::Summary& summary, const PlanTarget& target) {
    const model::GroupStats* g = &summary.overall;
    if (target.group != "overall") {
        const auto colon = target.group.find(':');
        const std::string kind = target.group.substr(0, colon);
        const std::string name = target.group.substr(colon + 1);
        if (kind == "tier")
            g = find_group(name, summary.by_tier);
        else if (kind == "type")
            g = find_group(name, summary.by_type);
        else if (kind == "channel")
            g = find_group(name, summary.by_channel);
        else
            g = find_group(name, summary.by_province);
        if (g == nullptr)
            throw std::invalid_argument("the scenario has no " + kind + " '" + name +
                                        "' (target '" + target.text + "')");
    }
    for (const auto& f : model::group_stats_value_fields) {
        if (target.metric == f.name)
            return f.get(*g);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace tiersim::io
