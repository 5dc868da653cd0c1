#include "cxgate/config/lint.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace cxgate::config {

namespace {

struct Bounds {
    long long min = 0, max = 0;  // seconds
};

// What a delay can amount to in elapsed seconds. Days keep the wall clock, so a DST
// change makes one an hour shorter or longer; business days skip weekends (a holiday
// calendar can add more, which is why the reachability check below only reports a
// step when even these bounds leave no room).
Bounds bounds(const timing::Delay& d) {
    const long long n = d.amount;
    switch (d.unit) {
        case timing::Delay::Unit::seconds:
            return {n, n};
        case timing::Delay::Unit::minutes:
            return {n * 60, n * 60};
        case timing::Delay::Unit::hours:
            return {n * 3600, n * 3600};
        case timing::Delay::Unit::days:
            return {std::max(0LL, n * 86400 - 3600), n * 86400 + 3600};
        case timing::Delay::Unit::business_days:
            return {std::max(0LL, n * 86400 - 3600), (n + 2 * ((n + 4) / 5) + 2) * 86400 + 3600};
    }
    return {0, 0};
}

std::set<ChannelKind> kinds(const Config& c, const Step& s) {
    std::set<ChannelKind> out;
    for (const auto& name : s.channels)
        if (const auto* ch = c.find_channel(name)) out.insert(ch->kind);
    return out;
}

std::optional<YAML::Node> load_yaml(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return YAML::Load(text.str());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The YAML node of each step, by id (load.cpp already reported steps without one).
std::map<std::string, YAML::Node> step_nodes(const YAML::Node& root) {
    std::map<std::string, YAML::Node> out;
    const YAML::Node steps = root["steps"];
    if (!steps || !steps.IsSequence()) return out;
    for (const auto& node : steps)
        if (node.IsMap() && node["id"] && node["id"].IsScalar())
            out.emplace(node["id"].Scalar(), node);
    return out;
}

void at(Diagnostics& d, bool error, const std::string& file, const YAML::Node& node,
        const std::string& message) {
    const auto mark = node.Mark();
    if (error)
        d.error(file, mark.line + 1, mark.column + 1, message);
    else
        d.warning(file, mark.line + 1, mark.column + 1, message);
}

// The `on:` item naming `type`, for the position.
YAML::Node on_item(const YAML::Node& step, const std::string& type) {
    const YAML::Node on = step["on"];
    if (on && on.IsSequence())
        for (const auto& item : on)
            if (item.IsScalar() && item.Scalar() == type) return item;
    return on;
}

std::string human(long long seconds) {
    if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
    if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds / 60) + "m";
}

// Keys of the flow language whose effect these bounds do not model: conditions, fixed
// times of day, per-weekday windows, calendars, cancellation, fatigue budgets and
// arbitration. A step or flow that uses one is left out of the check, so it never
// reports a step that could in fact be sent. (Typos are reported as unknown keys anyway.)
const std::set<std::string> kUnmodelledStepKeys{"if",       "at",        "window",   "windows",
                                                "calendar", "cancel_on", "priority", "budget"};
const std::set<std::string> kUnmodelledFlowKeys{"calendar", "calendars", "windows",
                                                "fatigue",  "budget",    "arbitration"};

bool uses_any(const YAML::Node& map, const std::set<std::string>& keys) {
    if (!map.IsMap()) return true;
    for (auto it = map.begin(); it != map.end(); ++it)
        if (keys.count(it->first.Scalar())) return true;
    return false;
}

constexpr long long kHolidaySlack = 4 * 86400;

void check_reachability(const Config& c, const Flow& f, const YAML::Node& root,
                        const std::map<std::string, YAML::Node>& nodes, Diagnostics& d) {
    const bool flow_understood =
        !uses_any(root, kUnmodelledFlowKeys) &&
        (!root["send_window"] || !uses_any(root["send_window"], kUnmodelledStepKeys));
    for (size_t b = 0; b < f.steps.size(); ++b) {
        const Step& later = f.steps[b];
        auto later_node = nodes.find(later.id);
        if (later_node == nodes.end()) continue;
        std::set<std::string> seen(later.on.begin(), later.on.end());
        if (const YAML::Node on = later_node->second["on"]; on && on.IsSequence()) {
            std::set<std::string> listed;
            for (const auto& item : on)
                if (item.IsScalar() && !listed.insert(item.Scalar()).second)
                    at(d, false, f.file, item,
                       "step \"" + later.id + "\": event type \"" + item.Scalar() +
                           "\" is listed twice");
        }
        if (!f.recontact || !flow_understood || uses_any(later_node->second, kUnmodelledStepKeys))
            continue;
        const long long recontact_min = bounds(*f.recontact).min;
        const long long window_push = longest_closed_stretch(f.send_window);
        std::vector<std::string> blocked;
        std::string blocker;
        for (const auto& type : seen) {
            for (size_t a = 0; a < b; ++a) {
                const Step& earlier = f.steps[a];
                if (std::find(earlier.on.begin(), earlier.on.end(), type) == earlier.on.end())
                    continue;
                auto earlier_node = nodes.find(earlier.id);
                // A step with a condition may not take the event; then the later one can.
                if (earlier_node == nodes.end() ||
                    uses_any(earlier_node->second, kUnmodelledStepKeys))
                    continue;
                // The earlier step must be able to reach every address the later one can,
                // else a contact with only that address gets the later survey.
                auto ka = kinds(c, earlier), kb = kinds(c, later);
                if (!std::includes(ka.begin(), ka.end(), kb.begin(), kb.end())) continue;
                // A late event can find the earlier survey expired (suppressed) and the
                // later one not: then the later one goes out.
                if (!(earlier.expires == later.expires) &&
                    bounds(earlier.expires).min < bounds(later.expires).max)
                    continue;
                // The same delay gives the same due time (one function of one event).
                // Otherwise: the delays' spread, plus the window's longest closed stretch,
                // plus 4 days for holidays closing the window (calendars).
                auto da = bounds(earlier.delay), db = bounds(later.delay);
                long long gap =
                    earlier.delay == later.delay
                        ? 0
                        : std::max(db.max - da.min, da.max - db.min) + window_push + kHolidaySlack;
                if (gap >= recontact_min) continue;
                blocked.push_back(type);
                blocker = "step \"" + earlier.id + "\" (line " + std::to_string(earlier.line) +
                          ") takes every " + type +
                          " event first, and the two due times are at "
                          "most " +
                          human(gap) + " apart, within recontact " +
                          timing::to_string(*f.recontact);
                break;
            }
        }
        if (blocked.empty()) continue;
        if (blocked.size() == seen.size()) {
            at(d, true, f.file, later_node->second["on"],
               "step \"" + later.id + "\" can never be sent: " + blocker +
                   " (give one of them an `if:`, a different event, or a delay past recontact)");
        } else {
            for (const auto& type : blocked)
                at(d, false, f.file, on_item(later_node->second, type),
                   "step \"" + later.id + "\" is never sent for \"" + type + "\": " + blocker);
        }
    }
}

void check_templates(const Config& c, const Flow& f, const std::map<std::string, YAML::Node>& nodes,
                     Diagnostics& d) {
    for (const auto& step : f.steps) {
        auto node = nodes.find(step.id);
        if (node == nodes.end()) continue;
        const YAML::Node survey = node->second["survey"];
        const YAML::Node metric_node =
            survey && survey.IsMap() && survey["metric"] ? survey["metric"] : node->second;
        std::vector<std::pair<std::string, YAML::Node>> needed{
            {report::to_string(step.metric), metric_node}};
        if (step.follow_up_why) needed.push_back({"why", node->second["follow_up"]});
        if (step.reminder) needed.push_back({"reminder", node->second["reminder"]});
        for (const auto& locale : c.defaults.locales) {
            for (const auto& [name, where] : needed) {
                if (c.templates.count(locale + "/" + name + ".txt")) continue;
                at(d, true, f.file, where,
                   "step \"" + step.id + "\": no " + name + " template for locale " + locale +
                       " (" + c.templates_dir + "/" + locale + "/" + name + ".txt)");
            }
        }
        // A reminder after the survey has expired can never go out.
        if (step.reminder && step.reminder->max > 0 &&
            bounds(step.reminder->after).min >= bounds(step.expires).max)
            at(d, false, f.file, node->second["reminder"],
               "step \"" + step.id + "\": the reminder (after " +
                   timing::to_string(step.reminder->after) + ") comes after the survey expires (" +
                   timing::to_string(step.expires) + "); it is never sent");
    }
}

}  // namespace

long long longest_closed_stretch(const timing::SendWindow& w) {
    constexpr int kWeek = 7 * 1440;
    std::vector<bool> open(kWeek, false);
    for (int day = 0; day < 7; ++day) {
        if (!w.days[day]) continue;
        int from = day * 1440 + w.from_minute;
        int to = day * 1440 + (w.to_minute > w.from_minute ? w.to_minute : 1440 + w.to_minute);
        for (int m = from; m < to; ++m) open[m % kWeek] = true;
    }
    int longest = 0, run = 0;
    for (int i = 0; i < 2 * kWeek; ++i) {
        run = open[i % kWeek] ? 0 : run + 1;
        longest = std::max(longest, run);
    }
    return std::min(longest, kWeek) * 60LL;
}

void lint(const Config& c, Diagnostics& d) {
    for (const auto& f : c.flows) {
        auto root = load_yaml(f.file);
        if (!root) continue;
        auto nodes = step_nodes(*root);
        check_reachability(c, f, *root, nodes, d);
        // No templates at all is one error already ("templates directory not found").
        if (!c.templates.empty()) check_templates(c, f, nodes, d);
    }
}

}  // namespace cxgate::config
