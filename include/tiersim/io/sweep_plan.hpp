// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

/// What a sweep runs (DESIGN §4.1): the Cartesian product of the `--vary` axes, each point run
/// `replications` times. With common random numbers (the default) replication r uses the same
/// seed at every point, so every point sees the same demand and differences between points are
/// not sampling noise; without, every run has its own seed.
namespace tiersim::io {

/// One `--vary KEY=…`: a dotted scenario key and its values as TOML value text, in order.
struct SweepAxis {
    std::string key;
    std::vector<std::string> values;
    /// Every value is a number (the /points column is float64, else UTF-8).
    [[nodiscard]] bool numeric() const;
};

/// Parses `KEY=V1,V2,…` or `KEY=START:STOP:STEP` (numbers; STOP included when the steps reach
/// it within a millionth of STEP). Values are trimmed; a list may hold TOML strings.
/// @throws ScenarioError located at "--vary" naming what was expected
SweepAxis parse_vary(const std::string& text);

class SweepPlan {
public:
    SweepPlan(std::vector<SweepAxis> axes,
              int replications,
              std::uint64_t base_seed,
              bool common_random_numbers);

    [[nodiscard]] const std::vector<SweepAxis>& axes() const { return axes_; }

    [[nodiscard]] int replications() const { return replications_; }

    [[nodiscard]] bool common_random_numbers() const { return crn_; }

    [[nodiscard]] std::uint64_t base_seed() const { return base_seed_; }

    /// Points in the product; the last axis varies fastest.
    [[nodiscard]] std::size_t point_count() const;

    [[nodiscard]] std::size_t run_count() const {
        return point_count() * static_cast<std::size_t>(replications_);
    }

    /// The value index on each axis of a point.
    [[nodiscard]] std::vector<std::size_t> coordinates(std::size_t point) const;

    /// `KEY=VALUE` overrides of a point, one per axis, for load_scenario.
    [[nodiscard]] std::vector<std::string> overrides(std::size_t point) const;

    /// A point's values as one canonical text, independent of the order of the axes: a JSON
    /// object of KEY: VALUE (the value text as given), keys sorted. A part of a sweep records
    /// it, so that --resume matches parts to points by their values, not their position.
    [[nodiscard]] std::string point_label(std::size_t point) const;

    /// The seed of a run: base + r with common random numbers, else base + point × R + r, so
    /// `tiersim run --seed` with the point's `--set`s reproduces any run of the sweep.
    [[nodiscard]] std::uint64_t seed(std::size_t point, int replication) const;

    /// The axes as JSON text: [{"key": …, "values": [… as given …]}, …].
    [[nodiscard]] std::string axes_json() const;

private:
    std::vector<SweepAxis> axes_;
    int replications_;
    std::uint64_t base_seed_;
    bool crn_;
};

}  // namespace tiersim::io
