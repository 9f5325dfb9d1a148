// SPDX-License-Identifier: MIT
#include "tiersim/io/toml_json.hpp"

#include <cmath>
#include <string>

namespace tiersim::io {

nlohmann::ordered_json toml_to_json(const toml::node& n) {
    if (const auto* s = n.as_string())
        return s->get();
    if (const auto* i = n.as_integer())
        return i->get();
    if (const auto* f = n.as_floating_point()) {
        if (std::isinf(f->get()))
            return f->get() > 0 ? "inf" : "-inf";
        return f->get();
    }
    if (const auto* b = n.as_boolean())
        return b->get();
    if (const auto* a = n.as_array()) {
        auto out = nlohmann::ordered_json::array();
        for (const auto& e : *a)
            out.push_back(toml_to_json(e));
        return out;
    }
    if (const auto* t = n.as_table()) {
        auto out = nlohmann::ordered_json::object();
        for (auto&& [k, v] : *t)
            out[std::string(k.str())] = toml_to_json(v);
        return out;
    }
    return nullptr;
}

nlohmann::ordered_json toml_value_json(std::string_view text) {
    const toml::table parsed = toml::parse("v = " + std::string(text));
    return toml_to_json(*parsed.get("v"));
}

}  // namespace tiersim::io
