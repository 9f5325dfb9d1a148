// SPDX-License-Identifier: MIT
// The hand-written reference of bench/mmc and bench/tandem (issue 14): the same queues as a
// single-purpose program would write them, to measure how far tiersim is from the limit. A
// binary heap of events, std::mt19937_64, exponential times, FIFO queues, nothing else: no
// tiers, calendars, records or output. benchmarks/run.py times it beside tiersim.
//
//   tiersim_reference mmc N SEED      M/M/4, λ = 3.2/h, mean service 1 h (ρ 0.8)
//   tiersim_reference tandem N SEED   4 stations at ρ 0.8: 4 × 2 h, 2 × 1 h, 2 × 1 h, then a
//                                     1-h transfer and 1 × 0.5 h; λ = 1.6/h
// Prints {"tickets": N, "mean_sojourn_h": …, "events": …}.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <random>
#include <string_view>
#include <vector>

namespace {

struct Station {
    Station(int servers_, double mean_h_, double transfer_h_)
        : servers(servers_),
          mean_h(mean_h_),
          transfer_h(transfer_h_) {}

    int servers;
    double mean_h;
    double transfer_h;  ///< delay before the next station
    int busy = 0;
    std::deque<std::int64_t> waiting;
};

struct Event {
    double t;
    int station;  ///< ≥ 0: a service end there; -1: an arrival; ≤ -2: reaches -2 - station
    std::int64_t ticket;

    bool operator>(const Event& o) const { return t > o.t; }
};

}  // namespace

int main(int argc, char** argv) {
    const std::string_view model = argc == 4 ? argv[1] : "";
    if (model != "mmc" && model != "tandem") {
        std::fprintf(stderr, "usage: tiersim_reference mmc|tandem TICKETS SEED\n");
        return 2;
    }
    const bool mmc = model == "mmc";
    const std::int64_t tickets = std::atoll(argv[2]);
    std::vector<Station> stations =
        mmc ? std::vector<Station>{{4, 1.0, 0.0}}
            : std::vector<Station>{{4, 2.0, 0.0}, {2, 1.0, 0.0}, {2, 1.0, 1.0}, {1, 0.5, 0.0}};
    const double rate = mmc ? 3.2 : 1.6;
    std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));
    auto draw = [&rng](double mean) {
        return std::exponential_distribution<double>(1.0 / mean)(rng);
    };
    std::vector<double> born(static_cast<std::size_t>(tickets));
    std::priority_queue<Event, std::vector<Event>, std::greater<>> heap;
    heap.push({draw(1.0 / rate), -1, 0});
    double sojourn = 0.0;
    std::int64_t events = 0;
    auto enter = [&](int k, std::int64_t ticket, double now) {
        Station& s = stations[static_cast<std::size_t>(k)];
        if (s.busy < s.servers) {
            ++s.busy;
            heap.push({now + draw(s.mean_h), k, ticket});
        } else {
            s.waiting.push_back(ticket);
        }
    };
    while (!heap.empty()) {
        const Event e = heap.top();
        heap.pop();
        ++events;
        if (e.station <= -2) {  // the end of a transfer
            enter(-2 - e.station, e.ticket, e.t);
            continue;
        }
        if (e.station == -1) {  // an arrival, and the next one
            born[static_cast<std::size_t>(e.ticket)] = e.t;
            if (e.ticket + 1 < tickets)
                heap.push({e.t + draw(1.0 / rate), -1, e.ticket + 1});
            enter(0, e.ticket, e.t);
            continue;
        }
        Station& s = stations[static_cast<std::size_t>(e.station)];
        if (s.waiting.empty()) {
            --s.busy;
        } else {
            heap.push({e.t + draw(s.mean_h), e.station, s.waiting.front()});
            s.waiting.pop_front();
        }
        const int next = e.station + 1;
        if (next == static_cast<int>(stations.size()))
            sojourn += e.t - born[static_cast<std::size_t>(e.ticket)];
        else if (s.transfer_h > 0.0)  // the transfer: the ticket reaches the next station later
            heap.push({e.t + s.transfer_h, -2 - next, e.ticket});
        else
            enter(next, e.ticket, e.t);
    }
    std::printf("{\"tickets\": %lld, \"mean_sojourn_h\": %.6f, \"events\": %lld}\n",
                static_cast<long long>(tickets),
                sojourn / static_cast<double>(tickets),
                static_cast<long long>(events));
    return 0;
}
