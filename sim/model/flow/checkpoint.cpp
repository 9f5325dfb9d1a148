// SPDX-License-Identifier: MIT
// The state digest of a checkpoint (tiersim run --checkpoint, --from): a 64-bit hash of the
// run's state at the start of a day — every open ticket, every queue's servers and FIFOs, the
// events due within the day, the arrival streams, the series and per-unit counts, the reform
// step, the servers that rules moved and the priorities they raised. A branch that replays the
// checkpoint's scenario must reach the same digest there (RunHooks::expected_digest), or it stops:
// its "present" would not be the one the checkpoint recorded (another tiersim version, other
// division files).
//
// The digest is the same for any thread count, rank count or scheduler, as the output is: what
// an LP holds is hashed as a multiset (a sum of element hashes), never by slot or heap
// position, which depend on the order messages were delivered in; counts that the ranks split
// between them (a unit's closings) are hashed linearly, so partial sums add up; the sums are
// taken over the ranks.
#include "tiersim/text_format.hpp"

#include "ticket_flow.hpp"

namespace tiersim::model::flow {

namespace digest_detail {

/// splitmix64's finaliser: a bijection that spreads every input bit over the output.
inline constexpr std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31U);
}

/// A hash of a sequence of values, in order.
struct Sequence {
    std::uint64_t h = 0x6a09e667f3bcc908ULL;

    template <typename... T>
    void add(T... values) {
        ((h = mix(h ^ static_cast<std::uint64_t>(values))), ...);
    }
};

inline std::uint64_t ticket_hash(const Ticket& t) {
    Sequence s;
    s.add(t.id, t.draws, t.parent, t.created, t.responded, t.intake_started, t.chase_at);
    s.add(t.materials_ready, t.abandoned_at, t.work, t.type, t.origin, t.home, t.intake, t.unit);
    for (const std::int64_t c : t.cost)
        s.add(c);
    s.add(t.step, t.pending, t.hops, t.handoffs, t.returns, t.escalations, t.visits);
    s.add(t.materials_requested, t.reworks, t.withheld, t.requesting, t.rehandles, t.flags);
    s.add(static_cast<int>(t.channel), static_cast<int>(t.cross), static_cast<int>(t.phase));
    return s.h;
}

inline std::uint64_t event_hash(const Event& e) {
    Sequence s;
    s.add(e.time, e.entity, e.kind, e.aux, e.lp);
    return s.h;
}

}  // namespace digest_detail

using digest_detail::mix;
using digest_detail::Sequence;

/// This rank's part of the digest at `t`: the sum of its LPs' multiset hashes.
inline std::uint64_t TicketFlow::local_digest(Tick t) const {
    std::uint64_t sum = 0;
    const std::size_t buckets_due = std::min(bucket_count, bucket_index(t) + 1);
    for (std::size_t i = part.begin; i < part.end; ++i) {
        const LpState& lp = lp_states[i];
        for (const Ticket& ticket : lp.tickets) {
            if (ticket.id != free_id)
                sum += digest_detail::ticket_hash(ticket);
        }
        // Streams by their id: a branch that opens a channel has more of them (variants that
        // the checkpoint's scenario never uses), which have not yet produced a ticket.
        for (std::size_t g = 0; g < lp.generators.size(); ++g) {
            const Generator& gen = lp.generators[g];
            if (gen.count == 0)
                continue;
            Sequence s;
            s.add(model.arrivals()[i][g].id, gen.count, gen.draws, gen.epoch);
            sum += s.h;
        }
        for (const auto& [id, slot] : lp.join_waiting)
            sum += mix(id ^ mix(lp.tickets[slot].id));
        for (const auto& [id, cost] : lp.join_early) {
            Sequence s;
            s.add(id, cost[0], cost[cost_kind_count - 1]);
            sum += s.h;
        }
        // The counts of hotline tickets by day that demand feedback reads.
        Sequence series;
        series.add(i);
        const std::size_t days_due = static_cast<std::size_t>(t / engine::ticks_per_day) + 1;
        for (std::size_t d = 0; d < days_due && d < lp.hotline_days.size(); ++d)
            series.add(lp.hotline_days[d][0], lp.hotline_days[d][1]);
        for (const std::int64_t w : lp.waiting_now.v)
            series.add(w);
        sum += series.h;
    }
    // Queues: servers, those busy, and who waits where, in their order.
    for (std::uint32_t k = 0; k < stations.size(); ++k) {
        const std::size_t lp_index = lp_of_station(k);
        if (lp_index < part.begin || lp_index >= part.end)
            continue;
        const Station& st = stations[k];
        const auto& tickets = lp_states[lp_index].tickets;
        Sequence s;
        s.add(k, st.servers, st.busy, st.calendar, st.nonempty);
        auto add_fifo = [&](const Fifo& f) {
            s.add(f.count);
            for (std::uint32_t j = 0; j < f.count; ++j) {
                const std::uint64_t entry = f.ring[(f.head + j) % f.ring.size()];
                s.add(tickets[entry & 0xffffffffU].id, entry >> 32U);
            }
        };
        add_fifo(st.level0);
        if (st.raised)
            for (const Fifo& f : *st.raised)
                add_fifo(f);
        sum += s.h;
    }
    // The events of the day to come. Later ones depend on the run's length, which a branch
    // may change: an event at or after the end is never scheduled (and does not count in its
    // ticket's seq, which is left out). Pending arrivals are left out: they were drawn ahead
    // through the rates of the steps to come, which a branch changes (arrivals.cpp); their
    // streams' draws hold what was drawn.
    const Tick horizon = t + engine::ticks_per_day;
    queues.for_each_pending([&](const Event& e) {
        if (e.lp >= part.begin && e.lp < part.end && e.kind != kind_generate && e.time < horizon)
            sum += digest_detail::event_hash(e);
    });
    sum += series_digest(buckets_due);
    // A unit's closings of the period, split over the ranks whose LPs closed them.
    for (std::size_t u = 0; u < adapt.unit_counts.size(); ++u) {
        for (std::size_t k = 0; k < unit_counter_count; ++k)
            sum += static_cast<std::uint64_t>(adapt.unit_counts[u][k]) * mix(u * 64 + k);
    }
    return sum;
}

/// The series counts of the buckets before `buckets_due` (a longer branch has more buckets, all
/// zero), by bucket, province, tier and field, hashed linearly: the same whether an LP still
/// holds a bucket or has folded it into the rank's sums (fold_series). Snapshots are left out:
/// which ones are taken by a barrier depends on the scheduler's windows.
inline std::uint64_t TicketFlow::series_digest(std::size_t buckets_due) const {
    const auto provinces = static_cast<std::size_t>(org.province_count());
    auto weight = [&](std::size_t b, std::size_t p, std::size_t k) {
        return mix(((b * provinces + p) * tier_count * series_fields + k) |
                   (std::uint64_t{1} << 62U));
    };
    auto counted = [](std::size_t k) {
        const std::size_t field = k % series_fields;
        return field != f_queue && field != f_busy && field != f_open;
    };
    std::uint64_t sum = 0;
    for (std::size_t b = 0; b < buckets_due; ++b) {
        for (std::size_t p = 0; p < provinces; ++p) {
            const std::int64_t* f = &folded[(b * provinces + p) * tier_count * series_fields];
            for (std::size_t k = 0; k < tier_count * series_fields; ++k) {
                if (f[k] != 0 && counted(k))
                    sum += static_cast<std::uint64_t>(f[k]) * weight(b, p, k);
            }
        }
    }
    std::vector<std::int64_t> f(tier_count * series_fields);
    auto add = [&](const BucketCounts& counts, std::size_t b, std::size_t p) {
        std::fill(f.begin(), f.end(), 0);
        add_bucket(f.data(), counts, nullptr);
        for (std::size_t k = 0; k < f.size(); ++k) {
            if (f[k] != 0 && counted(k))
                sum += static_cast<std::uint64_t>(f[k]) * weight(b, p, k);
        }
    };
    for (std::size_t i = part.begin; i < part.end; ++i) {
        const LpState& lp = lp_states[i];
        for (std::size_t j = 0; j < lp.counts.size() && lp.first_bucket + j < buckets_due; ++j)
            add(lp.counts[j], lp.first_bucket + j, province_of_lp[i]);
        for (const auto& [b, counts] : lp.late) {
            if (b < buckets_due)
                add(counts, b, province_of_lp[i]);
        }
    }
    return sum;
}

/// The whole digest (collective): this rank's part summed over the ranks, and the state every
/// rank shares.
inline std::uint64_t TicketFlow::state_digest(Tick t) const {
    std::uint64_t sum = local_digest(t);
    if (world != nullptr && ranks > 1) {
        // allreduce_sum adds int64s: the halves, so that no sum overflows.
        std::array<std::int64_t, 2> halves{static_cast<std::int64_t>(sum & 0xffffffffU),
                                           static_cast<std::int64_t>(sum >> 32U)};
        world->allreduce_sum(std::span<std::int64_t>(halves));
        sum =
            static_cast<std::uint64_t>(halves[0]) + (static_cast<std::uint64_t>(halves[1]) << 32U);
    }
    Sequence shared;
    shared.add(sum, t, step_index, adapt.period_start);  // records: rank 0 keeps them
    for (const double f : demand_factor)
        shared.add(std::bit_cast<std::uint64_t>(f));
    std::uint64_t moved = 0;
    for (const auto& [station, servers] : adapt.extra_servers)
        moved += mix(station ^ mix(static_cast<std::uint64_t>(servers)));
    shared.add(moved);
    for (const std::uint8_t level : adapt.type_level)
        shared.add(level);
    return shared.h;
}

/// At the checkpoint's barrier, before anything else happens there: the digest into the
/// outcome, and a branch that reached another state stops (on every rank alike).
inline void TicketFlow::digest_at_checkpoint(Tick t) {
    digest = state_digest(t);
    if (hooks.expected_digest && *hooks.expected_digest != *digest && !overloaded.load()) {
        overload_text = "on day " + format_fixed(to_hours(t) / 24.0, 1) +
                        ", the state differs from the checkpoint's (digest " +
                        digest_text(*digest) + ", the checkpoint has " +
                        digest_text(*hooks.expected_digest) +
                        "): this run does not start from the present the checkpoint recorded "
                        "(another tiersim version, or other division or population files); "
                        "write the checkpoint again with this build";
        overloaded.store(true);
    }
}

}  // namespace tiersim::model::flow
