#include <doctest/doctest.h>

#include <cmath>

#include "../support/config_dir.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/scheduler/digests.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/scheduler/share_answers.hpp"
#include "cxgate/templates/mail_parts.hpp"

using namespace cxgate;

// Digests: when each goes and which days it tells of, in its zone and on business days;
// what it says (figures with n, margins and change, comments, open alerts); that a period's
// digest is made once; and every answer shared with its staff member.

namespace {

store::Seconds at(const char* iso) {
    return timing::parse_iso8601(iso)->time_since_epoch().count();
}

config::Digest weekly() {
    config::Digest d;
    d.name = "weekly";
    d.timezone = "Europe/Helsinki";
    return d;
}

const char* kFlow =
    "flow: cx\n"
    "steps:\n"
    "  - id: meeting\n"
    "    on: meeting.completed\n"
    "    survey: { metric: csat }\n"
    "    channel: sms\n"
    "    alert: { when: \"score <= 2\", notify: [staff] }\n"
    "  - id: call\n"
    "    on: call.completed\n"
    "    survey: { metric: csat }\n"
    "    channel: sms\n"
    "    share_answers: immediately\n"
    "  - id: visit\n"
    "    on: visit.completed\n"
    "    survey: { metric: csat }\n"
    "    channel: sms\n"
    "    share_answers: digest\n";

const char* kStaff =
    "alerts: { channel: email }\n"
    "staff:\n"
    "  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }\n"
    "  - { id: s-8, name: Second, email: second@example.com, lead: s-1 }\n"
    "  - { id: s-1, name: Lead, email: lead@example.com }\n"
    "digests:\n"
    "  weekly: { every: week, at: \"Mon 08:00\", to: [staff, team-lead] }\n";

struct World : testing::ConfigDir {
    World() : ConfigDir({{"cx", kFlow}}, "locale: en", kStaff) {
        INFO(diagnostics.to_string());
        REQUIRE(config);
    }

    store::SurveyRow answered(const char* when, const std::string& staff, int score,
                              const std::string& comment = "", const std::string& step = "meeting",
                              const std::string& customer = "Maija Virtanen") {
        store::SurveyRow s;
        s.event_id = "e" + std::to_string(++events);
        s.event_type = step + ".completed";
        s.flow = "cx";
        s.flow_version = config->find_flow("cx")->version;
        s.step = step;
        s.metric = "csat";
        s.scale_min = 1;
        s.scale_max = 5;
        s.contact_id = "c" + std::to_string(events);
        s.contact_name = customer;
        s.locale = "en";
        s.channels = "[\"sms\"]";
        s.channel = "sms";
        s.address = "+35840123" + std::to_string(1000 + events);
        s.staff_id = staff;
        s.staff_name = config->staff.at(staff).name;
        s.staff_email = config->staff.at(staff).email;
        s.state = store::SurveyState::sent;
        s.sent_at = at(when) - 60;
        s.created_at = s.updated_at = at(when) - 60;
        s.timezone = "Europe/Helsinki";
        s.id = db->insert_survey(s);
        db->record_answer(s, 0, score, at(when));
        s.state = !comment.empty() ? store::SurveyState::commented
                  : awaiting       ? store::SurveyState::answered
                                   : store::SurveyState::closed;
        s.score = score;
        s.question = 1;
        s.answered_at = at(when);
        if (!comment.empty()) {
            s.comment = comment;
            s.commented_at = at(when);
        }
        if (s.state == store::SurveyState::closed) s.closed_at = at(when);
        db->save_survey(s);
        return s;
    }

    int events = 0;
    bool awaiting = false;  // answered() leaves the survey awaiting its "why?"
};

// CSAT as DESIGN defines it: % of the top two points, 1.96 * sqrt(p(1-p)/n) * 100.
double csat_margin(double p, int n) {
    return 1.96 * std::sqrt(p * (1 - p) / n) * 100;
}

std::string one(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

}  // namespace

TEST_CASE("digest: a weekly digest goes from its local time the same day, of the week before") {
    const auto d = weekly();
    CHECK_FALSE(scheduler::digest_due(d, at("2026-11-30T07:59:59+02:00")));
    const auto due = scheduler::digest_due(d, at("2026-11-30T08:00:00+02:00"));
    REQUIRE(due);
    CHECK(due->key == "2026-11-30");
    CHECK(due->due_at == at("2026-11-30T08:00:00+02:00"));
    CHECK(due->period.since == at("2026-11-23T00:00:00+02:00"));
    CHECK(due->period.until == at("2026-11-30T00:00:00+02:00"));
    CHECK(due->previous.since == at("2026-11-16T00:00:00+02:00"));
    CHECK(due->previous.until == due->period.since);
    // A daemon that was down at 08:00 sends it later the same day, never the next.
    CHECK(scheduler::digest_due(d, at("2026-11-30T23:59:00+02:00"))->key == "2026-11-30");
    CHECK_FALSE(scheduler::digest_due(d, at("2026-12-01T00:00:00+02:00")));
    CHECK_FALSE(scheduler::digest_due(d, at("2026-12-01T08:00:00+02:00")));
    // 08:00 in Helsinki is 06:00 UTC: another zone's digest goes at its own 08:00.
    auto ny = d;
    ny.timezone = "America/New_York";
    CHECK_FALSE(scheduler::digest_due(ny, at("2026-11-30T08:00:00+02:00")));
    CHECK(scheduler::digest_due(ny, at("2026-11-30T08:00:00-05:00")));
    // Across the spring DST change the week is 167 hours, from local midnight to midnight.
    const auto spring = scheduler::digest_due(d, at("2026-03-30T08:00:00+03:00"));
    REQUIRE(spring);
    CHECK(spring->period.since == at("2026-03-23T00:00:00+02:00"));
    CHECK(spring->period.until == at("2026-03-30T00:00:00+03:00"));
}

TEST_CASE("digest: business days only: a holiday moves the week's digest, a day's skips it") {
    auto d = weekly();
    d.calendar.holidays.insert(date::sys_days{date::year{2026} / 12 / 7});  // a Monday off
    CHECK_FALSE(scheduler::digest_due(d, at("2026-12-07T09:00:00+02:00")));
    const auto tuesday = scheduler::digest_due(d, at("2026-12-08T08:00:00+02:00"));
    REQUIRE(tuesday);
    CHECK(tuesday->key == "2026-12-08");
    // Still the whole week before its Monday.
    CHECK(tuesday->period.since == at("2026-11-30T00:00:00+02:00"));
    CHECK(tuesday->period.until == at("2026-12-07T00:00:00+02:00"));
    d.business_days_only = false;
    CHECK(scheduler::digest_due(d, at("2026-12-07T09:00:00+02:00")));

    auto daily = weekly();
    daily.every = config::Digest::Every::day;
    // Saturday: no daily digest on a day off.
    CHECK_FALSE(scheduler::digest_due(daily, at("2026-11-28T08:30:00+02:00")));
    // Monday's tells of Friday, Saturday and Sunday; the period before it is Thursday.
    const auto monday = scheduler::digest_due(daily, at("2026-11-30T08:30:00+02:00"));
    REQUIRE(monday);
    CHECK(monday->period.since == at("2026-11-27T00:00:00+02:00"));
    CHECK(monday->period.until == at("2026-11-30T00:00:00+02:00"));
    CHECK(monday->previous.since == at("2026-11-26T00:00:00+02:00"));
    // Every day: Saturday's digest tells of Friday.
    daily.business_days_only = false;
    const auto saturday = scheduler::digest_due(daily, at("2026-11-28T08:30:00+02:00"));
    REQUIRE(saturday);
    CHECK(saturday->period.since == at("2026-11-27T00:00:00+02:00"));
    CHECK(saturday->period.until == at("2026-11-28T00:00:00+02:00"));
}

TEST_CASE("digest: config") {
    testing::ConfigDir ok({{"cx", kFlow}}, "", kStaff);
    INFO(ok.diagnostics.to_string());
    REQUIRE(ok.config);
    const auto& d = ok.config->digests.at("weekly");
    CHECK(d.every == config::Digest::Every::week);
    CHECK(d.weekday == 0);
    CHECK(d.at_minute == 8 * 60);
    CHECK(d.timezone == "Europe/Helsinki");
    CHECK(d.business_days_only);
    CHECK(ok.config->find_flow("cx")->find_step("call")->share_answers ==
          config::ShareAnswers::immediately);
    CHECK(ok.config->find_flow("cx")->find_step("meeting")->share_answers ==
          config::ShareAnswers::off);

    const std::string staff =
        "alerts: { channel: email }\n"
        "staff:\n  - { id: s-1, name: Lead, email: lead@example.com }\n";
    testing::ConfigDir bad({{"cx", kFlow}}, "",
                           staff +
                               "digests:\n"
                               "  a: { every: day, at: \"Mon 08:00\" }\n"
                               "  b: { at: \"25:00\", to: [s-9] }\n"
                               "  c: { channel: sms }\n"
                               "  d: { every: month }\n");
    const auto text = bad.diagnostics.to_string();
    CHECK_FALSE(bad.config);
    CHECK(text.find("\"Mon 08:00\" for a weekly digest") != std::string::npos);
    CHECK(text.find("must be a local time") != std::string::npos);
    CHECK(text.find("unknown recipient \"s-9\"") != std::string::npos);
    CHECK(text.find("sends SMS, too short for a digest") != std::string::npos);
    CHECK(text.find("\"every\" must be day or week") != std::string::npos);

    testing::ConfigDir anonymous({{"e",
                                   "flow: e\nanonymous: true\nshare_answers: immediately\n"
                                   "steps:\n  - id: pulse\n    on: pulse\n"
                                   "    survey: { metric: enps }\n    channel: sms\n"}},
                                 "", staff);
    CHECK_FALSE(anonymous.config);
    CHECK(anonymous.diagnostics.to_string().find("which an anonymous flow never does") !=
          std::string::npos);
}

TEST_CASE("digest: recipients: each staff member their own, each lead their team too") {
    World w;
    const auto list = scheduler::digest_recipients(*w.config, w.config->digests.at("weekly"));
    REQUIRE(list.size() == 3);
    CHECK((list[0].id == "s-1" && list[0].own && list[0].team));
    CHECK((list[1].id == "s-7" && list[1].own && !list[1].team));
    CHECK((list[2].id == "s-8" && list[2].own && !list[2].team));
    auto leads = w.config->digests.at("weekly");
    leads.to = {"team-lead"};
    const auto only = scheduler::digest_recipients(*w.config, leads);
    REQUIRE(only.size() == 1);
    CHECK((only[0].id == "s-1" && !only[0].own && only[0].team));
}

TEST_CASE("digest: figures with n, margin and change; comments; open alerts") {
    World w;
    // Week 47: two fives. Week 48: 4, 2 (with a comment, alerted), 5; s-8: 3 with a comment;
    // a visit (share_answers: digest) without a comment; one of week 49 that is not told.
    w.answered("2026-11-17T10:00:00+02:00", "s-7", 5);
    w.answered("2026-11-18T10:00:00+02:00", "s-7", 5);
    w.answered("2026-11-24T10:00:00+02:00", "s-7", 4);
    auto low = w.answered("2026-11-25T10:00:00+02:00", "s-7", 2, "Waited too long");
    alerts::send_alert(*w.db, *w.config, low, at("2026-11-25T10:05:00+02:00"));
    w.db->save_survey(low);
    w.answered("2026-11-27T10:00:00+02:00", "s-7", 5);
    w.answered("2026-11-26T10:00:00+02:00", "s-8", 3, "Fine", "meeting", "Pekka Puro");
    w.answered("2026-11-26T11:00:00+02:00", "s-8", 4, "", "visit", "Liisa Laine");
    w.answered("2026-11-30T07:00:00+02:00", "s-7", 1, "Not this week");

    const auto& digest = w.config->digests.at("weekly");
    const auto now = at("2026-11-30T08:00:00+02:00");
    const auto when = *scheduler::digest_due(digest, now);
    const auto mine =
        scheduler::digest_content(*w.db, *w.config, digest, {"s-7", true, false}, when, now);
    REQUIRE(mine.own);
    REQUIRE(mine.own->size() == 1);
    const auto& row = mine.own->front();
    CHECK(row.step == "meeting");
    CHECK(row.n_after == 3);
    CHECK(row.n_before == 2);
    REQUIRE(row.after);
    CHECK(row.after->value == doctest::Approx(200.0 / 3));
    CHECK(*row.after->margin == doctest::Approx(csat_margin(2.0 / 3, 3)));
    REQUIRE(row.difference);
    CHECK(row.difference->value == doctest::Approx(200.0 / 3 - 100));
    CHECK_FALSE(row.difference->distinguishable);
    CHECK_FALSE(mine.team);
    REQUIRE(mine.answers.size() == 1);
    CHECK(mine.answers[0].comment == "Waited too long");
    CHECK(mine.answers[0].customer == "Maija");
    REQUIRE(mine.alerts.size() == 1);
    CHECK(mine.alerts[0].score == 2);
    CHECK(mine.alerts[0].opened_at == at("2026-11-25T10:05:00+02:00"));

    const auto text = scheduler::render_digest(mine);
    CHECK(text.subject == "Weekly digest, week 48: Advisor");
    INFO(text.text);
    CHECK(text.text.find("cx / meeting · CSAT: 66.7 % ± " + one(csat_margin(2.0 / 3, 3)) +
                         " (n 3); Previous period: 100.0 % ± 0.0 (n 2); Change: -33.3 ± " +
                         one(csat_margin(2.0 / 3, 3)) + " (within the margin of error)") !=
          std::string::npos);
    CHECK(text.text.find("Comments (1)") != std::string::npos);
    CHECK(text.text.find("Maija: \"Waited too long\"") != std::string::npos);
    CHECK(text.text.find("Virtanen") == std::string::npos);
    CHECK(text.text.find("Not this week") == std::string::npos);
    CHECK(text.text.find("cx / meeting · CSAT 2 (1-5), Advisor: open for 4 d") !=
          std::string::npos);
    CHECK(text.html.find("<td style=\"padding:4px 8px;border-bottom:1px solid #eee\">66.7 % ± ") !=
          std::string::npos);

    // The lead: the team's figures (s-7's and s-8's), each member's line, every answer of
    // the visit step (no comment needed), both comments, the alert.
    const auto lead =
        scheduler::digest_content(*w.db, *w.config, digest, {"s-1", true, true}, when, now);
    REQUIRE(lead.team);
    const auto meeting = std::find_if(lead.team->begin(), lead.team->end(),
                                      [](const auto& r) { return r.step == "meeting"; });
    REQUIRE(meeting != lead.team->end());
    CHECK(meeting->n_after == 4);
    CHECK(meeting->after->value == doctest::Approx(50));
    CHECK(meeting->difference->distinguishable);  // -50 against a margin of 49
    CHECK(lead.own->empty());
    REQUIRE(lead.members.size() == 2);
    CHECK(lead.members[0].name == "Advisor");
    CHECK(lead.members[1].name == "Second");
    CHECK(lead.members[1].figures.size() == 2);  // meeting and visit
    CHECK(lead.answers.size() == 3);
    CHECK(lead.alerts.size() == 1);
    const auto lead_text = scheduler::render_digest(lead).text;
    CHECK(lead_text.find("Answers (3)") != std::string::npos);
    CHECK(lead_text.find("cx / visit · CSAT 4 (1-5), Second, Liisa") != std::string::npos);
    CHECK(lead_text.find("(beyond the margin of error)") != std::string::npos);

    // s-8 has no answer in the week before: no previous figure, no change.
    const auto second =
        scheduler::digest_content(*w.db, *w.config, digest, {"s-8", true, false}, when, now);
    CHECK(scheduler::render_digest(second).text.find(
              "cx / meeting · CSAT: 0.0 % (n 1); Previous period: – (n 0); Change: –") !=
          std::string::npos);
    CHECK(second.alerts.empty());

    // The chat card: the subject, the alerts and the figures as facts.
    const auto card = scheduler::digest_card(lead);
    CHECK(card.event == "digest");
    CHECK(card.title == "Weekly digest, week 48: Lead");
    REQUIRE(card.facts.size() >= 2);
    CHECK(card.facts[0] == std::make_pair(std::string("Open alerts"), std::string("1")));
}

TEST_CASE("digest: made once per recipient and period, in the scheduler's pass") {
    World w;
    w.answered("2026-11-24T10:00:00+02:00", "s-7", 4, "Good");
    const auto now = at("2026-11-30T08:00:00+02:00");
    CHECK(scheduler::watch_digests(*w.db, *w.config, now - 60, 500).made == 0);
    const auto first = scheduler::run_due_work(*w.db, *w.config, now);
    // s-7 and the lead have answers to tell of; s-8 has none (recorded, not sent).
    CHECK(first.digests_made == 3);
    CHECK(first.digests_sent == 2);
    CHECK(w.db->digests_sent() == 2);
    CHECK(w.db->digests_made("weekly", "2026-11-30") == std::set<std::string>{"s-1", "s-7", "s-8"});
    const auto again = scheduler::watch_digests(*w.db, *w.config, now + 3600, 500);
    CHECK(again.made == 0);
    CHECK(again.queued_messages.empty());
    std::optional<store::MessageRow> mail;
    for (const auto id : first.queued_messages)
        if (auto m = w.db->find_message(id);
            m && m->kind == "digest" && m->address == "advisor@example.com")
            mail = m;
    REQUIRE(mail);
    CHECK(mail->subject == "Weekly digest, week 48: Advisor");
    const auto parts = templates::parse_mail_parts(mail->body);
    REQUIRE(parts);
    CHECK(parts->text.find("Advisor") != std::string::npos);
    CHECK(parts->html.find("<table") != std::string::npos);

    // Erasing the customer (here: their comment wiped) wipes the digests that quoted it.
    auto survey = w.db->answered_surveys({}).front();
    survey.comment.clear();
    w.db->save_survey(survey);
    CHECK(w.db->find_message(mail->id)->body.empty());
}

TEST_CASE("share_answers: every answer of the step to its staff member, once") {
    World w;
    // Sharing starts with the first pass that finds a step sharing at once: nothing before.
    w.answered("2026-11-26T09:00:00+02:00", "s-8", 4, "", "call");
    CHECK(scheduler::share_answers(*w.db, *w.config, at("2026-11-26T09:59:00+02:00"), 100).shared ==
          0);
    // A neutral 3 on the call step (shares at once) and one on the meeting step (does not).
    w.answered("2026-11-26T10:00:00+02:00", "s-8", 3, "", "call", "Liisa Laine");
    w.answered("2026-11-26T10:00:30+02:00", "s-8", 3, "", "meeting");
    const auto now = at("2026-11-26T10:01:00+02:00");
    auto first = scheduler::share_answers(*w.db, *w.config, now, 100);
    REQUIRE(first.shared == 1);
    const auto m = *w.db->find_message(first.queued_messages[0]);
    CHECK(m.kind == "shared");
    CHECK(m.address == "second@example.com");
    CHECK(m.body == "New answer: cx / call, CSAT 3 (1-5), Liisa");
    CHECK(scheduler::share_answers(*w.db, *w.config, now + 60, 100).shared == 0);
    // An answer still awaiting its "why?" waits for alert_comment_wait (15 minutes).
    w.awaiting = true;
    w.answered("2026-11-26T10:02:00+02:00", "s-7", 4, "", "call");
    CHECK(scheduler::share_answers(*w.db, *w.config, at("2026-11-26T10:10:00+02:00"), 100).shared ==
          0);
    const auto later =
        scheduler::share_answers(*w.db, *w.config, at("2026-11-26T10:17:00+02:00"), 100);
    REQUIRE(later.shared == 1);
    CHECK(w.db->find_message(later.queued_messages[0])->address == "advisor@example.com");
}

TEST_CASE("digest: in the recipient's own language") {
    testing::ConfigDir dir({{"cx", kFlow}}, "locale: en",
                           "alerts: { channel: email }\n"
                           "staff:\n"
                           "  - { id: s-7, name: Advisor, email: a@example.com, locale: sv }\n"
                           "  - { id: s-8, name: Second, email: s@example.com, locale: fi }\n"
                           "  - { id: s-9, name: Third, email: t@example.com }\n"
                           "digests:\n  weekly: { to: [staff] }\n");
    INFO(dir.diagnostics.to_string());
    REQUIRE(dir.config);
    const auto& digest = dir.config->digests.at("weekly");
    const auto now = at("2026-11-30T08:00:00+02:00");
    const auto when = *scheduler::digest_due(digest, now);
    const auto subject = [&](const char* id) {
        return scheduler::render_digest(scheduler::digest_content(*dir.db, *dir.config, digest,
                                                                  {id, true, false}, when, now))
            .subject;
    };
    CHECK(subject("s-7") == "Veckosammanfattning, vecka 48: Advisor");
    CHECK(subject("s-8") == "Viikkokooste, viikko 48: Second");
    CHECK(subject("s-9") == "Weekly digest, week 48: Third");
}
