// SPDX-License-Identifier: MIT
// [tiers.TIER] (but design and leader_capacity, which are levers), [channels.CHANNEL] and the
// staffing rule between tiers, departments and ticket types.
#include "io/scenario/builder.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace tiersim::io::detail {

namespace {

constexpr Names tier_names = schema::tier_values;

}  // namespace

// A staff count and its per-residents form are two ways to set one queue's servers: in one
// layer (file) both are a contradiction; across layers the later one (an overlay over its base,
// a --set over every file) replaces the other.

/// The layer (MergedScenario::layers) that set `key`; a key not set is in no layer (INT_MAX).
int Builder::layer_of(const std::string& key) const {
    const auto at = spec_.locations.find(key);
    if (at == spec_.locations.end())
        return std::numeric_limits<int>::max();
    const auto layer = merged_.layers.find(at->second.file);
    return layer == merged_.layers.end() ? -1 : layer->second;
}

/// Of two forms set in different layers, notes the earlier one as replaced.
void Builder::supersede(const std::string& a, const std::string& b) {
    const int la = layer_of(a);
    const int lb = layer_of(b);
    if (la == std::numeric_limits<int>::max() || lb == std::numeric_limits<int>::max())
        return;
    superseded_.push_back(la < lb ? b : a);
}

/// Whether `a` and `b` are both set, in one layer.
bool Builder::set_twice(const std::string& a, const std::string& b) const {
    const int layer = layer_of(a);
    return layer != std::numeric_limits<int>::max() && layer == layer_of(b);
}

/// Whether `a` is set in a later layer than `b` (false when neither is set).
bool Builder::later_than(const std::string& a, const std::string& b) const {
    return layer_of(a) < layer_of(b);
}

void Builder::read_tiers(const toml::table& root) {
    const std::size_t n_departments = spec_.departments.size();
    const toml::table* t = table(root, "", "tiers");
    if (t != nullptr)
        check_keys(*t, "tiers");
    for (std::size_t k = 0; k < tier_names.size(); ++k) {
        auto& tier = spec_.tiers[k];
        tier.staff.assign(n_departments, 0);
        tier.staff_per_10k.assign(n_departments, 0.0);
        const toml::table& tt = table_or_empty(t, "tiers", tier_names[k]);
        const std::string path = join("tiers", tier_names[k]);
        check_keys(tt, path);
        if (int c = read_calendar(tt, path, "calendar"); c >= 0)
            tier.calendar = c;
        read_int(tt, path, "intake_staff", tier.intake_staff);
        read_number(tt, path, "intake_staff_per_10k", tier.intake_staff_per_10k);
        if (set_twice(join(path, "intake_staff"), join(path, "intake_staff_per_10k"))) {
            error(join(path, "intake_staff_per_10k"),
                  join(path, "intake_staff_per_10k") +
                      ": the intake's staff is set twice, with intake_staff too; keep one");
        } else {
            supersede(join(path, "intake_staff"), join(path, "intake_staff_per_10k"));
            if (later_than(join(path, "intake_staff"), join(path, "intake_staff_per_10k")))
                tier.intake_staff_per_10k = 0.0;
        }
        read_number(tt, path, "transfer_h", tier.transfer_h);
        read_number(tt, path, "staff_hour_yuan", tier.staff_hour_yuan);
        // design and leader_capacity are levers: read_lever_keys reads them.
        read_bool(tt, path, "scale_staff", tier.scale_staff);
        if (const toml::table* staff = table(tt, path, "staff")) {
            const std::string staff_path = join(path, "staff");
            for (auto&& [name, value] : *staff) {
                const std::string key = join(staff_path, name.str());
                const int d = department_index(value, key, name.str());
                int count = 0;
                if (read_int(*staff, staff_path, name.str(), count) && d >= 0) {
                    tier.staff[static_cast<std::size_t>(d)] = count;
                }
            }
        }
        if (const toml::table* density = table(tt, path, "staff_per_10k")) {
            const std::string density_path = join(path, "staff_per_10k");
            const toml::table* staff = tt.get_as<toml::table>("staff");
            for (auto&& [name, value] : *density) {
                const std::string key = join(density_path, name.str());
                const int d = department_index(value, key, name.str());
                double per_10k = 0.0;
                if (!read_number(*density, density_path, name.str(), per_10k) || d < 0)
                    continue;
                tier.staff_per_10k[static_cast<std::size_t>(d)] = per_10k;
                const std::string count = join(join(path, "staff"), name.str());
                if (staff != nullptr && staff->get(name.str()) != nullptr &&
                    set_twice(count, key)) {
                    error_at(value,
                             key,
                             key + ": department " + in_single_quotes(name.str()) +
                                 " is staffed twice, in " + join(path, "staff") + " too; keep one");
                } else {
                    supersede(count, key);
                    if (later_than(count, key))
                        tier.staff_per_10k[static_cast<std::size_t>(d)] = 0.0;
                }
            }
        }
    }
}

void Builder::read_channels(const toml::table& root) {
    std::array<bool, model::channel_count> calendar_set{};
    for (std::size_t c = 0; c < model::channel_count; ++c) {
        spec_.channels[c].staff = -1;
        spec_.channels[c].calendar = 0;  // always
    }
    const toml::table* t = table(root, "", "channels");
    if (t != nullptr)
        check_keys(*t, "channels");
    constexpr Names channel_names = schema::channel_values;
    for (std::size_t c = 0; c < channel_names.size(); ++c) {
        const toml::table& ct = table_or_empty(t, "channels", channel_names[c]);
        auto& channel = spec_.channels[c];
        const std::string path = join("channels", channel_names[c]);
        check_keys(ct, path);
        if (int k = read_choice(ct, path, "tier"); k >= 0)
            channel.tier = static_cast<model::Tier>(k);
        if (int cal = read_calendar(ct, path, "calendar"); cal >= 0) {
            channel.calendar = cal;
            calendar_set[c] = true;
        } else if (ct.get("calendar") != nullptr) {
            calendar_set[c] = true;  // bad value, already reported
        }
        read_int(ct, path, "staff", channel.staff);
        read_number(ct, path, "staff_per_10k", channel.staff_per_10k);
        read_number(ct, path, "patience_min", channel.patience_min);
        if (set_twice(join(path, "staff"), join(path, "staff_per_10k"))) {
            error(join(path, "staff_per_10k"),
                  join(path, "staff_per_10k") +
                      ": the intake's staff is set twice, with staff too; keep one");
        } else {
            supersede(join(path, "staff"), join(path, "staff_per_10k"));
            if (later_than(join(path, "staff"), join(path, "staff_per_10k")))
                channel.staff_per_10k = 0.0;
        }
    }
    // Windows and grid workers keep the working hours of the tier they sit at.
    for (const auto channel : {model::Channel::window, model::Channel::grid}) {
        auto& ch = spec_.channels[static_cast<std::size_t>(channel)];
        if (!calendar_set[static_cast<std::size_t>(channel)]) {
            ch.calendar = spec_.tiers[static_cast<std::size_t>(ch.tier)].calendar;
        }
    }
}

// A department queue with no servers would hold its tickets forever, so every department a
// ticket type needs must be staffed at its authority tier and at each tier it can escalate to.
void Builder::check_department_staff() {
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> missing;
    for (const auto& tt : spec_.ticket_types) {
        if (tt.route == model::Route::upward) {
            // A data update runs its steps at every tier above its intake.
            const auto intake =
                static_cast<std::size_t>(spec_.channels[static_cast<std::size_t>(tt.channel)].tier);
            for (int d : tt.departments) {
                for (std::size_t k = intake + 1; k < model::tier_count; ++k) {
                    if (!spec_.tiers[k].staffs(static_cast<std::size_t>(d))) {
                        missing[{k, static_cast<std::size_t>(d)}].push_back(
                            "ticket type " + in_single_quotes(tt.name) +
                            " passes there on its way up (route \"upward\")");
                    }
                }
            }
            continue;
        }
        if (tt.close_at_intake >= 1.0)
            continue;
        std::vector<int> seen;
        for (int d : tt.departments) {
            if (std::find(seen.begin(), seen.end(), d) != seen.end())
                continue;
            seen.push_back(d);
            const auto authority = static_cast<std::size_t>(tt.authority);
            for (std::size_t k = authority; k < model::tier_count; ++k) {
                if (!spec_.tiers[k].staffs(static_cast<std::size_t>(d))) {
                    std::string why = "ticket type " + in_single_quotes(tt.name);
                    if (k == authority) {
                        why +=
                            " is decided there (authority " + in_single_quotes(tier_names[k]) + ")";
                    } else {
                        why += " escalates there from the " + std::string(tier_names[k - 1]) +
                               " tier (escalate " + number_text(tt.escalate[k - 1]) + ")";
                    }
                    missing[{k, static_cast<std::size_t>(d)}].push_back(std::move(why));
                }
                if (tt.escalate[k] <= 0.0)
                    break;
            }
        }
    }
    for (const auto& [where, reasons] : missing) {
        const auto [k, d] = where;
        const std::string key = "tiers." + std::string(tier_names[k]) + ".staff";
        // A problem already reported in this staff table explains the zero.
        const bool reported = std::any_of(diags_.begin(), diags_.end(), [&](const Diagnostic& x) {
            return x.key.starts_with(key);
        });
        if (reported)
            continue;
        std::string message = key + ": department " + in_single_quotes(spec_.departments[d]) +
                              " has no staff at the " + std::string(tier_names[k]) + " tier, but " +
                              reasons.front();
        if (reasons.size() > 1) {
            message += " (and " + std::to_string(reasons.size() - 1) + " more)";
        }
        message += "; a queue without servers would hold tickets forever";
        const std::string dept_key = key + "." + spec_.departments[d];
        diags_.push_back({spec_.where(spec_.locations.count(dept_key) != 0 ? dept_key : key),
                          key,
                          std::move(message)});
    }
}

}  // namespace tiersim::io::detail
