// Several questions in one survey (CES 1-5, then yes/no "did we make it easy?", then "why?")
// through the real conversation code on an SQLite file: each asked in turn, each recorded
// on its own, by SMS replies and on the email's answer page.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../support/config_dir.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/message_queries.hpp"

namespace fs = std::filesystem;
using namespace cxgate;

namespace {

const char* kFlow = R"(flow: q
steps:
  - id: booking
    on: booked
    survey:
      - { metric: ces, scale: 1-5, low_is_good: true, template: booking-ces }
      - { id: easy, metric: ces, scale: yes-no, template: booking-easy }
    channel: [sms, email]
    follow_up: why
    alert: { when: "score >= 4", notify: [staff] }
)";

struct World : testing::ConfigDir {
    int inbound = 0;

    World()
        : ConfigDir({{"q", kFlow}}, "comment_window: 2h",
                    "staff:\n  - { id: s-7, name: Anna, email: anna@example.com }\n") {
        INFO(diagnostics.to_string());
        REQUIRE(config);
    }
    store::Seconds s(const char* iso) {
        return timing::parse_iso8601(iso)->time_since_epoch().count();
    }

    // A booking, its survey claimed and sent at `now`.
    std::int64_t sent_survey(const char* contact_json, const char* now) {
        auto t = *timing::parse_iso8601(now);
        auto body = nlohmann::json::parse(contact_json);
        body["id"] = "e" + std::to_string(++inbound);
        body["type"] = "booked";
        body["staff"] = {{"id", "s-7"}};
        auto parsed = engine::parse_event(body, *config, t);
        REQUIRE(parsed.event);
        auto id = engine::record_event(*db, *config, *parsed.event, t).surveys.at(0).id;
        REQUIRE(scheduler::run_due_work(*db, *config, s(now)).claimed == 1);
        SQLite::Statement st(db->database(),
                             "UPDATE surveys SET state = 'sent', sent_at = ? WHERE id = ?");
        st.bind(1, static_cast<std::int64_t>(s(now)));
        st.bind(2, static_cast<std::int64_t>(id));
        st.exec();
        return id;
    }
    replies::ReplyOutcome reply(const std::string& from, const std::string& text, const char* now) {
        return replies::handle_inbound(
            *db, *config, {"sms", "in-" + std::to_string(++inbound), from, text}, s(now));
    }
    store::SurveyRow survey(std::int64_t id) { return *db->find_survey(id); }
    std::vector<store::MessageRow> messages(std::int64_t id, const std::string& kind) {
        std::vector<store::MessageRow> out;
        for (auto& m : db->messages_of_survey(id))
            if (m.kind == kind) out.push_back(std::move(m));
        return out;
    }
};

}  // namespace

TEST_CASE("questions: by SMS each is asked after the previous answer, then why, each recorded") {
    World w;
    auto id = w.sent_survey(R"({"contact":{"phone":"0401234567","name":"Maija"}})",
                            "2026-11-16T10:00:00+02:00");
    auto first = w.survey(id);
    CHECK(store::question_count(first) == 2);
    CHECK(first.template_name == "booking-ces");
    const std::string phone = "+358401234567";

    auto out = w.reply(phone, "4", "2026-11-16T10:05:00+02:00");
    CHECK(out.outcome == "score");
    CHECK(out.score == 4);
    auto asked = w.messages(id, "question");
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].body == "Teimmekö ajan varaamisesta helppoa? Vastaa KYLLÄ tai EI.");
    CHECK(w.messages(id, "why").empty());
    auto s = w.survey(id);
    CHECK(store::to_string(s.state) == "answered");
    CHECK(s.question == 1);
    CHECK(s.score == 4);  // the first question's score is the survey's
    CHECK(s.alert_state == store::AlertState::pending);  // 4 >= 4: it waits for the reason

    // An unclear answer to the yes/no question is asked once more, in its own words.
    out = w.reply(phone, "ehkä", "2026-11-16T10:06:00+02:00");
    CHECK(out.outcome == "retry");
    CHECK(w.messages(id, "retry").at(0).body ==
          "Emme saaneet vastauksesta selvää. Vastaathan KYLLÄ tai EI.");
    out = w.reply(phone, "ei", "2026-11-16T10:07:00+02:00");
    CHECK(out.outcome == "score");
    CHECK(out.score == 0);
    CHECK(w.messages(id, "why").size() == 1);
    out = w.reply(phone, "Lomake kaatui kahdesti", "2026-11-16T10:08:00+02:00");
    CHECK(out.outcome == "comment");
    s = w.survey(id);
    CHECK(store::to_string(s.state) == "commented");
    CHECK(s.alert_state == store::AlertState::sent);
    CHECK(s.comment == "ehkä\nLomake kaatui kahdesti");

    auto answers = w.db->answers_of(id);
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].question_id == "q1");
    CHECK(answers[0].score == 4);
    CHECK(answers[1].question_id == "easy");
    CHECK(answers[1].scale_min == 0);
    CHECK(answers[1].scale_max == 1);
    CHECK(answers[1].score == 0);

    // Reported on its own: booking (CES 1-5) and booking/easy (% yes).
    report::ReportQuery query;
    query.flow = "q";
    auto rows = report::run_report(*w.db, *w.config, query);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].question == "q1");
    CHECK(rows[0].result.mean->value == doctest::Approx(4.0));
    CHECK(rows[1].question == "easy");
    CHECK(rows[1].question_index == 1);
    CHECK(rows[1].result.easy_pct->value == doctest::Approx(0.0));
    CHECK(report::to_table(rows, query, *w.config).find("booking/easy") != std::string::npos);
}

TEST_CASE("questions: the next question waits within the comment window, then the survey closes") {
    World w;
    auto id = w.sent_survey(R"({"contact":{"phone":"0401234567"}})", "2026-11-16T10:00:00+02:00");
    CHECK(w.reply("+358401234567", "1", "2026-11-16T10:05:00+02:00").outcome == "score");
    // Nothing more within two hours: the survey closes with the answer it has.
    auto pass = scheduler::run_due_work(*w.db, *w.config, w.s("2026-11-16T12:06:00+02:00"));
    CHECK(pass.closed == 1);
    CHECK(store::to_string(w.survey(id).state) == "closed");
    CHECK(w.db->answers_of(id).size() == 1);
    // A later reply belongs to no survey.
    CHECK(w.reply("+358401234567", "kyllä", "2026-11-16T12:10:00+02:00").outcome ==
          "no_open_survey");
}

TEST_CASE(
    "questions: a later question asked twice without an answer ends with the text as comment") {
    World w;
    auto id = w.sent_survey(R"({"contact":{"phone":"0401234567"}})", "2026-11-16T10:00:00+02:00");
    const std::string phone = "+358401234567";
    CHECK(w.reply(phone, "2", "2026-11-16T10:05:00+02:00").outcome == "score");
    CHECK(w.reply(phone, "en osaa sanoa", "2026-11-16T10:06:00+02:00").outcome == "retry");
    CHECK(w.reply(phone, "Kaikki meni hyvin", "2026-11-16T10:07:00+02:00").outcome == "comment");
    auto s = w.survey(id);
    CHECK(store::to_string(s.state) == "commented");
    CHECK(s.comment == "en osaa sanoa\nKaikki meni hyvin");
    CHECK(w.messages(id, "thanks").size() == 1);
}

TEST_CASE("questions: the answer page takes every question and the reason in one Send") {
    World w;
    auto id =
        w.sent_survey(R"({"contact":{"email":"maija@example.com"}})", "2026-11-16T10:00:00+02:00");
    CHECK(w.survey(id).channel == "email");
    auto out = replies::answer_from_page(*w.db, *w.config, {id, 5, "Liian monta vaihetta", {1}},
                                         w.s("2026-11-16T10:05:00+02:00"));
    CHECK(out.result == replies::PageAnswerOutcome::Result::recorded);
    auto s = w.survey(id);
    CHECK(store::to_string(s.state) == "commented");
    CHECK(s.score == 5);
    CHECK(s.alert_state == store::AlertState::sent);  // at once from the page, with the reason
    auto answers = w.db->answers_of(id);
    REQUIRE(answers.size() == 2);
    CHECK(answers[1].score == 1);
    // A second question out of its scale refuses the whole Send.
    auto other =
        w.sent_survey(R"({"contact":{"email":"pekka@example.com"}})", "2026-11-16T11:00:00+02:00");
    CHECK(replies::answer_from_page(*w.db, *w.config, {other, 3, "", {7}},
                                    w.s("2026-11-16T11:01:00+02:00"))
              .result == replies::PageAnswerOutcome::Result::out_of_range);
    // Left blank on the page, the other question stays unanswered and the Send is final.
    out = replies::answer_from_page(*w.db, *w.config, {other, 3, "", {std::nullopt}},
                                    w.s("2026-11-16T11:02:00+02:00"));
    CHECK(out.result == replies::PageAnswerOutcome::Result::recorded);
    CHECK(w.db->answers_of(other).size() == 1);
    CHECK(w.survey(other).question == 2);
    CHECK_FALSE(w.survey(other).comment_until);
}

TEST_CASE("report by week: ISO 8601 weeks of each answer's local date") {
    World w;
    // Sunday 6 Dec 2026 23:30 and Monday 00:30 in Helsinki: one hour apart, two weeks;
    // in UTC both would be Sunday (2026-W49).
    auto a = w.sent_survey(R"({"contact":{"phone":"0401111111"}})", "2026-12-06T23:00:00+02:00");
    w.reply("+358401111111", "2", "2026-12-06T23:30:00+02:00");
    auto b = w.sent_survey(R"({"contact":{"phone":"0402222222"}})", "2026-12-07T00:00:00+02:00");
    w.reply("+358402222222", "3", "2026-12-07T00:30:00+02:00");
    CHECK(a != b);
    report::ReportQuery query;
    query.by = {"week"};
    query.timezone = "Europe/Helsinki";
    auto rows = report::run_report(*w.db, *w.config, query);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].groups == std::vector<std::string>{"2026-W49"});
    CHECK(rows[1].groups == std::vector<std::string>{"2026-W50"});
    CHECK(report::to_json(rows, query, *w.config)["rows"][1]["week"] == "2026-W50");
}
