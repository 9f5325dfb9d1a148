// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/model/division_tables.hpp"
#include "tiersim/model/scenario_spec.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// The unit tree (province → city → district → street) and the inter-provincial links,
/// held in a Boost.Graph graph and flattened into arrays for the simulation's hot path.
namespace tiersim::model {

using UnitId = std::int32_t;
inline constexpr UnitId no_unit = -1;

struct Unit {
    Tier tier = Tier::street;
    UnitId parent = no_unit;
    UnitId province = no_unit;  ///< the province unit above (itself for a province)
    std::int64_t code = 0;      ///< division code, or 0 for synthetic units
    std::string name;           ///< UTF-8
    double population = 0.0;    ///< residents served (sum over the streets below)
    std::int32_t lp = 0;        ///< logical process that owns the unit
};

/// An inter-provincial link (跨省通办) between two province units.
struct Link {
    UnitId a = no_unit;
    UnitId b = no_unit;
    double latency_h = 0.0;
};

class Organisation {
public:
    /// Builds from the scenario's [divisions]: synthetic fan-outs, or the real division codes
    /// in `tables` (required when divisions.source = "csv"; io::read_division_tables reads
    /// them). @throws ScenarioError (e.g. an empty selection).
    static Organisation build(const ScenarioSpec& spec, const DivisionTables* tables = nullptr);

    Organisation();
    ~Organisation();
    Organisation(Organisation&&) noexcept;
    Organisation& operator=(Organisation&&) noexcept;

    [[nodiscard]] std::size_t size() const { return units_.size(); }

    [[nodiscard]] const Unit& unit(UnitId id) const { return units_[static_cast<std::size_t>(id)]; }

    [[nodiscard]] const std::vector<Unit>& units() const { return units_; }

    [[nodiscard]] const std::vector<Link>& links() const { return links_; }

    /// The ancestor of `id` at `tier` (itself when it is at that tier); no_unit if above it.
    [[nodiscard]] UnitId ancestor(UnitId id, Tier tier) const;

    /// Latency of the path between `from` and its ancestor or descendant `to`, in hours:
    /// each hop between a unit and its parent costs the child tier's transfer_h.
    [[nodiscard]] double path_latency_h(UnitId from, UnitId to, const ScenarioSpec& spec) const;

    /// Units at one tier, in id order.
    [[nodiscard]] std::vector<UnitId> units_at(Tier tier) const;

    /// Number of logical processes: one per city (with its districts and streets), one per
    /// province unit (with its links).
    [[nodiscard]] int lp_count() const { return lp_count_; }

    /// The least latency of any hierarchy edge or link that joins two LPs, in hours
    /// (+infinity when nothing crosses).
    [[nodiscard]] double lookahead_h() const;

    /// Number of provinces; province index p is the p-th province unit in id order.
    [[nodiscard]] int province_count() const { return static_cast<int>(province_units_.size()); }

    [[nodiscard]] UnitId province_unit(int index) const {
        return province_units_[static_cast<std::size_t>(index)];
    }

    /// Index (0..province_count) of the province a unit belongs to.
    [[nodiscard]] int province_index(UnitId id) const;

private:
    struct Graph;  // Boost.Graph adjacency_list, private to org
    std::unique_ptr<Graph> graph_;
    std::vector<Unit> units_;
    std::vector<Link> links_;
    std::vector<UnitId> province_units_;
    std::vector<int> province_index_;  ///< by unit id
    int lp_count_ = 0;
};

}  // namespace tiersim::model
