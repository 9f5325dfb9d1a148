// SPDX-License-Identifier: MIT
// [ticket_types.NAME] with its profiles and distribution tables.
#include "io/scenario/builder.hpp"

#include <cmath>

namespace tiersim::io::detail {

namespace {

constexpr double uniform_max_cv = 0.5773502691896258;  // 1/sqrt(3): lower bound reaches 0

}  // namespace

template <std::size_t N>
bool Builder::read_profile(const toml::table& t,
                           const std::string& path,
                           std::string_view key,
                           std::array<double, N>& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr)
        return false;
    const std::string full = join(path, key);
    const schema::NumberRange& element = *key_of(full).range;
    const std::string what = "an array of " + std::to_string(N) + " numbers >= 0, not all 0";
    const auto* arr = n->as_array();
    if (arr == nullptr) {
        expected(*n, full, what);
        return false;
    }
    if (arr->size() != N) {
        error_at(*n,
                 full,
                 full + ": expected " + what + ", got " + std::to_string(arr->size()) + " values");
        return false;
    }
    std::array<double, N> values{};
    double sum = 0.0;
    bool ok = true;
    for (std::size_t i = 0; i < N; ++i) {
        const toml::node& e = (*arr)[i];
        const std::optional<double> v = e.is_number() ? e.value<double>() : std::nullopt;
        if (!v || !element.contains(*v)) {
            error_at(e,
                     full,
                     full + "[" + std::to_string(i) + "]: expected " +
                         std::string(element.expected) + ", got " +
                         (e.is_number() ? value_text(e) : typed_text(e)));
            ok = false;
            continue;
        }
        values[i] = *v;
        sum += *v;
    }
    if (!ok)
        return false;
    if (sum <= 0.0) {
        error_at(*n, full, full + ": expected " + what + ", got all 0");
        return false;
    }
    for (std::size_t i = 0; i < N; ++i)
        out[i] = values[i] * static_cast<double>(N) / sum;
    return true;
}

void Builder::read_dist(const toml::table& parent,
                        const std::string& parent_path,
                        std::string_view key,
                        model::DistSpec& out) {
    const toml::table& t = table_or_empty(&parent, parent_path, key);
    const std::string path = join(parent_path, key);
    check_keys(t, path);
    if (int kind = read_choice(t, path, "dist"); kind >= 0)
        out.kind = static_cast<model::DistKind>(kind);
    read_number(t, path, "mean_h", out.mean_h);
    double cv = out.cv;
    const bool cv_given = read_number(t, path, "cv", cv);
    const std::string cv_key = join(path, "cv");
    const auto name = std::string(schema::distribution_values[static_cast<std::size_t>(out.kind)]);
    switch (out.kind) {
        case model::DistKind::exponential:
        case model::DistKind::deterministic: {
            // The family fixes the cv; a different explicit one would be silently ignored.
            const double fixed = out.kind == model::DistKind::exponential ? 1.0 : 0.0;
            if (cv_given && cv != fixed) {
                error(cv_key,
                      cv_key + ": the " + name + " distribution has cv " + number_text(fixed) +
                          ", got " + number_text(cv) + "; use \"gamma\" or \"lognormal\"" +
                          " for another cv");
            }
            out.cv = fixed;
            break;
        }
        case model::DistKind::lognormal:
        case model::DistKind::gamma:
            if (cv <= 0.0) {
                error(cv_key,
                      cv_key + ": expected a number > 0 for the " + name + " distribution, got " +
                          number_text(cv));
            }
            out.cv = cv;
            break;
        case model::DistKind::uniform:
            if (cv > uniform_max_cv) {
                error(cv_key,
                      cv_key + ": expected a number in [0, 0.5773] for the uniform distribution" +
                          " (its lower end would be negative), got " + number_text(cv));
            }
            out.cv = cv;
            break;
    }
}

void Builder::read_ticket_type(const toml::table& t,
                               const std::string& path,
                               model::TicketTypeSpec& tt) {
    check_keys(t, path);
    if (int c = read_choice(t, path, "channel"); c >= 0)
        tt.channel = static_cast<model::Channel>(c);
    if (int r = read_choice(t, path, "route"); r >= 0)
        tt.route = static_cast<model::Route>(r);
    const std::string rate_key = join(path, "rate");
    if (t.get("rate") == nullptr && key_of(rate_key).default_kind == schema::Default::required) {
        error(path, rate_key + " is required (arrivals per 10,000 residents per day)");
    } else {
        read_number(t, path, "rate", tt.rate);
    }
    tt.daily_profile.fill(1.0);
    tt.weekly_profile.fill(1.0);
    tt.monthly_profile.fill(1.0);
    read_profile(t, path, "daily_profile", tt.daily_profile);
    read_profile(t, path, "weekly_profile", tt.weekly_profile);
    read_profile(t, path, "monthly_profile", tt.monthly_profile);
    read_dist(t, path, "intake", tt.intake);
    const bool close_ok = read_number(t, path, "close_at_intake", tt.close_at_intake) ||
                          t.get("close_at_intake") == nullptr;
    if (int k = read_choice(t, path, "authority"); k >= 0)
        tt.authority = static_cast<model::Tier>(k);
    tt.escalate.fill(0.0);
    if (const toml::node* n = t.get("escalate")) {
        const std::string key = join(path, "escalate");
        if (n->is_number()) {
            double p = 0.0;
            if (read_number(t, path, "escalate", p)) {
                tt.escalate = {p, p, p, 0.0};
            }
        } else if (const auto* et = n->as_table()) {
            check_keys(*et, key);
            const auto tiers = schema::known_keys(key).value_or(std::vector<std::string_view>{});
            for (std::size_t k = 0; k < tiers.size(); ++k)
                read_number(*et, key, tiers[k], tt.escalate[k]);
        } else {
            expected(
                *n, key, "a probability in [0, 1] or a table {street = P, district = P, city = P}");
        }
    }
    bool listed_department = false;
    if (const toml::node* n = t.get("departments")) {
        const std::string key = join(path, "departments");
        if (const auto* arr = n->as_array()) {
            for (const toml::node& e : *arr) {
                listed_department = true;
                if (const auto* s = e.as_string()) {
                    if (int d = department_index(e, key, s->get()); d >= 0) {
                        tt.departments.push_back(d);
                    }
                } else {
                    expected(e, key, "department names (strings)");
                }
            }
        } else {
            expected(*n, key, "an array of department names");
            listed_department = true;  // reported already
        }
    }
    // An upward ticket (a grid data update) passes every tier above its intake and may need no
    // department step on the way.
    if (!listed_department && close_ok && tt.close_at_intake < 1.0 &&
        tt.route == model::Route::dispatch) {
        const std::string key = join(path, "departments");
        error(t.get("departments") != nullptr ? key : path,
              key + ": expected at least one department (a ticket not closed at intake needs " +
                  "one to handle it), or close_at_intake = 1");
    }
    if (int h = read_choice(t, path, "handling"); h >= 0)
        tt.handling = static_cast<model::Handling>(h);
    read_number(t, path, "dispatch_h", tt.dispatch_h);
    read_dist(t, path, "service", tt.service);
    tt.followup = {model::DistKind::exponential, 0.0, 1.0};  // mean 0: none
    if (const toml::table* f = t.get_as<toml::table>("followup");
        f != nullptr && f->get("mean_h") == nullptr) {
        error(join(path, "followup"),
              join(path, "followup") +
                  ": expected mean_h (the hours a case waits after its "
                  "department steps without holding staff)");
    }
    read_dist(t, path, "followup", tt.followup);
    read_number(t, path, "respond_h", tt.respond_h);
    read_number(t, path, "resolve_wd", tt.resolve_wd);
    read_number(t, path, "solve_probability", tt.solve_probability);
    read_number(t, path, "unreasonable", tt.unreasonable);
    read_number(t, path, "reject_probability", tt.reject_probability);
    read_int(t, path, "materials", tt.materials);
    // The holder of each material (cycled over `materials`); by default the type's own
    // departments, cycled.
    tt.material_holders = tt.departments;
    if (const toml::node* n = t.get("material_holders")) {
        const std::string key = join(path, "material_holders");
        tt.material_holders.clear();
        if (const auto* arr = n->as_array()) {
            for (const toml::node& e : *arr) {
                if (const auto* s = e.as_string()) {
                    if (int d = department_index(e, key, s->get()); d >= 0)
                        tt.material_holders.push_back(d);
                } else {
                    expected(e, key, "department names (strings)");
                }
            }
            if (arr->empty())
                expected(*n, key, "at least one department name");
        } else {
            expected(*n, key, "an array of department names");
        }
    }
    read_bool(t, path, "online", tt.online);
    read_int(t, path, "priority", tt.priority);
    read_number(t, path, "cross_province", tt.cross_province);
    if (const toml::node* n = t.get("cross_mode")) {
        const std::string key = join(path, "cross_mode");
        const Names modes = key_of(key).choices->values;  // index = CrossMode - 1
        if (n->is_string()) {
            if (int m = read_choice(t, path, "cross_mode"); m >= 0) {
                tt.cross_modes = {0.0, 0.0, 0.0, 0.0};
                tt.cross_modes[static_cast<std::size_t>(m)] = 1.0;
            }
        } else if (const auto* mt = n->as_table()) {
            check_keys(*mt, key);
            std::array<double, 4> shares{};
            bool ok = true;
            for (std::size_t m = 0; m < modes.size(); ++m) {
                ok = (read_number(*mt, key, modes[m], shares[m]) || mt->get(modes[m]) == nullptr) &&
                     ok;
            }
            const double sum = shares[0] + shares[1] + shares[2] + shares[3];
            if (ok && std::abs(sum - 1.0) > share_tolerance) {
                error_at(*n,
                         key,
                         key +
                             ": expected shares {online, proxy, joint, trip_home} that sum to 1, "
                             "got " +
                             number_text(shares[0]) + " + " + number_text(shares[1]) + " + " +
                             number_text(shares[2]) + " + " + number_text(shares[3]) + " = " +
                             number_text(sum));
            } else if (ok) {
                tt.cross_modes = shares;
            }
        } else {
            expected(*n,
                     key,
                     "a cross-province mode (" + list_text(modes, in_quotes) +
                         ") or a table {online = S, proxy = S, joint = S, trip_home = S} of shares "
                         "summing to 1");
        }
    }
}

void Builder::read_ticket_types(const toml::table& root) {
    const toml::node* n = root.get("ticket_types");
    if (const toml::table* t = table(root, "", "ticket_types")) {
        for (auto&& [k, v] : *t) {
            const std::string path = join("ticket_types", k.str());
            check_name(k, v, "ticket_types", "a ticket type");
            const auto* tt_table = v.as_table();
            if (tt_table == nullptr) {
                expected(v, path, "a table (write [ticket_types.NAME])");
                continue;
            }
            model::TicketTypeSpec tt;
            tt.name = k.str();
            read_ticket_type(*tt_table, path, tt);
            spec_.ticket_types.push_back(std::move(tt));  // table order = name order
        }
    }
    if (spec_.ticket_types.empty() && (n == nullptr || n->is_table())) {
        error("ticket_types",
              "ticket_types: a scenario needs at least one ticket type "
              "([ticket_types.NAME] with a rate)");
    }
}

}  // namespace tiersim::io::detail
