// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

/// Helpers shared by the test layers.
namespace tiersim::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// Runs the built `tiersim` binary with the given arguments (no shell quoting needed).
CommandResult run_tiersim(const std::vector<std::string>& args);

/// Runs `tiersim` and sends it `signal` after `delay_s` seconds (if it is still running).
CommandResult run_tiersim_interrupted(const std::vector<std::string>& args,
                                      double delay_s,
                                      int signal);

/// Runs `tiersim` and sends it `signal` as soon as `ready()` holds (polled every 10 ms), if it
/// is still running then: e.g. once a given file exists.
CommandResult run_tiersim_interrupted_when(const std::vector<std::string>& args,
                                           const std::function<bool()>& ready,
                                           int signal);

/// A fresh directory under the system temp folder, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    /// Writes `text` to a file in the directory and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};

/// Every dataset's raw bytes and every attribute outside /provenance of a run file, by path
/// ("/tickets/id", "/summary@closed"): equal maps are the determinism contract's "the same".
std::map<std::string, std::vector<unsigned char>> fingerprint(const std::filesystem::path& file);

/// The project's source folder and a file in it.
std::filesystem::path source_path(const std::string& relative);

}  // namespace tiersim::test
