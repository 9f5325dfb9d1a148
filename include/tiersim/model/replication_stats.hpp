// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>

/// Statistics over independent replications of one point: the mean and its Student-t
/// confidence interval (the sweep's /metrics and the analysis package use the same formula).
namespace tiersim::model {

struct MeanInterval {
    std::int64_t n = 0;  ///< replications with a finite value (NaN marks "undefined")
    double mean = 0.0;   ///< NaN when n = 0
    double sd = 0.0;     ///< sample standard deviation; NaN when n < 2
    double low = 0.0;  ///< mean − t(1 − (1 − confidence)/2, n − 1) · sd / √n; NaN when n < 2
    double high = 0.0;
};

/// Ignores non-finite values. With n ≥ 2 equal values the interval is [mean, mean].
MeanInterval mean_interval(std::span<const double> values, double confidence = 0.95);

}  // namespace tiersim::model
