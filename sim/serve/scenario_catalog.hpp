// SPDX-License-Identifier: MIT
#pragma once

#include "tiersim/error.hpp"

#include "workspace.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tiersim::serve {

using Json = nlohmann::ordered_json;

/// A request the workbench refuses (400), with the loader's diagnostics where it has them.
class RequestError : public Error {
public:
    explicit RequestError(const std::string& what, std::vector<Diagnostic> diagnostics = {});

    [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

/// The scenarios a planner can start from: the embedded ones and the overlays saved in the
/// workspace (`workspace/NAME`), and what the page shows of each.
class ScenarioCatalog {
public:
    explicit ScenarioCatalog(const Workspace& workspace)
        : workspace_(workspace) {}

    /// [{"name", "description", "source"}], embedded first.
    [[nodiscard]] Json list() const;
    /// {"name", "description", "days", "seed", "provinces", "levers"}; cached by name.
    /// @throws RequestError (404) when there is no such scenario
    [[nodiscard]] Json details(const std::string& name);

    /// What the loader takes for `name`: an embedded name as it is, a workspace overlay as its
    /// path. @throws RequestError when it is neither
    [[nodiscard]] std::string loader_name(const std::string& name) const;
    /// `set` ({PATH: value}) for scenario `name` as `--set` texts. Only changeable keys may be
    /// set: they are numbers, switches and choices, never the paths of files outside the
    /// workspace. A key below a lever that the scenario gives as one number
    /// (`technology.data_sharing.street` where it has `technology.data_sharing = 0`) sets the
    /// whole table, its other keys at that number. @throws RequestError naming the key
    [[nodiscard]] std::vector<std::string> overrides(const std::string& name, const Json& set);
    /// The loader's and compiler's diagnostics for `name` with `set` (and `days`); empty when
    /// a run would start.
    [[nodiscard]] std::vector<Diagnostic> validate(const std::string& name,
                                                   const Json& set,
                                                   const Json& days);
    /// The redesign as an overlay that the command line runs unchanged: `base =` the baseline
    /// (its path relative to `folder` for a workspace overlay), then one line per key.
    [[nodiscard]] std::string overlay_text(const std::string& name,
                                           const Json& set,
                                           const std::string& description,
                                           const std::filesystem::path& folder);

private:
    const Workspace& workspace_;
    std::mutex mutex_;
    std::map<std::string, Json> details_;
};

/// The "scenario" field of a request body. @throws RequestError when it is not a string
std::string scenario_field(const Json& body);

/// A JSON value as TOML value text (for `--set` and overlays). @throws RequestError
std::string toml_value(const Json& value, const std::string& key);

}  // namespace tiersim::serve
