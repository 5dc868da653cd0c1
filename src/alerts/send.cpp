// Sending an alert: its messages queued and the survey's alert state moved to sent, in the
// caller's transaction.
#include <spdlog/spdlog.h>

#include "cxgate/alerts/alerts.hpp"

namespace cxgate::alerts {

std::vector<std::int64_t> send_alert(store::Store& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> skipped;
    for (auto& m : alert_messages(config, survey, now, &skipped))
        ids.push_back(db.insert_message(m));
    for (const auto& target : skipped)
        spdlog::warn("survey {}: alert target {} has no address; skipped", survey.id, target);
    survey.alert_state = store::AlertState::sent;
    survey.alert_due_at.reset();
    return ids;
}

}  // namespace cxgate::alerts
