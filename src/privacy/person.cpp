// Access requests and erasure of one person (person.hpp).
#include "cxgate/privacy/person.hpp"

#include <algorithm>
#include <cctype>

#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::privacy {

namespace {

using json = nlohmann::json;

std::string iso(store::Seconds t) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
}

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

json event_json(const store::EventRow& e) {
    json j{{"id", e.id},
           {"type", e.type},
           {"occurred_at", iso(e.occurred_at)},
           {"received_at", iso(e.received_at)},
           {"contact", e.contact_id}};
    // The payload as it came; a payload that no longer parses is handed over as text.
    auto body = json::parse(e.body, nullptr, false);
    j["body"] = body.is_discarded() ? json(e.body) : body;
    return j;
}

json message_json(const store::MessageRow& m) {
    json j{{"id", m.id},           {"kind", m.kind},   {"channel", m.channel},
           {"address", m.address}, {"state", m.state}, {"created_at", iso(m.created_at)},
           {"body", m.body}};
    if (m.survey_id) j["survey"] = *m.survey_id;
    if (!m.subject.empty()) j["subject"] = m.subject;
    if (m.sent_at) j["sent_at"] = iso(*m.sent_at);
    if (m.delivered_at) j["delivered_at"] = iso(*m.delivered_at);
    return j;
}

json inbound_json(const store::StoredInbound& in) {
    json j{{"id", in.id},
           {"channel", in.row.channel},
           {"from", in.row.from},
           {"text", in.row.text},
           {"received_at", iso(in.row.received_at)},
           {"outcome", in.row.outcome}};
    if (in.row.survey_id) j["survey"] = *in.row.survey_id;
    return j;
}

}  // namespace

std::string PersonKeys::kinds() const {
    std::string out;
    auto add = [&out](const std::string& value, const char* name) {
        if (!value.empty()) out += (out.empty() ? "" : ",") + std::string(name);
    };
    add(phone, "phone");
    add(email, "email");
    add(contact, "contact");
    add(event, "event");
    return out;
}

std::optional<store::PersonSelector> selector_for(const PersonKeys& keys,
                                                  const config::Config& config,
                                                  std::string* error) {
    auto fail = [error](std::string why) -> std::optional<store::PersonSelector> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    store::PersonSelector s;
    if (const auto raw = trimmed(keys.phone); !raw.empty()) {
        std::string why;
        auto normal = phone::normalize(raw, config.defaults.region, &why);
        if (!normal) return fail("phone: " + why);
        s.phones = phone::spellings(normal->e164);
        if (std::find(s.phones.begin(), s.phones.end(), raw) == s.phones.end())
            s.phones.push_back(raw);
    }
    if (const auto raw = trimmed(keys.email); !raw.empty()) {
        const auto at = raw.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == raw.size())
            return fail("email: \"" + raw + "\" is not an email address");
        std::string lower = raw;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        s.emails = {lower};
        if (raw != lower) s.emails.push_back(raw);
    }
    if (const auto id = trimmed(keys.contact); !id.empty()) s.contact_ids = {id};
    if (const auto id = trimmed(keys.event); !id.empty()) s.event_ids = {id};
    if (s.empty()) return fail("name the person: a phone, an email, a contact id or an event id");
    return s;
}

json export_person(store::Store& db, const store::PersonSelector& selector,
                   const std::string& kinds, const std::string& actor, store::Seconds now) {
    const auto traces = db.find_person(selector);
    json out{{"exported_at", iso(now)}, {"found", !traces.empty()}};
    json contacts = json::array();
    for (const auto& id : traces.contact_ids) {
        auto c = db.find_contact(id);
        if (!c) continue;
        json j{{"id", c->id}};
        auto put = [&j](const char* key, const std::string& value) {
            if (!value.empty()) j[key] = value;
        };
        put("phone", c->phone);
        put("email", c->email);
        put("name", c->name);
        put("locale", c->locale);
        put("timezone", c->timezone);
        put("segment", c->segment);
        contacts.push_back(std::move(j));
    }
    out["contacts"] = std::move(contacts);
    json addresses = json::array();
    for (const auto& row : db.surveys_of(traces))
        if (!row.address.empty() &&
            std::find(addresses.begin(), addresses.end(), row.address) == addresses.end())
            addresses.push_back(row.address);
    out["addresses"] = std::move(addresses);
    json events = json::array();
    for (const auto& e : db.events_of(traces)) events.push_back(event_json(e));
    out["events"] = std::move(events);
    json surveys = json::array();
    for (const auto& row : db.surveys_of(traces)) {
        auto j = engine::survey_json(row);
        if (!row.contact_name.empty()) j["contact_name"] = row.contact_name;
        if (!row.staff_name.empty()) j["staff_name"] = row.staff_name;
        json answers = json::array();
        for (const auto& a : db.answers_of(row.id))
            answers.push_back({{"question", a.question_id},
                               {"metric", a.metric},
                               {"score", a.score},
                               {"answered_at", iso(a.answered_at)}});
        j["answers"] = std::move(answers);
        json clicks = json::array();
        for (const auto& c : db.clicks_of_survey(row.id))
            clicks.push_back(
                {{"score", c.score}, {"clicked_at", iso(c.clicked_at)}, {"state", c.state}});
        if (!clicks.empty()) j["clicks"] = std::move(clicks);
        surveys.push_back(std::move(j));
    }
    out["surveys"] = std::move(surveys);
    json messages = json::array();
    for (const auto& m : db.messages_of(traces)) {
        auto j = message_json(m);
        // A sandbox email as it was built (store/delivered_emails.hpp).
        if (auto email = db.delivered_email(m.id)) {
            j["text_part"] = email->text;
            j["html_part"] = email->html;
        }
        messages.push_back(std::move(j));
    }
    out["messages"] = std::move(messages);
    json replies = json::array();
    for (const auto& in : db.inbound_of(traces)) replies.push_back(inbound_json(in));
    out["replies"] = std::move(replies);
    out["opted_out"] = !db.optouts_of(traces).empty();

    store::PrivacyAuditRow audit;
    audit.at = now;
    audit.action = "export";
    audit.actor = actor;
    audit.selector = kinds;
    audit.counts = json_input::dump(json{{"contacts", out["contacts"].size()},
                                         {"events", out["events"].size()},
                                         {"surveys", out["surveys"].size()},
                                         {"messages", out["messages"].size()},
                                         {"replies", out["replies"].size()}});
    out["audit_id"] = db.add_privacy_audit(audit);
    return out;
}

Forgotten forget(store::Store& db, const store::PersonSelector& selector, const std::string& kinds,
                 const std::string& actor, bool drop_answers, store::Seconds now) {
    Forgotten out;
    const auto traces = db.find_person(selector);
    out.found = !traces.empty();
    store::PrivacyAuditRow audit;
    audit.at = now;
    audit.action = "forget";
    audit.actor = actor;
    audit.selector = kinds + (drop_answers ? " (answers dropped)" : "");
    audit.counts = "{}";
    out.audit_id = db.add_privacy_audit(audit);
    if (out.found) {
        store::ErasureOptions options;
        options.drop_answers = drop_answers;
        options.pseudonym = "forgotten:" + std::to_string(out.audit_id);
        out.counts = db.erase_person(traces, options, now);
    }
    db.set_privacy_audit_counts(out.audit_id, json_input::dump(to_json(out.counts)));
    return out;
}

json to_json(const store::ErasureCounts& n) {
    return json{{"contacts", n.contacts},     {"events", n.events},
                {"surveys", n.surveys},       {"answers_dropped", n.answers_dropped},
                {"messages", n.messages},     {"replies", n.inbound},
                {"clicks", n.clicks},         {"optouts_kept_hashed", n.optouts},
                {"surveys_closed", n.closed}, {"outbound_events", n.outbound_events}};
}

json to_json(const store::PrivacyAuditRow& row) {
    auto counts = json::parse(row.counts, nullptr, false);
    return json{{"id", row.id},
                {"at", iso(row.at)},
                {"action", row.action},
                {"actor", row.actor},
                {"selector", row.selector},
                {"counts", counts.is_discarded() ? json(row.counts) : counts}};
}

}  // namespace cxgate::privacy
