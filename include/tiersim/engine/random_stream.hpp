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

/// The Philox blocks that the streams of one thread computed last, direct-mapped by entity: a
/// stream made again for the same entity (an LP's ticket, at each of its events) finds the
/// block its last use computed instead of computing it again. It changes no draw, since a
/// block is a function of its key and counter alone. Not thread-safe: one per LP.
class BlockCache {
public:
    static constexpr std::size_t slots = 256;

    /// The block `counter` of key (seed, entity) into `words`, if it is here.
    bool find(std::uint64_t seed,
              std::uint64_t entity,
              std::uint64_t counter,
              std::array<std::uint64_t, 4>& words) const {
        const Entry& e = entries_[entity % slots];
        if (e.counter != counter || e.entity != entity || e.seed != seed)
            return false;
        words = e.words;
        return true;
    }

    void store(std::uint64_t seed,
               std::uint64_t entity,
               std::uint64_t counter,
               const std::array<std::uint64_t, 4>& words) {
        entries_[entity % slots] = {seed, entity, counter, words};
    }

private:
    struct Entry {
        std::uint64_t seed = 0;
        std::uint64_t entity = 0;
        std::uint64_t counter = UINT64_MAX;  ///< none
        std::array<std::uint64_t, 4> words{};
    };

    std::array<Entry, slots> entries_{};
};

class RandomStream {
public:
    /// @param draws the number of 64-bit words already taken from this stream
    /// @param blocks where to look for and keep computed blocks (may be null)
    RandomStream(std::uint64_t seed,
                 std::uint64_t entity,
                 std::uint64_t draws = 0,
                 BlockCache* blocks = nullptr)
        : key_{{seed, entity}},
          draws_(draws),
          blocks_(blocks) {}

    /// Next raw 64-bit word.
    std::uint64_t next_u64() {
        const std::uint64_t block = draws_ >> 2;
        const auto lane = static_cast<unsigned>(draws_ & 3U);
        if (block != cached_block_) {
            if (blocks_ == nullptr || !blocks_->find(key_[0], key_[1], block, cache_)) {
                const Philox::ctr_type ctr = {{block, 0, 0, 0}};
                const Philox::ctr_type computed = Philox()(ctr, key_);
                cache_ = {computed[0], computed[1], computed[2], computed[3]};
                if (blocks_ != nullptr)
                    blocks_->store(key_[0], key_[1], block, cache_);
            }
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
    BlockCache* blocks_;
    std::uint64_t cached_block_ = UINT64_MAX;
    std::array<std::uint64_t, 4> cache_{};
};

}  // namespace tiersim::engine
