// SPDX-License-Identifier: MIT
// Micro-benchmarks of trace writing: one run's worth of ticket records through RunWriter into
// an HDF5 file (compressed chunked columns, written off the simulation thread), against the
// same records into a null sink (--trace none: the summary only), per record.
#include "tiersim/io/run_writer.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/model/organisation.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using tiersim::io::RecordBatch;
using tiersim::io::RunWriter;
using tiersim::io::TraceLevel;
using tiersim::model::TicketRecord;

constexpr std::size_t records_per_run = 1 << 16;
constexpr std::size_t records_per_window = 512;

std::vector<TicketRecord> make_records(std::size_t n) {
    std::vector<TicketRecord> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        TicketRecord& r = out[i];
        const auto k = static_cast<std::int64_t>(i);
        r.id = k;
        r.type = 0;
        r.origin = 3;
        r.handler = 3;
        r.created_h = 0.01 * static_cast<double>(k);
        r.responded_h = r.created_h + 0.25;
        r.closed_h = r.created_h + 1.0 + static_cast<double>(k % 97) * 0.5;
        r.tier_resolved = 0;
        r.hops = static_cast<std::int16_t>(k % 3);
        r.satisfied = static_cast<std::int8_t>(k % 2);
        r.solved = 1;
    }
    return out;
}

void trace_tickets(benchmark::State& state, TraceLevel trace) {
    const tiersim::model::ScenarioSpec spec = tiersim::io::load_scenario("validation/mmc");
    const tiersim::model::Organisation org = tiersim::model::Organisation::build(spec);
    const std::vector<TicketRecord> records = make_records(records_per_run);
    const std::filesystem::path out = std::filesystem::temp_directory_path() /
                                      ("tiersim_io_bench_" + std::to_string(::getpid()) + ".h5");
    tiersim::io::RunInfo info;
    info.tiersim_version = "bench";
    for (auto _ : state) {
        RunWriter writer(out, trace, spec, org);
        for (std::size_t at = 0; at < records.size(); at += records_per_window) {
            RecordBatch batch = writer.acquire_batch();
            batch.tickets.assign(records.begin() + static_cast<std::ptrdiff_t>(at),
                                 records.begin() + static_cast<std::ptrdiff_t>(at) +
                                     static_cast<std::ptrdiff_t>(records_per_window));
            writer.submit(std::move(batch));
        }
        benchmark::DoNotOptimize(writer.finish({}, info));
    }
    std::filesystem::remove(out);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records_per_run));
}

BENCHMARK_CAPTURE(trace_tickets, hdf5, TraceLevel::tickets)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(trace_tickets, null_sink, TraceLevel::none)->Unit(benchmark::kMillisecond);

}  // namespace
