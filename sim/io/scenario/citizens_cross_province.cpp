// SPDX-License-Identifier: MIT
// [citizens] and [cross_province].
#include "io/scenario/builder.hpp"

namespace tiersim::io::detail {

void Builder::read_citizens(const toml::table& root) {
    const toml::table& t = table_or_empty(&root, "", "citizens");
    auto& c = spec_.citizens;
    const std::string path = "citizens";
    check_keys(t, path);
    read_number(t, path, "satisfied_if_solved", c.satisfied_if_solved);
    read_number(t, path, "satisfied_if_unsolved", c.satisfied_if_unsolved);
    read_number(t, path, "late_factor", c.late_factor);
    read_number(t, path, "visit_factor", c.visit_factor);
    read_number(t, path, "return_factor", c.return_factor);
    read_number(t, path, "patience_h", c.patience_h);
    const bool repeat_ok =
        read_number(t, path, "repeat_call", c.repeat_call) || t.get("repeat_call") == nullptr;
    const bool abandon_ok =
        read_number(t, path, "abandon", c.abandon) || t.get("abandon") == nullptr;
    if (repeat_ok && abandon_ok && c.repeat_call + c.abandon > 1.0 + share_tolerance) {
        // The two split the chases, so together they are a probability.
        error(t.get("abandon") != nullptr ? "citizens.abandon" : "citizens.repeat_call",
              "citizens.repeat_call + citizens.abandon: expected a sum <= 1 (both are shares of "
              "the chases), got " +
                  number_text(c.repeat_call) + " + " + number_text(c.abandon) + " = " +
                  number_text(c.repeat_call + c.abandon));
    }
    read_number(t, path, "supply_h", c.supply_h);
    read_number(t, path, "supply_online_h", c.supply_online_h);
    read_number(t, path, "incomplete", c.incomplete);
    read_number(t, path, "trust_elasticity", c.trust_elasticity);
    read_number(t, path, "trust_baseline", c.trust_baseline);
    read_number(t, path, "trust_lag_days", c.trust_lag_days);
    read_int(t, path, "trust_period_days", c.trust_period_days);
}

void Builder::read_cross_province(const toml::table& root) {
    const toml::table& t = table_or_empty(&root, "", "cross_province");
    auto& x = spec_.cross;
    const std::string path = "cross_province";
    check_keys(t, path);
    read_number(t, path, "mismatch", x.mismatch);
    read_number(t, path, "courier_h", x.courier_h);
    read_number(t, path, "trip_home_h", x.trip_home_h);
    read_int(t, path, "link_staff", x.link_staff);
    read_number(t, path, "link_service_h", x.link_service_h);
    // [cross_province.migration.FROM] TO = weight. The province names and codes are checked
    // against the organisation when it is built; their locations are in spec_.locations.
    if (const toml::table* m = table(t, path, "migration")) {
        const std::string migration_path = join(path, "migration");
        for (auto&& [from, v] : *m) {
            const std::string from_path = join(migration_path, from.str());
            const auto* ft = v.as_table();
            if (ft == nullptr) {
                expected(
                    v,
                    from_path,
                    "a table of weights {TO = weight} (write [cross_province.migration.FROM])");
                continue;
            }
            for (auto&& [to, w] : *ft) {
                double weight = 0.0;
                if (read_number(*ft, from_path, to.str(), weight)) {
                    x.migration.push_back({std::string(from.str()), std::string(to.str()), weight});
                }
            }
        }
    }
}

}  // namespace tiersim::io::detail
