// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <string_view>

namespace tiersim::io {

/// A TOML value as JSON: tables as objects in their order, infinities as the strings "inf" and
/// "-inf" (JSON has no infinity). `tiersim schema --json` and the workbench's levers use it.
nlohmann::ordered_json toml_to_json(const toml::node& node);

/// A TOML value written as text ("0.5", "{ street = 1 }") as JSON. @throws toml::parse_error
nlohmann::ordered_json toml_value_json(std::string_view text);

}  // namespace tiersim::io
