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

// The YAML node of each step, by id (steps.cpp already reported steps without one).
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
// times of day and cancellation. A step or flow that uses one is left out of the
// reachability check, so it never reports a step that could in fact be sent. (Typos are
// reported as unknown keys anyway; calendars are covered by kHolidaySlack.)
const std::set<std::string> kUnmodelledStepKeys{"if", "at", "cancel_on"};

bool uses_any(const YAML::Node& map, const std::set<std::string>& keys) {
    if (!map.IsMap()) return true;
    for (auto it = map.begin(); it != map.end(); ++it)
        if (keys.count(it->first.Scalar())) return true;
    return false;
}

constexpr long long kHolidaySlack = 4 * 86400;

// Whether `winner` beats `loser` in arbitration when both are planned for one contact:
// the one planned first (higher priority, then configuration order) wins when it has a
// window and the other's priority is not higher (engine/plan.cpp).
bool beats(const Step& winner, size_t winner_index, const Step& loser, size_t loser_index) {
    if (!winner.arbitration) return false;
    if (winner.priority != loser.priority) return winner.priority > loser.priority;
    return winner_index < loser_index;
}

std::string rank_text(const Step& s) {
    return "priority " + std::to_string(s.priority) +
           (s.arbitration ? ", arbitration " + timing::to_string(*s.arbitration) : "");
}

// The steps of a flow are one designed journey: every rule that can take one of them
// away is reported. A step that can never be sent is an error; one that can lose surveys
// to another step of its own flow is a warning. Recontact and fatigue never do (they count
// repeats of one step and other flows); arbitration and on_waiting: skip can.
void check_journey(const Config& c, const Flow& f, const std::map<std::string, YAML::Node>& nodes,
                   Diagnostics& d) {
    const long long window_push = longest_closed_stretch(f.send_window);
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
        if (later.on_waiting == OnWaiting::skip && f.steps.size() > 1)
            at(d, false, f.file, later_node->second["on_waiting"],
               "step \"" + later.id +
                   "\" is skipped whenever an earlier survey of the journey still awaits its "
                   "answer on the same address (on_waiting: skip): customers who leave one "
                   "survey unanswered lose this one");

        // Every other step of the flow that beats this one in arbitration.
        std::vector<std::string> blocked;
        std::string blocker;
        for (size_t a = 0; a < f.steps.size(); ++a) {
            if (a == b) continue;
            const Step& other = f.steps[a];
            if (!beats(other, a, later, b)) continue;
            std::set<std::string> shared;
            for (const auto& type : other.on)
                if (seen.count(type)) shared.insert(type);
            auto other_node = nodes.find(other.id);
            const bool modelled = other_node != nodes.end() &&
                                  !uses_any(other_node->second, kUnmodelledStepKeys) &&
                                  !uses_any(later_node->second, kUnmodelledStepKeys);
            // The same event starts both: can the loser ever fall outside the window?
            if (!shared.empty() && modelled) {
                auto ka = kinds(c, other), kb = kinds(c, later);
                const bool reaches = std::includes(ka.begin(), ka.end(), kb.begin(), kb.end());
                const bool same_expiry = other.expires == later.expires ||
                                         bounds(other.expires).min >= bounds(later.expires).max;
                auto da = bounds(other.delay), db = bounds(later.delay);
                const long long gap =
                    other.delay == later.delay
                        ? 0
                        : std::max(db.max - da.min, da.max - db.min) + window_push + kHolidaySlack;
                if (reaches && same_expiry && gap < bounds(*other.arbitration).min) {
                    for (const auto& type : shared) blocked.push_back(type);
                    blocker = "step \"" + other.id + "\" (line " + std::to_string(other.line) +
                              ", " + rank_text(other) +
                              ") takes the same event and its survey is "
                              "due " +
                              (gap == 0 ? "at the same time as this one's"
                                        : "at most " + human(gap) + " from this one's");
                    continue;
                }
            }
            at(d, false, f.file,
               later_node->second["id"] ? later_node->second["id"] : later_node->second,
               "step \"" + later.id + "\" (priority " + std::to_string(later.priority) +
                   ") loses to step \"" + other.id + "\" of this flow (" + rank_text(other) +
                   ") whenever their surveys for one contact or deal fall within " +
                   timing::to_string(*other.arbitration) +
                   " of each other: the journey can lose its " + later.id +
                   " survey (arbitration; leave priority and arbitration out to survey every "
                   "touchpoint)");
        }
        if (blocked.empty()) continue;
        std::sort(blocked.begin(), blocked.end());
        blocked.erase(std::unique(blocked.begin(), blocked.end()), blocked.end());
        if (blocked.size() == seen.size()) {
            at(d, true, f.file, later_node->second["on"],
               "step \"" + later.id + "\" can never be sent: " + blocker +
                   ", within its arbitration window (give one of them an `if:`, a different "
                   "event, a delay past the window, or no arbitration)");
        } else {
            for (const auto& type : blocked)
                at(d, false, f.file, on_item(later_node->second, type),
                   "step \"" + later.id + "\" is never sent for \"" + type + "\": " + blocker);
        }
    }
}

// The YAML node of each question of a step (a map under survey:, or the items of a list).
std::vector<YAML::Node> question_nodes(const YAML::Node& step) {
    const YAML::Node survey = step["survey"];
    if (!survey) return {};
    if (survey.IsSequence()) {
        std::vector<YAML::Node> out;
        for (const auto& item : survey) out.push_back(item);
        return out;
    }
    return {survey};
}

void check_templates(const Config& c, const Flow& f, const std::map<std::string, YAML::Node>& nodes,
                     Diagnostics& d) {
    auto has = [&](const std::string& locale, const std::string& name) {
        return c.templates.count(locale + "/" + name + ".txt") > 0;
    };
    for (const auto& step : f.steps) {
        auto node = nodes.find(step.id);
        if (node == nodes.end()) continue;
        const auto qnodes = question_nodes(node->second);
        std::vector<std::pair<std::string, YAML::Node>> needed;
        for (size_t i = 0; i < step.questions.size(); ++i) {
            const Question& q = step.questions[i];
            const YAML::Node qnode = i < qnodes.size() ? qnodes[i] : node->second;
            const YAML::Node metric_node =
                qnode.IsMap() && qnode["metric"] ? qnode["metric"] : qnode;
            needed.push_back({metrics::to_string(q.metric), metric_node});
            if (q.template_name.empty()) continue;
            // The step's own wording: a locale without it falls back to the metric's.
            const YAML::Node template_node =
                qnode.IsMap() && qnode["template"]
                    ? qnode["template"]
                    : (i == 0 && node->second["template"] ? node->second["template"] : qnode);
            std::vector<std::string> missing;
            for (const auto& locale : c.defaults.locales)
                if (!has(locale, q.template_name)) missing.push_back(locale);
            if (missing.size() == c.defaults.locales.size()) {
                at(d, true, f.file, template_node,
                   "step \"" + step.id + "\": no template \"" + q.template_name +
                       "\" in any locale (" + c.templates_dir + "/<locale>/" + q.template_name +
                       ".txt)");
            } else {
                for (const auto& locale : missing)
                    at(d, false, f.file, template_node,
                       "step \"" + step.id + "\": no " + q.template_name + " template for locale " +
                           locale + " (" + c.templates_dir + "/" + locale + "/" + q.template_name +
                           ".txt); the " + metrics::to_string(q.metric) +
                           " template is used there");
            }
        }
        if (step.questions.size() > 1) needed.push_back({"retry", node->second["survey"]});
        if (step.follow_up_why) needed.push_back({"why", node->second["follow_up"]});
        if (step.reminder) needed.push_back({"reminder", node->second["reminder"]});
        for (const auto& locale : c.defaults.locales) {
            std::set<std::string> reported;
            for (const auto& [name, where] : needed) {
                if (has(locale, name) || !reported.insert(name).second) continue;
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

void lint(const Config& c, Diagnostics& d, const std::map<std::string, YAML::Node>* parsed) {
    for (const auto& f : c.flows) {
        std::optional<YAML::Node> root;
        if (parsed)
            if (auto it = parsed->find(f.file); it != parsed->end()) root = it->second;
        if (!root) root = load_yaml(f.file);
        if (!root) continue;
        auto nodes = step_nodes(*root);
        check_journey(c, f, nodes, d);
        // No templates at all is one error already ("templates directory not found").
        if (!c.templates.empty()) check_templates(c, f, nodes, d);
    }
}

}  // namespace cxgate::config
