// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/division_tables.hpp"
#include "tiersim/model/scenario_spec.hpp"

/// Private to the io layer: the census population files of divisions.population_files.
namespace tiersim::io::detail {

/// Reads and checks every file of spec.divisions.population_files into tables.population: UTF-8
/// CSV text with the header `code,name,population`, each code one of a unit in `tables` (2, 4, 6
/// or 9 digits) and listed once over all files, a name, and a population of persons > 0.
/// @throws ScenarioError at divisions.population_files, one diagnostic per problem (at most
/// 20, then a count), each naming the file and line.
void read_population(const model::ScenarioSpec& spec, model::DivisionTables& tables);

}  // namespace tiersim::io::detail
