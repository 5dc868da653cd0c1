// Escalation: an alert nobody acknowledged goes up the staff directory's leads, then to
// alerts.managers, each level after alerts.escalate_after of business time.
#include <set>

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::alerts {

namespace {

// Whom level `level` (1: the first escalation) reaches: the staff member `level` leads up
// the directory, or, when the chain ends (or loops), the managers; nobody past them.
struct Level {
    std::vector<Recipient> to;
    std::vector<std::string> names;  // for the log
    bool last = false;               // no level after this one
};

Level level_of(const config::Config& config, const std::string& staff_id, int level) {
    Level out;
    std::string person = staff_id;
    std::set<std::string> seen{person};
    int hops = 0;
    for (; hops < level; ++hops) {
        auto member = config.staff.find(person);
        if (member == config.staff.end() || member->second.lead.empty() ||
            !seen.insert(member->second.lead).second)
            break;
        person = member->second.lead;
    }
    if (hops == level) {
        if (auto r = recipient_named(config, person)) out.to.push_back(*r);
        out.names.push_back(person);
        // Is there anyone above? Then this is not the last level.
        auto member = config.staff.find(person);
        const bool more_leads = member != config.staff.end() && !member->second.lead.empty() &&
                                !seen.count(member->second.lead);
        out.last = !more_leads && config.alert_managers.empty();
        return out;
    }
    // The chain ended one hop short of this level: the managers, once.
    if (hops == level - 1) {
        for (const auto& name : config.alert_managers) {
            if (auto r = recipient_named(config, name)) out.to.push_back(*r);
            out.names.push_back(name);
        }
    }
    out.last = true;
    return out;
}

}  // namespace

std::optional<store::Seconds> escalation_time(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds from) {
    if (!config.alert_escalate_after) return std::nullopt;
    const auto* flow = config.flow_for(survey.flow, survey.flow_version);
    const auto& window = flow ? flow->send_window : config.defaults.send_window;
    static const timing::Calendar no_holidays;
    const auto& calendar = flow ? flow->calendar : no_holidays;
    const auto* zone = date::locate_zone(flow ? flow->timezone : config.defaults.timezone);
    const auto at =
        timing::add_business_time(timing::TimePoint{std::chrono::seconds{from}},
                                  *config.alert_escalate_after, window, *zone, calendar);
    return at.time_since_epoch().count();
}

std::vector<std::int64_t> escalate_due(store::Store& db, const config::Config& config,
                                       store::Seconds now) {
    std::vector<std::int64_t> ids;
    // A pass takes a bounded batch; the rest go on the next pass, which comes at once.
    const auto due = db.alerts_to_escalate(now, 100);
    if (due.empty()) return ids;
    const auto secret = db.setting("link_secret", [] { return random_hex(32); });
    for (auto alert : due) {
        auto survey = db.find_survey(alert.survey_id);
        alert.level += 1;
        if (!survey) {
            alert.escalate_at.reset();
            db.save_alert(alert);
            continue;
        }
        const auto level = level_of(config, survey->staff_id, alert.level);
        const templates::AlertFields fields{alert.id, alert.level,
                                            alert_link(config, secret, alert.id, now)};
        for (const auto& to : level.to)
            ids.push_back(db.insert_message(alert_message(config, *survey, to, fields, now)));
        if (level.to.empty())
            spdlog::warn("alert {} (survey {}): escalation level {} reaches nobody ({})", alert.id,
                         alert.survey_id, alert.level,
                         level.names.empty() ? "no lead and no alerts.managers"
                                             : "no address on the alert channel");
        else
            spdlog::info("alert {} (survey {}): not acknowledged, escalated to level {}", alert.id,
                         alert.survey_id, alert.level);
        alert.escalate_at = level.last ? std::nullopt : escalation_time(config, *survey, now);
        db.save_alert(alert);
    }
    return ids;
}

}  // namespace cxgate::alerts
