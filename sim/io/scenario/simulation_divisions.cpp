// SPDX-License-Identifier: MIT
// The top level, [simulation] and [divisions].
#include "io/scenario/builder.hpp"

#include <filesystem>
#include <limits>

namespace tiersim::io::detail {

namespace {

constexpr double max_synthetic_units = 1e6;  // a unit tree that memory holds with ease

constexpr std::array<std::string_view, 4> csv_files = {
    "provinces.csv", "cities.csv", "areas.csv", "streets.csv"};

}  // namespace

void Builder::read_top(const toml::table& root) {
    check_keys(root, "");
    std::string description;
    read_string(root, "", "description", description);
    if (const toml::node* base = root.get("base")) {
        // The loader consumes `base`; one left here came from somewhere it should not.
        error_at(*base, "base", "base: inheritance is resolved before validation; remove it");
    }
}

void Builder::read_simulation(const toml::table& root) {
    const toml::table& t = table_or_empty(&root, "", "simulation");
    const std::string path = "simulation";
    check_keys(t, path);
    const bool days_ok = read_number(t, path, "days", spec_.days) || t.get("days") == nullptr;
    const bool warmup_set = t.get("warmup_days") != nullptr;
    const bool warmup_ok = read_number(t, path, "warmup_days", spec_.warmup_days) || !warmup_set;
    auto seed = static_cast<std::int64_t>(spec_.seed);
    read_int(t, path, "seed", seed);
    spec_.seed = static_cast<std::uint64_t>(seed);
    read_number(t, path, "bucket_hours", spec_.bucket_hours);
    read_bool(t, path, "street_summary", spec_.street_summary);
    read_int(t, path, "start_month", spec_.start_month);
    // The warm-up must leave part of the run to measure, whether it is set or defaulted.
    if (days_ok && warmup_ok && spec_.warmup_days >= spec_.days) {
        if (warmup_set) {
            error("simulation.warmup_days",
                  "simulation.warmup_days: expected a number >= 0 and < simulation.days (" +
                      number_text(spec_.days) + "), got " + number_text(spec_.warmup_days));
        } else {
            error("simulation.days",
                  "simulation.days: expected more than the warm-up, simulation.warmup_days (" +
                      number_text(spec_.warmup_days) + " by default), got " +
                      number_text(spec_.days) + "; set simulation.warmup_days below it");
        }
    }
}

void Builder::read_divisions(const toml::table& root) {
    auto& d = spec_.divisions;
    const toml::table& t = table_or_empty(&root, "", "divisions");
    const std::string path = "divisions";
    check_keys(t, path);
    if (int s = read_choice(t, path, "source"); s >= 0)
        d.source = static_cast<model::DivisionsSpec::Source>(s);
    read_int(t, path, "provinces", d.provinces);
    read_int(t, path, "cities_per_province", d.cities_per_province);
    read_int(t, path, "districts_per_city", d.districts_per_city);
    read_int(t, path, "streets_per_district", d.streets_per_district);
    read_number(t, path, "population_per_street", d.population_per_street);
    if (d.source == model::DivisionsSpec::Source::synthetic) {
        // Each factor is in range; their product must be too (China has about 45,000 units).
        const double units =
            d.provinces *
            (1.0 + d.cities_per_province *
                       (1.0 + d.districts_per_city *
                                  (1.0 + static_cast<double>(d.streets_per_district))));
        if (units > max_synthetic_units) {
            error("divisions.streets_per_district",
                  "divisions: the synthetic tree would have " + number_text(units) +
                      " units (provinces × cities_per_province × districts_per_city × "
                      "streets_per_district, with their parents), more than " +
                      number_text(max_synthetic_units) + "; make one of them smaller");
        }
    }

    std::string dir;
    const bool dir_set = read_string(t, path, "dir", dir);
    const std::filesystem::path resolved = data_path("divisions.dir", dir_set, dir);
    d.dir = resolved.string();
    divisions_dir_ = d.dir;
    if (d.source == model::DivisionsSpec::Source::csv) {
        std::error_code ec;
        if (!std::filesystem::is_directory(d.dir, ec)) {
            error("divisions.dir", "divisions.dir: folder '" + d.dir + "' does not exist");
        } else {
            for (auto file : csv_files) {
                if (!std::filesystem::is_regular_file(resolved / file, ec)) {
                    error("divisions.dir",
                          "divisions.dir: folder '" + d.dir + "' has no " + std::string(file));
                }
            }
        }
    }

    read_population(t);

    if (const toml::node* n = t.get("include")) {
        const std::string key = "divisions.include";
        const auto* arr = n->as_array();
        if (arr == nullptr) {
            expected(*n, key, "an array of province codes (strings or integers)");
            return;
        }
        for (const toml::node& e : *arr) {
            if (const auto* s = e.as_string()) {
                d.include.push_back(s->get());
            } else if (const auto* i = e.as_integer()) {
                d.include.push_back(std::to_string(i->get()));
            } else {
                expected(e, key, "province codes (strings or integers)");
            }
        }
    }
}

std::filesystem::path Builder::data_path(const std::string& key,
                                         bool set,
                                         const std::string& value) const {
    // Relative to the folder of the file that set it (the scenario's own folder when
    // defaulted; the working directory for --set).
    std::filesystem::path folder;
    const std::string file = set ? spec_.where(key).file : merged_.file;
    if (auto it = merged_.folders.find(file); it != merged_.folders.end())
        folder = it->second;
    if (folder.empty())
        folder = std::filesystem::current_path();
    std::filesystem::path resolved(value);
    if (resolved.is_relative())
        resolved = folder / resolved;
    return resolved.lexically_normal();
}

void Builder::read_population(const toml::table& t) {
    auto& d = spec_.divisions;
    if (int s = read_choice(t, "divisions", "population_share"); s >= 0)
        d.population_share = static_cast<model::DivisionsSpec::Share>(s);
    const toml::node* n = t.get("population_files");
    if (n == nullptr)
        return;
    const std::string key = "divisions.population_files";
    const auto* arr = n->as_array();
    if (arr == nullptr) {
        expected(*n, key, "an array of file paths (strings)");
        return;
    }
    if (d.source != model::DivisionsSpec::Source::csv && !arr->empty()) {
        error_at(*n,
                 key,
                 key +
                     ": needs divisions.source = \"csv\" (synthetic units have no division "
                     "codes to look up); set divisions.population_per_street instead");
        return;
    }
    for (const toml::node& e : *arr) {
        const auto* s = e.as_string();
        if (s == nullptr || s->get().empty()) {
            expected(e, key, "file paths (non-empty strings)");
            continue;
        }
        const std::filesystem::path file = data_path(key, true, s->get());
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) {
            error_at(e, key, key + ": no file '" + file.string() + "'");
            continue;
        }
        d.population_files.push_back(file.string());
    }
}

}  // namespace tiersim::io::detail
