// SPDX-License-Identifier: MIT
// The staff of single provinces ([provinces.NAME.tiers.TIER.staff], staff_per_10k) and single
// units ([units.CODE.staff], staff_per_10k), in place of their tier's (StaffOverride). The
// units they name are found once the organisation is built (station_plan.cpp).
#include "io/scenario/builder.hpp"

namespace tiersim::io::detail {

/// The staff and staff_per_10k tables of `t` at `path`, for the province or unit `scope`.
/// An override cannot close a queue, so its values are > 0. A department in both tables of one
/// layer is an error; across layers the later form counts, as for a tier's staff.
void Builder::read_staff_overrides(const toml::table& t,
                                   const std::string& path,
                                   const std::string& scope,
                                   bool unit,
                                   std::size_t tier) {
    const std::string staff_path = join(path, "staff");
    const std::string density_path = join(path, "staff_per_10k");
    const toml::table* staff = table(t, path, "staff");
    const toml::table* density = table(t, path, "staff_per_10k");
    auto add = [&](const toml::table& in, bool per_10k) {
        const std::string& in_path = per_10k ? density_path : staff_path;
        for (auto&& [name, value] : in) {
            const std::string key = join(in_path, name.str());
            const int d = department_index(value, key, name.str());
            model::StaffOverride o{.scope = scope, .unit = unit, .tier = tier, .key = key};
            bool read = false;
            if (per_10k) {
                read = read_number(in, in_path, name.str(), o.per_10k);
                if (read && !(o.per_10k > 0.0)) {
                    error_at(value,
                             key,
                             key +
                                 ": expected a number of servers per 10,000 residents > 0 (an "
                                 "override cannot close a queue), got " +
                                 typed_text(value));
                    read = false;
                }
            } else {
                read = read_int(in, in_path, name.str(), o.count);
                if (read && o.count < 1) {
                    error_at(
                        value,
                        key,
                        key +
                            ": expected an integer >= 1 (an override cannot close a queue), got " +
                            typed_text(value));
                    read = false;
                }
            }
            if (!read || d < 0)
                continue;
            o.department = static_cast<std::size_t>(d);
            const toml::table* other_table = per_10k ? staff : density;
            if (other_table != nullptr && other_table->get(name.str()) != nullptr) {
                // Both forms for one department: reported once, at the density.
                const std::string other = join(per_10k ? staff_path : density_path, name.str());
                if (set_twice(other, key)) {
                    if (per_10k)
                        error_at(value,
                                 key,
                                 key + ": department " + in_single_quotes(name.str()) +
                                     " is staffed twice, in " + staff_path + " too; keep one");
                    continue;
                }
                if (per_10k)
                    supersede(other, key);
                if (later_than(other, key))
                    continue;  // the other form, set later, counts
            }
            spec_.staff_overrides.push_back(std::move(o));
        }
    };
    if (staff != nullptr)
        add(*staff, false);
    if (density != nullptr)
        add(*density, true);
}

// [units.CODE]: one unit's staff, by division code or by name.
void Builder::read_units(const toml::table& root) {
    const toml::table* t = table(root, "", "units");
    if (t == nullptr)
        return;
    for (auto&& [k, v] : *t) {
        const std::string path = join("units", k.str());
        const auto* ut = v.as_table();
        if (ut == nullptr) {
            expected(v, path, "a table of one unit's staff (write [units.CODE.staff])");
            continue;
        }
        check_keys(*ut, path);
        read_staff_overrides(*ut, path, std::string(k.str()), true, 0);
    }
}

}  // namespace tiersim::io::detail
