// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tiersim {

/// Columns a terminal uses for a UTF-8 string: 2 for East Asian wide characters (the names of
/// Chinese units and departments), else 1. Used to align tables.
std::size_t display_width(const std::string& text);

/// `text` padded with spaces on the right (or, with `right_align`, on the left) to `width`
/// terminal columns.
std::string pad(const std::string& text, std::size_t width, bool right_align = false);

/// `value` with a fixed number of decimals; "inf" or "-inf" when infinite, "-" when undefined
/// (NaN).
std::string format_fixed(double value, int decimals);

/// A 64-bit digest as 16 lower-case hexadecimal digits (a checkpoint's state digest).
std::string digest_text(std::uint64_t digest);

}  // namespace tiersim
