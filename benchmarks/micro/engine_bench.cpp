// SPDX-License-Identifier: MIT
// Micro-benchmarks of the engine's hot path: the event queue under the classic hold model
// (pop the earliest event, push one at now + Exp(1)) and Philox draws per distribution.
#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/random_stream.hpp"
#include "tiersim/model/calendar.hpp"
#include "tiersim/model/distributions.hpp"

#include <benchmark/benchmark.h>

namespace {

using tiersim::engine::Event;
using tiersim::engine::EventQueue;
using tiersim::engine::RandomStream;
using tiersim::engine::Tick;

void hold_model(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    EventQueue queue;
    RandomStream rng(1, 1);
    std::uint64_t id = 0;
    for (std::size_t i = 0; i < size; ++i) {
        queue.push(Event{
            static_cast<Tick>(rng.exponential(3600.0 * static_cast<double>(size))), id++, 0, 0, 0});
    }
    for (auto _ : state) {
        const Event e = queue.pop();
        queue.push(Event{
            e.time + static_cast<Tick>(rng.exponential(3600.0 * static_cast<double>(size))) + 1,
            id++,
            0,
            0,
            0});
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(hold_model)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18);

void draw(benchmark::State& state, tiersim::model::DistKind kind) {
    RandomStream rng(7, 42);
    const tiersim::model::DistSpec dist{kind, 2.0, 0.8};
    double sum = 0;
    for (auto _ : state)
        sum += tiersim::model::sample_hours(dist, rng);
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(draw, exponential, tiersim::model::DistKind::exponential);
BENCHMARK_CAPTURE(draw, lognormal, tiersim::model::DistKind::lognormal);
BENCHMARK_CAPTURE(draw, gamma, tiersim::model::DistKind::gamma);
BENCHMARK_CAPTURE(draw, uniform, tiersim::model::DistKind::uniform);

void calendar_advance(benchmark::State& state) {
    tiersim::model::CalendarSpec spec;
    spec.weekdays = {true, true, true, true, true, false, false};
    spec.hours = {{9.0, 12.0}, {13.5, 17.5}};
    const tiersim::model::Calendar office(spec);
    RandomStream rng(3, 3);
    Tick t = 0;
    for (auto _ : state) {
        t = office.advance(t, static_cast<Tick>(rng.exponential(7200.0)));
        benchmark::DoNotOptimize(t);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(calendar_advance);

}  // namespace
