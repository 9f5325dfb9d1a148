// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/engine/random_stream.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <cmath>

namespace tiersim::model {

/// A draw in hours from a service-time family given by mean and coefficient of variation.
inline double sample_hours(const DistSpec& d, engine::RandomStream& rng) {
    switch (d.kind) {
        case DistKind::exponential:
            return rng.exponential(d.mean_h);
        case DistKind::deterministic:
            return d.mean_h;
        case DistKind::lognormal: {
            if (d.cv <= 0.0)
                return d.mean_h;
            const double sigma2 = std::log1p(d.cv * d.cv);
            return std::exp(std::log(d.mean_h) - 0.5 * sigma2 + std::sqrt(sigma2) * rng.normal());
        }
        case DistKind::gamma: {
            if (d.cv <= 0.0)
                return d.mean_h;
            const double shape = 1.0 / (d.cv * d.cv);
            return rng.gamma(shape) * d.mean_h / shape;
        }
        case DistKind::uniform: {
            const double half_width = std::sqrt(3.0) * d.cv * d.mean_h;
            return d.mean_h - half_width + 2.0 * half_width * rng.uniform();
        }
    }
    return d.mean_h;
}

}  // namespace tiersim::model
