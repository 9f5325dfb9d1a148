// SPDX-License-Identifier: MIT
// Micro-benchmarks of the model's lookups and arithmetic on a real organisation: working-day
// deadlines, routing queries (ancestors, path latencies, province indices, station indices) on
// the default scenario's 1,702 streets of Jiangsu and Shanghai, and the station plan.
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/io/division_reader.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/organisation.hpp"
#include "tiersim/model/province_levers.hpp"
#include "tiersim/model/station_plan.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using tiersim::engine::RandomStream;
using tiersim::engine::Tick;
using tiersim::model::Organisation;
using tiersim::model::ScenarioSpec;
using tiersim::model::Tier;
using tiersim::model::UnitId;

/// The default scenario, loaded and built once for every benchmark of this file.
struct World {
    ScenarioSpec spec = tiersim::io::load_scenario("default");
    Organisation org = tiersim::io::build_organisation(spec);
    std::vector<UnitId> streets = org.units_at(Tier::street);
};

const World& world() {
    static const World w;
    return w;
}

void working_day_deadline(benchmark::State& state) {
    tiersim::model::CalendarSpec spec;
    spec.weekdays = {true, true, true, true, true, false, false};
    spec.hours = {{9.0, 12.0}, {13.5, 17.5}};
    const tiersim::model::Calendar office(spec);
    const auto days = static_cast<double>(state.range(0));
    RandomStream rng(5, 5);
    for (auto _ : state) {
        const auto created = static_cast<Tick>(rng.uniform() * 3600.0 * 24.0 * 365.0);
        benchmark::DoNotOptimize(office.working_day_deadline(created, days));
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(working_day_deadline)->Arg(1)->Arg(7)->Arg(20);

void route_ancestor(benchmark::State& state) {
    const World& w = world();
    const auto tier = static_cast<Tier>(state.range(0));
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(w.org.ancestor(w.streets[i], tier));
        i = i + 1 == w.streets.size() ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(route_ancestor)->Arg(1)->Arg(2)->Arg(3);

void route_path_latency(benchmark::State& state) {
    const World& w = world();
    std::size_t i = 0;
    for (auto _ : state) {
        const UnitId street = w.streets[i];
        benchmark::DoNotOptimize(
            w.org.path_latency_h(street, w.org.ancestor(street, Tier::city), w.spec));
        i = i + 1 == w.streets.size() ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(route_path_latency);

void route_province_and_station(benchmark::State& state) {
    const World& w = world();
    const tiersim::model::StationIndex index(w.spec, w.org);
    const int departments = static_cast<int>(w.spec.departments.size());
    std::size_t i = 0;
    int d = 0;
    for (auto _ : state) {
        const UnitId street = w.streets[i];
        benchmark::DoNotOptimize(w.org.province_index(street));
        benchmark::DoNotOptimize(index.department(w.org.ancestor(street, Tier::district), d));
        i = i + 1 == w.streets.size() ? 0 : i + 1;
        d = d + 1 == departments ? 0 : d + 1;
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(route_province_and_station);

void station_plan(benchmark::State& state) {
    const World& w = world();
    const tiersim::model::StationIndex index(w.spec, w.org);
    const auto levers = tiersim::model::levers_by_province(w.spec, w.org);
    for (auto _ : state)
        benchmark::DoNotOptimize(tiersim::model::plan_stations(w.spec, w.org, levers, index));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(index.size()));
}

BENCHMARK(station_plan)->Unit(benchmark::kMillisecond);

}  // namespace
