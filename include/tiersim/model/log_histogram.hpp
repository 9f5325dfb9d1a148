// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tiersim::model {

/// A bounded-memory histogram of positive values (lead times in hours) with logarithmic
/// buckets, for quantiles over any number of samples.
///
/// Each power of two in [2^-16, 2^20) hours (0.055 s to 120 years) is split into 256 buckets
/// of equal width, so a bucket is at most 1/256 (0.39%) of its lower bound wide and a
/// quantile, reported at its bucket's midpoint and clamped to the exact [min, max], is within
/// 0.2% of the exact nearest-rank quantile. Values below 2^-16 (zero included) and above
/// 2^20 fall in two end buckets reported as the exact minimum and maximum respectively.
/// Memory is fixed (about 72 KiB); add() is a few integer operations, with no logarithm.
class LogHistogram {
public:
    static constexpr int min_exponent = -16;
    static constexpr int max_exponent = 20;
    static constexpr int sub_buckets_log2 = 8;
    static constexpr int sub_buckets = 1 << sub_buckets_log2;

    LogHistogram();

    /// Counts one value (NaN is ignored). Inline: it runs for every ticket of a run.
    void add(double value) {
        if (value != value) {
            return;
        }
        if (count_ == 0) {
            min_ = value;
            max_ = value;
        } else {
            min_ = std::min(min_, value);
            max_ = std::max(max_, value);
        }
        ++count_;
        ++counts_[bucket_of(value)];
    }

    [[nodiscard]] std::uint64_t count() const { return count_; }

    [[nodiscard]] double min() const { return min_; }

    [[nodiscard]] double max() const { return max_; }

    /// Estimate of the nearest-rank quantile (the ceil(q·n)-th smallest value), q in [0, 1]; the
    /// smallest and largest ranks are the exact min and max;
    /// NaN when empty.
    [[nodiscard]] double quantile(double q) const;

    /// Number of buckets, the two end buckets included.
    static constexpr std::size_t bucket_count =
        static_cast<std::size_t>(max_exponent - min_exponent) * sub_buckets + 2;

    /// How many values fell in bucket `bucket` (< bucket_count), in increasing order of value.
    [[nodiscard]] std::uint64_t count_in(std::size_t bucket) const { return counts_[bucket]; }

    /// What a quantile falling in bucket `bucket` reports: the exact minimum or maximum for the
    /// two end buckets, else the bucket's midpoint clamped to [min, max]. NaN when empty.
    [[nodiscard]] double value_in(std::size_t bucket) const;

    /// The bucket of a value: its binary exponent and top mantissa bits, read off the IEEE-754
    /// representation (exact, and cheaper than a logarithm).
    static std::size_t bucket_of(double value) {
        constexpr double lowest = 0x1.0p-16;
        constexpr double highest = 0x1.0p+20;
        static_assert(min_exponent == -16 && max_exponent == 20);
        if (!(value >= lowest)) {
            return 0;
        }
        if (value >= highest) {
            return bucket_count - 1;
        }
        const auto bits = std::bit_cast<std::uint64_t>(value);
        const auto exponent = static_cast<int>((bits >> 52) & 0x7ffU) - 1023;
        const std::size_t sub = (bits >> (52 - sub_buckets_log2)) & std::uint64_t{sub_buckets - 1};
        return 1 + static_cast<std::size_t>(exponent - min_exponent) * sub_buckets + sub;
    }

private:
    /// [0] underflow, [1 .. n-2] the log buckets, [n-1] overflow.
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    double min_ = 0.0;
    double max_ = 0.0;
};

}  // namespace tiersim::model
