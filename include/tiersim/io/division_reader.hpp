// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/division_tables.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

namespace tiersim::io {

/// Reads the division files of divisions.dir (provinces.csv, cities.csv, areas.csv,
/// streets.csv: one header line, then one row per unit with optional double quotes) and checks
/// them (scenarios/data/divisions/README.md): UTF-8 text, the exact header, the field count,
/// closed quotes, codes of 2/4/6/9 digits, a name, no duplicate code, every parent present and
/// the repeated parent codes agreeing. The tables it returns hold only such rows, and the
/// census rows of divisions.population_files (checked likewise, at that key).
/// @throws ScenarioError at divisions.dir, one diagnostic per problem (at most 20, then a
/// count), each naming the file and line; binary content is never echoed, long rows shortened.
model::DivisionTables read_division_tables(const model::ScenarioSpec& spec);

/// The scenario's organisation, with its division files read when it uses the real codes.
model::Organisation build_organisation(const model::ScenarioSpec& spec);

}  // namespace tiersim::io
