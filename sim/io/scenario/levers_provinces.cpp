// SPDX-License-Identifier: MIT
// The levers ([strategy], [technology], [organization], [institution] and the design and
// leader_capacity of [tiers.TIER]) and [provinces.NAME], which overrides them for one province.
#include "io/scenario/builder.hpp"

namespace tiersim::io::detail {

void Builder::read_levers(const toml::table& root) {
    // The tables' own keys first; read_tiers checked those of tiers.<tier>.
    if (const toml::table* t = table(root, "", "strategy"))
        check_keys(*t, "strategy");
    if (const toml::table* t = table(root, "", "technology")) {
        check_keys(*t, "technology");
        read_number(*t, "technology", "link_h", spec_.link_h);
    }
    if (const toml::table* t = table(root, "", "organization"))
        check_keys(*t, "organization");
    if (const toml::table* t = table(root, "", "institution")) {
        check_keys(*t, "institution");
        read_int(*t, "institution", "max_returns", spec_.max_returns);
        read_number(*t, "institution", "return_review_h", spec_.return_review_h);
    }
    read_lever_keys(root, "", false, spec_.levers);
}

// The lever keys under `t`: the scenario's top level (prefix "") or a [provinces.NAME] table,
// laid over `out`. With `only_levers`, any other key is an error; the top-level tables hold
// other keys too, and their callers check those. At the top level a missing table reads as an
// empty one, so that its keys take the schema's defaults.
void Builder::read_lever_keys(const toml::table& t,
                              const std::string& prefix,
                              bool only_levers,
                              model::Levers& out) {
    static const toml::table empty;
    // A top-level table that is not a table was reported by its section's reader already.
    auto sub_table = [&](const toml::table& parent,
                         const std::string& path,
                         std::string_view key) -> const toml::table* {
        if (only_levers)
            return table(parent, path, key);
        const toml::table* sub = parent.get_as<toml::table>(key);
        return sub != nullptr ? sub : &empty;
    };
    auto section = [&](std::string_view key) -> const toml::table* {
        const toml::table* sub = sub_table(t, prefix, key);
        if (sub != nullptr && only_levers)
            check_keys(*sub, join(prefix, key));
        return sub;
    };
    if (const toml::table* tiers = section("tiers")) {
        const std::string tiers_path = join(prefix, "tiers");
        constexpr Names tier_names = schema::tier_values;
        for (std::size_t k = 0; k < tier_names.size(); ++k) {
            const toml::table* tt = sub_table(*tiers, tiers_path, tier_names[k]);
            if (tt == nullptr)
                continue;
            const std::string path = join(tiers_path, tier_names[k]);
            if (only_levers)
                check_keys(*tt, path);
            if (int d = read_choice(*tt, path, "design"); d >= 0)
                out.design[k] = static_cast<model::Design>(d);
            read_int(*tt, path, "leader_capacity", out.leader_capacity[k]);
        }
    }
    if (const toml::table* st = section("strategy")) {
        const std::string path = join(prefix, "strategy");
        read_number(*st, path, "leader_engagement", out.leader_engagement);
        read_number(*st, path, "leader_decision_h", out.leader_decision_h);
        read_int(*st, path, "escalate_after_returns", out.escalate_after_returns);
        read_number(*st, path, "rehandle", out.rehandle);
        read_int(*st, path, "max_rehandles", out.max_rehandles);
        read_int(*st, path, "leader_priority", out.leader_priority);
        read_number(*st, path, "deadline_priority_h", out.deadline_priority_h);
        read_number(*st, path, "expedite_at", out.expedite_at);
    }
    if (const toml::table* tech = section("technology")) {
        const std::string path = join(prefix, "technology");
        if (const toml::node* n = tech->get("data_sharing")) {
            const std::string key = join(path, "data_sharing");
            if (n->is_number()) {
                double p = 0.0;
                if (read_number(*tech, path, "data_sharing", p))
                    out.data_sharing.fill(p);
            } else if (const auto* dt = n->as_table()) {
                check_keys(*dt, key);
                out.data_sharing.fill(0.0);  // a tier left out shares nothing
                const auto tiers =
                    schema::known_keys(key).value_or(std::vector<std::string_view>{});
                for (std::size_t k = 0; k < tiers.size(); ++k)
                    read_number(*dt, key, tiers[k], out.data_sharing[k]);
            } else {
                expected(*n,
                         key,
                         "a probability in [0, 1] or a table {street = P, district = P, city = P, "
                         "province = P}");
            }
        }
        read_number(*tech, path, "online_share", out.online_share);
        read_number(*tech, path, "result_delivery", out.result_delivery);
        read_number(*tech, path, "sharing_speedup", out.sharing_speedup);
    }
    if (const toml::table* org = section("organization")) {
        const std::string path = join(prefix, "organization");
        read_bool(*org, path, "generalist_windows", out.generalist_windows);
        read_number(*org, path, "generalist_slowdown", out.generalist_slowdown);
        read_number(*org, path, "handoff_h", out.handoff_h);
        read_number(*org, path, "handoff_cost_h", out.handoff_cost_h);
        read_number(*org, path, "bureau_handoff_factor", out.bureau_handoff_factor);
        read_number(*org, path, "bureau_return_factor", out.bureau_return_factor);
        read_number(*org, path, "join_h", out.join_h);
        read_number(*org, path, "join_cost_h", out.join_cost_h);
        read_number(*org, path, "summons_join_h", out.summons_join_h);
        read_number(*org, path, "summons_join_cost_h", out.summons_join_cost_h);
    }
    if (const toml::table* inst = section("institution")) {
        const std::string path = join(prefix, "institution");
        read_number(*inst, path, "return_probability", out.return_probability);
        read_number(*inst, path, "return_solve_factor", out.return_solve_factor);
        read_bool(*inst, path, "three_lists", out.three_lists);
        read_number(*inst, path, "three_lists_factor", out.three_lists_factor);
        read_number(*inst, path, "standardization", out.standardization);
        read_bool(*inst, path, "accept_incomplete", out.accept_incomplete);
        read_number(*inst, path, "sharing_willingness", out.sharing_willingness);
        read_sharing_pairs(*inst, path, out);
        read_number(*inst, path, "negative_list", out.negative_list);
        read_number(*inst, path, "negative_list_lifted", out.negative_list_lifted);
    }
}

// [institution.sharing.REQUESTER] HOLDER = w, departments by name, appended to out.sharing
// (a province's pairs come after the top level's and override them).
void Builder::read_sharing_pairs(const toml::table& inst,
                                 const std::string& path,
                                 model::Levers& out) {
    const toml::table* sharing = table(inst, path, "sharing");
    if (sharing == nullptr)
        return;
    const std::string sharing_path = join(path, "sharing");
    for (auto&& [requester, v] : *sharing) {
        const std::string row_path = join(sharing_path, requester.str());
        const int r =
            department_index_at(key_location(requester, v, row_path), row_path, requester.str());
        const auto* row = v.as_table();
        if (row == nullptr) {
            expected(v,
                     row_path,
                     "a table of willingness {HOLDER = w} (write [" + sharing_path + "." +
                         std::string(requester.str()) + "])");
            continue;
        }
        for (auto&& [holder, w] : *row) {
            const std::string key = join(row_path, holder.str());
            const int h = department_index_at(key_location(holder, w, key), key, holder.str());
            double willingness = 1.0;
            if (read_number(*row, row_path, holder.str(), willingness) && r >= 0 && h >= 0)
                out.sharing.push_back({r, h, willingness});
        }
    }
}

// After read_levers: a province's levers are the top-level ones with its own keys laid over.
void Builder::read_provinces(const toml::table& root) {
    const toml::table* t = table(root, "", "provinces");
    if (t == nullptr)
        return;
    for (auto&& [k, v] : *t) {
        const std::string path = join("provinces", k.str());
        check_name(k, v, "provinces", "a province override");
        const auto* pt = v.as_table();
        if (pt == nullptr) {
            expected(v, path, "a table of lever overrides (write [provinces.NAME])");
            continue;
        }
        check_keys(*pt, path);
        model::Levers levers = spec_.levers;
        read_lever_keys(*pt, path, true, levers);
        if (const toml::table* tiers = pt->get_as<toml::table>("tiers")) {
            constexpr Names tier_names = schema::tier_values;
            for (std::size_t tier = 0; tier < tier_names.size(); ++tier) {
                if (const toml::table* tt = tiers->get_as<toml::table>(tier_names[tier]))
                    read_staff_overrides(*tt,
                                         join(join(path, "tiers"), tier_names[tier]),
                                         std::string(k.str()),
                                         false,
                                         tier);
            }
        }
        spec_.province_levers.emplace_back(k.str(), levers);  // table order = name order
    }
}

}  // namespace tiersim::io::detail
