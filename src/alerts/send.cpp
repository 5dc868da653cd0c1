// Sending an alert: the alert opened, its messages queued with the alert's link, and the
// survey's alert state moved to sent, all in the caller's transaction.
#include <spdlog/spdlog.h>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/alerts/outbound_events.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/random.hpp"

namespace cxgate::alerts {

std::string alert_link(const config::Config& config, const std::string& link_secret,
                       std::int64_t alert_id, store::Seconds now) {
    auto token =
        links::alert_token(link_secret, alert_id, now + links::kAlertLinkLifetime, random_hex(12));
    return links::alert_url(config.server.public_url, token);
}

std::vector<std::int64_t> send_alert(store::Store& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> skipped;
    // A survey alerts once; a second call (a score changed while the reason was awaited
    // is decided before this) finds its alert and opens none.
    std::optional<store::AlertRow> alert = db.alert_for_survey(survey.id);
    if (!alert) {
        store::AlertRow row;
        row.survey_id = survey.id;
        row.opened_at = now;
        row.escalate_at = escalation_time(config, survey, now);
        row.id = db.open_alert(row);
        alert = row;
        alerts::record_outbound_event(db, config, alerts::kAlertOpened, survey, &row, now);
    }
    // The link secret is the install's (settings), made at the first start.
    const auto secret = db.setting("link_secret", [] { return random_hex(32); });
    const templates::AlertFields fields{alert->id, 0, alert_link(config, secret, alert->id, now)};
    for (auto& m : alert_messages(config, survey, now, &skipped, fields))
        ids.push_back(db.insert_message(m));
    for (const auto& target : skipped)
        spdlog::warn("survey {}: alert target {} has no address; skipped", survey.id, target);
    survey.alert_state = store::AlertState::sent;
    survey.alert_due_at.reset();
    return ids;
}

}  // namespace cxgate::alerts
