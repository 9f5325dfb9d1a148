// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/scenario_spec.hpp"

namespace tiersim::model {

/// P(X > hours) for a draw X of `d` (sample_hours): the exact survival function of the family,
/// for the load estimates of `check`.
[[nodiscard]] double survival(const DistSpec& d, double hours);

}  // namespace tiersim::model
