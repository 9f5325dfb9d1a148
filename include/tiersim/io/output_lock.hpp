// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>

/// An advisory lock on an output path for the whole of a run or a sweep, so that a second
/// tiersim writing the same OUT is refused at its start, before it touches OUT, OUT.partial or
/// OUT.parts of the first (which would otherwise lose both runs).
namespace tiersim::io {

/// Holds `flock` on "OUT.lock" (created beside OUT, holding the owner's process id) and
/// removes it when released. The kernel drops the lock when the process dies, SIGKILL
/// included, so a stale lock file never blocks a later run.
class OutputLock {
public:
    /// @throws IoError naming the process that holds the lock, or why it cannot be taken
    explicit OutputLock(const std::filesystem::path& output);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return lock_path_; }

private:
    std::filesystem::path lock_path_;
    int fd_ = -1;
};

}  // namespace tiersim::io
