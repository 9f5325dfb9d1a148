// SPDX-License-Identifier: MIT
#include "tiersim/io/output_lock.hpp"

#include "tiersim/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tiersim::io {

namespace {

std::string read_owner(int fd) {
    char text[32] = {};
    const ssize_t n = pread(fd, text, sizeof text - 1, 0);
    std::string owner(text, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' '))
        owner.pop_back();
    return owner;
}

}  // namespace

OutputLock::OutputLock(const std::filesystem::path& output)
    : lock_path_(output.string() + ".lock") {
    // The holder removes the lock file before it lets go: a file opened just before that
    // removal is locked in vain, so after locking, check that the path still names it.
    for (;;) {
        const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            throw IoError("cannot lock " + output.string() + ": cannot create " +
                          lock_path_.string() + ": " + std::strerror(errno));
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            const std::string owner = read_owner(fd);
            ::close(fd);
            if (error == EWOULDBLOCK) {
                throw IoError(output.string() + " is being written by another tiersim" +
                              (owner.empty() ? std::string() : " (process " + owner + ")") +
                              "; wait for it to finish or choose another -o");
            }
            throw IoError("cannot lock " + lock_path_.string() + ": " + std::strerror(error));
        }

        struct stat held {};

        struct stat named {};

        if (::fstat(fd, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
            fd_ = fd;
            break;
        }
        ::close(fd);  // removed by its last holder meanwhile: take the new one
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the process id; only the message of a refused run is poorer.
    }
}

OutputLock::~OutputLock() {
    if (fd_ >= 0) {
        ::unlink(lock_path_.c_str());  // while still held: see the constructor
        ::close(fd_);
    }
}

}  // namespace tiersim::io
