// Acknowledging and resolving an alert, from its page or the API.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/alerts/outbound_events.hpp"
#include "cxgate/foundation/utf8.hpp"

namespace cxgate::alerts {

namespace {

// What people type into the page is kept, within reason: a name and a few paragraphs.
constexpr size_t kMaxBy = 100;
constexpr size_t kMaxNote = 2000;

// Refused rather than cut: a cut note would say less than its writer meant.
std::string too_long(const std::string& field, const std::string& text, size_t max_chars) {
    if (utf8::length(text) <= max_chars) return {};
    return field + ": at most " + std::to_string(max_chars) + " characters";
}

}  // namespace

const std::vector<std::string>& resolutions() {
    static const std::vector<std::string> all{"called_back", "solved", "no_action"};
    return all;
}

HandlingResult handle_alert(store::Store& db, const config::Config& config, std::int64_t alert_id,
                            const Handling& handling, store::Seconds now) {
    HandlingResult out;
    out.alert = db.alert(alert_id);
    if (!out.alert) {
        out.not_found = true;
        out.error = "no alert " + std::to_string(alert_id);
        return out;
    }
    auto a = *out.alert;
    const std::string by = utf8::repair(handling.by);
    const std::string note = utf8::repair(handling.note);
    if (by.empty()) {
        out.error = "by: say who you are";
        return out;
    }
    for (const auto& error : {too_long("by", by, kMaxBy), too_long("note", note, kMaxNote)})
        if (!error.empty()) {
            out.error = error;
            return out;
        }
    using Action = Handling::Action;
    if (handling.action == Action::acknowledge) {
        if (a.state == store::AlertHandling::acknowledged) return out;
        if (a.state == store::AlertHandling::resolved) {
            out.error = "the alert is already resolved";
            return out;
        }
        a.state = store::AlertHandling::acknowledged;
        a.acknowledged_at = now;
        a.acknowledged_by = by;
    } else {
        if (a.state == store::AlertHandling::resolved) return out;
        const auto& known = resolutions();
        if (std::find(known.begin(), known.end(), handling.resolution) == known.end()) {
            out.error = "resolution: one of called_back, solved, no_action";
            return out;
        }
        // Resolving says the alert was seen, too.
        if (!a.acknowledged_at) {
            a.acknowledged_at = now;
            a.acknowledged_by = by;
        }
        a.state = store::AlertHandling::resolved;
        a.resolved_at = now;
        a.resolved_by = by;
        a.resolution = handling.resolution;
        a.note = note;
    }
    // Handled: nothing escalates any more.
    a.escalate_at.reset();
    db.save_alert(a);
    if (a.state == store::AlertHandling::resolved)
        if (auto survey = db.find_survey(a.survey_id))
            alerts::record_outbound_event(db, config, alerts::kAlertResolved, *survey, &a, now);
    spdlog::info("alert {} (survey {}): {} by {}", a.id, a.survey_id, store::to_string(a.state),
                 by);
    out.alert = a;
    return out;
}

}  // namespace cxgate::alerts
