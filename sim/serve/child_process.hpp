// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tiersim::serve {

/// One child process of the workbench: a `tiersim run` of a job. Its standard output goes to a
/// file, its standard error comes back line by line. It runs in a process group of its own, so
/// that a Ctrl-C meant for the server reaches it only through the server (which cancels).
class ChildProcess {
public:
    /// Starts `argv[0]` with `argv`. @throws IoError when it cannot start
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Calls `on_line` with each line of standard error until the child closes it.
    void read_stderr(const std::function<void(const std::string&)>& on_line);
    /// Asks the child to stop (SIGTERM: a run stops at its next window and writes its file).
    void terminate() const;
    /// Waits for the child; returns its exit code, or 128 + the signal that ended it.
    int wait();

private:
    pid_t pid_ = -1;
    int stderr_fd_ = -1;
    bool waited_ = false;
    int code_ = 0;
};

/// The running binary's own path (/proc/self/exe), which the jobs start again.
std::filesystem::path self_executable();

}  // namespace tiersim::serve
