// SPDX-License-Identifier: MIT
#include "tiersim/model/distribution_tail.hpp"

#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>

#include <algorithm>
#include <cmath>

namespace tiersim::model {

double survival(const DistSpec& d, double hours) {
    if (hours <= 0.0)
        return 1.0;
    const bool degenerate = d.kind == DistKind::deterministic || d.cv <= 0.0;
    if (d.kind != DistKind::exponential && degenerate)
        return d.mean_h > hours ? 1.0 : 0.0;
    switch (d.kind) {
        case DistKind::exponential:
            return std::exp(-hours / d.mean_h);
        case DistKind::lognormal: {
            const double sigma2 = std::log1p(d.cv * d.cv);
            const boost::math::lognormal_distribution<double> x(std::log(d.mean_h) - 0.5 * sigma2,
                                                                std::sqrt(sigma2));
            return boost::math::cdf(boost::math::complement(x, hours));
        }
        case DistKind::gamma: {
            const double shape = 1.0 / (d.cv * d.cv);
            const boost::math::gamma_distribution<double> x(shape, d.mean_h / shape);
            return boost::math::cdf(boost::math::complement(x, hours));
        }
        case DistKind::uniform: {
            const double half_width = std::sqrt(3.0) * d.cv * d.mean_h;
            return std::clamp((d.mean_h + half_width - hours) / (2.0 * half_width), 0.0, 1.0);
        }
        case DistKind::deterministic:
            break;
    }
    return d.mean_h > hours ? 1.0 : 0.0;
}

}  // namespace tiersim::model
