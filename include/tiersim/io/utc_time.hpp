// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace tiersim::io {

/// The current time as ISO 8601 UTC ("2026-11-27T13:30:00Z"), for /provenance.
std::string utc_now();

}  // namespace tiersim::io
