// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tiersim::serve {

/// `/series` of one run file for the page's charts over time: by bucket end (`t_h`), every
/// column summed over provinces and tiers, and the queue columns by tier. HDF5 is not
/// thread-safe in Debian's build, so every read here takes one lock. @throws IoError
nlohmann::ordered_json series_json(const std::filesystem::path& file);

/// The league table of one tier (`tier` < 0: every unit, for the hierarchy) from `/units` and
/// `/unit_series` of the run files (the replications of one arm): each unit's closings, 三率, and
/// its overdue tickets, backlog and staff averaged over the period ends after `warmup_h`. @throws
/// IoError
nlohmann::ordered_json units_json(const std::vector<std::filesystem::path>& files,
                                  int tier,
                                  double warmup_h);

}  // namespace tiersim::serve
