// SPDX-License-Identifier: MIT
#include "tiersim/model/replication_stats.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace tiersim::model {

MeanInterval mean_interval(std::span<const double> values, double confidence) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    MeanInterval out;
    double sum = 0.0;
    for (const double v : values) {
        if (std::isfinite(v)) {
            sum += v;
            ++out.n;
        }
    }
    if (out.n == 0)
        return MeanInterval{0, nan, nan, nan, nan};
    out.mean = sum / static_cast<double>(out.n);
    if (out.n < 2) {
        out.sd = out.low = out.high = nan;
        return out;
    }
    double squares = 0.0;
    for (const double v : values) {
        if (std::isfinite(v))
            squares += (v - out.mean) * (v - out.mean);
    }
    out.sd = std::sqrt(squares / static_cast<double>(out.n - 1));
    const boost::math::students_t t(static_cast<double>(out.n - 1));
    const double q = boost::math::quantile(t, 1.0 - (1.0 - confidence) / 2.0);
    const double half = q * out.sd / std::sqrt(static_cast<double>(out.n));
    out.low = out.mean - half;
    out.high = out.mean + half;
    return out;
}

}  // namespace tiersim::model
