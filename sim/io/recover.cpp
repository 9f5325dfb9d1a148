// SPDX-License-Identifier: MIT
#include "tiersim/io/recover.hpp"

#include "tiersim/error.hpp"
#include "tiersim/io/hdf5_file.hpp"
#include "tiersim/io/utc_time.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace tiersim::io {

namespace {

/// Copies a trace group and cuts its columns to the rows they all have (the last chunks of
/// some columns may not have reached the disk). Returns those rows.
std::size_t copy_trace(Hdf5File& out,
                       const std::filesystem::path& partial,
                       const std::string& group) {
    const std::vector<std::string> columns = list_datasets(partial, "/" + group);
    if (columns.empty())
        return 0;
    std::size_t rows = std::numeric_limits<std::size_t>::max();
    for (const std::string& c : columns)
        rows = std::min(rows, column_size(partial, "/" + group + "/" + c));
    out.copy_from(partial, "/" + group, "/" + group);
    for (const std::string& c : columns)
        out.resize_column("/" + group + "/" + c, rows);
    return rows;
}

}  // namespace

Recovered recover_partial(const std::filesystem::path& partial, const std::filesystem::path& out) {
    const std::vector<std::string> groups = list_groups(partial, "/");
    const auto has = [&groups](const char* name) {
        return std::find(groups.begin(), groups.end(), name) != groups.end();
    };
    if (!has("provenance") || !has("units")) {
        throw IoError(partial.string() +
                      " is not the partial file of a tiersim run (it has no /provenance or "
                      "/units; only files of this version or later can be recovered)");
    }
    std::filesystem::path writing = out;
    writing += ".partial";
    Recovered recovered;
    try {
        Hdf5File file = Hdf5File::create(writing);
        file.copy_from(partial, "/units", "/units");
        if (has("ticket_types"))
            file.copy_from(partial, "/ticket_types", "/ticket_types");
        if (has("tickets"))
            recovered.tickets = copy_trace(file, partial, "tickets");
        if (has("events"))
            recovered.events = copy_trace(file, partial, "events");
        if (has("unit_series"))
            recovered.unit_rows = copy_trace(file, partial, "unit_series");
        file.copy_from(partial, "/provenance", "/provenance");
        file.set_attribute("/provenance", "interrupted", std::int64_t{1});
        file.set_attribute("/provenance", "recovered", std::int64_t{1});
        file.set_attribute("/provenance", "recovered_from", partial.string());
        file.set_attribute("/provenance", "recovered_utc", utc_now());
        file.close();
        std::filesystem::rename(writing, out);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(writing, ec);
        throw;
    }
    return recovered;
}

}  // namespace tiersim::io
