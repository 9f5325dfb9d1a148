// SPDX-License-Identifier: MIT
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

/// Counter-based random numbers (Philox4x64-10 from Random123). A stream is keyed by
/// (seed, entity) and counts its draws, so the n-th draw of an entity is the same whatever
/// the thread, LP or rank that makes it. The distributions are our own: std::*_distribution
/// differ between standard libraries and would break bit-reproducibility.
namespace tiersim::engine {

class RandomStream {
public:
    /// @param draws the number of 64-bit words already taken from this stream
    RandomStream(std::uint64_t seed, std::uint64_t entity, std::uint64_t draws = 0)
        : key_{{seed, entity}},
          draws_(draws) {}

    /// Next raw 64-bit word.
    std::uint64_t next_u64() {
        const std::uint64_t block = draws_ >> 2;
        const auto lane = static_cast<unsigned>(draws_ & 3U);
        if (block != cached_block_) {
            const Philox::ctr_type ctr = {{block, 0, 0, 0}};
            cache_ = Philox()(ctr, key_);
            cached_block_ = block;
        }
        ++draws_;
        return cache_[lane];
    }

    /// Uniform in (0, 1): never exactly 0 or 1, so logs are finite.
    double uniform() {
        return (static_cast<double>(next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    }

    /// Exponential with the given mean.
    double exponential(double mean) { return -mean * std::log(uniform()); }

    /// Standard normal (Box–Muller, one value per two uniforms so that draws stay countable).
    double normal() {
        const double u1 = uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

    /// Gamma with shape k and scale 1 (Marsaglia–Tsang; shape < 1 by boosting).
    double gamma(double shape) {
        if (shape < 1.0) {
            const double boost = std::pow(uniform(), 1.0 / shape);
            return gamma(shape + 1.0) * boost;
        }
        const double d = shape - 1.0 / 3.0;
        const double c = 1.0 / std::sqrt(9.0 * d);
        for (;;) {
            const double x = normal();
            const double v0 = 1.0 + c * x;
            if (v0 <= 0.0)
                continue;
            const double v = v0 * v0 * v0;
            const double u = uniform();
            if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v))
                return d * v;
        }
    }

    bool bernoulli(double p) { return uniform() < p; }

    [[nodiscard]] std::uint64_t draws() const { return draws_; }

private:
    using Philox = r123::Philox4x64;
    Philox::key_type key_;
    std::uint64_t draws_;
    std::uint64_t cached_block_ = UINT64_MAX;
    Philox::ctr_type cache_{};
};

}  // namespace tiersim::engine
