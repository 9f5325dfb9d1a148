// SPDX-License-Identifier: MIT
#include "tiersim/model/log_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tiersim::model {

namespace {

double bucket_midpoint(std::size_t bucket) {
    const std::size_t j = bucket - 1;
    const int exponent =
        static_cast<int>(j / LogHistogram::sub_buckets) + LogHistogram::min_exponent;
    const auto sub = static_cast<double>(j % LogHistogram::sub_buckets);
    const double lower = std::ldexp(1.0 + sub / LogHistogram::sub_buckets, exponent);
    const double upper = std::ldexp(1.0 + (sub + 1.0) / LogHistogram::sub_buckets, exponent);
    return 0.5 * (lower + upper);
}

}  // namespace

LogHistogram::LogHistogram()
    : counts_(bucket_count, 0) {}

double LogHistogram::quantile(double q) const {
    if (count_ == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_));
    const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
    if (rank == 1) {
        return min_;
    }
    if (rank >= count_) {
        return max_;
    }
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
        seen += counts_[b];
        if (seen >= rank) {
            return value_in(b);
        }
    }
    return max_;
}

double LogHistogram::value_in(std::size_t bucket) const {
    if (count_ == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (bucket == 0) {
        return min_;
    }
    if (bucket >= counts_.size() - 1) {
        return max_;
    }
    return std::clamp(bucket_midpoint(bucket), min_, max_);
}

}  // namespace tiersim::model
