// Anonymous surveys (a flow's `anonymous: true`, for eNPS): while a survey awaits its
// answer the daemon must know where it went; once it closes, the database unlinks it from
// the person, whichever code path closed it, and keeps it unlinked when a stale copy of the
// row is saved again.
#include <doctest/doctest.h>

#include "../replies/survey_fixture.hpp"
#include "cxgate/privacy/person.hpp"

using namespace cxgate;

namespace {

struct Seeded {
    store::SurveyRow survey;
    std::int64_t message = 0;
};

Seeded seed(store::SqliteStore& db) {
    db.upsert_contact({"emp-12", "+358401112222", "", "Eeva Employee", "fi", "", ""}, 100);
    db.insert_event({"enps-emp-12", "enps.quarterly", 100, 100, "emp-12",
                     "{\"contact\":{\"id\":\"emp-12\",\"name\":\"Eeva Employee\"}}"});
    auto s = testing::sent_email_nps(store::SurveyState::sent);
    s.metric = "enps";
    s.anonymous = true;
    s.contact_id = "emp-12";
    s.contact_name = "Eeva Employee";
    s.channel = "sms";
    s.address = "+358401112222";
    s.event_id = "enps-emp-12";
    s.staff_id = "lead-1";
    s.id = db.insert_survey(s);
    store::MessageRow m;
    m.survey_id = s.id;
    m.kind = "survey";
    m.channel = "sms";
    m.address = s.address;
    m.body = "Hei Eeva, suosittelisitko meitä työpaikkana?";
    m.state = store::MessageState::sent;
    m.created_at = 1000;
    const auto message = db.insert_message(m);
    store::InboundRow in;
    in.channel = "sms";
    in.provider_id = "p-9";
    in.from = s.address;
    in.text = "4";
    in.received_at = 1100;
    in.survey_id = s.id;
    in.outcome = "score";
    db.record_inbound(in);
    return {s, message};
}

}  // namespace

TEST_CASE("anonymous: open, the survey still knows its address; closed, nothing links it") {
    auto db = testing::fresh_database("cxgate-unit-anonymous");
    auto [s, message] = seed(*db);
    // Had it gone by sandbox email, the email as built would be kept with the message.
    db->keep_delivered_email(message, {"hr@example.com", "", {}, "Hei Eeva", "<p>Hei Eeva</p>"});
    db->record_answer(s, 0, 4, 1100);
    s.score = 4;
    s.answered_at = 1100;
    s.state = store::SurveyState::answered;
    db->save_survey(s);
    // Awaiting its "why?": the reply must still find it.
    CHECK(db->find_survey(s.id)->address == "+358401112222");
    CHECK(db->delivered_email(message));

    s.comment = "Liikaa kiirettä";
    s.commented_at = 1200;
    s.state = store::SurveyState::commented;
    db->save_survey(s);
    auto kept = db->find_survey(s.id);
    CHECK(kept->contact_id == "anonymous");
    CHECK(kept->contact_name.empty());
    CHECK(kept->address.empty());
    CHECK(kept->event_id == "anonymous");
    CHECK(kept->comment == "Liikaa kiirettä");
    CHECK(kept->staff_id == "lead-1");
    CHECK(db->answers_of(s.id).size() == 1);
    CHECK(db->find_message(message)->address.empty());
    CHECK(db->find_message(message)->body.empty());
    CHECK_FALSE(db->delivered_email(message));

    // The person's data no longer leads to the answer.
    store::PersonSelector who;
    who.contact_ids = {"emp-12"};
    const auto traces = db->find_person(who);
    CHECK(traces.survey_ids.empty());
    CHECK(db->events_of(traces).empty());
    CHECK(db->inbound_of(traces).empty());

    // A stale copy saved again (a later alert-state change) is unlinked again.
    s.alert_state = store::AlertState::sent;
    db->save_survey(s);
    CHECK(db->find_survey(s.id)->address.empty());
    CHECK(db->find_survey(s.id)->contact_id == "anonymous");

    // The thanks message, queued with its own address, is wiped once it is sent; a late
    // reply recorded against the survey keeps neither sender nor text.
    store::MessageRow thanks;
    thanks.survey_id = s.id;
    thanks.kind = "thanks";
    thanks.channel = "sms";
    thanks.address = "+358401112222";
    thanks.body = "Kiitos Eeva!";
    thanks.created_at = 1200;
    const auto thanks_id = db->insert_message(thanks);
    CHECK(db->find_message(thanks_id)->address == "+358401112222");
    db->set_message_state(thanks_id, store::MessageState::sending, "", "", 1201);
    db->set_message_state(thanks_id, store::MessageState::sent, "p-11", "", 1202);
    CHECK(db->find_message(thanks_id)->address.empty());
    // Its email, kept as the send is recorded (after the row's state), is not kept.
    db->keep_delivered_email(thanks_id,
                             {"hr@example.com", "", {}, "Kiitos Eeva!", "<p>Kiitos</p>"});
    CHECK_FALSE(db->delivered_email(thanks_id));
    store::InboundRow late;
    late.channel = "sms";
    late.provider_id = "p-10";
    late.from = "+358401112222";
    late.text = "ja vielä yksi asia";
    late.received_at = 1300;
    late.survey_id = s.id;
    late.outcome = "late";
    db->record_inbound(late);
    CHECK(db->inbound_of(store::PersonTraces{{}, {"+358401112222"}, {s.id}}).empty());
}

TEST_CASE("anonymous: an ordinary survey keeps its person") {
    auto db = testing::fresh_database("cxgate-unit-not-anonymous");
    auto [s, message] = seed(*db);
    s.anonymous = false;
    db->save_survey(s);
    s.state = store::SurveyState::closed;
    s.closed_at = 1500;
    db->save_survey(s);
    CHECK(db->find_survey(s.id)->contact_id == "emp-12");
    CHECK(db->find_survey(s.id)->address == "+358401112222");
    CHECK(db->find_message(message)->address == "+358401112222");
    db->keep_delivered_email(message, {"hr@example.com", "", {}, "Hei Eeva", "<p>Hei Eeva</p>"});
    CHECK(db->delivered_email(message));
}
