// SPDX-License-Identifier: MIT
#include "tiersim/io/checkpoint.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/text_format.hpp"

#include <charconv>
#include <system_error>

namespace tiersim::io {

namespace {

constexpr const char* group = "/checkpoint";
constexpr const char* format = "tiersim checkpoint 1";

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
    SourceLocation where;
    where.file = "<command line>";
    Diagnostic d;
    d.where = std::move(where);
    d.key = "--from";
    d.message = "--from: '" + path.string() + "' " + why +
                " (tiersim run --checkpoint FILE --checkpoint-day D writes one)";
    throw ScenarioError(std::move(d));
}

}  // namespace

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
    std::filesystem::path partial = path;
    partial += ".partial";
    try {
        Hdf5File file = Hdf5File::create(partial);
        file.create_group(group);
        file.set_attribute(group, "format", std::string(format));
        file.set_attribute(group, "tiersim_version", c.tiersim_version);
        file.set_attribute(group, "scenario_name", c.scenario_name);
        file.set_attribute(group, "scenario_toml", c.scenario_toml);
        file.set_attribute(group, "seed", static_cast<std::int64_t>(c.seed));
        file.set_attribute(group, "day", c.day);
        file.set_attribute(group, "state_digest", digest_text(c.state_digest));
        file.set_attribute(group, "created_utc", c.created_utc);
        file.close();
        std::filesystem::rename(partial, path);
    } catch (const std::filesystem::filesystem_error& e) {
        throw IoError("cannot write the checkpoint " + path.string() + ": " + e.what());
    } catch (const IoError& e) {
        std::error_code ec;
        std::filesystem::remove(partial, ec);
        throw IoError("cannot write the checkpoint " + path.string() + ": " + e.what());
    }
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        refuse(path, "is not a file");
    Checkpoint c;
    std::string digest;
    try {
        if (read_string_attribute(path, group, "format") != format)
            refuse(path, "is a checkpoint of another format than '" + std::string(format) + "'");
        c.tiersim_version = read_string_attribute(path, group, "tiersim_version");
        c.scenario_name = read_string_attribute(path, group, "scenario_name");
        c.scenario_toml = read_string_attribute(path, group, "scenario_toml");
        c.seed = static_cast<std::uint64_t>(read_int_attribute(path, group, "seed"));
        c.day = read_double_attribute(path, group, "day");
        digest = read_string_attribute(path, group, "state_digest");
        c.created_utc = read_string_attribute(path, group, "created_utc");
    } catch (const IoError&) {
        refuse(path, "is not a tiersim checkpoint (no readable /checkpoint group)");
    }
    const auto [end, error] =
        std::from_chars(digest.data(), digest.data() + digest.size(), c.state_digest, 16);
    if (error != std::errc{} || end != digest.data() + digest.size() || digest.size() != 16)
        refuse(path, "has a state_digest that is not 16 hexadecimal digits");
    return c;
}

}  // namespace tiersim::io
