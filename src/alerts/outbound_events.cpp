#include "cxgate/alerts/outbound_events.hpp"

#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::alerts {

namespace {

using json = nlohmann::json;

std::string iso(store::Seconds t) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
}

void put(json& j, const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
}

void put(json& j, const char* key, const std::optional<store::Seconds>& at) {
    if (at) j[key] = iso(*at);
}

json contact_of(const store::SurveyRow& s) {
    json c = json::object();
    put(c, "id", s.contact_id);
    put(c, "name", s.contact_name);
    // The address the survey went to: what a CRM without our contact id matches on.
    if (!s.address.empty())
        c[s.address.find('@') == std::string::npos ? "phone" : "email"] = s.address;
    return c;
}

json survey_of(const std::string& type, const store::SurveyRow& s,
               const std::vector<store::AnswerRow>& answers) {
    json j{{"id", s.id}, {"flow", s.flow}, {"step", s.step}};
    json cause = json::object();
    put(cause, "id", s.event_id);
    put(cause, "type", s.event_type);
    if (!cause.empty()) j["event"] = std::move(cause);
    j["metric"] = s.metric;
    j["scale"] = {{"min", s.scale_min}, {"max", s.scale_max}};
    if (s.score) j["score"] = *s.score;
    json list = json::array();
    for (const auto& a : answers)
        list.push_back({{"question", a.question_id},
                        {"metric", a.metric},
                        {"score", a.score},
                        {"scale", {{"min", a.scale_min}, {"max", a.scale_max}}},
                        {"answered_at", iso(a.answered_at)}});
    j["answers"] = std::move(list);
    if (type != kSurveyAnswered) put(j, "comment", s.comment);
    put(j, "channel", s.channel);
    put(j, "locale", s.locale);
    put(j, "segment", s.segment);
    put(j, "deal_id", s.deal_id);
    j["contact"] = contact_of(s);
    if (!s.staff_id.empty()) {
        json staff{{"id", s.staff_id}};
        put(staff, "name", s.staff_name);
        j["staff"] = std::move(staff);
    }
    put(j, "sent_at", s.sent_at);
    put(j, "answered_at", s.answered_at);
    put(j, "commented_at", s.commented_at);
    return j;
}

json alert_of(const store::AlertRow& a) {
    json j{{"id", a.id}, {"state", std::string(store::to_string(a.state))}};
    j["opened_at"] = iso(a.opened_at);
    put(j, "acknowledged_at", a.acknowledged_at);
    put(j, "acknowledged_by", a.acknowledged_by);
    put(j, "resolved_at", a.resolved_at);
    put(j, "resolved_by", a.resolved_by);
    put(j, "resolution", a.resolution);
    put(j, "note", a.note);
    return j;
}

}  // namespace

json outbound_payload(const std::string& event_id, const std::string& type,
                      const store::SurveyRow& survey, const std::vector<store::AnswerRow>& answers,
                      const store::AlertRow* alert, store::Seconds now) {
    json j{{"id", event_id}, {"type", type}, {"created_at", iso(now)}};
    j["survey"] = survey_of(type, survey, answers);
    if (alert) j["alert"] = alert_of(*alert);
    return j;
}

int record_outbound_event(store::Store& db, const config::Config& config, const std::string& type,
                          const store::SurveyRow& survey, const store::AlertRow* alert,
                          store::Seconds now) {
    if (survey.anonymous) return 0;
    std::vector<const config::OutboundReceiver*> receivers;
    for (const auto& [name, receiver] : config.outbound_receivers)
        if (receiver.wants(type, survey.flow)) receivers.push_back(&receiver);
    if (receivers.empty()) return 0;
    // Random, not derived from the survey: a second survey.answered of one survey (a score
    // changed on the page) is a second event, and a receiver dedupes on the id alone.
    const std::string event_id = "evt_" + random_hex(16);
    // The payload is what was true now, not when it is posted: a retry an hour later says
    // the same thing, byte for byte, as the first attempt did.
    const auto payload =
        outbound_payload(event_id, type, survey, db.answers_of(survey.id), alert, now)
            .dump(-1, ' ', false, json::error_handler_t::replace);
    for (const auto* receiver : receivers) {
        store::OutboundEventRow row;
        row.event_id = event_id;
        row.receiver = receiver->name;
        row.type = type;
        row.survey_id = survey.id;
        row.payload = payload;
        row.created_at = now;
        db.queue_outbound_event(row);
    }
    return static_cast<int>(receivers.size());
}

}  // namespace cxgate::alerts
