// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace tiersim::engine {

/// A thin wrapper over MPI_COMM_WORLD (the C API), with a one-process fallback.
///
/// Built with TIERSIM_HAVE_MPI and started by a launcher (mpirun/mpiexec: its environment names
/// the rank), the constructor calls MPI_Init_thread(MPI_THREAD_FUNNELED) and the destructor
/// MPI_Finalize. Otherwise, and when started plainly (`tiersim run`: no MPI_Init, so no
/// singleton daemon and no MPI at all), the world has size 1 and rank 0, and every collective
/// is the identity. Only the thread that made the world may call its members (FUNNELED).
///
/// Every collective must be called by every rank, in the same order; the vectors' element
/// types must be trivially copyable (they travel as bytes, so all ranks must share one ABI).
/// Errors inside MPI abort the job (MPI's default handler).
class MpiWorld {
public:
    MpiWorld(int& argc, char**& argv);
    ~MpiWorld();
    MpiWorld(const MpiWorld&) = delete;
    MpiWorld& operator=(const MpiWorld&) = delete;

    /// A world of size 1 that never touches MPI (for tests and library users).
    static MpiWorld single();

    [[nodiscard]] int rank() const { return rank_; }

    [[nodiscard]] int size() const { return size_; }

    [[nodiscard]] bool is_root() const { return rank_ == 0; }

    /// Whether MPI was initialised (false for the fallback, even when built with MPI).
    [[nodiscard]] bool active() const { return active_; }

    void barrier() const;
    /// Rank 0's value replaces everyone's.
    void broadcast(std::string& value) const;
    void broadcast(std::vector<std::byte>& bytes) const;
    [[nodiscard]] std::int64_t allreduce_min(std::int64_t value) const;
    [[nodiscard]] bool allreduce_or(bool value) const;
    /// Element-wise sum over ranks, in place (every rank passes the same length).
    void allreduce_sum(std::span<std::int64_t> values) const;
    /// Ends every rank of the job with `code` (MPI_Abort); std::exit(code) without MPI.
    [[noreturn]] void abort(int code) const;

    /// Concatenates every rank's `local` on rank 0, in rank order; the other ranks get an empty
    /// vector.
    template <class T>
    [[nodiscard]] std::vector<T> gatherv(const std::vector<T>& local) const {
        static_assert(std::is_trivially_copyable_v<T>);
        if (size_ == 1)
            return local;
        std::vector<std::size_t> counts;
        const std::size_t total = gather_counts(local.size(), counts);
        std::vector<T> all(total);
        gatherv_bytes(local.data(), local.size(), sizeof(T), all.data(), counts);
        return all;
    }

    /// Every rank's `local` (the same length on every rank), concatenated in rank order, on
    /// every rank.
    template <class T>
    [[nodiscard]] std::vector<T> allgather(const std::vector<T>& local) const {
        static_assert(std::is_trivially_copyable_v<T>);
        if (size_ == 1)
            return local;
        std::vector<T> all(local.size() * static_cast<std::size_t>(size_));
        allgather_bytes(local.data(), local.size(), sizeof(T), all.data());
        return all;
    }

    /// Personalised all-to-all: `send[r]` goes to rank r; returns, by source rank, what each
    /// rank sent here (the rank's own part is copied).
    template <class T>
    [[nodiscard]] std::vector<std::vector<T>> alltoallv(
        const std::vector<std::vector<T>>& send) const {
        check_parts(send.size());
        std::vector<std::size_t> send_counts(send.size());
        for (std::size_t r = 0; r < send.size(); ++r)
            send_counts[r] = send[r].size();
        return alltoallv(send, exchange_counts(send_counts));
    }

    /// The same when every rank already knows how many elements each rank sends it
    /// (`recv_counts[r]` from rank r), which saves exchanging the counts.
    template <class T>
    [[nodiscard]] std::vector<std::vector<T>> alltoallv(
        const std::vector<std::vector<T>>& send,
        const std::vector<std::size_t>& recv_counts) const {
        static_assert(std::is_trivially_copyable_v<T>);
        check_parts(send.size());
        check_parts(recv_counts.size());
        std::vector<std::size_t> send_counts(send.size());
        std::vector<T> flat;
        for (std::size_t r = 0; r < send.size(); ++r) {
            send_counts[r] = send[r].size();
            flat.insert(flat.end(), send[r].begin(), send[r].end());
        }
        std::size_t total = 0;
        for (std::size_t n : recv_counts)
            total += n;
        std::vector<T> received(total);
        alltoallv_bytes(flat.data(), send_counts, received.data(), recv_counts, sizeof(T));
        std::vector<std::vector<T>> recv(recv_counts.size());
        std::size_t at = 0;
        for (std::size_t r = 0; r < recv.size(); ++r) {
            const auto first = received.begin() + static_cast<std::ptrdiff_t>(at);
            recv[r].assign(first, first + static_cast<std::ptrdiff_t>(recv_counts[r]));
            at += recv_counts[r];
        }
        return recv;
    }

private:
    MpiWorld() = default;

    std::size_t gather_counts(std::size_t local, std::vector<std::size_t>& counts) const;
    void gatherv_bytes(const void* local,
                       std::size_t count,
                       std::size_t element,
                       void* all,
                       const std::vector<std::size_t>& counts) const;
    void allgather_bytes(const void* local,
                         std::size_t count,
                         std::size_t element,
                         void* all) const;
    void check_parts(std::size_t parts) const;
    [[nodiscard]] std::vector<std::size_t> exchange_counts(
        const std::vector<std::size_t>& send_counts) const;
    void alltoallv_bytes(const void* send,
                         const std::vector<std::size_t>& send_counts,
                         void* recv,
                         const std::vector<std::size_t>& recv_counts,
                         std::size_t element) const;

    int rank_ = 0;
    int size_ = 1;
    bool active_ = false;
};

}  // namespace tiersim::engine
