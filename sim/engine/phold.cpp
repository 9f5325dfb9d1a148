// SPDX-License-Identifier: MIT
// PHOLD on the engine's pieces (see phold.hpp).
//
// Event identity: the initial event k of LP l starts chain c = l × E + k; processing the
// event of generation s of a chain schedules its generation s + 1, so a chain holds exactly one
// pending event and (time, chain, generation) orders events totally. The draws of generation s
// are Philox block s of the stream (seed, chain): lane 0 decides remote or local, lane 1 picks
// the remote LP, lane 2 is the exponential delay. Nothing depends on the thread that processes
// an event or on the order in which LPs run.
//
// Windows: every new event is at least `lookahead` after the one that made it, so in a window
// [T, T + lookahead) an LP processes only events it held when the window began. LPs are grouped
// in fixed blocks of block_lps (independent of the thread count); a block's remote events go to
// an outbox per destination block, double-buffered by window parity, and the destination block
// takes them into its LPs' queues at the start of the next window. One parallel_for per window.
#include "tiersim/engine/phold.hpp"

#include "tiersim/engine/event_queue.hpp"
#include "tiersim/engine/random_stream.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tiersim::engine {

namespace {

constexpr std::int64_t block_lps = 16;
constexpr std::int64_t max_lps = std::int64_t{1} << 31;
constexpr std::int64_t max_events = std::int64_t{1} << 32;

std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

Tick to_ticks(double units) {
    return static_cast<Tick>(std::llround(units * phold_ticks_per_unit));
}

struct Lp {
    EventQueue queue;
    std::uint64_t hash = 0;
    std::uint64_t committed = 0;
    std::uint64_t remote = 0;
};

struct Message {
    Event event;
    std::uint32_t lp = 0;
};

class Phold {
public:
    explicit Phold(const PholdConfig& c)
        : config_(c),
          n_(c.lps),
          blocks_((c.lps + block_lps - 1) / block_lps),
          lookahead_(to_ticks(c.lookahead)),
          end_(to_ticks(c.end)),
          lps_(static_cast<std::size_t>(c.lps)),
          block_next_(static_cast<std::size_t>(blocks_), never) {
        for (auto& parity : outbox_)
            parity.resize(static_cast<std::size_t>(blocks_ * blocks_));
        const auto e = static_cast<std::uint64_t>(c.events_per_lp);
        for (std::int64_t l = 0; l < n_; ++l) {
            Lp& lp = lps_[static_cast<std::size_t>(l)];
            lp.queue.reserve(static_cast<std::size_t>(c.events_per_lp) * 2);
            for (std::uint64_t k = 0; k < e; ++k) {
                const std::uint64_t chain = static_cast<std::uint64_t>(l) * e + k;
                RandomStream rng(config_.seed, chain, 0);
                rng.next_u64();
                rng.next_u64();
                const Tick at = lookahead_ + delay_ticks(rng.uniform());
                if (at < end_)
                    lp.queue.push(Event{at, chain, 0, 0, 0, 0});
            }
        }
    }

    PholdResult run() {
        PholdResult result;
        const auto started = std::chrono::steady_clock::now();
        Tick next = never;
        for (const Lp& lp : lps_)
            next = std::min(next, lp.queue.next_time());
        unsigned parity = 0;
        while (next < end_) {
            const Tick window_end = std::min(end_, next + lookahead_);
            tbb::parallel_for(
                tbb::blocked_range<std::int64_t>(0, blocks_, 1),
                [&](const tbb::blocked_range<std::int64_t>& r) {
                    for (std::int64_t b = r.begin(); b != r.end(); ++b)
                        run_block(b, window_end, parity);
                },
                tbb::simple_partitioner());
            next = *std::min_element(block_next_.begin(), block_next_.end());
            parity ^= 1U;
            ++result.windows;
        }
        result.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::uint64_t checksum = 0;
        for (std::size_t l = 0; l < lps_.size(); ++l) {
            const Lp& lp = lps_[l];
            result.committed += lp.committed;
            result.remote += lp.remote;
            checksum = mix64(checksum ^ mix64(lp.hash + l));
        }
        result.checksum = checksum;
        return result;
    }

private:
    [[nodiscard]] Tick delay_ticks(double u) const {
        // Exp(mean) in ticks, rounded (x >= 0, so + 0.5 and truncation round half up).
        const double x = -config_.mean * std::log(u) * phold_ticks_per_unit;
        return static_cast<Tick>(x + 0.5);
    }

    std::vector<Message>& box(unsigned parity, std::int64_t from, std::int64_t to) {
        return outbox_[parity][static_cast<std::size_t>(from * blocks_ + to)];
    }

    void run_block(std::int64_t b, Tick window_end, unsigned parity) {
        // Remote events sent to this block in the previous window.
        for (std::int64_t from = 0; from < blocks_; ++from) {
            auto& in = box(parity ^ 1U, from, b);
            for (const Message& m : in)
                lps_[m.lp].queue.push(m.event);
            in.clear();
        }
        Tick next = never;
        const std::int64_t first = b * block_lps;
        const std::int64_t last = std::min(n_, first + block_lps);
        for (std::int64_t l = first; l < last; ++l) {
            Lp& lp = lps_[static_cast<std::size_t>(l)];
            if (l + 1 < last)
                lps_[static_cast<std::size_t>(l + 1)].queue.prefetch();  // hides its cache miss
            while (!lp.queue.empty() && lp.queue.top().time < window_end) {
                const Event e = lp.queue.top();
                ++lp.committed;
                lp.hash = mix64(lp.hash ^ mix64(static_cast<std::uint64_t>(e.time) ^
                                                mix64(e.entity + (std::uint64_t{e.seq} << 40))));
                RandomStream rng(config_.seed, e.entity, (std::uint64_t{e.seq} + 1) * 4);
                const double u_remote = rng.uniform();
                const std::uint64_t u_lp = rng.next_u64();
                const Tick at = e.time + lookahead_ + delay_ticks(rng.uniform());
                std::int64_t to = l;
                if (u_remote < config_.remote) {
                    // floor(u × N) with u uniform on [0, 1) in 53 bits: exact in doubles.
                    to = static_cast<std::int64_t>(static_cast<double>(u_lp >> 11) * 0x1p-53 *
                                                   static_cast<double>(n_));
                }
                if (to != l)
                    ++lp.remote;
                if (at >= end_) {
                    lp.queue.pop();
                    continue;  // never committed: the chain ends here
                }
                const Event child{at, e.entity, e.seq + 1, 0, 0, 0};
                if (to == l) {
                    lp.queue.replace_top(child);  // pop and push in one sift
                } else {
                    lp.queue.pop();
                    box(parity, b, to / block_lps)
                        .push_back(Message{child, static_cast<std::uint32_t>(to)});
                    next = std::min(next, at);
                }
            }
            next = std::min(next, lp.queue.next_time());
        }
        block_next_[static_cast<std::size_t>(b)] = next;
    }

    PholdConfig config_;
    std::int64_t n_;
    std::int64_t blocks_;
    Tick lookahead_;
    Tick end_;
    std::vector<Lp> lps_;
    std::vector<Tick> block_next_;
    std::array<std::vector<std::vector<Message>>, 2> outbox_;
};

}  // namespace

std::string phold_config_error(const PholdConfig& c) {
    std::ostringstream out;
    if (c.lps < 1 || c.lps > max_lps)
        out << "--lps must be in [1, " << max_lps << "], got " << c.lps;
    else if (c.events_per_lp < 1 || c.events_per_lp > max_events / c.lps)
        out << "--events-per-lp must be >= 1 with lps x events-per-lp <= " << max_events << ", got "
            << c.events_per_lp;
    else if (!(c.remote >= 0.0 && c.remote <= 1.0))
        out << "--remote must be a probability in [0, 1], got " << c.remote;
    else if (!(c.lookahead >= 1.0 / phold_ticks_per_unit && c.lookahead <= 1e9))
        out << "--lookahead must be in [1e-6, 1e9] time units, got " << c.lookahead;
    else if (!(c.mean >= 0.0 && c.mean <= 1e9))
        out << "--mean must be in [0, 1e9], got " << c.mean;
    else if (!(c.end > 0.0 && c.end <= 1e12))
        out << "--end must be in (0, 1e12], got " << c.end;
    return out.str();
}

PholdResult run_phold(const PholdConfig& config) {
    const std::string error = phold_config_error(config);
    if (!error.empty())
        throw std::invalid_argument(error);
    Phold phold(config);
    return phold.run();
}

}  // namespace tiersim::engine
