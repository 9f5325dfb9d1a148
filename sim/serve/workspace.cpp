// SPDX-License-Identifier: MIT
#include "workspace.hpp"

#include "tiersim/error.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace tiersim::serve {

namespace fs = std::filesystem;

Workspace::Workspace(const fs::path& root) {
    std::error_code ec;
    fs::create_directories(root / "jobs", ec);
    if (!ec)
        fs::create_directories(root / "scenarios", ec);
    if (ec)
        throw IoError("cannot create the workspace " + root.string() + ": " + ec.message());
    root_ = fs::canonical(root, ec);
    if (ec)
        throw IoError("cannot open the workspace " + root.string() + ": " + ec.message());
}

std::optional<fs::path> Workspace::inside(const fs::path& relative) const {
    if (relative.empty() || relative.is_absolute() || relative.has_root_name())
        return std::nullopt;
    for (const auto& part : relative)
        if (part == "..")
            return std::nullopt;
    std::error_code ec;
    // Follows every link that exists on the way; what does not exist yet stays as written.
    const fs::path resolved = fs::weakly_canonical(root_ / relative, ec);
    if (ec)
        return std::nullopt;
    const auto [root_end, ignored] =
        std::mismatch(root_.begin(), root_.end(), resolved.begin(), resolved.end());
    if (root_end != root_.end())
        return std::nullopt;
    return resolved;
}

bool Workspace::is_job_id(std::string_view id) {
    return id.size() == 7 && id.front() == 'j' &&
           std::all_of(id.begin() + 1, id.end(), [](char c) { return std::isdigit(c) != 0; });
}

bool Workspace::is_overlay_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw IoError("cannot write " + temporary.string());
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec)
        throw IoError("cannot rename " + temporary.string() + ": " + ec.message());
}

}  // namespace tiersim::serve
