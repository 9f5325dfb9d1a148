// SPDX-License-Identifier: MIT
// [calendars.NAME] and [departments.NAME].
#include "tiersim/engine/sim_time.hpp"

#include "io/scenario/builder.hpp"

#include <algorithm>
#include <tuple>

namespace tiersim::io::detail {

void Builder::read_calendar_spec(const toml::table& t,
                                 const std::string& path,
                                 model::CalendarSpec& c) {
    check_keys(t, path);
    if (const toml::node* n = t.get("weekdays")) {
        const std::string key = join(path, "weekdays");
        const schema::Choices& weekdays = *key_of(key).choices;
        const Names names = weekdays.values;
        const std::string what = "an array of weekday names (" + list_text(names, in_quotes) + ")";
        if (const auto* arr = n->as_array(); arr == nullptr) {
            expected(*n, key, what);
        } else if (arr->empty()) {
            error_at(*n, key, key + ": expected at least one weekday, got []");
        } else {
            std::array<bool, 7> days{};
            bool ok = true;
            for (const toml::node& e : *arr) {
                const auto* s = e.as_string();
                const int day = s == nullptr ? -1 : index_of(names, s->get());
                if (day < 0) {
                    std::string message = key + ": expected " + std::string(weekdays.noun) + " (" +
                                          list_text(names, in_quotes) + "), got " +
                                          (s == nullptr ? typed_text(e) : in_quotes(s->get()));
                    if (s != nullptr) {
                        if (auto hint = suggest(s->get(), names)) {
                            message += "; did you mean " + in_quotes(*hint) + "?";
                        }
                    }
                    error_at(e, key, std::move(message));
                    ok = false;
                } else if (days[static_cast<std::size_t>(day)]) {
                    error_at(e, key, key + ": weekday " + in_quotes(s->get()) + " is listed twice");
                    ok = false;
                } else {
                    days[static_cast<std::size_t>(day)] = true;
                }
            }
            if (ok)
                c.weekdays = days;
        }
    }
    if (const toml::node* n = t.get("hours")) {
        const std::string key = join(path, "hours");
        const std::string what = "an array of [open, close] pairs of hours, like [[9.0, 12.0]]";
        const auto* arr = n->as_array();
        if (arr == nullptr) {
            expected(*n, key, what);
            return;
        }
        if (arr->empty()) {
            error_at(*n, key, key + ": expected at least one [open, close] pair, got []");
            return;
        }
        std::vector<std::array<double, 2>> hours;
        bool ok = true;
        for (const toml::node& e : *arr) {
            const auto* pair = e.as_array();
            if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_number() ||
                !(*pair)[1].is_number()) {
                expected(e, key, "an [open, close] pair of hours");
                ok = false;
                continue;
            }
            const double open = (*pair)[0].value<double>().value_or(0.0);
            const double close = (*pair)[1].value<double>().value_or(0.0);
            const std::string text = "[" + number_text(open) + ", " + number_text(close) + "]";
            if (!(open >= 0.0 && close <= 24.0)) {
                error_at(e, key, key + ": expected hours within [0, 24], got " + text);
                ok = false;
            } else if (!(open < close)) {
                error_at(e, key, key + ": expected open < close, got " + text);
                ok = false;
            } else if (engine::from_hours(open) == engine::from_hours(close)) {
                // The model keeps time in whole seconds: such an interval would never open.
                error_at(e,
                         key,
                         key + ": expected an interval of at least one second (time is kept " +
                             "in whole seconds), got " + text + ", which rounds to 0 s");
                ok = false;
            } else if (!hours.empty() && open < hours.back()[1]) {
                error_at(e,
                         key,
                         key + ": expected sorted, non-overlapping pairs, got " + text +
                             " after [" + number_text(hours.back()[0]) + ", " +
                             number_text(hours.back()[1]) + "]");
                ok = false;
            } else {
                hours.push_back({open, close});
            }
        }
        if (ok)
            c.hours = std::move(hours);
    }
}

void Builder::read_calendars(const toml::table& root) {
    // The built-in calendars; a new calendar starts from "office", the defaults of
    // calendars.NAME.weekdays and .hours.
    model::CalendarSpec always;
    always.name = "always";
    always.always = true;
    always.weekdays.fill(true);
    always.hours = {{0.0, 24.0}};
    model::CalendarSpec office;
    office.name = "office";
    office.weekdays = {true, true, true, true, true, false, false};
    office.hours = {{9.0, 12.0}, {13.5, 17.5}};
    spec_.calendars = {always, office};

    if (const toml::table* t = table(root, "", "calendars")) {
        for (auto&& [k, v] : *t) {
            const std::string name(k.str());
            const std::string path = join("calendars", name);
            check_name(k, v, "calendars", "a calendar");
            if (name == "always") {
                error_at(v,
                         path,
                         "calendars.always: the calendar 'always' is built in (open 24/7) and "
                         "cannot be redefined; choose another name");
                continue;
            }
            const auto* ct = v.as_table();
            if (ct == nullptr) {
                expected(v, path, "a table with weekdays and hours");
                continue;
            }
            model::CalendarSpec c = office;  // defaults: mon-fri, 9-12 and 13.5-17.5
            c.name = name;
            read_calendar_spec(*ct, path, c);
            if (name == "office") {
                spec_.calendars[1] = std::move(c);
            } else {
                spec_.calendars.push_back(std::move(c));  // table order = name order
            }
        }
    }
    for (const auto& c : spec_.calendars)
        calendar_names_.push_back(c.name);
    for (const auto& name : calendar_names_)
        calendar_views_.push_back(name);
}

void Builder::read_departments(const toml::table& root) {
    // name, calendar (-1: the tier's), approval
    std::vector<std::tuple<std::string, int, bool>> declared;
    if (const toml::table* t = table(root, "", "departments")) {
        for (auto&& [k, v] : *t) {
            const std::string path = join("departments", k.str());
            check_name(k, v, "departments", "a department");
            int calendar = -1;
            bool approval = true;
            if (const auto* dt = v.as_table()) {
                check_keys(*dt, path);
                std::string label;
                read_string(*dt, path, "label", label);
                calendar = read_calendar(*dt, path, "calendar");
                read_bool(*dt, path, "approval", approval);
            } else {
                expected(v, path, "a table (write [departments.NAME], optionally with label)");
            }
            // Declared even when malformed, so that its uses do not raise follow-on errors.
            declared.emplace_back(k.str(), calendar, approval);
        }
    }
    std::sort(declared.begin(), declared.end());
    for (const auto& [name, calendar, approval] : declared) {
        spec_.departments.push_back(name);
        spec_.department_calendar.push_back(calendar);
        spec_.department_approval.push_back(approval);
    }
    for (const auto& name : spec_.departments)
        department_views_.push_back(name);
}

}  // namespace tiersim::io::detail
