#include <doctest/doctest.h>

#include <algorithm>

#include "../support/config_dir.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/store/store.hpp"

using namespace cxgate;

// Who hears of an alert: the step's notify, and each alerts.routes entry that concerns the
// survey (by flow, step, team, segment, metric and score), each in their own language; and
// answering the customer from the alert.

namespace {

const char* kFlows[][2] = {
    {"sales",
     "flow: sales\n"
     "steps:\n"
     "  - id: meeting\n"
     "    on: meeting.completed\n"
     "    survey: { metric: csat }\n"
     "    channel: sms\n"
     "    alert: { when: \"score <= 2\", notify: [staff] }\n"
     "  - id: close\n"
     "    on: deal.won\n"
     "    survey: { metric: nps }\n"
     "    channel: email\n"},
    {"service",
     "flow: service\n"
     "steps:\n"
     "  - id: call\n"
     "    on: call.completed\n"
     "    survey: { metric: csat }\n"
     "    channel: sms\n"
     "    alert: { when: \"score <= 2\", notify: [team-lead] }\n"},
};

const char* kStaff =
    "alerts:\n"
    "  channel: email\n"
    "  targets:\n"
    "    \"#premium\": { channel: email, address: premium@example.com, locale: en }\n"
    "    \"#detractors\": { channel: email, address: detractors@example.com }\n"
    "  routes:\n"
    "    - { segment: premium, notify: [\"#premium\", team-lead] }\n"
    "    - { flow: sales, step: close, when: \"score <= 6\", notify: [\"#detractors\"] }\n"
    "    - { team: s-1, metric: csat, when: \"score == 1\", notify: [s-2], channel: sms }\n"
    "staff:\n"
    "  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }\n"
    "  - { id: s-1, name: Lead, email: lead@example.com, phone: \"+358401111111\", locale: sv, "
    "lead: s-2 }\n"
    "  - { id: s-2, name: Director, email: director@example.com, phone: \"+358402222222\", "
    "locale: en }\n"
    "  - { id: s-9, name: Other, email: other@example.com }\n";

struct World : testing::ConfigDir {
    World() : ConfigDir({{kFlows[0][0], kFlows[0][1]}, {kFlows[1][0], kFlows[1][1]}}, "", kStaff) {
        for (const auto& d : diagnostics.items) MESSAGE(d.message);
        REQUIRE(config);
    }

    store::SurveyRow survey(const std::string& flow, const std::string& step, int score,
                            const std::string& staff = "s-7", const std::string& segment = "") {
        store::SurveyRow s;
        s.event_id = "e-" + flow + step + std::to_string(score) + staff + segment;
        s.event_type = "x";
        s.flow = flow;
        s.flow_version = config->find_flow(flow)->version;
        s.step = step;
        s.metric = step == "close" ? "nps" : "csat";
        s.scale_min = step == "close" ? 0 : 1;
        s.scale_max = step == "close" ? 10 : 5;
        s.contact_id = "c1";
        s.contact_name = "Maija Meikäläinen";
        s.locale = "fi";
        s.segment = segment;
        s.channel = "sms";
        s.channels = "[\"sms\"]";
        s.address = "+358401234567";
        s.staff_id = staff;
        if (auto it = config->staff.find(staff); it != config->staff.end()) {
            s.staff_name = it->second.name;
            s.staff_email = it->second.email;
        }
        s.state = store::SurveyState::answered;
        s.score = score;
        s.created_at = s.updated_at = 1000;
        s.id = db->insert_survey(s);
        return s;
    }

    std::vector<std::string> addresses(const store::SurveyRow& s) {
        std::vector<std::string> out;
        for (const auto& r : alerts::alert_recipients(*config, s, nullptr))
            out.push_back(r.address);
        return out;
    }
};

}  // namespace

TEST_CASE("alert routes: a step's rule plus the routes that concern the survey") {
    World w;
    // The step alone: a low CSAT of the meeting reaches the advisor.
    auto plain = w.survey("sales", "meeting", 2);
    CHECK(alerts::should_alert(*w.config, plain));
    CHECK(w.addresses(plain) == std::vector<std::string>{"advisor@example.com"});

    // A premium customer's alert also reaches the premium desk and the advisor's lead.
    auto premium = w.survey("sales", "meeting", 2, "s-7", "premium");
    CHECK(w.addresses(premium) == std::vector<std::string>{"advisor@example.com",
                                                           "premium@example.com",
                                                           "lead@example.com"});

    // A route with `when` raises an alert the step has no rule for: an NPS detractor at close.
    auto detractor = w.survey("sales", "close", 5);
    CHECK(alerts::should_alert(*w.config, detractor));
    CHECK(w.addresses(detractor) == std::vector<std::string>{"detractors@example.com"});
    auto promoter = w.survey("sales", "close", 9);
    CHECK_FALSE(alerts::should_alert(*w.config, promoter));

    // By team and score, on the route's own channel: a 1 in s-1's team also goes to the
    // director by SMS; a 2 does not.
    auto worst = w.survey("sales", "meeting", 1);
    CHECK(w.addresses(worst) == std::vector<std::string>{"advisor@example.com", "+358402222222"});
    auto other_team = w.survey("sales", "meeting", 1, "s-9");
    CHECK(w.addresses(other_team) == std::vector<std::string>{"other@example.com"});
}

TEST_CASE("alert routes: one message per address when rules overlap") {
    World w;
    // The service step notifies the lead; the premium route names the lead again.
    auto s = w.survey("service", "call", 1, "s-7", "premium");
    auto to = w.addresses(s);
    CHECK(std::count(to.begin(), to.end(), "lead@example.com") == 1);
    CHECK(std::count(to.begin(), to.end(), "premium@example.com") == 1);
}

TEST_CASE("alerts speak each recipient's language") {
    World w;
    auto s = w.survey("service", "call", 1, "s-7", "premium");
    std::vector<std::string> skipped;
    const templates::AlertFields fields{5, 0, "https://cx.example.com/a/tok"};
    auto messages = alerts::alert_messages(*w.config, s, 1000, &skipped, fields);
    REQUIRE(messages.size() >= 2);
    for (const auto& m : messages) {
        if (m.address == "lead@example.com") {
            CHECK(m.locale == "sv");
            // The page behind the link speaks Swedish too.
            CHECK(m.body.find("https://cx.example.com/a/tok?l=sv") != std::string::npos);
        }
        if (m.address == "premium@example.com") {
            CHECK(m.locale == "en");
            CHECK(m.body.find("?l=en") != std::string::npos);
        }
    }
    CHECK(w.config->locale_of("s-7") == "fi");  // no locale of their own: the default
    CHECK(w.config->locale_of("s-1") == "sv");
}

TEST_CASE("alert routes: mistakes are config errors at their place") {
    testing::ConfigDir bad({{kFlows[0][0], kFlows[0][1]}}, "",
                           "alerts:\n"
                           "  channel: email\n"
                           "  routes:\n"
                           "    - { flow: nosuch, notify: [staff] }\n"
                           "    - { step: nostep, notify: [staff] }\n"
                           "    - { team: s-404, notify: [staff] }\n"
                           "    - { metric: xps, notify: [staff] }\n"
                           "    - { when: \"score < x\", notify: [staff] }\n"
                           "    - { segment: a, notify: [\"#nobody\"] }\n"
                           "    - { segment: a }\n"
                           "staff:\n"
                           "  - { id: s-1, name: Lead, email: lead@example.com, locale: de }\n");
    CHECK_FALSE(bad.config);
    std::string all;
    for (const auto& d : bad.diagnostics.items) all += d.message + "\n";
    for (const char* expected :
         {"unknown flow \"nosuch\"", "no step \"nostep\"", "unknown team \"s-404\"",
          "unknown metric \"xps\"", "\"when\" must look like", "unknown recipient \"#nobody\"",
          "missing required key", "locale \"de\" is not one of defaults.locales"})
        CHECK_MESSAGE(all.find(expected) != std::string::npos, expected);
}

TEST_CASE("answering the customer from an alert") {
    World w;
    auto s = w.survey("sales", "meeting", 1);
    auto ids = alerts::send_alert(*w.db, *w.config, s, 1000);
    w.db->save_survey(s);
    auto alert = w.db->alert_for_survey(s.id);
    REQUIRE(alert);

    // The drafts are the reply templates in the customer's language.
    auto drafts = alerts::reply_drafts(*w.config, s);
    REQUIRE(drafts.size() == 2);
    CHECK(drafts[0].name == "callback");
    CHECK(drafts[0].text.find("Soitan sinulle") != std::string::npos);
    CHECK(drafts[0].text.find("Maija") != std::string::npos);

    auto refused = alerts::answer_customer(*w.db, *w.config, alert->id, {"", "Hei"}, 1100);
    CHECK(refused.error.starts_with("by:"));
    refused = alerts::answer_customer(*w.db, *w.config, alert->id, {"Advisor", " \n"}, 1100);
    CHECK(refused.error.starts_with("text:"));
    refused = alerts::answer_customer(*w.db, *w.config, alert->id,
                                      {"Advisor", std::string(601, 'a')}, 1100);
    CHECK(refused.error.starts_with("text: at most 600"));

    auto done =
        alerts::answer_customer(*w.db, *w.config, alert->id, {"Advisor", drafts[0].text}, 1100);
    REQUIRE(done.error.empty());
    REQUIRE(done.message_id);
    auto m = w.db->find_message(*done.message_id);
    REQUIRE(m);
    CHECK(m->kind == "reply");
    CHECK(m->survey_id == s.id);  // on the survey's thread
    CHECK(m->channel == "sms");
    CHECK(m->address == "+358401234567");
    CHECK(m->body == drafts[0].text);
    CHECK(m->subject.empty());  // SMS
    // It counts as handling: acknowledged by who answered, no escalation left.
    auto after = w.db->alert(alert->id);
    CHECK(after->state == store::AlertHandling::acknowledged);
    CHECK(after->acknowledged_by == "Advisor");
    CHECK_FALSE(after->escalate_at);

    // An opted-out address is not answered.
    w.db->opt_out_address(s.address, "sms", 1200);
    auto opted = alerts::answer_customer(*w.db, *w.config, alert->id, {"Advisor", "Hei"}, 1300);
    CHECK(opted.error.find("opted out") != std::string::npos);
    CHECK_FALSE(opted.message_id);

    auto missing = alerts::answer_customer(*w.db, *w.config, 9999, {"Advisor", "Hei"}, 1300);
    CHECK(missing.not_found);
}
