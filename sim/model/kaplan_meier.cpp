// SPDX-License-Identifier: MIT
#include "tiersim/model/kaplan_meier.hpp"

#include <limits>

namespace tiersim::model {

double kaplan_meier_quantile(const LogHistogram& events, const LogHistogram& censored, double q) {
    if (events.count() == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (censored.count() == 0) {
        return events.quantile(q);
    }
    // 1 − S may land on q exactly in exact arithmetic and a rounding below it in long double.
    constexpr long double slack = 1e-12L;
    const long double target = static_cast<long double>(q) - slack;
    std::uint64_t at_risk = events.count() + censored.count();
    long double survival = 1.0L;
    for (std::size_t b = 0; b < LogHistogram::bucket_count && at_risk > 0; ++b) {
        const std::uint64_t closed = events.count_in(b);
        if (closed > 0) {
            survival *=
                static_cast<long double>(at_risk - closed) / static_cast<long double>(at_risk);
            if (1.0L - survival >= target) {
                return events.value_in(b);
            }
        }
        at_risk -= closed + censored.count_in(b);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace tiersim::model
