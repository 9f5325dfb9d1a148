// SPDX-License-Identifier: MIT
#include "plan_command.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/run_pipeline.hpp"
#include "tiersim/io/scenario_loader.hpp"
#include "tiersim/io/staff_plan.hpp"
#include "tiersim/model/costs.hpp"
#include "tiersim/model/replication_stats.hpp"
#include "tiersim/model/simulation.hpp"
#include "tiersim/model/summary_accumulator.hpp"
#include "tiersim/model/traffic.hpp"
#include "tiersim/text_format.hpp"

#include "run_options.hpp"

#include <nlohmann/json.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cmath>
#include <iostream>

namespace tiersim::cli {

namespace {

using model::Tier;
using Factors = std::array<double, model::tier_count>;

constexpr int exit_ok = 0;
constexpr int exit_usage = 2;
constexpr int exit_not_met = 4;
constexpr int exit_interrupted = 130;

/// One staffing: its factors, the traffic equations' view and, once simulated, the targets.
struct Candidate {
    Factors factor{};
    std::vector<std::string> overrides;
    std::array<double, model::tier_count> servers{};      ///< total servers by tier
    std::array<double, model::tier_count> utilisation{};  ///< the busiest unit's, by tier
    std::vector<model::MeanInterval> targets;
    std::vector<bool> met;
    int replications_meeting_all = 0;
    double yuan_per_year = 0.0;
    double yuan_per_closed = 0.0;
};

struct Search {
    std::string scenario;
    std::vector<std::string> base;  // --set, --days, --seed
    std::vector<io::StaffKnob> knobs;
    std::vector<Tier> tiers;
    std::vector<io::PlanTarget> targets;
    std::uint64_t seed = 1;

    [[nodiscard]] model::ScenarioSpec spec_at(const Candidate& c, int replication = -1) const {
        std::vector<std::string> o = base;
        o.insert(o.end(), c.overrides.begin(), c.overrides.end());
        if (replication >= 0)
            o.push_back("simulation.seed=" + std::to_string(seed + std::uint64_t(replication)));
        return io::load_scenario(scenario, o);
    }

    /// The candidate of `factor`, with the traffic equations' servers and utilisation.
    [[nodiscard]] Candidate at(const Factors& factor) const {
        Candidate c;
        c.factor = factor;
        c.overrides = io::staff_overrides(knobs, factor);
        const model::CompiledModel compiled = io::compile_scenario(spec_at(c));
        for (const model::QueueLoad& q : model::analyse_traffic(compiled).queues) {
            const auto t = static_cast<std::size_t>(q.tier);
            c.servers[t] += q.servers;
            c.utilisation[t] = std::max(c.utilisation[t], q.worst_utilisation);
        }
        return c;
    }
};

/// One replication's summary, and its costs a year and per closed ticket after the warm-up.
struct Replication {
    model::Summary summary;
    double yuan_per_year = 0.0;
    double yuan_per_closed = 0.0;
};

Replication simulate(const model::ScenarioSpec& spec, const std::atomic<bool>& stop) {
    const model::CompiledModel compiled = io::compile_scenario(spec);
    model::SummaryAccumulator accumulator(spec, compiled.org());
    model::RunHooks hooks;
    hooks.stop = &stop;
    hooks.on_records = [&](std::vector<model::TicketRecord>& tickets,
                           std::vector<model::EventRecord>& /*events*/) {
        for (const model::TicketRecord& r : tickets)
            accumulator.add(r);
    };
    hooks.on_open_tickets = [&](double end_h) {
        accumulator.censor_open_at(end_h);
    };
    model::Simulation simulation(compiled, false);
    const model::RunOutcome outcome = simulation.run(hooks);
    Replication r;
    r.summary = accumulator.finish(outcome.end_h);
    const model::CostTotals costs = model::cost_totals(
        model::cost_rows(
            model::CostBasis::of(spec, compiled.org()), outcome.series, outcome.adaptation),
        spec.warmup_days * 24.0);
    const double hours = costs.to_h - costs.from_h;
    r.yuan_per_year = hours > 0.0 ? costs.total_yuan / hours * 365.0 * 24.0 : 0.0;
    r.yuan_per_closed = costs.yuan_per_closed;
    return r;
}

/// Met by the interval: its whole 95% interval on the right side (with one replication, the
/// value itself).
bool met_by(const model::MeanInterval& mi, const io::PlanTarget& t) {
    const double edge = mi.n >= 2 ? (t.at_least ? mi.low : mi.high) : mi.mean;
    return std::isfinite(edge) && (t.at_least ? edge >= t.value : edge <= t.value);
}

bool met(const double v, const io::PlanTarget& t) {
    return std::isfinite(v) && (t.at_least ? v >= t.value : v <= t.value);
}

std::string factors_text(const Search& s, const Candidate& c) {
    std::string out;
    for (const Tier t : s.tiers) {
        const auto i = static_cast<std::size_t>(t);
        out += (out.empty() ? "" : ", ") + std::string(model::tier_names[i]) + " ×" +
               format_fixed(c.factor[i], 2) + " (" + std::to_string(std::llround(c.servers[i])) +
               " servers, " + format_fixed(100.0 * c.utilisation[i], 0) + "% busiest)";
    }
    return out;
}

std::string interval_text(const model::MeanInterval& mi) {
    if (!std::isfinite(mi.mean))
        return "-";
    std::string out = format_fixed(mi.mean, 4);
    if (mi.n >= 2 && std::isfinite(mi.high))
        out += " ± " + format_fixed(mi.high - mi.mean, 4);
    return out;
}

}  // namespace

PlanCommand::PlanCommand(CLI::App& app) {
    plan_ = app.add_subcommand(
        "plan",
        "find the smallest staffing per tier that meets targets, by the traffic equations and "
        "then by simulated replications");
    plan_->add_option("scenario", scenario_, "scenario file or embedded name")->required();
    plan_
        ->add_option("--target",
                     targets_,
                     "METRIC[@GROUP]>=VALUE or <=VALUE, e.g. "
                     "within_limit_share@channel:window>=0.95 (repeatable)")
        ->required();
    plan_
        ->add_option("--tier",
                     tiers_,
                     "a tier whose staff the plan sets (repeatable; default: "
                     "every tier with staff)")
        ->check(CLI::IsMember({"street", "district", "city", "province"}));
    plan_->add_option("--set", overrides_, "override a key (repeatable)");
    plan_->add_option("--replications", replications_, "runs per staffing (default 5)")
        ->check(CLI::Range(1, 1000));
    plan_->add_option("--days", days_, "simulated days (overrides simulation.days)");
    plan_->add_option("--seed", seed_, "seed of the first replication (then +1, +2, …)");
    plan_->add_option("--step", step_, "step of a tier's staff factor (default 0.1)")
        ->check(CLI::Range(0.01, 1.0));
    plan_
        ->add_option("--max-utilisation",
                     max_utilisation_,
                     "the busiest queue's utilisation below which the traffic equations' "
                     "staffing starts (default 0.95)")
        ->check(CLI::Range(0.05, 1.0));
    plan_->add_option("--max-rounds", max_rounds_, "simulated staffings at most (default 12)")
        ->check(CLI::Range(1, 1000));
    plan_->add_option("--threads", threads_, "worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    plan_->add_flag("--json", json_, "print the result as one JSON object on stdout");
    plan_->add_flag("-q,--quiet", quiet_, "no progress on stderr");
}

bool PlanCommand::chosen() const {
    return plan_->parsed();
}

int PlanCommand::run(const std::atomic<bool>& stop) const {
    Search s;
    s.scenario = scenario_;
    for (const std::string& text : targets_) {
        std::string error;
        auto t = io::parse_target(text, error);
        if (!t) {
            std::cerr << "tiersim: error: --target: " << error << '\n';
            return exit_usage;
        }
        s.targets.push_back(*t);
    }
    s.base = with_days_and_seed(overrides_, days_, seed_);
    const model::ScenarioSpec spec = io::load_scenario(scenario_, s.base);
    s.seed = spec.seed;
    for (std::size_t t = 0; t < model::tier_count; ++t) {
        const bool asked =
            std::find(tiers_.begin(), tiers_.end(), model::tier_names[t]) != tiers_.end();
        if (tiers_.empty() || asked)
            s.tiers.push_back(static_cast<Tier>(t));
    }
    s.knobs = io::staff_knobs(spec, s.tiers);
    std::erase_if(s.tiers, [&](Tier t) {
        return std::none_of(
            s.knobs.begin(), s.knobs.end(), [t](const auto& k) { return k.tier == t; });
    });
    if (s.knobs.empty()) {
        std::cerr << "tiersim: error: plan: no staff to plan at the tiers asked\n";
        return exit_usage;
    }
    // A target on a group the scenario lacks is a usage error before anything runs.
    {
        model::Summary probe;
        probe.by_type.resize(spec.ticket_types.size());
        for (std::size_t k = 0; k < spec.ticket_types.size(); ++k)
            probe.by_type[k].name = spec.ticket_types[k].name;
        for (std::size_t t = 0; t < model::tier_count; ++t)
            probe.by_tier[t].name = model::tier_names[t];
        for (std::size_t c = 0; c < model::channel_count; ++c)
            probe.by_channel[c].name = model::channel_names[c];
        for (const auto& t : s.targets) {
            if (t.group.rfind("province:", 0) == 0)
                continue;  // province names are known once the organisation is built
            try {
                (void)io::target_value(probe, t);
            } catch (const std::invalid_argument& e) {
                std::cerr << "tiersim: error: --target: " << e.what() << '\n';
                return exit_usage;
            }
        }
    }
    const auto threads = threads_ > 0 ? static_cast<std::size_t>(threads_)
                                      : static_cast<std::size_t>(tbb::info::default_concurrency());
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    auto progress = [&](const std::string& line) {
        if (!quiet_ && !json_)
            std::cerr << line << '\n';
    };

    // The traffic equations: each tier's smallest factor (a multiple of the step) with its
    // busiest queue below max_utilisation; a queue's load does not depend on the staff of
    // another tier, so each tier is found on its own.
    Factors factor;
    factor.fill(1.0);
    Candidate c = s.at(factor);
    for (const Tier t : s.tiers) {
        const auto i = static_cast<std::size_t>(t);
        auto fits = [&](const Candidate& x) {
            return x.utilisation[i] < max_utilisation_;
        };
        const double guess = c.utilisation[i] / max_utilisation_;
        factor[i] = std::max(step_, std::ceil(guess / step_) * step_);
        Candidate x = s.at(factor);
        while (!fits(x) && factor[i] < 100.0) {
            factor[i] += step_;
            x = s.at(factor);
        }
        while (factor[i] - step_ >= step_ - 1e-9) {
            Factors lower = factor;
            lower[i] -= step_;
            Candidate y = s.at(lower);
            if (!fits(y))
                break;
            factor = lower;
        }
    }
    c = s.at(factor);
    progress("plan: the traffic equations' staffing: " + factors_text(s, c));

    // Simulation: raise the tier with the busiest queue until every target is met.
    nlohmann::ordered_json rounds = nlohmann::ordered_json::array();
    std::vector<model::MeanInterval> first;  // the first round's targets
    bool found = false;
    int round = 0;
    for (; round < max_rounds_ && !stop.load(); ++round) {
        std::vector<std::vector<double>> values(s.targets.size());
        std::vector<double> per_year, per_closed;
        c.replications_meeting_all = 0;
        for (int r = 0; r < replications_ && !stop.load(); ++r) {
            const Replication rep = simulate(s.spec_at(c, r), stop);
            bool all = true;
            for (std::size_t k = 0; k < s.targets.size(); ++k) {
                const double v = io::target_value(rep.summary, s.targets[k]);
                values[k].push_back(v);
                all = all && met(v, s.targets[k]);
            }
            c.replications_meeting_all += all ? 1 : 0;
            per_year.push_back(rep.yuan_per_year);
            per_closed.push_back(rep.yuan_per_closed);
        }
        if (stop.load())
            break;
        c.targets.clear();
        c.met.clear();
        bool all = true;
        std::string line = "plan: round " + std::to_string(round + 1) + ": " + factors_text(s, c);
        for (std::size_t k = 0; k < s.targets.size(); ++k) {
            c.targets.push_back(model::mean_interval(values[k]));
            c.met.push_back(met_by(c.targets.back(), s.targets[k]));
            all = all && c.met.back();
            line += "; " + s.targets[k].text + ": " + interval_text(c.targets.back()) +
                    (c.met.back() ? " met" : " not met");
        }
        if (first.empty())
            first = c.targets;
        c.yuan_per_year = model::mean_interval(per_year).mean;
        c.yuan_per_closed = model::mean_interval(per_closed).mean;
        progress(line);
        nlohmann::ordered_json entry;
        for (const Tier t : s.tiers)
            entry["factor"][model::tier_names[static_cast<std::size_t>(t)]] =
                c.factor[static_cast<std::size_t>(t)];
        for (std::size_t k = 0; k < s.targets.size(); ++k)
            entry["targets"][s.targets[k].text] = {{"mean", c.targets[k].mean},
                                                   {"low", c.targets[k].low},
                                                   {"high", c.targets[k].high},
                                                   {"met", static_cast<bool>(c.met[k])}};
        rounds.push_back(entry);
        if (all) {
            found = true;
            break;
        }
        if (round + 1 == max_rounds_)
            break;  // c stays the last staffing tried
        // One step more at the tier whose busiest queue is the most loaded, until its staff
        // (rounded) change.
        Tier busiest = s.tiers.front();
        for (const Tier t : s.tiers) {
            if (c.utilisation[static_cast<std::size_t>(t)] >
                c.utilisation[static_cast<std::size_t>(busiest)])
                busiest = t;
        }
        Factors next = c.factor;
        const auto before = c.overrides;
        do {
            next[static_cast<std::size_t>(busiest)] += step_;
        } while (io::staff_overrides(s.knobs, next) == before);
        c = s.at(next);
    }
    if (stop.load()) {
        std::cerr << "tiersim: plan stopped\n";
        return exit_interrupted;
    }
    if (json_) {
        nlohmann::ordered_json out;
        out["scenario"] = spec.name;
        out["found"] = found;
        out["replications"] = replications_;
        out["rounds"] = rounds;
        out["overrides"] = c.overrides;
        out["yuan_per_year"] = c.yuan_per_year;
        out["yuan_per_closed"] = c.yuan_per_closed;
        out["replications_meeting_all"] = c.replications_meeting_all;
        std::cout << out.dump() << '\n';
        return found ? exit_ok : exit_not_met;
    }
    if (!found) {
        std::cout << "no staffing met every target within " << max_rounds_
                  << " rounds; the last tried: " << factors_text(s, c) << '\n';
        // A target that more staff hardly moves is held by delays, not by queues.
        for (std::size_t k = 0; k < s.targets.size() && !first.empty(); ++k) {
            if (c.met[k])
                continue;
            const double moved = std::abs(c.targets[k].mean - first[k].mean);
            const double noise = std::max(c.targets[k].high - c.targets[k].mean, 0.0);
            std::cout << "  " << s.targets[k].text << ": " << interval_text(first[k])
                      << " with the first staffing, " << interval_text(c.targets[k])
                      << " with the last"
                      << (moved <= 2.0 * noise
                              ? ": staff hardly move it, so what holds it is not waiting in "
                                "queues (delays such as handoffs, materials or travel; see "
                                "`tiersim check` and docs/model.md)"
                              : "")
                      << '\n';
        }
        return exit_not_met;
    }
    std::cout << "staffing found in round " << round + 1 << ": " << factors_text(s, c) << '\n';
    for (std::size_t k = 0; k < s.targets.size(); ++k)
        std::cout << "  " << s.targets[k].text << ": " << interval_text(c.targets[k])
                  << " (95% interval over " << replications_ << " replications)\n";
    std::cout << "  " << c.replications_meeting_all << " of " << replications_
              << " replications meet every target\n";
    std::cout << "cost: " << format_fixed(c.yuan_per_year / 1e6, 2) << " M yuan a year, "
              << format_fixed(c.yuan_per_closed, 1) << " yuan per closed ticket (/costs)\n";
    std::cout << "to run it:\n";
    for (const std::string& o : c.overrides)
        std::cout << "  --set " << o << '\n';
    return exit_ok;
}

}  // namespace tiersim::cli
