// SPDX-License-Identifier: MIT
#include "tiersim/model/province_levers.hpp"

#include <string>

namespace tiersim::model {

int find_province(const Organisation& org, const std::string& name) {
    for (int p = 0; p < org.province_count(); ++p) {
        const Unit& u = org.unit(org.province_unit(p));
        if (u.name == name || (u.code != 0 && std::to_string(u.code) == name))
            return p;
    }
    return -1;
}

namespace {

std::string province_list(const Organisation& org) {
    std::string list;
    for (int p = 0; p < org.province_count() && p < 8; ++p) {
        const Unit& u = org.unit(org.province_unit(p));
        if (!list.empty())
            list += ", ";
        list += u.code != 0 ? std::to_string(u.code) + " (" + u.name + ")" : u.name;
    }
    if (org.province_count() > 8)
        list += ", …";
    return list;
}

}  // namespace

std::vector<Levers> levers_by_province(const ScenarioSpec& spec, const Organisation& org) {
    std::vector<Levers> levers(static_cast<std::size_t>(org.province_count()), spec.levers);
    for (const auto& [name, own] : spec.province_levers) {
        const int p = find_province(org, name);
        if (p < 0) {
            const std::string key = "provinces." + name;
            throw ScenarioError(Diagnostic{spec.where(key),
                                           key,
                                           key + ": no province is named or coded '" + name +
                                               "' in this scenario; its provinces are " +
                                               province_list(org)});
        }
        levers[static_cast<std::size_t>(p)] = own;
    }
    for (Levers& lv : levers)
        compile_willingness(lv, spec.departments.size());
    return levers;
}

std::vector<double> migration_matrix(const ScenarioSpec& spec, const Organisation& org) {
    const auto n = static_cast<std::size_t>(org.province_count());
    std::vector<double> m(n * n, 0.0);
    bool any_cross = false;
    std::string cross_type;
    for (const auto& type : spec.ticket_types) {
        if (type.cross_province > 0.0 && type.rate > 0.0) {
            any_cross = true;
            cross_type = type.name;
        }
    }
    if (spec.cross.migration.empty()) {
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (i != j)
                    m[i * n + j] = org.unit(org.province_unit(static_cast<int>(j))).population;
    } else {
        for (const auto& entry : spec.cross.migration) {
            const std::string key = "cross_province.migration." + entry.from + "." + entry.to;
            const int from = find_province(org, entry.from);
            const int to = find_province(org, entry.to);
            const std::string& bad = from < 0 ? entry.from : entry.to;
            if (from < 0 || to < 0) {
                throw ScenarioError(Diagnostic{spec.where(key),
                                               key,
                                               key + ": no province is named or coded '" + bad +
                                                   "'; the provinces are " + province_list(org)});
            }
            if (from == to) {
                throw ScenarioError(Diagnostic{
                    spec.where(key),
                    key,
                    key + ": a province cannot be its own home for 跨省通办; expected another "
                          "province"});
            }
            m[static_cast<std::size_t>(from) * n + static_cast<std::size_t>(to)] += entry.weight;
        }
    }
    if (!any_cross)
        return m;
    const std::string type_key = "ticket_types." + cross_type + ".cross_province";
    if (n < 2) {
        throw ScenarioError(
            Diagnostic{spec.where(type_key),
                       type_key,
                       type_key + ": cross-province tickets need at least two provinces, and this "
                                  "scenario has one; add provinces or set cross_province = 0"});
    }
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (std::size_t j = 0; j < n; ++j)
            sum += m[i * n + j];
        if (!(sum > 0.0)) {
            const std::string name = org.unit(org.province_unit(static_cast<int>(i))).name;
            throw ScenarioError(Diagnostic{
                spec.where("cross_province.migration"),
                "cross_province.migration",
                "cross_province.migration: province " + name +
                    " has no home province with a positive weight; expected a weight for at "
                    "least one other province"});
        }
        for (std::size_t j = 0; j < n; ++j)
            m[i * n + j] /= sum;
    }
    return m;
}

}  // namespace tiersim::model
