// SPDX-License-Identifier: MIT
#include "tiersim/io/sweep_plan.hpp"

#include "tiersim/error.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace tiersim::io {

namespace {

Diagnostic vary_error(const std::string& key, const std::string& message) {
    return Diagnostic{SourceLocation{"--vary", 0, 0}, key, message};
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

bool parse_number(const std::string& text, double& out) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, out);
    return ec == std::errc() && ptr == end && std::isfinite(out);
}

/// A range value as text: rounded to 12 significant digits, so that 3 × 0.3 reads 0.9 and not
/// 0.8999999999999999, then the shortest text that reads back as that number (integral values
/// print without a point, so that integer keys such as staff counts take them).
std::string number_text(double v) {
    char rounded[32];
    std::snprintf(rounded, sizeof rounded, "%.12g", v);
    double r = 0.0;
    std::from_chars(rounded, rounded + std::strlen(rounded), r);
    char buffer[32];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, r);
    TIERSIM_CHECK(ec == std::errc(), "to_chars failed");
    return std::string(buffer, ptr);
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    bool quoted = false;
    for (const char c : text) {
        if (c == '"')
            quoted = !quoted;
        if (c == separator && !quoted) {
            parts.push_back(trim(part));
            part.clear();
        } else {
            part.push_back(c);
        }
    }
    parts.push_back(trim(part));
    return parts;
}

}  // namespace

bool SweepAxis::numeric() const {
    double ignored = 0.0;
    for (const auto& v : values) {
        if (!parse_number(v, ignored))
            return false;
    }
    return true;
}

SweepAxis parse_vary(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw ScenarioError(
            vary_error("", "expected KEY=V1,V2,... or KEY=START:STOP:STEP, got '" + text + "'"));
    }
    SweepAxis axis;
    axis.key = trim(text.substr(0, eq));
    const std::string rhs = trim(text.substr(eq + 1));
    if (rhs.empty())
        throw ScenarioError(vary_error(axis.key, "expected at least one value after '='"));

    const bool range = rhs.find(':') != std::string::npos && rhs.find(',') == std::string::npos &&
                       rhs.find('"') == std::string::npos;
    if (!range) {
        axis.values = split(rhs, ',');
        for (const auto& v : axis.values) {
            if (v.empty())
                throw ScenarioError(vary_error(axis.key, "empty value in '" + rhs + "'"));
        }
        return axis;
    }

    const auto parts = split(rhs, ':');
    double start = 0, stop = 0, step = 0;
    if (parts.size() != 3 || !parse_number(parts[0], start) || !parse_number(parts[1], stop) ||
        !parse_number(parts[2], step)) {
        throw ScenarioError(
            vary_error(axis.key, "expected START:STOP:STEP (three numbers), got '" + rhs + "'"));
    }
    if (!(step > 0.0) || stop < start) {
        throw ScenarioError(vary_error(
            axis.key, "expected STEP > 0 and STOP >= START in START:STOP:STEP, got '" + rhs + "'"));
    }
    const double span = (stop - start) / step;
    constexpr double max_values = 1e6;
    if (span + 1.0 > max_values) {
        throw ScenarioError(vary_error(axis.key, "'" + rhs + "' makes more than a million values"));
    }
    const auto count = static_cast<std::size_t>(std::floor(span + 1e-6)) + 1;
    for (std::size_t i = 0; i < count; ++i) {
        // start + i × step, not a running sum, so that rounding does not accumulate.
        axis.values.push_back(number_text(start + static_cast<double>(i) * step));
    }
    return axis;
}

SweepPlan::SweepPlan(std::vector<SweepAxis> axes,
                     int replications,
                     std::uint64_t base_seed,
                     bool common_random_numbers)
    : axes_(std::move(axes)),
      replications_(replications),
      base_seed_(base_seed),
      crn_(common_random_numbers) {
    TIERSIM_CHECK(replications_ >= 1, "a sweep needs at least one replication");
    for (std::size_t i = 0; i < axes_.size(); ++i) {
        if (axes_[i].key == "simulation.seed") {
            throw ScenarioError(vary_error(
                axes_[i].key,
                "the sweep sets each run's seed itself: use --seed for the base seed and "
                "--replications for more seeds"));
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (axes_[j].key == axes_[i].key) {
                throw ScenarioError(vary_error(axes_[i].key, "the key is varied twice"));
            }
        }
    }
}

std::size_t SweepPlan::point_count() const {
    std::size_t n = 1;
    for (const auto& a : axes_)
        n *= a.values.size();
    return n;
}

std::vector<std::size_t> SweepPlan::coordinates(std::size_t point) const {
    std::vector<std::size_t> c(axes_.size());
    for (std::size_t i = axes_.size(); i-- > 0;) {
        const std::size_t n = axes_[i].values.size();
        c[i] = point % n;
        point /= n;
    }
    return c;
}

std::vector<std::string> SweepPlan::overrides(std::size_t point) const {
    const auto c = coordinates(point);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < axes_.size(); ++i)
        out.push_back(axes_[i].key + "=" + axes_[i].values[c[i]]);
    return out;
}

std::string SweepPlan::point_label(std::size_t point) const {
    const auto c = coordinates(point);
    nlohmann::json values = nlohmann::json::object();  // std::map: keys sorted
    for (std::size_t i = 0; i < axes_.size(); ++i)
        values[axes_[i].key] = axes_[i].values[c[i]];
    return values.dump();
}

std::uint64_t SweepPlan::seed(std::size_t point, int replication) const {
    const auto r = static_cast<std::uint64_t>(replication);
    if (crn_)
        return base_seed_ + r;
    return base_seed_ + point * static_cast<std::uint64_t>(replications_) + r;
}

std::string SweepPlan::axes_json() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& a : axes_)
        out.push_back({{"key", a.key}, {"values", a.values}});
    return out.dump();
}

}  // namespace tiersim::io
