// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>
#include <vector>

namespace tiersim::io {

/// A scenario shipped inside the binary: name (e.g. "default", "validation/mmc") and text.
struct EmbeddedScenario {
    std::string_view name;
    std::string_view text;
};

/// Every embedded scenario, sorted by name.
const std::vector<EmbeddedScenario>& embedded_scenarios();

}  // namespace tiersim::io
