// SPDX-License-Identifier: MIT
#include "child_process.hpp"

#include "tiersim/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tiersim::serve {

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::filesystem::path& stdout_file) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw IoError(std::string("cannot create a pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, STDOUT_FILENO, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));  // posix_spawn does not write them
    args.push_back(nullptr);
    const int error = posix_spawn(&pid_, args.front(), &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        throw IoError("cannot start " + argv.front() + ": " + std::strerror(error));
    }
    stderr_fd_ = fds[0];
}

ChildProcess::~ChildProcess() {
    if (!waited_) {
        terminate();
        wait();
    }
    if (stderr_fd_ >= 0)
        close(stderr_fd_);
}

void ChildProcess::read_stderr(const std::function<void(const std::string&)>& on_line) {
    std::string pending;
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(stderr_fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (std::size_t eol; (eol = pending.find('\n', start)) != std::string::npos;
             start = eol + 1)
            on_line(pending.substr(start, eol - start));
        pending.erase(0, start);
    }
    if (!pending.empty())
        on_line(pending);
}

void ChildProcess::terminate() const {
    if (pid_ > 0 && !waited_)
        kill(pid_, SIGTERM);
}

int ChildProcess::wait() {
    if (waited_)
        return code_;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    waited_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
}

std::filesystem::path self_executable() {
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw IoError("cannot find the running binary (/proc/self/exe): " + ec.message());
    return path;
}

}  // namespace tiersim::serve
