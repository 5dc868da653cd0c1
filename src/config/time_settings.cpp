// The time values defaults and flows share: IANA zone names, send windows in their three
// shapes, and lists of days off.
#include <cstdio>
#include <exception>
#include <utility>
#include "cxgate/config/keys.hpp"

#include <date/tz.h>

#include "loader.hpp"

namespace cxgate::config::detail {

bool valid_zone(const std::string& name) {
    try {
        date::locate_zone(name);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

namespace {

// One `{days, from, to}` map (the first shape, kept for existing files).
std::optional<timing::SendWindow> read_simple_window(YamlReader& r, const YAML::Node& node,
                                                     const std::string& where) {
    r.check_keys(node, keys::send_window.keys, where);
    // `days: mon-fri`, `days: "mon,wed,fri"` or a YAML list `days: [mon, wed, fri]`.
    std::string days = "mon-sun";
    if (auto list = r.string_list(node, "days")) {
        days.clear();
        for (const auto& item : *list) days += (days.empty() ? "" : ",") + item;
    }
    auto from = r.string(node, "from").value_or("00:00");
    auto to = r.string(node, "to").value_or("24:00");
    std::string why;
    auto window = timing::parse_send_window(days, from, to, &why);
    if (!window) {
        r.error(node, where + ": " + why);
        return std::nullopt;
    }
    return window;
}

// "2026-12-31" or { date: 2026-12-31, name: "..." }.
std::optional<date::sys_days> read_day(YamlReader& r, const YAML::Node& item,
                                       const std::string& where) {
    const YAML::Node value = item.IsMap() ? item["date"] : item;
    if (item.IsMap()) r.check_keys(item, keys::day_off.keys, where);
    if (!value || !value.IsScalar()) {
        r.error(item, where + ": expected a date YYYY-MM-DD or { date: YYYY-MM-DD, name: ... }");
        return std::nullopt;
    }
    const std::string& text = value.Scalar();
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) == 3) {
        const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
        if (ymd.ok()) return date::sys_days{ymd};
    }
    r.error(value, where + ": \"" + text + "\" is not a date (YYYY-MM-DD)");
    return std::nullopt;
}

}  // namespace

// A send window in any of its three shapes:
//   { days: mon-fri, from: "09:00", to: "20:00" }                one span on a day set
//   { mon-fri: "09:00-20:00", sat: "10:00-14:00" }               spans per weekday
//   [ { days: mon-fri, from: ..., to: ... }, { days: sat, ... } ] a list of the first shape
// `holidays: true` (in a map shape) keeps the window open on the calendar's holidays.
std::optional<timing::SendWindow> read_window(YamlReader& r, const YAML::Node& parent,
                                              const std::string& key) {
    const YAML::Node node = parent[key];
    if (!node) return std::nullopt;
    const std::string where = "\"" + key + "\"";
    std::vector<std::pair<std::string, std::string>> entries;
    std::optional<bool> holidays;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            if (!r.expect_map(item, "each item of " + where)) return std::nullopt;
            auto one = read_simple_window(r, item, "each item of " + where);
            if (!one) return std::nullopt;
            if (auto h = r.boolean(item, "holidays")) holidays = *h;
            std::string days;
            static const char* kNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
            for (int d = 0; d < 7; ++d)
                if (one->days[d]) days += (days.empty() ? "" : ",") + std::string(kNames[d]);
            auto hhmm = [](int minutes) {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%02d:%02d", minutes / 60, minutes % 60);
                return std::string(buffer);
            };
            entries.emplace_back(days, hhmm(one->from_minute) + "-" + hhmm(one->to_minute));
        }
    } else {
        if (!r.expect_map(node, where)) return std::nullopt;
        if (node["days"] || node["from"] || node["to"]) {
            auto window = read_simple_window(r, node, where);
            if (window)
                if (auto h = r.boolean(node, "holidays")) window->respects_holidays = !*h;
            return window;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string days = it->first.Scalar();
            if (days == "holidays") {
                holidays = r.boolean(node, "holidays");
                continue;
            }
            std::string ranges;
            // A copy: yaml-cpp's iterator hands out a temporary proxy, and a range-for over
            // `it->second` would outlive it (ASan: stack-use-after-scope).
            const YAML::Node value = it->second;
            if (value.IsSequence()) {
                for (const auto& range : value)
                    if (auto v = r.scalar(range, where)) ranges += (ranges.empty() ? "" : ",") + *v;
            } else if (auto v = r.scalar(value, where)) {
                ranges = *v;
            }
            entries.emplace_back(days, ranges);
        }
    }
    std::string why;
    auto window = timing::parse_weekly_window(entries, &why);
    if (!window) {
        r.error(node, where + ": " + why);
        return std::nullopt;
    }
    if (holidays) window->respects_holidays = !*holidays;
    return window;
}

void read_days_off(YamlReader& r, const YAML::Node& parent, const std::string& key,
                   std::set<date::sys_days>& out) {
    const YAML::Node node = parent[key];
    if (!node) return;
    if (!node.IsSequence()) {
        r.error(node, "\"" + key + "\" must be a list of dates (YYYY-MM-DD)");
        return;
    }
    for (const auto& item : node)
        if (auto day = read_day(r, item, "\"" + key + "\"")) out.insert(*day);
}

}  // namespace cxgate::config::detail
