// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tiersim::serve {

/// The folder the workbench keeps everything in (docs/workbench.md): `scenarios/` for saved
/// overlays, `jobs/ID/` for each job's request, overlay and run files. No request names a path:
/// it names a job id, an arm and a replication, or an overlay name, each checked against a fixed
/// pattern, and every path built from them is checked to stay inside the root after links are
/// followed.
class Workspace {
public:
    /// Creates the folder and its subfolders when missing. @throws IoError
    explicit Workspace(const std::filesystem::path& root);

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }

    [[nodiscard]] std::filesystem::path jobs() const { return root_ / "jobs"; }

    [[nodiscard]] std::filesystem::path scenarios() const { return root_ / "scenarios"; }

    /// `relative` below the root, or nullopt when it would leave it (`..`, an absolute path, a
    /// link that points out).
    [[nodiscard]] std::optional<std::filesystem::path> inside(
        const std::filesystem::path& relative) const;

    /// "j000001": ids are a letter and six digits, nothing else is a job.
    [[nodiscard]] static bool is_job_id(std::string_view id);
    /// An overlay name: 1–64 letters, digits, '-' and '_'.
    [[nodiscard]] static bool is_overlay_name(std::string_view name);

private:
    std::filesystem::path root_;  ///< canonical
};

/// A whole file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);
/// Writes `text` to a temporary beside `path`, then renames it over `path`: a reader sees the
/// old file or the new one, never half. @throws IoError
void write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace tiersim::serve
