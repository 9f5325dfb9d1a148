// SPDX-License-Identifier: MIT
#include "support/test_support.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace tiersim::test {

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

namespace {

/// Runs tiersim; with a signal, sends it once `ready()` holds (polled every 10 ms) if the
/// process is still running then.
CommandResult run_with(const std::vector<std::string>& args,
                       const std::function<bool()>& ready,
                       int signal) {
    const TempDir dir;
    const auto out_path = dir.path() / "stdout";
    const auto err_path = dir.path() / "stderr";
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        std::string exe = TIERSIM_BINARY;
        argv.push_back(exe.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        if (freopen(out_path.c_str(), "w", stdout) == nullptr)
            _exit(127);
        if (freopen(err_path.c_str(), "w", stderr) == nullptr)
            _exit(127);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    if (signal != 0) {
        bool exited = false;
        while (!exited && !ready()) {
            usleep(10'000);
            exited = waitpid(pid, &status, WNOHANG) == pid;
        }
        if (!exited) {
            kill(pid, signal);
            waitpid(pid, &status, 0);
        }
    } else {
        waitpid(pid, &status, 0);
    }
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

}  // namespace

CommandResult run_tiersim(const std::vector<std::string>& args) {
    return run_with(args, {}, 0);
}

CommandResult run_tiersim_interrupted(const std::vector<std::string>& args,
                                      double delay_s,
                                      int signal) {
    const auto start = std::chrono::steady_clock::now();
    return run_with(
        args,
        [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                       .count() >= delay_s;
        },
        signal);
}

CommandResult run_tiersim_interrupted_when(const std::vector<std::string>& args,
                                           const std::function<bool()>& ready,
                                           int signal) {
    return run_with(args, ready, signal);
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("tiersim-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::filesystem::path source_path(const std::string& relative) {
    return std::filesystem::path(TIERSIM_SOURCE_DIR) / relative;
}

std::map<std::string, std::vector<unsigned char>> fingerprint(const std::filesystem::path& file) {
    std::map<std::string, std::vector<unsigned char>> out;
    std::vector<std::string> groups = {"/"};
    while (!groups.empty()) {
        const std::string group = groups.back();
        groups.pop_back();
        const std::string prefix = group == "/" ? "/" : group + "/";
        for (const auto& name : tiersim::io::list_groups(file, group)) {
            if (prefix + name != "/provenance")
                groups.push_back(prefix + name);
        }
        for (const auto& name : tiersim::io::list_datasets(file, group)) {
            out[prefix + name] = tiersim::io::read_raw_column(file, prefix + name);
        }
        for (const auto& name : tiersim::io::list_attributes(file, group)) {
            std::string v;
            try {
                const double d = tiersim::io::read_double_attribute(file, group, name);
                v.assign(reinterpret_cast<const char*>(&d), sizeof d);
            } catch (const tiersim::IoError&) {
                v = tiersim::io::read_string_attribute(file, group, name);
            }
            out[prefix + "@" + name] = std::vector<unsigned char>(v.begin(), v.end());
        }
    }
    return out;
}

}  // namespace tiersim::test
