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
                     "ticket_types.cross_item.cross_mode={online=0.25, proxy=0.25, joint=0.25, "
                     "trip_home=0.25}",
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
    const auto closed_h = read_column<double>(out, "/tickets/closed_h");
    const auto visits = read_column<std::int16_t>(out, "/tickets/visits");
    // Tickets created at least two weeks before the end have had time to close (the longest
    // path: courier both ways, rework and a join take days, not weeks).
    const double latest_h = (days - 14.0) * 24.0;
    std::array<int, 5> old{};
    std::array<int, 5> closed{};
    const double trip_h = 36.0;  // cross_province.trip_home_h of s0
    for (std::size_t i = 0; i < mode.size(); ++i) {
        if (mode[i] == 0) {
            CHECK(home[i] == -1);
            continue;
        }
        CHECK(home[i] >= 0);
        CHECK(home[i] != origin_province[i]);
        if (mode[i] == 4 && outcome[i] == 0) {
            // The journey home and back, and at least the visit at the home window.
            CHECK(closed_h[i] - created[i] >= 2.0 * trip_h);
            CHECK(visits[i] >= 1);
        }
        // A trip home adds the journey both ways (three days) to the home's own handling.
        if (created[i] >= latest_h - (mode[i] == 4 ? 7.0 * 24.0 : 0.0))
            continue;
        ++old[static_cast<std::size_t>(mode[i])];
        closed[static_cast<std::size_t>(mode[i])] += outcome[i] == 0 ? 1 : 0;
    }
    for (int m = 1; m <= 4; ++m) {
        INFO("cross_mode " << m);
        REQUIRE(old[static_cast<std::size_t>(m)] > 100);
        CHECK(closed[static_cast<std::size_t>(m)] >= 0.99 * old[static_cast<std::size_t>(m)]);
    }
}
