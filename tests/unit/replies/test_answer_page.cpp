#include <doctest/doctest.h>

#include "survey_fixture.hpp"

#include <SQLiteCpp/Statement.h>

#include <filesystem>

#include "cxgate/replies/conversation.hpp"
#include "cxgate/store/database.hpp"

using namespace cxgate;
using Result = replies::PageAnswerOutcome::Result;

namespace {

struct Fixture {
    std::unique_ptr<store::SqliteStore> db;
    config::Config config;
    std::int64_t id = 0;

    explicit Fixture(store::SurveyState state = store::SurveyState::sent) {
        db = testing::fresh_database("cxgate-unit-answer-page-");
        auto s = testing::sent_email_nps(state);
        s.next_reminder_at = 5000;
        id = db->insert_survey(s);
    }
    replies::PageAnswerOutcome answer(int score, const std::string& comment,
                                      store::Seconds now = 2000) {
        return replies::answer_from_page(*db, config, {id, score, comment, {}}, now);
    }
    int inbound_rows() {
        return db->database().execAndGet("SELECT COUNT(*) FROM inbound").getInt();
    }
    int messages() { return db->database().execAndGet("SELECT COUNT(*) FROM messages").getInt(); }
};

}  // namespace

TEST_CASE("answer page: the score and comment are recorded once; a second submit changes nothing") {
    Fixture f;
    auto first = f.answer(9, "Nopea palvelu");
    CHECK(first.result == Result::recorded);
    auto s = f.db->find_survey(f.id);
    CHECK(s->score == 9);
    CHECK(s->comment == "Nopea palvelu");
    CHECK(store::to_string(s->state) == "commented");
    CHECK(s->answered_at == 2000);
    CHECK_FALSE(s->next_reminder_at);  // no reminder after an answer
    CHECK(f.inbound_rows() == 1);
    CHECK(f.messages() == 0);  // the page thanks; no "why?" or thank-you email

    auto again = f.answer(3, "changed my mind", 3000);
    CHECK(again.result == Result::already_answered);
    s = f.db->find_survey(f.id);
    CHECK(s->score == 9);
    CHECK(s->comment == "Nopea palvelu");
    CHECK(s->updated_at == 2000);
    CHECK(f.inbound_rows() == 1);
}

TEST_CASE("answer page: without a comment the survey waits for a reason by reply, asking nothing") {
    Fixture f;
    CHECK(f.answer(4, "").result == Result::recorded);
    auto s = f.db->find_survey(f.id);
    CHECK(store::to_string(s->state) == "answered");
    CHECK(s->comment_until);
    CHECK(f.messages() == 0);
}

TEST_CASE("answer page: closed surveys and scores off the scale are refused") {
    Fixture expired(store::SurveyState::expired);
    CHECK(expired.answer(9, "").result == Result::closed);
    CHECK_FALSE(expired.db->find_survey(expired.id)->score);

    Fixture opted_out(store::SurveyState::opted_out);
    CHECK(opted_out.answer(9, "").result == Result::closed);

    Fixture f;
    CHECK(f.answer(11, "").result == Result::out_of_range);
    CHECK(f.answer(-1, "").result == Result::out_of_range);
    CHECK(f.inbound_rows() == 0);
    CHECK(replies::answer_from_page(*f.db, f.config, {f.id + 100, 9, "", {}}, 2000).result ==
          Result::no_survey);
}
