#include <doctest/doctest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "../support/config_dir.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/templates/alert_card.hpp"

using namespace cxgate;
using json = nlohmann::json;

// An alert to a chat target is one message whose body is the alert card (alert_card.hpp):
// the alert template's words and the answer's facts; an anonymous survey's names no one.

namespace {

const char* kFlow =
    "flow: f\n"
    "steps:\n"
    "  - id: meeting\n"
    "    on: meeting.completed\n"
    "    survey: { metric: csat, scale: 1-5 }\n"
    "    channel: sms\n"
    "    alert: { when: \"score <= 2\", notify: [staff, \"#sales-alerts\"] }\n";

store::SurveyRow low_score(const config::Config& config) {
    store::SurveyRow s;
    s.id = 12;
    s.flow = "f";
    s.flow_version = config.find_flow("f")->version;
    s.step = "meeting";
    s.metric = "csat";
    s.scale_min = 1;
    s.scale_max = 5;
    s.contact_id = "c1";
    s.contact_name = "Maija Virtanen";
    s.address = "+358401234567";
    s.staff_id = "s-7";
    s.staff_name = "Advisor";
    s.staff_email = "advisor@example.com";
    s.locale = "fi";
    s.channel = "sms";
    s.score = 2;
    s.comment = "Odotin & <jonotin> pitkään";
    return s;
}

}  // namespace

TEST_CASE("alerts: a chat target gets the alert card; staff keep their email") {
    setenv("CXGATE_TEST_SLACK_URL", "https://hooks.slack.com/services/T0/B0/x", 1);
    testing::ConfigDir dir({{"f", kFlow}}, "locale: en",
                           "alerts:\n"
                           "  targets:\n"
                           "    \"#sales-alerts\": { channel: slack }\n"
                           "staff:\n"
                           "  - { id: s-7, name: Advisor, email: advisor@example.com }\n");
    // The fixture's channels plus a Slack one.
    dir.write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "defaults: { timezone: Europe/Helsinki, locale: en }\n"
              "channels:\n  sms: { type: sandbox, kind: sms }\n"
              "  email: { type: sandbox, kind: email }\n"
              "  slack: { type: slack, url: \"${CXGATE_TEST_SLACK_URL}\" }\n"
              "templates_dir: " CXGATE_SOURCE_DIR
              "/templates\n"
              "alerts:\n"
              "  targets:\n"
              "    \"#sales-alerts\": { channel: slack }\n"
              "staff:\n"
              "  - { id: s-7, name: Advisor, email: advisor@example.com }\n");
    dir.reload();
    INFO(dir.diagnostics.to_string());
    REQUIRE(dir.config);
    REQUIRE(dir.config->find_channel("slack"));
    const auto& config = *dir.config;

    std::vector<std::string> skipped;
    auto messages = alerts::alert_messages(config, low_score(config), 1'795'000'000, &skipped);
    CHECK(skipped.empty());
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].channel == "email");
    CHECK(messages[0].address == "advisor@example.com");
    CHECK(messages[0].body.find("A customer gave a low score.") == 0);

    const auto& chat = messages[1];
    CHECK(chat.kind == "alert");
    CHECK(chat.channel == "slack");
    CHECK(chat.address == "#sales-alerts");
    CHECK(chat.subject == "Low score 2/5: Maija Virtanen (f / meeting)");
    CHECK_FALSE(chat.segments);
    const auto card = json::parse(chat.body);
    CHECK(card["event"] == "alert.opened");
    CHECK(card["survey_id"] == 12);
    CHECK(card["created_at"] == "2026-11-18T11:06:40Z");
    CHECK(card["title"] == "Low score 2/5: Maija Virtanen (f / meeting)");
    CHECK(card["text"].get<std::string>().find("Comment: Odotin & <jonotin> pitkään") !=
          std::string::npos);
    CHECK(card["facts"] ==
          json::array({{{"label", "Score"}, {"value", "2 (1-5)"}},
                       {{"label", "Metric"}, {"value", "CSAT"}},
                       {{"label", "Step"}, {"value", "meeting"}},
                       {{"label", "Flow"}, {"value", "f"}},
                       {{"label", "Staff"}, {"value", "Advisor"}},
                       {{"label", "Comment"}, {"value", "Odotin & <jonotin> pitkään"}},
                       {{"label", "Customer"}, {"value", "Maija Virtanen"}}}));
    CHECK(card["actions"] == json::array());
    REQUIRE(templates::parse_alert_card(chat.body));

    // Anonymous: the card says what was answered, never by whom.
    auto anonymous = low_score(config);
    anonymous.anonymous = true;
    messages = alerts::alert_messages(config, anonymous, 1'795'000'000, nullptr);
    REQUIRE(messages.size() == 2);
    CHECK(messages[1].body.find("Maija") == std::string::npos);
    CHECK(messages[1].body.find("+358401234567") == std::string::npos);

    // A weekly target alert names the target too.
    auto to = alerts::recipient_named(config, "#sales-alerts");
    REQUIRE(to);
    CHECK(to->channel == "slack");
    CHECK(to->address == "#sales-alerts");
}
