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

void compile_willingness(Levers& lv, std::size_t departments) {
    lv.willingness.clear();
    lv.willingness_side = departments;
    if (lv.sharing_willingness >= 1.0 && lv.sharing.empty())
        return;  // everyone shares: no matrix, w = 1 everywhere
    lv.willingness.assign(departments * departments, lv.sharing_willingness);
    // In order: a province's own pairs come after the top level's and override them.
    for (const Levers::SharingPair& pair : lv.sharing) {
        const auto r = static_cast<std::size_t>(pair.requester);
        const auto h = static_cast<std::size_t>(pair.holder);
        if (r < departments && h < departments)
            lv.willingness[r * departments + h] = pair.willingness;
    }
    for (std::size_t d = 0; d < departments; ++d)
        lv.willingness[d * departments + d] = 1.0;  // a department's own data
}

}  // namespace tiersim::model
