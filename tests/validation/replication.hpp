// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/model/records.hpp"
#include "tiersim/model/scenario_spec.hpp"
#include "tiersim/model/simulation.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

/// Running the independent replications of a validation case: one seed each, several at a
/// time on their own threads (each Simulation is independent), results in seed order so that
/// the statistics do not depend on scheduling.
namespace tiersim::validation {

/// Receives every record a run emits (closed tickets per window, then the open ones at the
/// end; traced events in time order).
class RecordConsumer {
public:
    virtual ~RecordConsumer() = default;
    virtual void tickets(const std::vector<model::TicketRecord>& records) = 0;
    virtual void events(const std::vector<model::EventRecord>& records) = 0;
};

/// Loads `scenario` with `overrides` plus `simulation.seed=<seed>` and returns the spec.
inline model::ScenarioSpec load_with_seed(const std::string& scenario,
                                          std::vector<std::string> overrides,
                                          std::uint64_t seed) {
    overrides.push_back("simulation.seed=" + std::to_string(seed));
    return io::load_scenario(scenario, overrides);
}

/// Runs one replication of a compiled model, feeding its records to `consumer`; returns what
/// the run reports (its series, per-unit table and adaptation records).
inline model::RunOutcome run_replication(const model::CompiledModel& compiled,
                                         bool trace_events,
                                         RecordConsumer& consumer) {
    model::Simulation sim(compiled, trace_events);
    model::RunHooks hooks;
    hooks.on_records = [&](std::vector<model::TicketRecord>& tickets,
                           std::vector<model::EventRecord>& events) {
        consumer.tickets(tickets);
        consumer.events(events);
    };
    return sim.run(hooks);
}

/// The same for a loaded scenario, compiled by the run pipeline.
inline model::RunOutcome run_replication(const model::ScenarioSpec& spec,
                                         bool trace_events,
                                         RecordConsumer& consumer) {
    return run_replication(io::compile_scenario(spec), trace_events, consumer);
}

/// Per-ticket means over the tickets created in [from_h, to_h): wait = responded − created
/// (for a ticket closed at intake, the wait for its intake service) and sojourn = closed −
/// created. A ticket of the window still open at the end is counted as censored: the window
/// must end early enough that there are none, or the means would be biased low. With `type`
/// >= 0 only the tickets of that ticket type (index into ScenarioSpec::ticket_types) count.
class TicketWaits final : public RecordConsumer {
public:
    TicketWaits(double from_h, double to_h, int type = -1)
        : from_h_(from_h),
          to_h_(to_h),
          type_(type) {}

    void tickets(const std::vector<model::TicketRecord>& records) override {
        for (const auto& r : records) {
            if (r.created_h < from_h_ || r.created_h >= to_h_ || (type_ >= 0 && r.type != type_))
                continue;
            if (r.outcome != model::Outcome::resolved) {
                ++censored_;
                continue;
            }
            wait_sum_ += r.responded_h - r.created_h;
            sojourn_sum_ += r.closed_h - r.created_h;
            ++count_;
        }
    }

    void events(const std::vector<model::EventRecord>& /*records*/) override {}

    [[nodiscard]] double mean_wait() const { return wait_sum_ / static_cast<double>(count_); }

    [[nodiscard]] double mean_sojourn() const { return sojourn_sum_ / static_cast<double>(count_); }

    [[nodiscard]] std::int64_t count() const { return count_; }

    [[nodiscard]] std::int64_t censored() const { return censored_; }

private:
    double from_h_;
    double to_h_;
    int type_;
    double wait_sum_ = 0.0;
    double sojourn_sum_ = 0.0;
    std::int64_t count_ = 0;
    std::int64_t censored_ = 0;
};

/// `x` as a TOML float for an override.
inline std::string toml_number(double x) {
    return std::to_string(x);
}

/// Calls `one(r)` for r = 0 … count−1 on up to hardware-concurrency threads and returns the
/// results by r. `one` must not use Catch2 assertions (they are not thread-safe); an
/// exception thrown by any replication is rethrown here.
template <class F>
auto replicate(int count, F one) -> std::vector<std::invoke_result_t<F, int>> {
    using Result = std::invoke_result_t<F, int>;
    std::vector<Result> results(static_cast<std::size_t>(count));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(count));
    const int threads =
        std::max(1, std::min(count, static_cast<int>(std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    for (int w = 0; w < threads; ++w) {
        pool.emplace_back([&, w] {
            for (int r = w; r < count; r += threads) {
                try {
                    results[static_cast<std::size_t>(r)] = one(r);
                } catch (...) {
                    errors[static_cast<std::size_t>(r)] = std::current_exception();
                }
            }
        });
    }
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
    return results;
}

}  // namespace tiersim::validation
