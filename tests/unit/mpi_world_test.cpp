// SPDX-License-Identifier: MIT
#include "tiersim/engine/mpi_world.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using tiersim::engine::MpiWorld;

namespace {
struct Pod {
    std::int64_t a = 0;
    double b = 0.0;
    std::int8_t c = 0;
};
}  // namespace

// Outside mpirun (and in a build without MPI) the world is one process and every collective
// hands back its input: the one-process run goes through the same calls.
TEST_CASE("a one-process world's collectives are the identity", "[unit][engine]") {
    const MpiWorld world = MpiWorld::single();
    REQUIRE(world.size() == 1);
    REQUIRE(world.rank() == 0);
    REQUIRE(world.is_root());
    REQUIRE_FALSE(world.active());
    world.barrier();

    std::string text = "跨省通办";
    world.broadcast(text);
    REQUIRE(text == "跨省通办");
    REQUIRE(world.allreduce_min(-7) == -7);
    REQUIRE(world.allreduce_or(true));
    REQUIRE_FALSE(world.allreduce_or(false));
    std::array<std::int64_t, 3> sums{1, -2, 3};
    world.allreduce_sum(sums);
    REQUIRE(sums == std::array<std::int64_t, 3>{1, -2, 3});

    const std::vector<Pod> local{{1, 0.5, 2}, {3, 1.5, 4}};
    const std::vector<Pod> gathered = world.gatherv(local);
    REQUIRE(gathered.size() == 2);
    REQUIRE(gathered[1].a == 3);
    REQUIRE(gathered[1].b == 1.5);
    REQUIRE(world.allgather(std::vector<std::int64_t>{4, 5}) == std::vector<std::int64_t>{4, 5});

    const auto received = world.alltoallv(std::vector<std::vector<Pod>>{local});
    REQUIRE(received.size() == 1);
    REQUIRE(received[0].size() == 2);
    REQUIRE(received[0][0].c == 2);
    const auto known = world.alltoallv(std::vector<std::vector<Pod>>{local}, {2});
    REQUIRE(known[0][1].a == 3);
    // One part per rank, or it is a bug.
    REQUIRE_THROWS(world.alltoallv(std::vector<std::vector<Pod>>{local, local}));
}
