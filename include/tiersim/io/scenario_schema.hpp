// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The scenario schema in one table: every key a scenario file may hold, defined once with its
/// type, default, unit, range or allowed values and documentation. The loader takes its known
/// keys, ranges and defaults from it, `tiersim schema` prints it, and the key reference in
/// scenarios/README.md is generated from it (scripts/update-schema-docs).
///
/// Paths are dotted; an upper-case segment is a placeholder: NAME (a name the scenario chooses:
/// a ticket type, calendar, department or province), TIER (street, district, city, province),
/// CHANNEL (window, hotline, online, grid), DIST (one of a ticket type's distribution tables:
/// intake, service, followup), DEPT (a department), FROM and TO (provinces). A key marked
/// per_province may also be set as `provinces.NAME.<its path>`.
namespace tiersim::io::schema {

using Names = std::span<const std::string_view>;

enum class Type : std::uint8_t {
    string,
    number,
    integer,
    boolean,
    choice,           ///< a string out of Choices::values
    calendar,         ///< the name of a calendar (a string)
    array,            ///< an array; the documentation says of what
    table,            ///< a table of the keys below it (or of names the scenario chooses)
    distribution,     ///< a distribution table (ticket_types.NAME.DIST.*)
    number_or_table,  ///< a number, or a table of numbers by the keys below it
    choice_or_table,  ///< a choice, or a table of shares by the choices
};

/// The values a choice accepts and how diagnostics name one ("a tier").
struct Choices {
    std::string_view noun;
    Names values;
};

// The value lists, in the order of their enums (index = model::Tier, Channel, Design, Route,
// Handling, CrossMode - 1, DistKind, DivisionsSpec::Source, DivisionsSpec::Share; weekdays from
// Monday).
inline constexpr std::array<std::string_view, 4> tier_values = {
    "street", "district", "city", "province"};
inline constexpr std::array<std::string_view, 4> channel_values = {
    "window", "hotline", "online", "grid"};
inline constexpr std::array<std::string_view, 3> design_values = {
    "fragmented", "joint_review", "approval_bureau"};
inline constexpr std::array<std::string_view, 2> route_values = {"dispatch", "upward"};
inline constexpr std::array<std::string_view, 2> handling_values = {"design", "parallel"};
inline constexpr std::array<std::string_view, 4> cross_mode_values = {
    "online", "proxy", "joint", "trip_home"};
inline constexpr std::array<std::string_view, 5> distribution_values = {
    "exponential", "deterministic", "lognormal", "gamma", "uniform"};
inline constexpr std::array<std::string_view, 2> source_values = {"synthetic", "csv"};
inline constexpr std::array<std::string_view, 2> share_values = {"even", "streets"};
inline constexpr std::array<std::string_view, 2> team_source_values = {"pool", "departments"};
inline constexpr std::array<std::string_view, 7> weekday_values = {
    "mon", "tue", "wed", "thu", "fri", "sat", "sun"};

inline constexpr Choices tiers{"a tier", tier_values};
inline constexpr Choices channels{"a channel", channel_values};
inline constexpr Choices designs{"a design", design_values};
inline constexpr Choices routes{"a route", route_values};
inline constexpr Choices handlings{"a handling", handling_values};
inline constexpr Choices cross_modes{"a cross-province mode", cross_mode_values};
inline constexpr Choices distributions{"a distribution", distribution_values};
inline constexpr Choices sources{"a source", source_values};
inline constexpr Choices population_shares{"a sharing rule", share_values};
inline constexpr Choices weekdays{"a weekday name", weekday_values};
inline constexpr Choices team_sources{"a source", team_source_values};

/// The numbers a number key accepts.
struct NumberRange {
    double min;
    double max;
    bool min_exclusive;
    bool max_exclusive;
    std::string_view expected;  ///< as diagnostics say it: "a number > 0"
    std::string_view doc;       ///< as the key reference says it: "> 0"

    /// NaN never passes; infinity passes only a range whose upper end is infinity itself.
    [[nodiscard]] bool contains(double v) const;
};

enum class Default : std::uint8_t {
    none,          ///< left out means absent (a label, a followup table)
    value,         ///< default_value is the value
    per_instance,  ///< default_value is an inline table by the last fixed placeholder's value
    required,      ///< must be given
    derived,       ///< follows from other keys; default_doc says how
};

/// Flags of a key (bits of Key::flags).
enum Flag : unsigned {
    per_province = 1U << 0U,  ///< a lever that [provinces.NAME] may set for one province
    changeable = 1U << 1U,    ///< may be changed during a run (a reform timeline)
    detail = 1U << 2U,        ///< a sub-key that its parent's row documents (no row of its own)
};

inline constexpr std::int64_t int_unbounded = std::numeric_limits<int>::max();

struct Key {
    std::string_view path{};
    Type type = Type::table;
    std::string_view unit{};               ///< "hours", "days", "residents", … or empty
    const NumberRange* range = nullptr;    ///< number, number_or_table, and array elements
    std::int64_t min = 0;                  ///< integer
    std::int64_t max = int_unbounded;      ///< integer
    const Choices* choices = nullptr;      ///< choice, choice_or_table, array of names
    Default default_kind = Default::none;  ///<
    std::string_view default_value{};      ///< TOML value text, see Default
    std::string_view default_doc{};  ///< the reference's default where it is not default_value
    std::string_view doc{};          ///< one line of documentation (Markdown)
    unsigned flags = 0;              ///< Flag bits
    std::string_view shape{};  ///< the reference's unit column where unit and range don't say it

    [[nodiscard]] bool has(Flag f) const { return (flags & f) != 0; }
};

/// Every key, in the order of the key reference (and of the "expected …" lists of diagnostics).
[[nodiscard]] std::span<const Key> keys();

/// The entry of a concrete dotted path ("ticket_types.h1.rate", "provinces.P2.strategy.rehandle",
/// "tiers.city.staff.housing"), or null when it is not a key of the schema.
[[nodiscard]] const Key* find(std::string_view path);

/// The keys a table at a concrete path may hold, in schema order; std::nullopt when it holds
/// names the scenario chooses (ticket_types, departments, tiers.TIER.staff, …). The root is "".
/// Under provinces.NAME only the per_province keys count.
[[nodiscard]] std::optional<std::vector<std::string_view>> known_keys(std::string_view path);

/// The section a key belongs to in the key reference: "top", "simulation", …, "distribution".
[[nodiscard]] std::string_view section_of(const Key& key);

/// The seed paper's group of a lever (a per_province key): "strategy", "technology",
/// "organisation" (the organization section and a tier's design and staff) or "institution";
/// empty for a key that is not a lever. The workbench groups its controls by it.
[[nodiscard]] std::string_view lever_group(const Key& key);

/// The sections of the key reference, in order ("provinces" lists the levers of a province).
[[nodiscard]] Names sections();

/// The reference's texts of a key: its unit column and its default column (Markdown).
[[nodiscard]] std::string shape_text(const Key& key);
[[nodiscard]] std::string default_text(const Key& key);

/// The default of a concrete key as TOML value text (a per_instance key's for its placeholder
/// value), or std::nullopt: none, required, derived, not a key, or under provinces.NAME, whose
/// keys default to the top-level ones.
[[nodiscard]] std::optional<std::string> default_of(std::string_view path);

/// A per_instance key's defaults: (placeholder value, TOML value text), in placeholder order.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> instance_defaults(const Key& key);

/// The whole table as a JSON array of key objects.
[[nodiscard]] std::string to_json();
/// A readable list: one key a line with its type, default and unit, then its documentation.
[[nodiscard]] std::string to_text();
/// The key reference of scenarios/README.md: one block per section, each between
/// `<!-- schema:begin SECTION -->` and `<!-- schema:end -->`.
[[nodiscard]] std::string to_markdown();

}  // namespace tiersim::io::schema
