// SPDX-License-Identifier: MIT
#include "tiersim/model/distributions.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using tiersim::engine::RandomStream;
using tiersim::model::DistKind;
using tiersim::model::DistSpec;

TEST_CASE("each service-time family has the mean and cv it is given", "[unit][rng]") {
    const auto kind = GENERATE(DistKind::exponential,
                               DistKind::lognormal,
                               DistKind::gamma,
                               DistKind::uniform,
                               DistKind::deterministic);
    const double cv_given = kind == DistKind::uniform ? 0.5 : 0.8;
    const DistSpec dist{kind, 2.0, cv_given};
    const double cv = kind == DistKind::exponential     ? 1.0
                      : kind == DistKind::deterministic ? 0.0
                                                        : cv_given;
    RandomStream rng(5, static_cast<std::uint64_t>(kind));
    constexpr int n = 400'000;
    double sum = 0.0;
    double sum2 = 0.0;
    for (int i = 0; i < n; ++i) {
        const double x = tiersim::model::sample_hours(dist, rng);
        REQUIRE(x >= 0.0);
        sum += x;
        sum2 += x * x;
    }
    const double mean = sum / n;
    const double sd = std::sqrt(sum2 / n - mean * mean);
    // Standard error of the mean: sd/sqrt(n) = 2 * cv / 632 <= 0.0032; 5 SE margins.
    REQUIRE(mean == Approx(2.0).margin(5 * 2.0 * std::max(cv, 0.01) / std::sqrt(n)));
    REQUIRE(sd / mean == Approx(cv).margin(0.02));
}
