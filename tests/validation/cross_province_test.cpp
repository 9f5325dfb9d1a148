// SPDX-License-Identifier: MIT
// 跨省通办 end to end: tickets of every mode reach their home province and close; a 多地联办
// ticket closes only after its two parts have joined.
#include "tiersim/io/hdf5_file.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string>

namespace {

using tiersim::test::run_tiersim;
using tiersim::test::TempDir;

}  // namespace

TEST_CASE("cross-province tickets of every mode close, in their home province", "[validation]") {
    const TempDir dir;
    const auto out = dir.path() / "s5.h5";
    const double days = 42.0;
    const auto r =
        run_tiersim({"run",
                     "s5-inter-provincial",
                     "--days",
                     "42",
                     "--set",
                     "ticket_types.cross_item.rate=1.0",
                     "--set",
                     "ticket_types.cross_item.cross_mode={online=0.3, proxy=0.3, joint=0.4}",
                     "-q",
                     "-o",
                     out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    using tiersim::io::read_column;
    const auto mode = read_column<std::int8_t>(out, "/tickets/cross_mode");
    const auto created = read_column<double>(out, "/tickets/created_h");
    const auto outcome = read_column<std::int8_t>(out, "/tickets/outcome");
    const auto origin_province = read_column<std::int8_t>(out, "/tickets/province");
    const auto home = read_column<std::int8_t>(out, "/tickets/home_province");
    // Tickets created at least two weeks before the end have had time to close (the longest
    // path: courier both ways, rework and a join take days, not weeks).
    const double latest_h = (days - 14.0) * 24.0;
    std::array<int, 4> old{};
    std::array<int, 4> closed{};
    for (std::size_t i = 0; i < mode.size(); ++i) {
        if (mode[i] == 0) {
            CHECK(home[i] == -1);
            continue;
        }
        CHECK(home[i] >= 0);
        CHECK(home[i] != origin_province[i]);
        if (created[i] >= latest_h)
            continue;
        ++old[static_cast<std::size_t>(mode[i])];
        closed[static_cast<std::size_t>(mode[i])] += outcome[i] == 0 ? 1 : 0;
    }
    for (int m = 1; m <= 3; ++m) {
        INFO("cross_mode " << m);
        REQUIRE(old[static_cast<std::size_t>(m)] > 100);
        CHECK(closed[static_cast<std::size_t>(m)] >= 0.99 * old[static_cast<std::size_t>(m)]);
    }
}
