// SPDX-License-Identifier: MIT
// The unit tree and inter-provincial links. Units come from a synthetic generator (fan-outs
// per tier) or from the real 2023 division codes (scenarios/data/divisions, DESIGN §2.1), whose
// files the io layer reads (io/division_reader.hpp).
// The Boost.Graph graph holds hierarchy and link edges; the partition into logical processes is
// the connected components of the graph without the edges that must cross LPs.
#include "tiersim/model/organisation.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/filtered_graph.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace tiersim::model {

namespace {

enum class EdgeKind : std::uint8_t { hierarchy, link };

struct EdgeProps {
    EdgeKind kind = EdgeKind::hierarchy;
    double latency_h = 0.0;
};

struct VertexProps {
    Tier tier = Tier::street;
};

using GraphType =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexProps, EdgeProps>;

}  // namespace

struct Organisation::Graph {
    GraphType g;
};

Organisation::Organisation()
    : graph_(std::make_unique<Graph>()) {}

Organisation::~Organisation() = default;
Organisation::Organisation(Organisation&&) noexcept = default;
Organisation& Organisation::operator=(Organisation&&) noexcept = default;

namespace {

/// Units in depth-first order (province, its first city, that city's first district, its
/// streets, …), so that ids are canonical and each LP's units are contiguous.
struct TreeBuilder {
    std::vector<Unit> units;

    UnitId add(Tier tier, UnitId parent, std::int64_t code, std::string name) {
        Unit u;
        u.tier = tier;
        u.parent = parent;
        u.province = parent == no_unit ? static_cast<UnitId>(units.size())
                                       : units[static_cast<std::size_t>(parent)].province;
        u.code = code;
        u.name = std::move(name);
        units.push_back(std::move(u));
        return static_cast<UnitId>(units.size() - 1);
    }
};

/// "P1-C2-D3": the parent's name, a tag and a number.
std::string child_name(const std::string& parent, const char* tag, int n) {
    std::string name;
    name.reserve(parent.size() + 12);
    name.append(parent);
    name.append(tag);
    name.append(std::to_string(n));
    return name;
}

void build_synthetic(const DivisionsSpec& d, TreeBuilder& tree) {
    for (int p = 1; p <= d.provinces; ++p) {
        const std::string pn = child_name("", "P", p);
        const UnitId pu = tree.add(Tier::province, no_unit, 0, pn);
        for (int c = 1; c <= d.cities_per_province; ++c) {
            const std::string cn = child_name(pn, "-C", c);
            const UnitId cu = tree.add(Tier::city, pu, 0, cn);
            for (int k = 1; k <= d.districts_per_city; ++k) {
                const std::string dn = child_name(cn, "-D", k);
                const UnitId du = tree.add(Tier::district, cu, 0, dn);
                for (int s = 1; s <= d.streets_per_district; ++s) {
                    tree.add(Tier::street, du, 0, child_name(dn, "-S", s));
                }
            }
        }
    }
}

void build_from_tables(const ScenarioSpec& spec, const DivisionTables& tables, TreeBuilder& tree) {
    const auto& provinces = tables.provinces;
    const auto& cities = tables.cities;
    const auto& areas = tables.areas;
    const auto& streets = tables.streets;

    std::set<std::string> wanted(spec.divisions.include.begin(), spec.divisions.include.end());
    std::set<std::string> known;
    for (const auto& row : provinces)
        known.insert(row[0]);
    std::vector<Diagnostic> problems;
    for (const auto& code : wanted) {
        if (!known.contains(code)) {
            problems.push_back({spec.where("divisions.include"),
                                "divisions.include",
                                "divisions.include: no province with code '" + code + "' in " +
                                    tables.provinces_file});
        }
    }
    if (!problems.empty())
        throw ScenarioError(problems);

    // Children by parent code, in file order (files are sorted by code).
    std::map<std::string, std::vector<const std::vector<std::string>*>> cities_of, areas_of,
        streets_of;
    for (const auto& row : cities)
        cities_of[row[2]].push_back(&row);
    for (const auto& row : areas)
        areas_of[row[2]].push_back(&row);
    for (const auto& row : streets)
        streets_of[row[2]].push_back(&row);

    auto code_of = [](const std::string& s) {
        return std::stoll(s);
    };
    for (const auto& prow : provinces) {
        if (!wanted.empty() && !wanted.contains(prow[0]))
            continue;
        const UnitId pu = tree.add(Tier::province, no_unit, code_of(prow[0]), prow[1]);
        for (const auto* crow : cities_of[prow[0]]) {
            // Skip cities and districts without streets: they would serve no one.
            bool city_has_streets = false;
            for (const auto* arow : areas_of[(*crow)[0]]) {
                if (!streets_of[(*arow)[0]].empty())
                    city_has_streets = true;
            }
            if (!city_has_streets)
                continue;
            const UnitId cu = tree.add(Tier::city, pu, code_of((*crow)[0]), (*crow)[1]);
            for (const auto* arow : areas_of[(*crow)[0]]) {
                const auto& street_rows = streets_of[(*arow)[0]];
                if (street_rows.empty())
                    continue;
                const UnitId du = tree.add(Tier::district, cu, code_of((*arow)[0]), (*arow)[1]);
                for (const auto* srow : street_rows) {
                    tree.add(Tier::street, du, code_of((*srow)[0]), (*srow)[1]);
                }
            }
        }
        if (tree.units.back().tier == Tier::province)
            tree.units.pop_back();  // nothing below
    }
    if (tree.units.empty()) {
        throw ScenarioError(Diagnostic{spec.where("divisions.include"),
                                       "divisions.include",
                                       "divisions.include: the selection contains no street"});
    }
}

/// Residents of every unit. A unit listed in the census rows has its count; the rest of a
/// known unit's residents (its count less its listed children's) are shared among its
/// children that are not listed, evenly or by their streets; streets under no listed unit
/// have population_per_street. Then every unit serves the sum of the streets below it.
void assign_population(const ScenarioSpec& spec,
                       const DivisionTables* tables,
                       std::vector<Unit>& units) {
    const std::size_t n = units.size();
    const double unknown = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> listed(n, unknown);
    if (tables != nullptr && !tables->population.empty()) {
        std::map<std::int64_t, double> by_code;
        for (const auto& row : tables->population)
            by_code[std::stoll(row.code)] = row.persons;
        for (std::size_t i = 0; i < n; ++i) {
            if (const auto it = by_code.find(units[i].code); it != by_code.end())
                listed[i] = it->second;
        }
    }
    // Streets below each unit, for the "streets" rule; children in id order.
    std::vector<double> streets(n, 0.0);
    std::vector<std::vector<std::size_t>> children(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (units[i].parent != no_unit)
            children[static_cast<std::size_t>(units[i].parent)].push_back(i);
    }
    for (std::size_t i = n; i-- > 0;) {
        if (units[i].tier == Tier::street)
            streets[i] = 1.0;
        if (units[i].parent != no_unit)
            streets[static_cast<std::size_t>(units[i].parent)] += streets[i];
    }
    const bool by_streets = spec.divisions.population_share == DivisionsSpec::Share::streets;
    std::vector<double> share(listed);  // parents come before their children (depth first)
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(share[i]) || children[i].empty())
            continue;
        double rest = share[i];
        double weight = 0.0;
        for (std::size_t c : children[i]) {
            if (std::isnan(listed[c]))
                weight += by_streets ? streets[c] : 1.0;
            else
                rest -= listed[c];
        }
        if (weight > 0.0 && !(rest > 0.0)) {
            const std::string key = "divisions.population_files";
            throw ScenarioError(
                Diagnostic{spec.where(key),
                           key,
                           key + ": the listed units under " + units[i].name + " (" +
                               std::to_string(units[i].code) + ") hold all of its " +
                               std::to_string(static_cast<std::int64_t>(share[i])) +
                               " residents or more, which leaves none for its units not listed"});
        }
        for (std::size_t c : children[i]) {
            if (std::isnan(listed[c]))
                share[c] = rest * (by_streets ? streets[c] : 1.0) / weight;
        }
    }
    for (std::size_t i = n; i-- > 0;) {
        Unit& u = units[i];
        if (u.tier == Tier::street)
            u.population = std::isnan(share[i]) ? spec.divisions.population_per_street : share[i];
        if (u.parent != no_unit)
            units[static_cast<std::size_t>(u.parent)].population += u.population;
    }
}

}  // namespace

Organisation Organisation::build(const ScenarioSpec& spec, const DivisionTables* tables) {
    TreeBuilder tree;
    if (spec.divisions.source == DivisionsSpec::Source::synthetic) {
        build_synthetic(spec.divisions, tree);
    } else {
        TIERSIM_CHECK(tables != nullptr,
                      "a scenario on the real division codes needs its tables "
                      "(io::read_division_tables)");
        build_from_tables(spec, *tables, tree);
    }

    Organisation org;
    org.units_ = std::move(tree.units);
    const std::size_t n = org.units_.size();

    assign_population(spec, tables, org.units_);

    // The graph: hierarchy edges carry the child tier's transfer latency.
    auto& g = org.graph_->g;
    g = GraphType(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Unit& u = org.units_[i];
        g[i].tier = u.tier;
        if (u.parent != no_unit) {
            boost::add_edge(static_cast<std::size_t>(u.parent),
                            i,
                            EdgeProps{EdgeKind::hierarchy,
                                      spec.tiers[static_cast<std::size_t>(u.tier)].transfer_h},
                            g);
        }
        if (u.tier == Tier::province)
            org.province_units_.push_back(static_cast<UnitId>(i));
    }
    // 跨省通办 links: every pair of provinces in the scenario.
    for (std::size_t a = 0; a < org.province_units_.size(); ++a) {
        for (std::size_t b = a + 1; b < org.province_units_.size(); ++b) {
            const Link link{org.province_units_[a], org.province_units_[b], spec.link_h};
            org.links_.push_back(link);
            boost::add_edge(static_cast<std::size_t>(link.a),
                            static_cast<std::size_t>(link.b),
                            EdgeProps{EdgeKind::link, link.latency_h},
                            g);
        }
    }

    // LPs: components of the graph without links and without city–province edges, so that
    // each city with its districts and streets is one LP and each province unit another.
    auto stays_inside = [&g](const GraphType::edge_descriptor& e) {
        if (g[e].kind == EdgeKind::link)
            return false;
        const auto s = boost::source(e, g);
        const auto t = boost::target(e, g);
        return !(g[s].tier == Tier::province || g[t].tier == Tier::province);
    };
    const boost::filtered_graph<GraphType, std::function<bool(GraphType::edge_descriptor)>> inside(
        g, stays_inside);
    std::vector<int> component(n, 0);
    const int components = n == 0 ? 0 : boost::connected_components(inside, component.data());
    // Number LPs in order of their first unit, so that LP ids are canonical.
    std::vector<int> renumber(static_cast<std::size_t>(components), -1);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        int& r = renumber[static_cast<std::size_t>(component[i])];
        if (r < 0)
            r = next++;
        org.units_[i].lp = r;
    }
    org.lp_count_ = next;

    std::vector<int> index_of_province(n, 0);
    for (std::size_t p = 0; p < org.province_units_.size(); ++p) {
        index_of_province[static_cast<std::size_t>(org.province_units_[p])] = static_cast<int>(p);
    }
    org.province_index_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        org.province_index_[i] =
            index_of_province[static_cast<std::size_t>(org.units_[i].province)];
    }
    return org;
}

UnitId Organisation::ancestor(UnitId id, Tier tier) const {
    while (id != no_unit && unit(id).tier < tier)
        id = unit(id).parent;
    return (id != no_unit && unit(id).tier == tier) ? id : no_unit;
}

double Organisation::path_latency_h(UnitId from, UnitId to, const ScenarioSpec& spec) const {
    if (from == to)
        return 0.0;
    UnitId low = from;
    UnitId high = to;
    if (unit(low).tier > unit(high).tier)
        std::swap(low, high);
    double latency = 0.0;
    while (low != high) {
        TIERSIM_CHECK(low != no_unit, "path between units that are not in one chain");
        latency += spec.tiers[static_cast<std::size_t>(unit(low).tier)].transfer_h;
        low = unit(low).parent;
    }
    return latency;
}

std::vector<UnitId> Organisation::units_at(Tier tier) const {
    std::vector<UnitId> out;
    for (std::size_t i = 0; i < units_.size(); ++i) {
        if (units_[i].tier == tier)
            out.push_back(static_cast<UnitId>(i));
    }
    return out;
}

double Organisation::lookahead_h() const {
    const auto& g = graph_->g;
    double least = std::numeric_limits<double>::infinity();
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        const auto s = boost::source(*e, g);
        const auto t = boost::target(*e, g);
        if (units_[s].lp != units_[t].lp)
            least = std::min(least, g[*e].latency_h);
    }
    return least;
}

int Organisation::province_index(UnitId id) const {
    return province_index_[static_cast<std::size_t>(id)];
}

}  // namespace tiersim::model
