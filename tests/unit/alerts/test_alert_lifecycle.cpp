#include <doctest/doctest.h>

#include "../support/config_dir.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/store.hpp"

using namespace cxgate;

// An alert's life: opened with its messages, acknowledged and resolved by someone, and
// escalated up the leads while nobody acknowledges it, in business time.

namespace {

const char* kFlow =
    "flow: f\n"
    "send_window: { days: mon-fri, from: \"09:00\", to: \"17:00\" }\n"
    "steps:\n"
    "  - id: meeting\n"
    "    on: meeting.completed\n"
    "    survey: { metric: csat }\n"
    "    channel: sms\n"
    "    alert: { when: \"score <= 2\", notify: [staff] }\n";

const char* kStaff =
    "alerts: { channel: email, escalate_after: 4h, managers: [s-boss] }\n"
    "staff:\n"
    "  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }\n"
    "  - { id: s-1, name: Lead, email: lead@example.com, lead: s-2 }\n"
    "  - { id: s-2, name: Director, email: director@example.com }\n"
    "  - { id: s-boss, name: Boss, email: boss@example.com }\n";

store::Seconds at(const char* iso) {
    return timing::parse_iso8601(iso)->time_since_epoch().count();
}

struct World : testing::ConfigDir {
    World() : ConfigDir({{"f", kFlow}}, "", kStaff) { REQUIRE(config); }

    store::SurveyRow low_score() {
        store::SurveyRow s;
        s.event_id = "e1";
        s.event_type = "meeting.completed";
        s.flow = "f";
        s.flow_version = config->find_flow("f")->version;
        s.step = "meeting";
        s.metric = "csat";
        s.scale_min = 1;
        s.scale_max = 5;
        s.contact_id = "c1";
        s.contact_name = "Maija";
        s.locale = "fi";
        s.channels = "[\"sms\"]";
        s.channel = "sms";
        s.address = "+358401234567";
        s.staff_id = "s-7";
        s.staff_name = "Advisor";
        s.staff_email = "advisor@example.com";
        s.state = store::SurveyState::answered;
        s.score = 1;
        s.created_at = s.updated_at = 1000;
        s.id = db->insert_survey(s);
        return s;
    }

    std::vector<std::string> addresses(const std::vector<std::int64_t>& ids) {
        std::vector<std::string> out;
        for (auto id : ids) out.push_back(db->find_message(id)->address);
        return out;
    }
};

}  // namespace

TEST_CASE("alert link: names its alert, expires, and is no answer link") {
    const std::string secret = "0123456789abcdef0123456789abcdef";
    auto token = links::alert_token(secret, 42, 2000, "00112233445566778899aabb");
    auto ok = links::check_alert_token(secret, token, 1999);
    CHECK(ok.status == links::TokenStatus::valid);
    CHECK(ok.token.survey_id == 42);
    CHECK(links::check_alert_token(secret, token, 2000).status == links::TokenStatus::expired);
    CHECK(links::check_alert_token("another secret", token, 1).status ==
          links::TokenStatus::bad_signature);
    // The same payload signed for an answer link opens no alert, and the other way round.
    auto answer = links::answer_token(secret, {42, 2000}, "00112233445566778899aabb");
    CHECK(answer.substr(0, answer.find('.')) == token.substr(0, token.find('.')));
    CHECK(links::check_alert_token(secret, answer, 1).status == links::TokenStatus::bad_signature);
    CHECK(links::check_answer_token(secret, token, 1).status == links::TokenStatus::bad_signature);
    CHECK(links::alert_url("https://cx.example.com/", token) ==
          "https://cx.example.com/a/" + token);
}

TEST_CASE("business time: window hours on business days only") {
    timing::SendWindow window = *timing::parse_send_window("mon-fri", "09:00", "17:00", nullptr);
    const auto& zone = *date::locate_zone("Europe/Helsinki");
    timing::Calendar none;
    auto add = [&](const char* from, int hours) {
        auto t = timing::add_business_time(*timing::parse_iso8601(from), std::chrono::hours{hours},
                                           window, zone, none);
        return timing::format_local(t, zone);
    };
    // Friday 15:00 + 4 h: 2 h on Friday, 2 h from Monday 09:00.
    CHECK(add("2026-11-27T15:00:00+02:00", 4) == "2026-11-30T11:00:00+02:00");
    // Saturday: nothing counts until Monday 09:00.
    CHECK(add("2026-11-28T10:00:00+02:00", 1) == "2026-11-30T10:00:00+02:00");
    // Before the window opens on a weekday.
    CHECK(add("2026-11-30T07:00:00+02:00", 8) == "2026-11-30T17:00:00+02:00");
    // A window open every day still skips the weekend: business hours are on business days.
    auto every_day = *timing::parse_send_window("mon-sun", "08:00", "21:00", nullptr);
    auto t = timing::add_business_time(*timing::parse_iso8601("2026-11-27T20:00:00+02:00"),
                                       std::chrono::hours{2}, every_day, zone, none);
    CHECK(timing::format_local(t, zone) == "2026-11-30T09:00:00+02:00");
    // A holiday counts as a weekend day.
    timing::Calendar holiday;
    holiday.holidays.insert(date::sys_days{date::year{2026} / 12 / 7});
    t = timing::add_business_time(*timing::parse_iso8601("2026-12-04T16:00:00+02:00"),
                                  std::chrono::hours{2}, window, zone, holiday);
    CHECK(timing::format_local(t, zone) == "2026-12-08T10:00:00+02:00");
}

TEST_CASE("alert: opened once with its link, acknowledged, resolved, never reopened") {
    World w;
    auto s = w.low_score();
    const auto now = at("2026-11-30T10:00:00+02:00");  // Monday
    auto ids = alerts::send_alert(*w.db, *w.config, s, now);
    REQUIRE(ids.size() == 1);
    auto message = *w.db->find_message(ids[0]);
    CHECK(message.address == "advisor@example.com");
    CHECK(message.body.find("/a/") != std::string::npos);
    auto alert = *w.db->alert_for_survey(s.id);
    CHECK(alert.state == store::AlertHandling::open);
    CHECK(alert.opened_at == now);
    // 4 business hours in a 09:00-17:00 window: Monday 14:00.
    CHECK(alert.escalate_at == at("2026-11-30T14:00:00+02:00"));
    // The link in the message opens this alert.
    const auto url_at = message.body.find("/a/") + 3;
    const auto token =
        message.body.substr(url_at, message.body.find_first_of("\n ", url_at) - url_at);
    auto secret = w.db->setting("link_secret", [] { return std::string("unused"); });
    auto checked = links::check_alert_token(secret, token, now);
    CHECK(checked.status == links::TokenStatus::valid);
    CHECK(checked.token.survey_id == alert.id);
    // A second call for the survey opens no second alert.
    alerts::send_alert(*w.db, *w.config, s, now);
    CHECK(w.db->alerts_where({}).size() == 1);

    using Action = alerts::Handling::Action;
    CHECK(alerts::handle_alert(*w.db, *w.config, alert.id, {Action::acknowledge, "", "", ""},
                               now + 60)
              .error == "by: say who you are");
    auto acked = alerts::handle_alert(*w.db, *w.config, alert.id,
                                      {Action::acknowledge, "Aino", "", ""}, now + 60);
    CHECK(acked.error.empty());
    CHECK(acked.alert->state == store::AlertHandling::acknowledged);
    CHECK(acked.alert->acknowledged_by == "Aino");
    CHECK_FALSE(acked.alert->escalate_at);
    // Twice is not an error (two people clicked); the first stays.
    auto again = alerts::handle_alert(*w.db, *w.config, alert.id,
                                      {Action::acknowledge, "Bo", "", ""}, now + 90);
    CHECK(again.error.empty());
    CHECK(again.alert->acknowledged_by == "Aino");
    CHECK(alerts::handle_alert(*w.db, *w.config, alert.id, {Action::resolve, "Aino", "maybe", ""},
                               now + 120)
              .error.rfind("resolution:", 0) == 0);
    auto resolved = alerts::handle_alert(
        *w.db, *w.config, alert.id, {Action::resolve, "Aino", "called_back", "Called, rebooked"},
        now + 3600);
    CHECK(resolved.error.empty());
    CHECK(resolved.alert->state == store::AlertHandling::resolved);
    CHECK(resolved.alert->note == "Called, rebooked");
    CHECK(alerts::handle_alert(*w.db, *w.config, alert.id, {Action::acknowledge, "Bo", "", ""},
                               now + 4000)
              .error == "the alert is already resolved");
    auto times = w.db->alert_times(std::nullopt);
    CHECK(times.opened == 1);
    CHECK(times.resolved == 1);
    CHECK(times.acknowledge_seconds_sum == 60);
    CHECK(times.resolve_seconds_sum == 3600);
    CHECK_FALSE(
        alerts::handle_alert(*w.db, *w.config, 999, {Action::acknowledge, "x", "", ""}, now).alert);
}

TEST_CASE("alert escalation: lead, next lead, managers; in business time; stops when handled") {
    World w;
    auto s = w.low_score();
    const auto friday = at("2026-11-27T15:00:00+02:00");
    alerts::send_alert(*w.db, *w.config, s, friday);
    auto alert = *w.db->alert_for_survey(s.id);
    // Friday 15:00 + 4 business hours = Monday 11:00; nothing on Saturday.
    CHECK(alert.escalate_at == at("2026-11-30T11:00:00+02:00"));
    CHECK(alerts::escalate_due(*w.db, *w.config, at("2026-11-28T12:00:00+02:00")).empty());
    CHECK(w.db->next_escalation() == at("2026-11-30T11:00:00+02:00"));

    auto first = alerts::escalate_due(*w.db, *w.config, at("2026-11-30T11:00:00+02:00"));
    CHECK(w.addresses(first) == std::vector<std::string>{"lead@example.com"});
    CHECK(w.db->find_message(first[0])->body.find("/a/") != std::string::npos);
    alert = *w.db->alert(alert.id);
    CHECK(alert.level == 1);
    CHECK(alert.escalate_at == at("2026-11-30T15:00:00+02:00"));

    auto second = alerts::escalate_due(*w.db, *w.config, at("2026-11-30T15:00:00+02:00"));
    CHECK(w.addresses(second) == std::vector<std::string>{"director@example.com"});
    auto third = alerts::escalate_due(*w.db, *w.config, at("2026-12-01T11:00:00+02:00"));
    CHECK(w.addresses(third) == std::vector<std::string>{"boss@example.com"});
    alert = *w.db->alert(alert.id);
    CHECK(alert.level == 3);
    CHECK_FALSE(alert.escalate_at);  // nobody above the managers
    CHECK(alerts::escalate_due(*w.db, *w.config, at("2026-12-09T11:00:00+02:00")).empty());
    CHECK(w.db->alert_times(std::nullopt).escalated == 1);
}

TEST_CASE("alert escalation: an acknowledged alert does not escalate") {
    World w;
    auto s = w.low_score();
    const auto monday = at("2026-11-30T10:00:00+02:00");
    alerts::send_alert(*w.db, *w.config, s, monday);
    auto alert = *w.db->alert_for_survey(s.id);
    alerts::handle_alert(*w.db, *w.config, alert.id,
                         {alerts::Handling::Action::acknowledge, "Aino", "", ""}, monday + 600);
    CHECK(alerts::escalate_due(*w.db, *w.config, at("2026-12-31T10:00:00+02:00")).empty());
    CHECK_FALSE(w.db->next_escalation());
}
