// SPDX-License-Identifier: MIT
// libFuzzer target on the scenario loader and the `--set` parser (docs/testing.md).
//
// The input is split at NUL bytes: the first piece is the text of a scenario file, each further
// piece one `--set KEY=VALUE` override (a command-line argument cannot hold a NUL, so none is
// lost). The file is written into a private folder in which include/ and data/ lead to
// scenarios/invalid/include and scenarios/data, so that the seeds' `base =` and divisions.dir
// resolve as they do in the source tree, and loaded with io::load_scenario: `base =`
// inheritance, the overrides and the whole validation against the schema.
//
// The loader must either return a scenario or throw ScenarioError with at least one diagnostic
// whose text has the FILE:LINE:COL: error: form; any other exception, a crash, undefined
// behaviour or a leak is a finding. A scenario it returns must load again from its own resolved
// text (what /provenance records) to the same resolved text.
#include "tiersim/error.hpp"
#include "tiersim/io/scenario_loader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

[[noreturn]] void finding(const std::string& what) {
    std::fprintf(stderr, "scenario_fuzz: %s\n", what.c_str());
    std::abort();
}

/// This process's folder (one per process, so that -jobs/-workers do not share files).
class Workspace {
public:
    Workspace() {
        // In memory where there is a tmpfs: ext4 writes a truncated file back on close.
        std::error_code shm_ec;
        const fs::path root =
            fs::is_directory("/dev/shm", shm_ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string pattern = (root / "tiersim_fuzz_XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            finding("cannot create a temporary folder");
        dir_ = pattern;
        const fs::path scenarios(TIERSIM_SOURCE_SCENARIOS);
        std::error_code ec;
        fs::create_directory_symlink(scenarios / "invalid" / "include", dir_ / "include", ec);
        fs::create_directory_symlink(scenarios / "data", dir_ / "data", ec);
        scenario_ = (dir_ / "fuzz.toml").string();
        resolved_ = (dir_ / "resolved.toml").string();
    }

    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    ~Workspace() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    [[nodiscard]] const std::string& scenario() const { return scenario_; }

    [[nodiscard]] const std::string& resolved() const { return resolved_; }

    static void write(const std::string& path, std::string_view text) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out)
            finding("cannot write " + path);
    }

private:
    fs::path dir_;
    std::string scenario_;
    std::string resolved_;
};

Workspace& workspace() {
    static Workspace w;
    return w;
}

void check_diagnostics(const tiersim::ScenarioError& e) {
    if (e.diagnostics().empty())
        finding("ScenarioError without a diagnostic");
    for (const auto& d : e.diagnostics()) {
        if (d.where.file.empty() || d.str().find(": error: ") == std::string::npos)
            finding("a diagnostic without FILE: ...: error:: " + d.str());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t end = input.find('\0');
    Workspace::write(workspace().scenario(), input.substr(0, end));
    std::vector<std::string> overrides;
    while (end != std::string_view::npos) {
        const std::size_t start = end + 1;
        end = input.find('\0', start);
        overrides.emplace_back(
            input.substr(start, end == std::string_view::npos ? end : end - start));
    }

    std::string resolved;
    try {
        resolved = tiersim::io::load_scenario(workspace().scenario(), overrides).resolved_toml;
    } catch (const tiersim::ScenarioError& e) {
        check_diagnostics(e);
        return 0;
    } catch (const std::exception& e) {
        finding(std::string("the loader threw something other than ScenarioError: ") + e.what());
    } catch (...) {
        finding("the loader threw something other than an exception");
    }

    // The resolved text reproduces the scenario.
    Workspace::write(workspace().resolved(), resolved);
    try {
        const auto again = tiersim::io::load_scenario(workspace().resolved()).resolved_toml;
        if (again != resolved)
            finding("the resolved text loads to another resolved text:\n" + resolved +
                    "\n---- then ----\n" + again);
    } catch (const tiersim::ScenarioError& e) {
        finding("the resolved text does not load again: " + e.diagnostics().front().str() +
                "\n---- resolved text ----\n" + resolved);
    } catch (const std::exception& e) {
        finding(std::string("loading the resolved text threw: ") + e.what());
    }
    return 0;
}
