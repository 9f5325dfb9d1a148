// SPDX-License-Identifier: MIT
// [adaptation]: the per-unit table's period, the ranking, project teams and leader
// instructions ([adaptation.instructions.NAME]); and [costs.NAME], the reforms' own costs.
#include "io/scenario/builder.hpp"

namespace tiersim::io::detail {

void Builder::read_adaptation(const toml::table& root) {
    const toml::table& t = table_or_empty(&root, "", "adaptation");
    auto& a = spec_.adaptation;
    const std::string path = "adaptation";
    check_keys(t, path);
    read_int(t, path, "period_days", a.period_days);

    const std::string ranking_path = "adaptation.ranking";
    const toml::table& r = table_or_empty(&t, path, "ranking");
    check_keys(r, ranking_path);
    if (const int tier = read_choice(r, ranking_path, "tier"); tier >= 0)
        a.ranking.tier = static_cast<model::Tier>(tier);
    read_number(r, ranking_path, "bottom_share", a.ranking.bottom_share);
    read_number(r, ranking_path, "weight_response", a.ranking.weight_response);
    read_number(r, ranking_path, "weight_resolution", a.ranking.weight_resolution);
    read_number(r, ranking_path, "weight_satisfaction", a.ranking.weight_satisfaction);
    read_int(r, ranking_path, "min_surveyed", a.ranking.min_surveyed);
    read_int(r, ranking_path, "lag_days", a.ranking.lag_days);
    read_int(r, ranking_path, "attention_days", a.ranking.attention_days);
    read_int(r, ranking_path, "attention_staff", a.ranking.attention_staff);
    read_int(r, ranking_path, "attention_priority", a.ranking.attention_priority);
    const double weights =
        a.ranking.weight_response + a.ranking.weight_resolution + a.ranking.weight_satisfaction;
    if (a.ranks() && !(weights > 0.0)) {
        error("adaptation.ranking.weight_resolution",
              "adaptation.ranking: expected a weight > 0 among weight_response, "
              "weight_resolution and weight_satisfaction (a ranking needs a score)");
    }

    const std::string teams_path = "adaptation.project_teams";
    const toml::table& p = table_or_empty(&t, path, "project_teams");
    check_keys(p, teams_path);
    if (const int tier = read_choice(p, teams_path, "tier"); tier >= 0)
        a.project_teams.tier = static_cast<model::Tier>(tier);
    read_number(p, teams_path, "threshold", a.project_teams.threshold);
    read_int(p, teams_path, "sustain_days", a.project_teams.sustain_days);
    read_int(p, teams_path, "lag_days", a.project_teams.lag_days);
    read_int(p, teams_path, "staff", a.project_teams.staff);
    if (const int source = read_choice(p, teams_path, "source"); source >= 0)
        a.project_teams.from_departments = source == 1;
    read_int(p, teams_path, "pool", a.project_teams.pool);
    read_number(p, teams_path, "donor_threshold", a.project_teams.donor_threshold);
    read_number(p, teams_path, "release_threshold", a.project_teams.release_threshold);
    read_number(p, teams_path, "move_cost_h", a.project_teams.move_cost_h);
    if (a.forms_teams() && a.project_teams.release_threshold > a.project_teams.threshold) {
        // Released above the level that calls it, a team would come and go every few days.
        error("adaptation.project_teams.release_threshold",
              "adaptation.project_teams.release_threshold: expected a number <= threshold (" +
                  number_text(a.project_teams.threshold) + "), got " +
                  number_text(a.project_teams.release_threshold));
    }
    read_instructions(t);
}

void Builder::read_instructions(const toml::table& adaptation) {
    const std::string path = "adaptation.instructions";
    const toml::table* list = table(adaptation, "adaptation", "instructions");
    if (list == nullptr)
        return;
    for (auto&& [k, v] : *list) {
        const std::string in_path = join(path, k.str());
        check_name(k, v, path, "an instruction");
        const auto* it = v.as_table();
        if (it == nullptr) {
            expected(v, in_path, "a table (write [adaptation.instructions.NAME])");
            continue;
        }
        check_keys(*it, in_path);
        model::AdaptationSpec::Instruction in;
        in.name = k.str();
        std::string type;
        if (read_string(*it, in_path, "type", type)) {
            in.type = -1;
            for (std::size_t i = 0; i < spec_.ticket_types.size(); ++i) {
                if (spec_.ticket_types[i].name == type)
                    in.type = static_cast<int>(i);
            }
            if (in.type < 0) {
                std::vector<std::string_view> names;
                for (const auto& tt : spec_.ticket_types)
                    names.push_back(tt.name);
                const auto hint = suggest(type, names);
                error_at(*it->get("type"),
                         join(in_path, "type"),
                         join(in_path, "type") + ": expected a ticket type (" +
                             list_text(names, in_quotes) + "), got " + in_quotes(type) +
                             (hint ? "; did you mean " + in_quotes(*hint) + "?" : ""));
            }
        }
        int day = -1;
        read_int(*it, in_path, "day", day);
        in.day = day;
        read_int(*it, in_path, "overdue_threshold", in.overdue_threshold);
        read_int(*it, in_path, "duration_days", in.duration_days);
        read_int(*it, in_path, "priority", in.priority);
        if (in.day < 0 && in.overdue_threshold == 0) {
            error(in_path,
                  in_path +
                      ": expected `day` or `overdue_threshold` (an instruction is issued "
                      "on a date or when its type's overdue tickets pass a count)");
        }
        spec_.adaptation.instructions.push_back(std::move(in));
    }
}

void Builder::read_costs(const toml::table& root) {
    const toml::table* items = table(root, "", "costs");
    if (items == nullptr)
        return;
    for (auto&& [k, v] : *items) {
        const std::string path = join("costs", k.str());
        check_name(k, v, "costs", "a cost");
        const auto* t = v.as_table();
        if (t == nullptr) {
            expected(v, path, "a table (write [costs.NAME])");
            continue;
        }
        check_keys(*t, path);
        model::CostItem item;
        item.name = k.str();
        read_int(*t, path, "day", item.day);
        read_number(*t, path, "one_off_yuan", item.one_off_yuan);
        read_number(*t, path, "yearly_yuan", item.yearly_yuan);
        spec_.cost_items.push_back(std::move(item));
    }
}

}  // namespace tiersim::io::detail
