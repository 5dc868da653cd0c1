// One person's data found, handed over and erased, and retention by age, on a real SQLite
// file: after an erasure the file and its WAL hold no byte of the person's number, name
// or comment, while their score still counts.
#include <doctest/doctest.h>

#include <SQLiteCpp/Transaction.h>

#include <fstream>
#include <iterator>

#include "../replies/survey_fixture.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/privacy/person.hpp"
#include "cxgate/privacy/retention.hpp"

using namespace cxgate;

namespace {

const char* kName = "Maija Meikäläinen-Erasetest";
const char* kComment = "Myyjä Pekka ei soittanut takaisin, tosi huono palvelu";
const char* kUnsubscribeToken = "bWFpamFAZXhhbXBsZS5jb20";  // base64url("maija@example.com")

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Person {
    std::int64_t survey = 0, other = 0;
};

// Maija as a CRM sent her twice (with and without a contact id, the same phone), an
// answered survey with a comment and a reply, a message, a click and an opt-out; and
// someone else, who must keep everything.
Person seed(store::SqliteStore& db) {
    Person p;
    db.upsert_contact({"crm-42", "+358401234567", "maija@example.com", kName, "fi", "", "retail"},
                      100);
    db.upsert_contact({"+358401234567", "+358401234567", "", kName, "fi", "", ""}, 100);
    db.upsert_contact({"crm-7", "+358409999999", "", "Other Person", "fi", "", ""}, 100);
    db.insert_event(
        {"ev-1", "meeting.held", 100, 100, "crm-42",
         std::string("{\"contact\":{\"phone\":\"040 123 4567\",\"name\":\"") + kName + "\"}}"});
    db.insert_event(
        {"ev-2", "meeting.held", 100, 100, "crm-7", "{\"contact\":{\"id\":\"crm-7\"}}"});
    auto s = testing::sent_email_nps(store::SurveyState::sent);
    s.contact_id = "crm-42";
    s.contact_name = kName;
    s.channel = "sms";
    s.address = "+358401234567";
    s.event_id = "ev-1";
    s.id = db.insert_survey(s);
    db.record_answer(s, 0, 3, 1100);
    s.score = 3;
    s.answered_at = 1100;
    s.comment = kComment;
    s.commented_at = 1200;
    s.state = store::SurveyState::commented;
    db.save_survey(s);
    p.survey = s.id;
    store::MessageRow m;
    m.survey_id = s.id;
    m.kind = "survey";
    m.channel = "sms";
    m.address = "+358401234567";
    m.body = std::string("Hei ") + kName + ", miten onnistuimme?";
    m.state = store::MessageState::sent;
    m.created_at = 1000;
    db.insert_message(m);
    // An email reminder from a sandbox channel, kept as built (delivered_emails.hpp): her
    // name in both parts, her address in the unsubscribe link's token.
    store::MessageRow r = m;
    r.kind = "reminder";
    r.channel = "email";
    r.address = "maija@example.com";
    const auto reminder = db.insert_message(r);
    db.keep_delivered_email(reminder,
                            {"palaute@example.com",
                             "",
                             {"List-Unsubscribe: <https://cx.example.com/u/" +
                              std::string(kUnsubscribeToken) + ".0123>"},
                             std::string("Hei ") + kName + "\n\n9: https://cx.example.com/r/t/9\n",
                             std::string("<p>Hei ") + kName + "</p>"});
    store::InboundRow in;
    in.channel = "sms";
    in.provider_id = "p-1";
    in.from = "358401234567";  // the provider's own spelling
    in.text = std::string("3 ") + kComment;
    in.received_at = 1100;
    in.survey_id = s.id;
    in.outcome = "score";
    db.record_inbound(in);
    db.insert_click(s.id, 3, 1100, 1160);
    db.opt_out_address("+358401234567", "sms", 1300);

    auto o = testing::sent_email_nps(store::SurveyState::sent);
    o.contact_id = "crm-7";
    o.address = "+358409999999";
    o.event_id = "ev-2";
    o.id = db.insert_survey(o);
    db.record_answer(o, 0, 9, 1100);
    o.score = 9;
    o.comment = "Kaikki hyvin";
    o.commented_at = 1200;
    o.state = store::SurveyState::commented;
    db.save_survey(o);
    p.other = o.id;
    return p;
}

store::PersonSelector by_phone(const std::string& phone) {
    config::Config config;
    std::string error;
    auto selector = privacy::selector_for({phone, "", "", ""}, config, &error);
    REQUIRE_MESSAGE(selector, error);
    return *selector;
}

}  // namespace

TEST_CASE("phone spellings: every way a number is written, and a redacted one for logs") {
    const auto all = phone::spellings("+358401234567");
    for (const char* s : {"+358401234567", "358401234567", "00358401234567", "0401234567",
                          "040 1234567", "+358 40 1234567"})
        CHECK_MESSAGE(std::find(all.begin(), all.end(), s) != all.end(), s);
    CHECK(phone::redact("+358401234567") == "+358*******67");
    CHECK(phone::redact("maija@example.com") == "m***@example.com");
}

TEST_CASE("privacy: a person named by a spelling of their phone is found under both contacts") {
    auto db = testing::fresh_database("cxgate-unit-privacy");
    const auto p = seed(*db);
    const auto traces = db->find_person(by_phone("040 123 4567"));
    CHECK(std::find(traces.contact_ids.begin(), traces.contact_ids.end(), "crm-42") !=
          traces.contact_ids.end());
    CHECK(std::find(traces.contact_ids.begin(), traces.contact_ids.end(), "+358401234567") !=
          traces.contact_ids.end());
    CHECK(std::find(traces.contact_ids.begin(), traces.contact_ids.end(), "crm-7") ==
          traces.contact_ids.end());
    CHECK(traces.survey_ids == std::vector<std::int64_t>{p.survey});

    const auto out =
        privacy::export_person(*db, by_phone("+358 40 1234567"), "phone", "test", 2000);
    CHECK(out["found"] == true);
    CHECK(out["contacts"].size() == 2);
    CHECK(out["events"].size() == 1);
    CHECK(out["events"][0]["body"]["contact"]["name"] == kName);
    REQUIRE(out["surveys"].size() == 1);
    CHECK(out["surveys"][0]["comment"] == kComment);
    CHECK(out["surveys"][0]["answers"][0]["score"] == 3);
    REQUIRE(out["messages"].size() == 2);
    CHECK(out["messages"][1]["text_part"].get<std::string>().find(kName) != std::string::npos);
    CHECK(out["messages"][1]["html_part"].get<std::string>().find(kName) != std::string::npos);
    CHECK(out["replies"].size() == 1);
    CHECK(out["opted_out"] == true);
    CHECK(db->privacy_audit(10).front().action == "export");

    const auto nobody = privacy::export_person(*db, by_phone("0501112222"), "phone", "test", 2000);
    CHECK(nobody["found"] == false);
}

TEST_CASE("privacy: forget leaves no byte of the person in the file or the WAL; the score stays") {
    auto db = testing::fresh_database("cxgate-unit-forget");
    const auto p = seed(*db);
    const std::string path = db->database().getFilename();
    privacy::Forgotten done;
    {
        SQLite::Transaction tx(db->database());
        done = privacy::forget(*db, by_phone("0401234567"), "phone", "cli:test", false, 3000);
        tx.commit();
    }
    CHECK(db->scrub_log());
    REQUIRE(done.found);
    CHECK(done.counts.contacts == 2);
    CHECK(done.counts.events == 1);
    CHECK(done.counts.messages == 2);
    CHECK(done.counts.inbound == 1);
    CHECK(done.counts.clicks == 1);
    CHECK(done.counts.optouts == 1);

    const auto bytes = file_bytes(path) + file_bytes(path + "-wal");
    for (const std::string needle :
         {"+358401234567", "358401234567", "0401234567", "040 123 4567", "maija@example.com",
          "Meikäläinen-Erasetest", "tosi huono palvelu", kUnsubscribeToken})
        CHECK_MESSAGE(bytes.find(needle) == std::string::npos, needle);
    // Someone else keeps everything.
    CHECK(bytes.find("+358409999999") != std::string::npos);
    CHECK(db->find_contact("crm-7"));
    CHECK(db->find_survey(p.other)->comment == "Kaikki hyvin");

    // The score still counts, under a pseudonym shared by nobody else.
    const auto kept = db->find_survey(p.survey);
    REQUIRE(kept);
    CHECK(kept->contact_id == "forgotten:" + std::to_string(done.audit_id));
    CHECK(kept->address.empty());
    CHECK(kept->comment.empty());
    CHECK(kept->contact_name.empty());
    CHECK(kept->state == store::SurveyState::closed);
    CHECK(db->answers_of(p.survey).size() == 1);
    // The opt-out holds for every later event that brings the number back.
    CHECK(db->is_opted_out("+358401234567"));
    CHECK_FALSE(db->is_opted_out("+358409999999"));
    // The audit says what and by whom, never who.
    const auto audit = db->privacy_audit(1).front();
    CHECK(audit.action == "forget");
    CHECK(audit.actor == "cli:test");
    CHECK(audit.selector == "phone");
    CHECK(audit.counts.find("4567") == std::string::npos);
    // Asking again finds nothing.
    CHECK(db->find_person(by_phone("0401234567")).empty());
}

TEST_CASE("privacy: forget --drop-answers takes the scores out of the figures too") {
    auto db = testing::fresh_database("cxgate-unit-forget-drop");
    const auto p = seed(*db);
    privacy::Forgotten done;
    {
        SQLite::Transaction tx(db->database());
        store::PersonSelector selector;
        selector.contact_ids = {"crm-42"};
        done = privacy::forget(*db, selector, "contact", "cli:test", true, 3000);
        tx.commit();
    }
    CHECK(done.counts.answers_dropped == 1);
    CHECK_FALSE(db->find_survey(p.survey));
    CHECK(db->answers_of(p.survey).empty());
    CHECK(db->find_survey(p.other));
}

TEST_CASE("privacy: the selector names a malformed key and needs one key at least") {
    config::Config config;
    std::string error;
    CHECK_FALSE(privacy::selector_for({"12", "", "", ""}, config, &error));
    CHECK(error.rfind("phone: ", 0) == 0);
    CHECK_FALSE(privacy::selector_for({"", "not-an-email", "", ""}, config, &error));
    CHECK(error.rfind("email: ", 0) == 0);
    CHECK_FALSE(privacy::selector_for({}, config, &error));
    auto email = privacy::selector_for({"", "Maija@Example.com", "", ""}, config, &error);
    REQUIRE(email);
    CHECK(email->emails.front() == "maija@example.com");
    CHECK(privacy::PersonKeys{"1", "", "c", ""}.kinds() == "phone,contact");
}

TEST_CASE("retention: each kind goes when older than its age, exactly, once a day") {
    auto db = testing::fresh_database("cxgate-unit-retention");
    const auto p = seed(*db);
    constexpr std::int64_t day = 86400;
    config::Retention r;
    r.comments = 30 * day;
    r.inbound = 10 * day;
    r.events = 400 * day;
    // Day 10 + 1100 s: the reply (received at 1100) is exactly 10 days old: kept.
    auto run = privacy::apply_retention(*db, r, 10 * day + 1100, 500);
    CHECK(run.ran);
    CHECK(run.removed.total() == 0);
    // The next run waits for its day.
    CHECK_FALSE(privacy::apply_retention(*db, r, 10 * day + 1200, 500).ran);
    run = privacy::apply_retention(*db, r, 11 * day + 1101, 500);
    CHECK(run.removed.inbound == 1);
    CHECK(run.removed.comments == 0);
    // Both comments were given at 1200: past 30 days both go; the scores stay.
    run = privacy::apply_retention(*db, r, 30 * day + 1201 + day, 500);
    CHECK(run.removed.comments == 2);
    CHECK(db->find_survey(p.survey)->comment.empty());
    CHECK(db->find_survey(p.other)->score == 9);
    CHECK(db->answers_of(p.other).size() == 1);
    CHECK(run.removed.events == 0);
    CHECK(db->privacy_audit(1).front().action == "retention");
    CHECK(privacy::describe(r) == "events 400d, comments 30d, inbound 10d");
}

TEST_CASE("retention: a full batch runs again at once, not a day later") {
    auto db = testing::fresh_database("cxgate-unit-retention-batch");
    seed(*db);
    config::Retention r;
    r.events = 1;
    auto run = privacy::apply_retention(*db, r, 5000, 1);
    CHECK(run.removed.events == 1);
    CHECK(run.more);
    run = privacy::apply_retention(*db, r, 5001, 1);
    CHECK(run.removed.events == 1);
    run = privacy::apply_retention(*db, r, 5002, 1);
    CHECK(run.removed.events == 0);
    CHECK_FALSE(run.more);
    CHECK_FALSE(privacy::apply_retention(*db, r, 5003, 1).ran);
}

TEST_CASE("retention: a sandbox email kept as built goes with its message, no byte left") {
    auto db = testing::fresh_database("cxgate-unit-retention-email");
    seed(*db);
    const std::string path = db->database().getFilename();
    config::Retention r;
    r.messages = 30 * 86400;
    CHECK(privacy::apply_retention(*db, r, 30 * 86400 + 1001, 500).removed.messages == 2);
    CHECK(db->scrub_log());
    const auto bytes = file_bytes(path) + file_bytes(path + "-wal");
    CHECK(bytes.find(kUnsubscribeToken) == std::string::npos);
    CHECK(bytes.find("<p>Hei Maija") == std::string::npos);
}
