// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/error.hpp"
#include "tiersim/io/scenario_schema.hpp"

#include "io/scenario_builder.hpp"

#include <toml++/toml.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// Private to scenario/*.cpp: the builder that validates a merged scenario table section by
/// section (one file each) and fills a ScenarioSpec. Every check records a Diagnostic and
/// carries on, so that one run of `tiersim check` lists every problem; the collected diagnostics
/// are thrown together at the end. Keys, types, ranges, choices and defaults come from the
/// schema table (tiersim/io/scenario_schema.hpp); the cross-key rules are written out here.
namespace tiersim::io::detail {

using Names = std::span<const std::string_view>;

inline constexpr double share_tolerance = 1e-9;  // |sum of shares - 1| allowed

// ---- text helpers (builder.cpp) ----

std::string join(const std::string& path, std::string_view key);
std::string number_text(double v);
std::string in_quotes(std::string_view s);
std::string in_single_quotes(std::string_view s);
std::string list_text(Names names, std::string (*quote)(std::string_view));
std::string value_text(const toml::node& n);
/// "string \"two\"" for a value of the wrong type.
std::string typed_text(const toml::node& n);
/// The best candidate for a misspelt name: edit distance <= 2 (less for short names), or a
/// prefix either way.
std::optional<std::string> suggest(std::string_view key, Names candidates);
int index_of(Names names, std::string_view name);

class Builder {
public:
    explicit Builder(const MergedScenario& merged)
        : merged_(merged) {}

    model::ScenarioSpec build();

private:
    const MergedScenario& merged_;
    model::ScenarioSpec spec_;
    std::vector<Diagnostic> diags_;
    std::vector<std::string> calendar_names_;  // index = spec_.calendars index
    std::vector<std::string_view> calendar_views_;
    std::vector<std::string_view> department_views_;
    std::string divisions_dir_;  // absolute; written back into resolved_toml
    /// Staff keys that a later layer's other form replaced: left out of resolved_toml, whose
    /// single text would otherwise set one queue's staff twice.
    std::vector<std::string> superseded_;

    // Locations (builder.cpp).
    bool is_overridden(const std::string& key) const;
    void record_locations(const toml::table& t,
                          const std::string& prefix,
                          const SourceLocation& parent);
    SourceLocation location(const toml::node& n, const std::string& key) const;
    /// Where a key was written (its name, not its value), or the --set it came from.
    SourceLocation key_location(const toml::key& k,
                                const toml::node& v,
                                const std::string& key) const;
    /// Whether `k`, the NAME of a [SECTION.NAME] table, is a name: not empty and not only
    /// blanks. Reports one that is not, at the key; `what` is "a ticket type" and the like.
    bool check_name(const toml::key& k,
                    const toml::node& v,
                    std::string_view section,
                    std::string_view what);

    // Diagnostics.
    void error(const std::string& key, std::string message) {
        diags_.push_back({spec_.where(key), key, std::move(message)});
    }

    void error_at(const toml::node& n, const std::string& key, std::string message) {
        SourceLocation where = location(n, key);
        if (where.file.empty())
            where = spec_.where(key);
        diags_.push_back({std::move(where), key, std::move(message)});
    }

    void expected(const toml::node& n, const std::string& key, std::string_view what) {
        error_at(n, key, key + ": expected " + std::string(what) + ", got " + typed_text(n));
    }

    // Readers of the schema's simple keys (builder.cpp). A key missing from a top-level table
    // takes the schema's default; under provinces.NAME it keeps `out` (the top-level value).
    // Each returns whether `out` was set from a valid value in the table (false when missing).
    static const schema::Key& key_of(const std::string& key);
    void check_keys(const toml::table& t, const std::string& path);
    const toml::table* table(const toml::table& parent,
                             const std::string& path,
                             std::string_view key);
    /// The table, or an empty one when it is missing or not a table (reported), so that its
    /// keys take their defaults.
    const toml::table& table_or_empty(const toml::table* parent,
                                      const std::string& path,
                                      std::string_view key);
    bool read_number(const toml::table& t,
                     const std::string& path,
                     std::string_view key,
                     double& out);
    template <typename Int>
    bool read_int(const toml::table& t, const std::string& path, std::string_view key, Int& out);
    bool read_bool(const toml::table& t, const std::string& path, std::string_view key, bool& out);
    bool read_string(const toml::table& t,
                     const std::string& path,
                     std::string_view key,
                     std::string& out);
    /// The index of the value among the key's choices, the default's when missing, or -1.
    int read_choice(const toml::table& t, const std::string& path, std::string_view key);
    /// The index of the calendar named, the default's when missing, or -1.
    int read_calendar(const toml::table& t, const std::string& path, std::string_view key);
    int department_index(const toml::node& n, const std::string& key, std::string_view name);
    /// The same, reported at `where` (a table's key that names a department).
    int department_index_at(SourceLocation where, const std::string& key, std::string_view name);

    // Sections, in dependency order, one file each.
    void read_top(const toml::table& root);              // simulation_divisions.cpp
    void read_simulation(const toml::table& root);       // simulation_divisions.cpp
    void read_divisions(const toml::table& root);        // simulation_divisions.cpp
    void read_population(const toml::table& divisions);  // simulation_divisions.cpp
    /// A data path (divisions.dir, population files) made absolute: relative to the folder of
    /// the file that set `key`, or of the scenario when `set` is false.
    std::filesystem::path data_path(const std::string& key,
                                    bool set,
                                    const std::string& value) const;
    void read_calendars(const toml::table& root);  // calendars_departments.cpp
    void read_calendar_spec(const toml::table& t, const std::string& path, model::CalendarSpec& c);
    void read_departments(const toml::table& root);   // calendars_departments.cpp
    void read_tiers(const toml::table& root);         // tiers_channels.cpp
    void read_channels(const toml::table& root);      // tiers_channels.cpp
    void read_ticket_types(const toml::table& root);  // ticket_types.cpp
    void read_ticket_type(const toml::table& t, const std::string& path, model::TicketTypeSpec& tt);
    template <std::size_t N>
    bool read_profile(const toml::table& t,
                      const std::string& path,
                      std::string_view key,
                      std::array<double, N>& out);
    void read_dist(const toml::table& t,
                   const std::string& path,
                   std::string_view key,
                   model::DistSpec& out);
    void read_levers(const toml::table& root);  // levers_provinces.cpp
    void read_lever_keys(const toml::table& t,
                         const std::string& prefix,
                         bool only_levers,
                         model::Levers& out);
    void read_sharing_pairs(const toml::table& inst,
                            const std::string& path,
                            model::Levers& out);     // levers_provinces.cpp
    void read_provinces(const toml::table& root);    // levers_provinces.cpp
    void read_staff_overrides(const toml::table& t,  // staff_overrides.cpp
                              const std::string& path,
                              const std::string& scope,
                              bool unit,
                              std::size_t tier);
    void read_units(const toml::table& root);           // staff_overrides.cpp
    void read_citizens(const toml::table& root);        // citizens_cross_province.cpp
    void read_cross_province(const toml::table& root);  // citizens_cross_province.cpp
    void read_grid(const toml::table& root);            // grid.cpp
    void read_adaptation(const toml::table& root);      // adaptation.cpp
    void read_instructions(const toml::table& adaptation);
    void read_costs(const toml::table& root);    // adaptation.cpp
    void check_department_staff();               // tiers_channels.cpp
    int layer_of(const std::string& key) const;  // tiers_channels
    bool set_twice(const std::string& a, const std::string& b) const;
    void supersede(const std::string& a, const std::string& b);
    bool later_than(const std::string& a, const std::string& b) const;
    std::string resolved_toml() const;  // builder.cpp
};

}  // namespace tiersim::io::detail
