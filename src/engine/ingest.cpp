#include "cxgate/engine/ingest.hpp"

#include "cxgate/store/store.hpp"

#include "cxgate/engine/plan.hpp"

namespace cxgate::engine {

namespace {

using json = nlohmann::json;

store::Seconds secs(timing::TimePoint t) {
    return t.time_since_epoch().count();
}

store::ContactRow contact_row(const Contact& c) {
    return store::ContactRow{c.id, c.phone, c.email, c.name, c.locale, c.timezone, c.segment};
}

// The contact's surveys, and other contacts' surveys on the same deal, that were not
// suppressed. `counts` follows "went out or will": a survey never sent that is no longer
// pending (expired or opted out before its turn) does not count for recontact or fatigue.
History load_history(store::Store& db, const Event& event, store::Seconds now) {
    History h;
    for (const auto& address : {event.contact.phone, event.contact.email})
        if (!address.empty() && db.is_opted_out(address)) h.opted_out.insert(address);
    for (const auto& row : db.survey_history(event.contact.id, event.deal_id, now)) {
        PriorSurvey p{row.flow, row.step, row.state,
                      timing::TimePoint{std::chrono::seconds{row.at}}};
        p.id = row.id;
        p.deal_id = row.deal_id;
        p.same_contact = row.contact_id == event.contact.id;
        p.pending = p.state == store::SurveyState::scheduled;
        p.counts = row.counts;
        p.address = row.address;
        p.awaiting = row.awaiting;
        h.surveys.push_back(std::move(p));
    }
    return h;
}

store::SurveyRow survey_from(const Decision& d, const Event& e, const std::string& contact_name,
                             store::Seconds now) {
    store::SurveyRow s;
    s.event_id = e.id;
    s.event_type = e.type;
    s.flow = d.flow->name;
    s.flow_version = d.flow->version;
    s.anonymous = d.flow->anonymous;
    s.step = d.step->id;
    const auto& first = d.step->first();
    s.metric = metrics::to_string(first.metric);
    s.scale_min = first.scale.min;
    s.scale_max = first.scale.max;
    s.low_is_good = first.low_is_good;
    s.template_name = first.template_name;
    // The survey keeps its questions: a reload may change the step while it is open.
    if (d.step->questions.size() > 1 || first.id != "q1")
        for (const auto& q : d.step->questions)
            s.questions.push_back({q.id, metrics::to_string(q.metric), q.scale.min, q.scale.max,
                                   q.low_is_good, q.template_name});
    s.follow_up_why = d.step->follow_up_why;
    s.contact_id = e.contact.id;
    s.contact_name = contact_name;
    s.locale = e.contact.locale;
    s.segment = e.contact.segment;
    if (e.staff) {
        s.staff_id = e.staff->id;
        s.staff_name = e.staff->name;
        s.staff_email = e.staff->email;
        s.staff_phone = e.staff->phone;
    }
    s.channels = json(d.step->channels).dump();
    s.channel = d.channel;
    s.address = d.address;
    s.state = d.scheduled ? store::SurveyState::scheduled : store::SurveyState::suppressed;
    s.reason = d.scheduled ? "" : d.reason + ": " + d.detail;
    s.due_at = secs(d.due_at);
    s.expires_at = secs(d.expires_at);
    s.reminders_max = d.step->reminder ? d.step->reminder->max : 0;
    s.created_at = now;
    s.updated_at = now;
    s.deal_id = e.deal_id;
    s.timezone = d.timezone;
    return s;
}

std::optional<std::string> iso(const std::optional<store::Seconds>& t) {
    if (!t) return std::nullopt;
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*t}});
}

}  // namespace

EventOutcome record_event(store::Store& db, const config::Config& config, const Event& event,
                          timing::TimePoint now) {
    EventOutcome out;
    out.event_id = event.id;
    if (db.event_recorded(event.id)) {
        out.duplicate = true;
        // The same answer as the first time: its own surveys and those it took back.
        out.surveys = db.surveys_of_event(event.id);
        return out;
    }
    const store::Seconds now_s = secs(now);
    // An event that leaves out the name (a CRM sends the deal, not the person) still greets
    // the customer by the name an earlier event gave.
    const std::string name = db.upsert_contact(contact_row(event.contact), now_s);
    db.insert_event(store::EventRow{event.id, event.type, secs(event.occurred_at),
                                    secs(event.received_at), event.contact.id, event.raw.dump()});
    if (const auto kind = config.sales.kind_of(event.type); !kind.empty())
        db.record_sales_event(store::SalesEventRow{
            event.id, kind, event.deal_id, event.staff ? event.staff->id : std::string(),
            event.contact.segment, event.contact.timezone, secs(event.occurred_at), event.value,
            event.currency});

    auto planned = plan_event(config, event, load_history(db, event, now_s), now);
    for (const auto& taken : planned.displaced) {
        auto row = db.find_survey(taken.survey_id);
        // Only a survey still waiting for its turn can be taken back.
        if (!row || row->state != store::SurveyState::scheduled) continue;
        row->state = store::SurveyState::suppressed;
        row->reason = taken.reason + ": " + taken.detail;
        row->suppressed_by = event.id;
        row->held_by.reset();
        row->updated_at = now_s;
        db.save_survey(*row);
        out.surveys.push_back(std::move(*row));
    }
    for (const auto& decision : planned.decisions) {
        auto row = survey_from(decision, event, name, now_s);
        row.id = db.insert_survey(row);
        if (!decision.waiting_note.empty()) out.notes[row.id] = decision.waiting_note;
        out.surveys.push_back(std::move(row));
    }
    return out;
}

json survey_json(const store::SurveyRow& s) {
    json j{{"id", s.id},
           {"event", s.event_id},
           {"flow", s.flow},
           {"flow_version", s.flow_version},
           {"step", s.step},
           {"metric", s.metric},
           {"scale", metrics::to_string(metrics::Scale{s.scale_min, s.scale_max})},
           {"state", s.state},
           {"contact", s.contact_id},
           {"locale", s.locale}};
    if (!s.channel.empty()) j["channel"] = s.channel;
    if (!s.address.empty()) j["address"] = s.address;
    if (!s.reason.empty()) {
        auto colon = s.reason.find(':');
        j["reason"] = s.reason.substr(0, colon);
        if (colon != std::string::npos) j["detail"] = s.reason.substr(colon + 2);
    }
    auto put = [&](const char* key, const std::optional<store::Seconds>& t) {
        if (auto v = iso(t)) j[key] = *v;
    };
    put("due_at", s.due_at);
    put("expires_at", s.expires_at);
    put("sent_at", s.sent_at);
    put("answered_at", s.answered_at);
    put("commented_at", s.commented_at);
    put("closed_at", s.closed_at);
    if (s.score) j["score"] = *s.score;
    if (!s.comment.empty()) j["comment"] = s.comment;
    if (!s.staff_id.empty()) j["staff"] = s.staff_id;
    if (!s.deal_id.empty()) j["deal_id"] = s.deal_id;
    if (s.anonymous) j["anonymous"] = true;
    if (!s.suppressed_by.empty()) j["suppressed_by"] = s.suppressed_by;
    if (s.held_by) j["waiting_for"] = *s.held_by;
    if (s.superseded_by) j["superseded_by"] = *s.superseded_by;
    if (s.template_name.size()) j["template"] = s.template_name;
    if (!s.questions.empty()) {
        json questions = json::array();
        for (const auto& q : s.questions)
            questions.push_back(
                {{"id", q.id},
                 {"metric", q.metric},
                 {"scale", metrics::to_string(metrics::Scale{q.scale_min, q.scale_max})}});
        j["questions"] = questions;
    }
    return j;
}

json to_json(const EventOutcome& outcome) {
    json scheduled = json::array(), suppressed = json::array();
    for (const auto& s : outcome.surveys) {
        if (s.state == store::SurveyState::suppressed) {
            suppressed.push_back(survey_json(s));
        } else {
            auto j = survey_json(s);
            if (auto note = outcome.notes.find(s.id); note != outcome.notes.end())
                j["waiting"] = note->second;
            scheduled.push_back(std::move(j));
        }
    }
    return json{{"event", outcome.event_id},
                {"duplicate", outcome.duplicate},
                {"scheduled", scheduled},
                {"suppressed", suppressed}};
}

}  // namespace cxgate::engine
