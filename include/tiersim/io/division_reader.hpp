// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/division_tables.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/scenario_spec.hpp"

namespace tiersim::io {

/// Reads the division files of divisions.dir (provinces.csv, cities.csv, areas.csv,
/// streets.csv: one header line, then one row per unit with optional double quotes).
/// @throws ScenarioError at divisions.dir for a file it cannot read or a malformed row.
model::DivisionTables read_division_tables(const model::ScenarioSpec& spec);

/// The scenario's organisation, with its division files read when it uses the real codes.
model::Organisation build_organisation(const model::ScenarioSpec& spec);

}  // namespace tiersim::io
