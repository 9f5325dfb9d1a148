// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <vector>

/// The scenario's province-level choices resolved against the organisation: which levers each
/// province runs ([provinces.NAME]) and where its cross-province tickets have their home
/// ([cross_province.migration]).
namespace tiersim::model {

/// The levers of every province, by province index. A [provinces.NAME] names a province by its
/// name or its division code. Each lever set has its sharing matrix compiled
/// (compile_willingness). @throws ScenarioError for a NAME that matches no province.
std::vector<Levers> levers_by_province(const ScenarioSpec& spec, const Organisation& org);

/// The index of the province named `name` (its name or division code), or -1.
[[nodiscard]] int find_province(const Organisation& org, const std::string& name);

/// P(home province = j | origin province i), row-major by province index, with a zero
/// diagonal: the explicit weights of [cross_province.migration] normalised per row, or the
/// gravity model (∝ the other province's population). @throws ScenarioError for an unknown
/// province name, or when a ticket type has cross-province tickets but the scenario has a
/// single province or a row of weights is all zero.
std::vector<double> migration_matrix(const ScenarioSpec& spec, const Organisation& org);

}  // namespace tiersim::model
