// SPDX-License-Identifier: MIT
#include "tiersim/model/scenario_spec.hpp"

#include <algorithm>

namespace tiersim::model {

SourceLocation ScenarioSpec::where(const std::string& key) const {
    // The key itself; else the nearest table above it that the file sets (a defaulted key
    // "lives" in its table); else the scenario file, stored by the loader under "".
    std::string prefix = key;
    while (true) {
        if (auto it = locations.find(prefix); it != locations.end())
            return it->second;
        if (prefix.empty())
            break;
        const auto dot = prefix.rfind('.');
        prefix.resize(dot == std::string::npos ? 0 : dot);
    }
    return {name, 0, 0};
}

int ScenarioSpec::find_department(const std::string& department) const {
    auto it = std::find(departments.begin(), departments.end(), department);
    return it == departments.end() ? -1 : static_cast<int>(it - departments.begin());
}

int ScenarioSpec::find_calendar(const std::string& calendar) const {
    auto it = std::find_if(calendars.begin(), calendars.end(), [&](const CalendarSpec& c) {
        return c.name == calendar;
    });
    return it == calendars.end() ? -1 : static_cast<int>(it - calendars.begin());
}

}  // namespace tiersim::model
