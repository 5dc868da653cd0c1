// One step of a flow: its events and `if:`, the survey questions it asks, when and on
// which channels, reminders, follow-up and the alert on a score.
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <set>
#include <sstream>
#include <variant>
#include "cxgate/config/keys.hpp"

#include "loader.hpp"

namespace cxgate::config::detail {

namespace {

std::optional<metrics::Scale> parse_scale(const std::string& text) {
    if (text == "yes-no" || text == "yes/no" || text == "yesno") return metrics::kYesNo;
    auto dash = text.find('-');
    if (dash == std::string::npos || dash == 0) return std::nullopt;
    try {
        metrics::Scale s{std::stoi(text.substr(0, dash)), std::stoi(text.substr(dash + 1))};
        if (s.min < 0 || s.max > 10 || s.min >= s.max) return std::nullopt;
        return s;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The `if:` of a step, parsed now so that a mistake is a config error pointing at its byte.
void read_condition(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node cond = node["if"];
    if (!cond) return;
    if (!cond.IsScalar()) {
        r.error(cond,
                where + ": \"if\" must be a condition such as contact.segment == \"premium\"");
        return;
    }
    auto parsed = Condition::parse(cond.Scalar());
    if (auto* error = std::get_if<ConditionError>(&parsed)) {
        // yaml-cpp marks a quoted scalar at its opening quote (and tags it "!"); the offset
        // counts from the first character inside. Multi-line scalars point at their start.
        YAML::Mark mark = cond.Mark();
        const bool quoted = cond.Tag() == "!";
        const bool one_line = cond.Scalar().find('\n') == std::string::npos;
        if (one_line) mark.column += error->offset + (quoted ? 1 : 0);
        r.error(mark, where + ": \"if\": " + error->message);
        return;
    }
    s.condition = std::get<Condition>(std::move(parsed));
}

Question read_question(YamlReader& r, const YAML::Node& node, const std::string& where,
                       size_t index) {
    Question q;
    q.id = "q" + std::to_string(index + 1);
    q.line = node.Mark().line + 1;
    q.column = node.Mark().column + 1;
    r.check_keys(node, keys::survey_question.keys, where);
    if (auto id = r.string(node, "id")) q.id = *id;
    if (auto m = r.string(node, "metric", true)) {
        if (auto metric = metrics::parse_metric(*m))
            q.metric = *metric;
        else
            r.error(node["metric"],
                    where + ": unknown metric \"" + *m + "\" (known: nps, enps, csat, ces)");
    }
    const bool nps = q.metric == metrics::Metric::nps || q.metric == metrics::Metric::enps;
    q.scale = nps ? metrics::Scale{0, 10} : metrics::Scale{1, 5};
    if (auto text = r.string(node, "scale")) {
        if (auto scale = parse_scale(*text))
            q.scale = *scale;
        else
            r.error(node["scale"], where +
                                       ": \"scale\" must look like 1-5 or 0-10 (0..10), or be "
                                       "yes-no, got \"" +
                                       *text + "\"");
    }
    if (nps && !(q.scale == metrics::Scale{0, 10}))
        r.error(node, where + ": NPS and eNPS are always asked on 0-10");
    if (auto v = r.boolean(node, "low_is_good")) q.low_is_good = *v;
    if (auto t = r.string(node, "template")) q.template_name = *t;
    return q;
}

// `survey:` is one question ({metric, scale, low_is_good, template}) or a list of up to
// three, asked in order. A step-level `template:` names the first question's message.
void read_survey(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node survey = node["survey"];
    if (!survey) {
        r.error(node, where + ": missing required key \"survey\"");
        return;
    }
    std::vector<Question> questions;
    if (survey.IsSequence()) {
        if (survey.size() == 0 || survey.size() > 3)
            r.error(survey, where + ": \"survey\" asks one to three questions, got " +
                                std::to_string(survey.size()));
        for (size_t i = 0; i < survey.size() && i < 3; ++i) {
            const YAML::Node item = survey[i];
            const std::string at = where + ": question " + std::to_string(i + 1);
            if (r.expect_map(item, at)) questions.push_back(read_question(r, item, at, i));
        }
    } else if (r.expect_map(survey, where + ": \"survey\"")) {
        questions.push_back(read_question(r, survey, where, 0));
    }
    if (questions.empty()) return;
    std::set<std::string> ids;
    for (size_t i = 0; i < questions.size(); ++i)
        if (!ids.insert(questions[i].id).second)
            r.error(survey[i], where + ": two questions named \"" + questions[i].id + "\"");
    if (auto t = r.string(node, "template")) {
        if (!questions[0].template_name.empty())
            r.error(node["template"], where +
                                          ": the first question names its own template; give "
                                          "\"template\" in one place");
        else
            questions[0].template_name = *t;
    }
    s.questions = std::move(questions);
}

// on_waiting: supersede | skip | { wait: <duration> }
void read_on_waiting(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node value = node["on_waiting"];
    if (!value) return;
    const std::string usage = where +
                              ": \"on_waiting\" must be supersede, skip or { wait: <duration> } "
                              "(e.g. { wait: 2h })";
    if (value.IsScalar()) {
        if (value.Scalar() == "supersede")
            s.on_waiting = OnWaiting::supersede;
        else if (value.Scalar() == "skip")
            s.on_waiting = OnWaiting::skip;
        else
            r.error(value, usage + ", got \"" + value.Scalar() + "\"");
        return;
    }
    if (!value.IsMap() || !value["wait"]) {
        r.error(value, usage);
        return;
    }
    r.check_keys(value, keys::on_waiting.keys, where + ": \"on_waiting\"");
    if (auto d = r.delay(value, "wait", true)) {
        s.on_waiting = OnWaiting::wait;
        s.wait_max = *d;
    }
}

// `target: { nps: 40, notify: [...], min_answers: 5 }`: a figure per metric the step asks.
void read_targets(YamlReader& r, const YAML::Node& node, const std::string& where, const Config& c,
                  Step& s) {
    const YAML::Node target = node["target"];
    if (!target || !r.expect_map(target, where + ": \"target\"")) return;
    StepTargets targets;
    for (auto it = target.begin(); it != target.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (key == "notify") {
            if (auto notify = r.string_list(target, "notify")) {
                check_recipients(r, target["notify"], *notify, c, where + ": target notify");
                targets.notify = *notify;
            }
            continue;
        }
        if (key == "min_answers") {
            targets.min_answers = r.integer(target, "min_answers", 1, 10000).value_or(5);
            continue;
        }
        const auto metric = metrics::parse_metric(key);
        auto question =
            std::find_if(s.questions.begin(), s.questions.end(),
                         [&](const Question& q) { return metric && q.metric == *metric; });
        if (!metric || question == s.questions.end()) {
            std::string asked;
            for (const auto& q : s.questions)
                asked += (asked.empty() ? "" : ", ") + metrics::to_string(q.metric);
            r.error(it->first, where + ": \"target\" names \"" + key +
                                   "\", which is not a metric this step asks (" + asked +
                                   "; or notify, min_answers)");
            continue;
        }
        auto text = r.scalar(it->second, where + ": target " + key);
        if (!text) continue;
        char* end = nullptr;
        const double value = std::strtod(text->c_str(), &end);
        // The range a figure of this metric can take: a target outside it can never be met
        // (or never missed).
        double low = -100, high = 100;
        if (*metric == metrics::Metric::csat) low = 0;
        if (*metric == metrics::Metric::ces) {
            low = question->scale.min;
            high = question->scale.max;
        }
        if (text->empty() || *end != '\0' || value < low || value > high) {
            r.error(it->second, where + ": target " + key + " must be a number from " +
                                    std::to_string(static_cast<int>(low)) + " to " +
                                    std::to_string(static_cast<int>(high)) + ", got \"" + *text +
                                    "\"");
            continue;
        }
        targets.figures.push_back(
            StepTarget{*metric, static_cast<int>(question - s.questions.begin()), value});
    }
    if (targets.figures.empty()) {
        r.error(target, where + ": \"target\" names no metric (e.g. target: { nps: 40 })");
        return;
    }
    if (targets.notify.empty() && c.alert_managers.empty())
        r.warning(target, where +
                              ": no one hears of a missed target (target notify, or "
                              "alerts.managers)");
    s.targets = targets;
}

}  // namespace

std::optional<AlertRule> parse_alert_when(const std::string& text) {
    std::istringstream in(text);
    std::string subject, op, number;
    in >> subject >> op >> number;
    std::string rest;
    if (subject != "score" || number.empty() || (in >> rest)) return std::nullopt;
    static const std::set<std::string> ops{"<", "<=", ">", ">=", "==", "!="};
    if (!ops.count(op)) return std::nullopt;
    try {
        size_t used = 0;
        int threshold = std::stoi(number, &used);
        if (used != number.size()) return std::nullopt;
        AlertRule rule;
        rule.expression = text;
        rule.op = op;
        rule.threshold = threshold;
        return rule;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Step read_step(YamlReader& r, const YAML::Node& node, const Config& c, const Flow& flow) {
    Step s;
    s.line = node.Mark().line + 1;
    r.check_keys(node, keys::step.keys, "a step");
    s.id = r.string(node, "id", true).value_or("");
    const std::string where = "step \"" + s.id + "\"";
    if (auto on = r.string_list(node, "on", true)) s.on = *on;
    read_condition(r, node, where, s);
    if (auto cancel = r.string_list(node, "cancel_on")) {
        s.cancel_on = *cancel;
        for (const auto& type : s.cancel_on)
            if (std::find(s.on.begin(), s.on.end(), type) != s.on.end())
                r.error(node["cancel_on"],
                        where + ": \"" + type + "\" both starts and cancels this step");
    }
    if (auto at = r.string(node, "at")) {
        auto minute = timing::parse_time_of_day(*at);
        if (!minute || *minute >= 24 * 60)
            r.error(
                node["at"],
                where + ": \"at\" must be a local time HH:MM (00:00-23:59), got \"" + *at + "\"");
        else
            s.at_minute = *minute;
    }
    s.priority = r.integer(node, "priority", -1000, 1000).value_or(flow.priority);
    s.arbitration = flow.arbitration;
    if (auto d = r.delay(node, "arbitration")) s.arbitration = *d;
    read_survey(r, node, where, s);
    if (auto channels = r.string_list(node, "channel", true)) {
        s.channels = *channels;
        for (size_t i = 0; i < s.channels.size(); ++i) {
            const YAML::Node at =
                node["channel"].IsSequence() ? node["channel"][i] : node["channel"];
            if (const auto* channel = c.find_channel(s.channels[i])) {
                // Slack, Teams and webhooks reach a room of staff, not the customer.
                if (channel->kind == ChannelKind::chat)
                    r.error(at, where + ": channel \"" + s.channels[i] + "\" is a chat channel (" +
                                    channel->type +
                                    ") for staff alerts; a survey needs an sms or email channel");
                continue;
            }
            std::string message = where + ": undefined channel \"" + s.channels[i] + "\"";
            std::set<std::string> names;
            for (const auto& [name, ch] : c.channels) names.insert(name);
            if (auto suggestion = closest(s.channels[i], names))
                message += " (did you mean \"" + *suggestion + "\"?)";
            r.error(at, message);
        }
    }
    if (auto d = r.delay(node, "delay")) s.delay = *d;
    s.expires = c.defaults.expires;
    if (auto d = r.delay(node, "expires")) s.expires = *d;
    s.recontact = flow.recontact;
    if (auto d = r.delay(node, "recontact")) s.recontact = *d;
    read_on_waiting(r, node, where, s);
    s.share_answers = flow.share_answers;
    if (auto share = read_share_answers(r, node, where)) s.share_answers = *share;
    // One answer shown alone names who gave it, which an anonymous flow promises never to.
    if (flow.anonymous && s.share_answers != ShareAnswers::off)
        r.error(node["share_answers"] ? node["share_answers"] : node,
                where +
                    ": \"share_answers\" shows single answers, which an anonymous "
                    "flow never does");
    if (auto f = r.string(node, "follow_up")) {
        if (*f == "why")
            s.follow_up_why = true;
        else if (*f != "none")
            r.error(node["follow_up"],
                    where + ": \"follow_up\" must be why or none, got \"" + *f + "\"");
    }
    if (const YAML::Node reminder = node["reminder"]) {
        if (r.expect_map(reminder, where + ": \"reminder\"")) {
            r.check_keys(reminder, keys::reminder.keys, where + ": \"reminder\"");
            Reminder rem;
            if (auto d = r.delay(reminder, "after", true)) rem.after = *d;
            rem.max = r.integer(reminder, "max", 0, 5).value_or(1);
            s.reminder = rem;
        }
    }
    if (const YAML::Node alert = node["alert"]) {
        if (r.expect_map(alert, where + ": \"alert\"")) {
            r.check_keys(alert, keys::step_alert.keys, where + ": \"alert\"");
            auto when = r.string(alert, "when", true);
            std::optional<AlertRule> rule;
            if (when) {
                rule = parse_alert_when(*when);
                if (!rule)
                    r.error(alert["when"], where +
                                               ": alert condition must look like \"score <= 6\" "
                                               "(<, <=, >, >=, ==, !=), got \"" +
                                               *when + "\"");
                else if (rule->threshold < s.first().scale.min ||
                         rule->threshold > s.first().scale.max)
                    r.warning(alert["when"], where + ": alert threshold " +
                                                 std::to_string(rule->threshold) +
                                                 " is outside the scale");
            }
            if (auto notify = r.string_list(alert, "notify", true)) {
                for (size_t i = 0; i < notify->size(); ++i) {
                    const auto& target = (*notify)[i];
                    if (target == "staff" || target == "team-lead" || c.alert_targets.count(target))
                        continue;
                    const YAML::Node at =
                        alert["notify"].IsSequence() ? alert["notify"][i] : alert["notify"];
                    r.error(at, where + ": unknown alert target \"" + target +
                                    "\" (staff, team-lead, or a name under alerts.targets)");
                }
                if (rule) rule->notify = *notify;
            }
            if (rule) s.alert = rule;
            // Staff and team leads are reached through alerts.channel; named targets (a
            // Slack room, say) bring their own channel.
            const bool reaches_staff =
                s.alert &&
                std::any_of(s.alert->notify.begin(), s.alert->notify.end(),
                            [](const std::string& n) { return n == "staff" || n == "team-lead"; });
            if (reaches_staff && c.alert_channel.empty())
                r.error(alert, where + ": alerts need an email channel or alerts.channel");
        }
    }
    read_targets(r, node, where, c, s);
    return s;
}

}  // namespace cxgate::config::detail
