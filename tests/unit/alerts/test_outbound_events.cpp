#include <doctest/doctest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "../support/config_dir.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/alerts/outbound_events.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/store/store.hpp"

using namespace cxgate;
using json = nlohmann::json;

// Outbound events: the receivers' configuration, what an event says, and that each is
// written in the transaction of its change, in the order of the survey's life.

namespace {

const char* kFlow =
    "flow: f\n"
    "steps:\n"
    "  - id: meeting\n"
    "    on: meeting.completed\n"
    "    survey: { metric: csat }\n"
    "    channel: sms\n"
    "    follow_up: why\n"
    "    alert: { when: \"score <= 2\", notify: [staff] }\n";

const char* kOther =
    "flow: other\n"
    "steps:\n"
    "  - id: s\n"
    "    on: other.done\n"
    "    survey: { metric: nps }\n"
    "    channel: sms\n";

std::string extra(const std::string& receivers) {
    return "alerts: { channel: email }\n"
           "staff:\n"
           "  - { id: s-7, name: Advisor, email: advisor@example.com }\n"
           "outbound_events:\n" +
           receivers;
}

const char* kTwoReceivers =
    "  crm:\n"
    "    url: http://127.0.0.1:9/events\n"
    "    secret: ${CXGATE_TEST_OUTBOUND_SECRET}\n"
    "  alerts-only:\n"
    "    url: https://example.com/hook\n"
    "    secret: ${CXGATE_TEST_OUTBOUND_SECRET}\n"
    "    events: [alert.opened, alert.resolved]\n"
    "    flows: [other]\n";

struct World : testing::ConfigDir {
    explicit World(const std::string& receivers = kTwoReceivers)
        : ConfigDir((setenv("CXGATE_TEST_OUTBOUND_SECRET", "0123456789abcdef-secret", 1),
                     std::map<std::string, std::string>{{"f", kFlow}, {"other", kOther}}),
                    "", extra(receivers)) {}

    store::SurveyRow sent_survey(bool anonymous = false) {
        store::SurveyRow s;
        s.event_id = "m-1";
        s.event_type = "meeting.completed";
        s.flow = "f";
        s.flow_version = config->find_flow("f")->version;
        s.step = "meeting";
        s.metric = "csat";
        s.scale_min = 1;
        s.scale_max = 5;
        s.follow_up_why = true;
        s.contact_id = "crm-person-42";
        s.contact_name = "Maija";
        s.locale = "fi";
        s.channels = "[\"sms\"]";
        s.channel = "sms";
        s.address = "+358401234567";
        s.staff_id = "s-7";
        s.staff_name = "Advisor";
        s.staff_email = "advisor@example.com";
        s.deal_id = "deal-9";
        s.state = store::SurveyState::sent;
        s.sent_at = 900;
        s.created_at = s.updated_at = 900;
        s.anonymous = anonymous;
        s.id = db->insert_survey(s);
        return s;
    }

    replies::ReplyOutcome reply(const std::string& id, const std::string& text,
                                store::Seconds now) {
        return replies::handle_inbound(*db, *config, {"sms", id, "+358401234567", text}, now);
    }

    std::vector<std::string> types(std::int64_t survey_id, const std::string& receiver) {
        std::vector<std::string> out;
        for (const auto& row : db->outbound_events_of_survey(survey_id))
            if (row.receiver == receiver) out.push_back(row.type);
        return out;
    }
};

}  // namespace

TEST_CASE("outbound_events: receivers read with their defaults and filters") {
    World w;
    REQUIRE(w.config);
    const auto& receivers = w.config->outbound_receivers;
    REQUIRE(receivers.size() == 2);
    const auto& crm = receivers.at("crm");
    CHECK(crm.url == "http://127.0.0.1:9/events");
    CHECK(crm.secret == "0123456789abcdef-secret");
    CHECK(crm.events.size() == 4);  // all four by default
    CHECK(crm.wants("survey.commented", "f"));
    const auto& alerts_only = receivers.at("alerts-only");
    CHECK(alerts_only.wants("alert.opened", "other"));
    CHECK_FALSE(alerts_only.wants("alert.opened", "f"));
    CHECK_FALSE(alerts_only.wants("survey.answered", "other"));
}

TEST_CASE("outbound_events: each mistake is reported where it is") {
    auto errors = [](const std::string& receivers) {
        World w(receivers);
        CHECK_FALSE(w.config);
        std::string all;
        for (const auto& d : w.diagnostics.items) all += d.to_string() + "\n";
        return all;
    };
    auto text = errors(
        "  crm:\n"
        "    url: ftp://example.com\n"
        "    secret: written-in-the-file-0123\n"
        "    events: [survey.answerd]\n"
        "    flows: [nope]\n"
        "    retries: 3\n");
    CHECK(text.find("cxgate.yaml:") != std::string::npos);
    CHECK(text.find("\"url\" must start with https://") != std::string::npos);
    CHECK(text.find("\"secret\" is a secret; write it as ${ENV_VAR}") != std::string::npos);
    CHECK(text.find("unknown event type \"survey.answerd\" (did you mean \"survey.answered\"?)") !=
          std::string::npos);
    CHECK(text.find("unknown flow \"nope\"") != std::string::npos);
    CHECK(text.find("retries") != std::string::npos);
    setenv("CXGATE_TEST_SHORT_SECRET", "short", 1);
    text =
        errors("  crm: { url: \"https://x.example\", secret: \"${CXGATE_TEST_SHORT_SECRET}\" }\n");
    CHECK(text.find("\"secret\" must be at least 16 characters") != std::string::npos);
    text = errors("  crm: { url: \"https://x.example\" }\n");
    CHECK(text.find("missing required key \"secret\"") != std::string::npos);
}

TEST_CASE("outbound events: answered, commented, opened, resolved, in that order, one id each") {
    World w;
    REQUIRE(w.config);
    auto s = w.sent_survey();
    CHECK(w.reply("r1", "1", 1000).outcome == "score");
    // The score is in, the alert waits for the reason: only survey.answered so far.
    CHECK(w.types(s.id, "crm") == std::vector<std::string>{"survey.answered"});
    CHECK(w.reply("r2", "Liian hidas", 1100).outcome == "comment");
    CHECK(w.types(s.id, "crm") ==
          std::vector<std::string>{"survey.answered", "survey.commented", "alert.opened"});
    // alerts-only takes alerts of the flow `other`, not of f.
    CHECK(w.types(s.id, "alerts-only").empty());

    auto alert = w.db->alert_for_survey(s.id);
    REQUIRE(alert);
    auto resolved = alerts::handle_alert(
        *w.db, *w.config, alert->id,
        {alerts::Handling::Action::resolve, "Aino", "called_back", "Soitettu"}, 1200);
    CHECK(resolved.error.empty());
    // Resolving twice changes nothing and tells nobody twice.
    alerts::handle_alert(*w.db, *w.config, alert->id,
                         {alerts::Handling::Action::resolve, "Bo", "solved", ""}, 1300);
    const auto rows = w.db->outbound_events_of_survey(s.id);
    REQUIRE(rows.size() == 4);
    CHECK(rows[3].type == "alert.resolved");

    // The payloads: the ids a CRM finds its contact and deal by, the score, the comment
    // only once commented, the alert's outcome.
    auto answered = json::parse(rows[0].payload);
    CHECK(answered["id"] == rows[0].event_id);
    CHECK(rows[0].event_id.rfind("evt_", 0) == 0);
    CHECK(answered["type"] == "survey.answered");
    CHECK(answered["created_at"] == "1970-01-01T00:16:40Z");
    CHECK(answered["survey"]["id"] == s.id);
    CHECK(answered["survey"]["flow"] == "f");
    CHECK(answered["survey"]["step"] == "meeting");
    CHECK(answered["survey"]["score"] == 1);
    CHECK(answered["survey"]["scale"] == json{{"min", 1}, {"max", 5}});
    CHECK(answered["survey"]["answers"].size() == 1);
    CHECK(answered["survey"]["answers"][0]["score"] == 1);
    CHECK(answered["survey"]["contact"] ==
          json{{"id", "crm-person-42"}, {"name", "Maija"}, {"phone", "+358401234567"}});
    CHECK(answered["survey"]["staff"] == json{{"id", "s-7"}, {"name", "Advisor"}});
    CHECK(answered["survey"]["deal_id"] == "deal-9");
    CHECK(answered["survey"]["event"] == json{{"id", "m-1"}, {"type", "meeting.completed"}});
    CHECK_FALSE(answered["survey"].contains("comment"));
    CHECK_FALSE(answered.contains("alert"));

    auto commented = json::parse(rows[1].payload);
    CHECK(commented["survey"]["comment"] == "Liian hidas");
    CHECK(commented["survey"]["commented_at"] == "1970-01-01T00:18:20Z");

    auto opened = json::parse(rows[2].payload);
    CHECK(opened["alert"]["id"] == alert->id);
    CHECK(opened["alert"]["state"] == "open");
    CHECK(opened["survey"]["comment"] == "Liian hidas");

    auto closed = json::parse(rows[3].payload);
    CHECK(closed["alert"]["state"] == "resolved");
    CHECK(closed["alert"]["resolution"] == "called_back");
    CHECK(closed["alert"]["resolved_by"] == "Aino");
    CHECK(closed["alert"]["note"] == "Soitettu");
    CHECK(closed["alert"]["resolved_at"] == "1970-01-01T00:20:00Z");

    // Every event has its own id, and each is pending, not yet tried.
    for (const auto& row : rows) {
        CHECK(row.state == store::OutboundState::pending);
        CHECK(row.attempts == 0);
    }
    // The first is due at once; the others wait behind it.
    CHECK(rows[0].next_attempt_at == rows[0].created_at);
    CHECK_FALSE(rows[1].next_attempt_at);
    CHECK_FALSE(rows[3].next_attempt_at);
    CHECK(rows[0].event_id != rows[1].event_id);
}

TEST_CASE("outbox: only the head of each receiver's queue of a survey is due") {
    World w;
    REQUIRE(w.config);
    auto a = w.sent_survey();
    w.reply("a1", "1", 1000);
    w.reply("a2", "Hidas", 1100);
    auto due = w.db->outbound_events_due(2000, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].type == "survey.answered");

    // A retry later holds the survey's later events back until it is due again.
    w.db->outbound_retry(due[0].id, 1, 2060, "HTTP 500");
    CHECK(w.db->outbound_events_due(2000, 10).empty());
    due = w.db->outbound_events_due(2060, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].type == "survey.answered");
    CHECK(due[0].attempts == 1);
    CHECK(due[0].error == "HTTP 500");

    // Delivered: final, payload gone, the next one comes up; a late mark changes nothing.
    w.db->outbound_delivered(due[0].id, 2, 2061);
    w.db->outbound_retry(due[0].id, 3, 9999, "late");
    auto first = w.db->outbound_events_of_survey(a.id)[0];
    CHECK(first.state == store::OutboundState::delivered);
    CHECK(first.payload.empty());
    CHECK(first.attempts == 2);
    due = w.db->outbound_events_due(2061, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].type == "survey.commented");

    // Given up is final too, and does not block what follows.
    w.db->outbound_failed(due[0].id, 1, 2062, "HTTP 400: bad");
    due = w.db->outbound_events_due(2062, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].type == "alert.opened");
    auto counts = w.db->outbound_counts();
    CHECK(counts.pending == 1);
    CHECK(counts.delivered == 1);
    CHECK(counts.failed == 1);
    CHECK(w.db->prune_outbound_events(2062, 100) == 1);  // finished before 2062
    CHECK(w.db->prune_outbound_events(2063, 100) == 1);
    CHECK(w.db->outbound_counts().pending == 1);
}

TEST_CASE("outbound events: none without receivers, none for an anonymous survey") {
    World anonymous;
    REQUIRE(anonymous.config);
    auto s = anonymous.sent_survey(true);
    anonymous.reply("x1", "1", 1000);
    CHECK(anonymous.db->outbound_events_of_survey(s.id).empty());

    World none("  {}\n");
    REQUIRE(none.config);
    CHECK(none.config->outbound_receivers.empty());
    auto t = none.sent_survey();
    none.reply("y1", "1", 1000);
    CHECK(none.db->find_survey(t.id)->score == 1);
    CHECK(none.db->outbound_events_of_survey(t.id).empty());
}

TEST_CASE("outbound events: erasing the person deletes what a receiver has not had") {
    World w;
    REQUIRE(w.config);
    auto s = w.sent_survey();
    w.reply("e1", "1", 1000);
    w.reply("e2", "Hidas", 1100);
    REQUIRE(w.db->outbound_events_of_survey(s.id).size() == 3);
    store::PersonTraces traces;
    traces.survey_ids = {s.id};
    traces.contact_ids = {s.contact_id};
    store::ErasureOptions options;
    options.pseudonym = "forgotten:1";
    auto counts = w.db->erase_person(traces, options, 1200);
    CHECK(counts.outbound_events == 3);
    CHECK(w.db->outbound_events_of_survey(s.id).empty());
}
