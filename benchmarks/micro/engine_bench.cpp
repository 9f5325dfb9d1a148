// SPDX-License-Identifier: MIT
// Micro-benchmarks of the engine's hot path: the event queue under the classic hold model
// (pop the earliest event, push one at now + Exp(1)), Philox draws per distribution (and the
// raw block), calendar arithmetic and a small PHOLD run.
#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/phold.hpp"
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
BENCHMARK_CAPTURE(draw, deterministic, tiersim::model::DistKind::deterministic);

/// A fresh stream per draw, as the model makes one per ticket and use: one Philox block each.
void philox_fresh_stream(benchmark::State& state) {
    std::uint64_t entity = 0;
    std::uint64_t sum = 0;
    for (auto _ : state) {
        RandomStream rng(7, entity++);
        sum += rng.next_u64();
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(philox_fresh_stream);

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

void calendar_next_open(benchmark::State& state) {
    tiersim::model::CalendarSpec spec;
    spec.weekdays = {true, true, true, true, true, false, false};
    spec.hours = {{9.0, 12.0}, {13.5, 17.5}};
    const tiersim::model::Calendar office(spec);
    RandomStream rng(4, 4);
    for (auto _ : state) {
        const auto t = static_cast<Tick>(rng.uniform() * 3600.0 * 24.0 * 365.0);
        benchmark::DoNotOptimize(office.next_open(t));
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(calendar_next_open);

/// PHOLD with the parameters but a short end time; items are committed events.
void phold(benchmark::State& state) {
    tiersim::engine::PholdConfig config;
    config.lps = state.range(0);
    config.end = 20.0;
    std::uint64_t committed = 0;
    for (auto _ : state)
        committed += tiersim::engine::run_phold(config).committed;
    state.SetItemsProcessed(static_cast<std::int64_t>(committed));
}

BENCHMARK(phold)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
