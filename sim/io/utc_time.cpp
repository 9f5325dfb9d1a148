// SPDX-License-Identifier: MIT
#include "tiersim/io/utc_time.hpp"

#include <ctime>

namespace tiersim::io {

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

}  // namespace tiersim::io
