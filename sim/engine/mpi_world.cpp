// SPDX-License-Identifier: MIT
#include "tiersim/engine/mpi_world.hpp"

#include "tiersim/error.hpp"

#include <climits>
#include <cstdlib>
#include <cstring>

#if defined(TIERSIM_HAVE_MPI)
// The C API only: keep OpenMPI's and MPICH's deprecated C++ bindings out.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace tiersim::engine {

namespace {

#if defined(TIERSIM_HAVE_MPI)
/// Whether a launcher started this process as one rank of a job. Plain `tiersim run` does not
/// initialise MPI at all: an OpenMPI singleton would start a daemon for nothing.
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
        if (std::getenv(name) != nullptr)
            return true;
    }
    return false;
}

int to_int(std::size_t n, const char* what) {
    TIERSIM_CHECK(n <= static_cast<std::size_t>(INT_MAX), what);
    return static_cast<int>(n);
}

/// `element` bytes as one MPI datatype, so that counts are in elements (up to INT_MAX).
class ElementType {
public:
    explicit ElementType(std::size_t element) {
        MPI_Type_contiguous(to_int(element, "MPI element too large"), MPI_BYTE, &type_);
        MPI_Type_commit(&type_);
    }

    ~ElementType() { MPI_Type_free(&type_); }

    ElementType(const ElementType&) = delete;
    ElementType& operator=(const ElementType&) = delete;

    [[nodiscard]] MPI_Datatype get() const { return type_; }

private:
    MPI_Datatype type_{};
};
#endif

}  // namespace

MpiWorld::MpiWorld([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#if defined(TIERSIM_HAVE_MPI)
    if (!launched_by_mpi())
        return;
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    active_ = true;
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        active_ = false;
        throw InternalError("MPI does not provide MPI_THREAD_FUNNELED");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
}

MpiWorld::~MpiWorld() {
#if defined(TIERSIM_HAVE_MPI)
    if (active_) {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (finalized == 0)
            MPI_Finalize();
    }
#endif
}

MpiWorld MpiWorld::single() {
    return MpiWorld();
}

void MpiWorld::barrier() const {
#if defined(TIERSIM_HAVE_MPI)
    if (active_)
        MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void MpiWorld::broadcast([[maybe_unused]] std::string& value) const {
#if defined(TIERSIM_HAVE_MPI)
    if (size_ == 1)
        return;
    std::uint64_t n = value.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    value.resize(n);
    MPI_Bcast(value.data(), to_int(n, "broadcast too large"), MPI_CHAR, 0, MPI_COMM_WORLD);
#endif
}

void MpiWorld::broadcast([[maybe_unused]] std::vector<std::byte>& bytes) const {
#if defined(TIERSIM_HAVE_MPI)
    if (size_ == 1)
        return;
    std::uint64_t n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    bytes.resize(n);
    MPI_Bcast(bytes.data(), to_int(n, "broadcast too large"), MPI_BYTE, 0, MPI_COMM_WORLD);
#endif
}

std::int64_t MpiWorld::allreduce_min(std::int64_t value) const {
#if defined(TIERSIM_HAVE_MPI)
    if (size_ > 1)
        MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
#endif
    return value;
}

bool MpiWorld::allreduce_or(bool value) const {
#if defined(TIERSIM_HAVE_MPI)
    if (size_ > 1) {
        int v = value ? 1 : 0;
        MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
        return v != 0;
    }
#endif
    return value;
}

void MpiWorld::allreduce_sum([[maybe_unused]] std::span<std::int64_t> values) const {
#if defined(TIERSIM_HAVE_MPI)
    if (size_ > 1 && !values.empty()) {
        MPI_Allreduce(MPI_IN_PLACE,
                      values.data(),
                      to_int(values.size(), "allreduce too large"),
                      MPI_INT64_T,
                      MPI_SUM,
                      MPI_COMM_WORLD);
    }
#endif
}

void MpiWorld::abort(int code) const {
#if defined(TIERSIM_HAVE_MPI)
    if (active_)
        MPI_Abort(MPI_COMM_WORLD, code);
#endif
    std::exit(code);
}

std::size_t MpiWorld::gather_counts(std::size_t local, std::vector<std::size_t>& counts) const {
    counts.assign(static_cast<std::size_t>(size_), 0);
    if (size_ == 1) {
        counts[0] = local;
        return local;
    }
#if defined(TIERSIM_HAVE_MPI)
    std::uint64_t mine = local;
    std::vector<std::uint64_t> all(counts.size());
    MPI_Gather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank_ != 0) {
        counts.clear();
        return 0;
    }
    std::size_t total = 0;
    for (std::size_t r = 0; r < all.size(); ++r) {
        counts[r] = all[r];
        total += all[r];
    }
    return total;
#else
    return local;
#endif
}

void MpiWorld::gatherv_bytes(const void* local,
                             std::size_t count,
                             std::size_t element,
                             void* all,
                             [[maybe_unused]] const std::vector<std::size_t>& counts) const {
    if (size_ == 1) {
        if (count > 0)
            std::memcpy(all, local, count * element);
        return;
    }
#if defined(TIERSIM_HAVE_MPI)
    const ElementType type(element);
    std::vector<int> recv_counts, displacements;
    if (rank_ == 0) {
        std::size_t at = 0;
        for (std::size_t n : counts) {
            recv_counts.push_back(to_int(n, "gather too large"));
            displacements.push_back(to_int(at, "gather too large"));
            at += n;
        }
    }
    MPI_Gatherv(local,
                to_int(count, "gather too large"),
                type.get(),
                all,
                recv_counts.data(),
                displacements.data(),
                type.get(),
                0,
                MPI_COMM_WORLD);
#endif
}

void MpiWorld::allgather_bytes(const void* local,
                               std::size_t count,
                               std::size_t element,
                               void* all) const {
    if (size_ == 1) {
        if (count > 0)
            std::memcpy(all, local, count * element);
        return;
    }
#if defined(TIERSIM_HAVE_MPI)
    const ElementType type(element);
    const int n = to_int(count, "allgather too large");
    MPI_Allgather(local, n, type.get(), all, n, type.get(), MPI_COMM_WORLD);
#endif
}

void MpiWorld::check_parts(std::size_t parts) const {
    TIERSIM_CHECK(parts == static_cast<std::size_t>(size_), "alltoallv needs one part per rank");
}

std::vector<std::size_t> MpiWorld::exchange_counts(
    const std::vector<std::size_t>& send_counts) const {
    if (size_ == 1)
        return send_counts;
#if defined(TIERSIM_HAVE_MPI)
    std::vector<std::uint64_t> out(send_counts.begin(), send_counts.end());
    std::vector<std::uint64_t> in(out.size());
    MPI_Alltoall(out.data(), 1, MPI_UINT64_T, in.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    return {in.begin(), in.end()};
#else
    return send_counts;
#endif
}

void MpiWorld::alltoallv_bytes(const void* send,
                               const std::vector<std::size_t>& send_counts,
                               void* recv,
                               [[maybe_unused]] const std::vector<std::size_t>& recv_counts,
                               std::size_t element) const {
    if (size_ == 1) {
        if (send_counts[0] > 0)
            std::memcpy(recv, send, send_counts[0] * element);
        return;
    }
#if defined(TIERSIM_HAVE_MPI)
    const ElementType type(element);
    auto layout = [](const std::vector<std::size_t>& counts,
                     std::vector<int>& n,
                     std::vector<int>& displacements) {
        std::size_t at = 0;
        for (std::size_t c : counts) {
            n.push_back(to_int(c, "alltoallv too large"));
            displacements.push_back(to_int(at, "alltoallv too large"));
            at += c;
        }
    };
    std::vector<int> sn, sd, rn, rd;
    layout(send_counts, sn, sd);
    layout(recv_counts, rn, rd);
    MPI_Alltoallv(send,
                  sn.data(),
                  sd.data(),
                  type.get(),
                  recv,
                  rn.data(),
                  rd.data(),
                  type.get(),
                  MPI_COMM_WORLD);
#endif
}

}  // namespace tiersim::engine
