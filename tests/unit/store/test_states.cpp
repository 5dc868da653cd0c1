#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../replies/survey_fixture.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/store/states.hpp"

using namespace cxgate;
using store::AlertState;
using store::MessageState;
using store::SurveyState;

namespace {

// A value as SQLite keeps it, its type included: an integer written as text differs.
std::string stored(const SQLite::Column& c) {
    if (c.isNull()) return "NULL";
    return (c.isInteger() ? "int:" : c.isFloat() ? "real:" : "text:") + c.getString();
}

// Every row of a table, ordered by its first column, every value with its type.
std::vector<std::string> rows_of(store::SqliteStore& db, const std::string& table) {
    SQLite::Statement rows(db.database(), "SELECT * FROM " + table + " ORDER BY 1");
    std::vector<std::string> out;
    while (rows.executeStep()) {
        std::string row;
        for (int i = 0; i < rows.getColumnCount(); ++i)
            row += std::string(rows.getColumnName(i)) + "=" + stored(rows.getColumn(i)) + " ";
        out.push_back(std::move(row));
    }
    return out;
}

// Every column of two rows of a table, by name, but their ids and (surveys) the events they
// came from.
std::vector<std::vector<std::string>> columns_of(store::SqliteStore& db, std::int64_t a,
                                                 std::int64_t b,
                                                 const std::string& table = "surveys") {
    SQLite::Statement rows(db.database(),
                           "SELECT * FROM " + table + " WHERE id IN (?, ?) ORDER BY id");
    rows.bind(1, a);
    rows.bind(2, b);
    std::vector<std::vector<std::string>> values;
    while (rows.executeStep()) {
        values.emplace_back();
        for (int i = 0; i < rows.getColumnCount(); ++i) {
            const std::string name = rows.getColumnName(i);
            if (name == "id" || name == "event_id") continue;
            values.back().push_back(name + "=" + stored(rows.getColumn(i)));
        }
    }
    return values;
}

// A survey's email, queued to go.
store::MessageRow queued_email(std::int64_t survey) {
    store::MessageRow m;
    m.survey_id = survey;
    m.kind = "survey";
    m.channel = "email";
    m.address = "matti@example.com";
    m.body = "Kuinka todennäköisesti suosittelisit meitä?";
    m.created_at = 1000;
    return m;
}

}  // namespace

TEST_CASE("states: every word round-trips, and JSON carries the word") {
    for (int i = 0; i <= static_cast<int>(SurveyState::superseded); ++i) {
        const auto s = static_cast<SurveyState>(i);
        REQUIRE(store::parse_survey_state(store::to_string(s)).has_value());
        CHECK(*store::parse_survey_state(store::to_string(s)) == s);
        CHECK(nlohmann::json(s) == std::string(store::to_string(s)));
    }
    for (int i = 0; i <= static_cast<int>(MessageState::cancelled); ++i) {
        const auto m = static_cast<MessageState>(i);
        CHECK(*store::parse_message_state(store::to_string(m)) == m);
    }
    CHECK(store::to_string(MessageState::unknown) == "unknown");
    CHECK(store::to_string(MessageState::cancelled) == "cancelled");
    CHECK(*store::parse_alert_state("pending") == AlertState::pending);
    CHECK_FALSE(store::parse_survey_state("Sent").has_value());
    CHECK_FALSE(store::parse_message_state("").has_value());
    CHECK_FALSE(store::parse_alert_state("done").has_value());
}

TEST_CASE("states: the survey table holds DESIGN.md's path and nothing back out of an end") {
    // The designed path.
    CHECK(store::can_move(SurveyState::scheduled, SurveyState::sending));
    CHECK(store::can_move(SurveyState::sending, SurveyState::sent));
    CHECK(store::can_move(SurveyState::sent, SurveyState::delivered));
    CHECK(store::can_move(SurveyState::delivered, SurveyState::answered));
    CHECK(store::can_move(SurveyState::answered, SurveyState::commented));
    CHECK(store::can_move(SurveyState::commented, SurveyState::closed));
    // Failover sends an undelivered survey again on the next channel.
    CHECK(store::can_move(SurveyState::sent, SurveyState::sending));
    // Staying is always allowed (a row saved for another column).
    CHECK(store::can_move(SurveyState::expired, SurveyState::expired));
    // Ends stay ends.
    for (auto end : {SurveyState::failed, SurveyState::closed, SurveyState::suppressed,
                     SurveyState::expired, SurveyState::opted_out, SurveyState::superseded}) {
        CHECK(store::is_final(end));
        for (auto to : {SurveyState::scheduled, SurveyState::sending, SurveyState::sent,
                        SurveyState::answered})
            CHECK_FALSE(store::can_move(end, to));
    }
    // No skipping back: an answer is never unanswered, a survey never unsent.
    CHECK_FALSE(store::can_move(SurveyState::answered, SurveyState::sent));
    CHECK_FALSE(store::can_move(SurveyState::sent, SurveyState::scheduled));
    CHECK_FALSE(store::can_move(SurveyState::scheduled, SurveyState::answered));
    CHECK_FALSE(store::can_move(SurveyState::commented, SurveyState::answered));
}

TEST_CASE("states: a message that may have reached the provider is never sent again") {
    CHECK(store::can_move(MessageState::queued, MessageState::sending));
    CHECK(store::can_move(MessageState::sending, MessageState::queued));  // a retry
    CHECK(store::can_move(MessageState::sending, MessageState::unknown));
    CHECK(store::can_move(MessageState::unknown, MessageState::delivered));
    CHECK(store::can_move(MessageState::queued, MessageState::cancelled));
    CHECK_FALSE(store::can_move(MessageState::unknown, MessageState::queued));
    CHECK_FALSE(store::can_move(MessageState::unknown, MessageState::sending));
    CHECK_FALSE(store::can_move(MessageState::sent, MessageState::queued));
    CHECK_FALSE(store::can_move(MessageState::cancelled, MessageState::queued));
    CHECK(store::is_final(MessageState::failed));
    CHECK(store::is_final(MessageState::cancelled));
    CHECK_FALSE(store::is_final(MessageState::unknown));
}

TEST_CASE("states: an alert that went stays sent") {
    CHECK(store::can_move(AlertState::none, AlertState::pending));
    CHECK(store::can_move(AlertState::pending, AlertState::none));
    CHECK(store::can_move(AlertState::pending, AlertState::sent));
    CHECK_FALSE(store::can_move(AlertState::sent, AlertState::pending));
    CHECK_FALSE(store::can_move(AlertState::sent, AlertState::none));
}

TEST_CASE("states: the store refuses an illegal step and keeps the row as it was") {
    auto db = testing::fresh_database("cxgate-unit-states-");
    auto s = testing::sent_email_nps(SurveyState::expired);
    s.id = db->insert_survey(s);

    auto reopened = s;
    reopened.state = SurveyState::sent;
    reopened.comment = "must not be written";
    CHECK_THROWS_AS(db->save_survey(reopened), store::IllegalTransition);
    const auto kept = db->find_survey(s.id);
    REQUIRE(kept.has_value());
    CHECK(kept->state == SurveyState::expired);
    CHECK(kept->comment.empty());

    // The alert's table too.
    auto answered = testing::sent_email_nps(SurveyState::answered);
    answered.alert_state = AlertState::sent;
    answered.id = db->insert_survey(answered);
    answered.alert_state = AlertState::pending;
    CHECK_THROWS_AS(db->save_survey(answered), store::IllegalTransition);

    // A legal step is written.
    auto fine = testing::sent_email_nps(SurveyState::sent);
    fine.id = db->insert_survey(fine);
    fine.state = SurveyState::answered;
    fine.score = 9;
    db->save_survey(fine);
    CHECK(db->find_survey(fine.id)->state == SurveyState::answered);

    // Messages: unknown never goes back to the queue.
    store::MessageRow m;
    m.kind = "survey";
    m.channel = "sms";
    m.address = "+358401234567";
    m.body = "x";
    m.state = MessageState::unknown;
    m.id = db->insert_message(m);
    m.state = MessageState::queued;
    CHECK_THROWS_AS(db->update_message(m, 2000), store::IllegalTransition);
    CHECK(db->find_message(m.id)->state == MessageState::unknown);
    CHECK_THROWS_AS(db->set_message_state(m.id, MessageState::sending, "", "", 2000),
                    store::IllegalTransition);
}

TEST_CASE("states: a send's result marks the survey sent as saving the whole row would") {
    auto db = testing::fresh_database("cxgate-unit-mark-sent-");
    auto planned = testing::sent_email_nps(SurveyState::sending);
    planned.sent_at.reset();
    planned.timezone = "Europe/Helsinki";
    planned.event_id = "by-save";
    const auto by_save = db->insert_survey(planned);
    planned.event_id = "by-mark";
    const auto by_mark = db->insert_survey(planned);
    // 2026-11-29 23:30 UTC is already Monday the 30th in Helsinki: the local day counts.
    const store::Seconds now = 1795995000;

    auto s = *db->find_survey(by_save);
    s.state = SurveyState::sent;
    s.sent_at = now;
    s.updated_at = now;
    db->save_survey(s);
    CHECK(db->mark_survey_sent(by_mark, now));

    // Every column alike but the id and the event it came from, the local day included.
    const auto values = columns_of(*db, by_save, by_mark);
    REQUIRE(values.size() == 2);
    CHECK(values[0] == values[1]);
    const auto day = db->database().execAndGet("SELECT sent_day FROM surveys WHERE id = " +
                                               std::to_string(by_mark));
    CHECK(day.getInt64() == 1795989600);  // 2026-11-30 00:00 in Helsinki (UTC+2)
    // The sent rollups counted both, at every grain.
    SQLite::Statement counts(db->database(), "SELECT DISTINCT sent FROM sent_rollups");
    REQUIRE(counts.executeStep());
    CHECK(counts.getColumn(0).getInt() == 2);
    CHECK_FALSE(counts.executeStep());

    // No longer being sent (here opted out meanwhile), or gone: nothing changes.
    db->database().exec("UPDATE surveys SET state = 'opted_out' WHERE id = " +
                        std::to_string(by_mark));
    CHECK_FALSE(db->mark_survey_sent(by_mark, now + 60));
    CHECK(db->find_survey(by_mark)->state == SurveyState::opted_out);
    CHECK(db->find_survey(by_mark)->updated_at == now);
    CHECK_FALSE(db->mark_survey_sent(by_mark + 100, now));
}

TEST_CASE("states: saving a survey's changes against the row as read writes what a save would") {
    auto db = testing::fresh_database("cxgate-unit-save-changes-");
    auto planned = testing::sent_email_nps(SurveyState::scheduled);
    planned.sent_at.reset();
    planned.due_at = 900;
    planned.held_by = 7;
    planned.reason = "waiting: survey 7";
    planned.channels = "[\"sms\", \"email\"]";
    planned.channel = "sms";
    planned.address = "+358401234567";
    planned.questions = {{"q1", "nps", 0, 10, false, ""}, {"q2", "csat", 1, 5, false, "q2"}};
    planned.event_id = "by-save";
    const auto by_save = db->insert_survey(planned);
    planned.event_id = "by-changes";
    const auto by_changes = db->insert_survey(planned);

    // The scheduler's claim: released, moved to the next channel, sending, a reminder planned.
    const auto claim = [](store::SurveyRow s) {
        s.held_by.reset();
        s.reason.clear();
        s.channel = "email";
        s.address = "matti@example.com";
        s.state = SurveyState::sending;
        s.next_reminder_at = 5000;
        s.updated_at = 2000;
        return s;
    };
    db->save_survey(claim(*db->find_survey(by_save)));
    const auto read = *db->find_survey(by_changes);
    db->save_survey_changes({{read, claim(read)}});
    auto values = columns_of(*db, by_save, by_changes);
    REQUIRE(values.size() == 2);
    CHECK(values[0] == values[1]);
    CHECK(db->find_survey(by_changes)->state == SurveyState::sending);
    CHECK(db->find_survey(by_changes)->channel == "email");
    CHECK_FALSE(db->find_survey(by_changes)->held_by);

    // Nothing changed: nothing written (not even updated_at).
    const auto again = *db->find_survey(by_changes);
    db->save_survey_changes({{again, again}});
    CHECK(columns_of(*db, by_save, by_changes) == values);

    // The same transition checks, against the row as read: a survey being sent may not go
    // back to scheduled, and the row stays as it was.
    auto back = again;
    back.state = SurveyState::scheduled;
    back.updated_at = 3000;
    CHECK_THROWS_AS(db->save_survey_changes({{again, back}}), store::IllegalTransition);
    CHECK(db->find_survey(by_changes)->state == SurveyState::sending);
    CHECK(db->find_survey(by_changes)->updated_at == 2000);
}

TEST_CASE("states: saving many surveys' changes at once writes what saving each would") {
    // The same surveys in two databases; one saves each whole (save_survey), the other only
    // their changes, all at once.
    auto one_by_one = testing::fresh_database("cxgate-unit-save-each-");
    auto at_once = testing::fresh_database("cxgate-unit-save-all-");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 80; ++i) {
        auto s = testing::sent_email_nps(i < 76 ? SurveyState::scheduled : SurveyState::sent);
        s.event_id = "e" + std::to_string(i);
        s.address = "person" + std::to_string(i % 7) + "@example.com";
        if (s.state == SurveyState::scheduled) {
            s.sent_at.reset();
            s.due_at = 900 + i;
            s.expires_at = 100000;
        }
        if (i == 75) s.held_by = 1;
        ids.push_back(one_by_one->insert_survey(s));
        CHECK(at_once->insert_survey(s) == ids.back());
    }
    // What a claim pass writes: 70 claimed (a group of 64, then 4 and 2), 3 expired, one
    // unchanged, one released to the next opening of its window; and, firing the sent
    // rollups' trigger, 4 sent surveys moved to another segment.
    const auto change = [](store::SurveyRow s, int i) {
        if (i < 70) {
            s.state = SurveyState::sending;
            s.next_reminder_at = 5000 + i;
        } else if (i < 73) {
            s.state = SurveyState::expired;
            s.reason = "expired: not sent before it expired";
        } else if (i == 73) {
            return s;
        } else if (i < 76) {
            s.held_by.reset();
            s.due_at = 7000;
        } else {
            s.segment = "enterprise";
        }
        s.updated_at = 2000;
        return s;
    };
    std::vector<store::SurveyChange> changes;
    for (int i = 0; i < 80; ++i) {
        const auto read = *one_by_one->find_survey(ids[static_cast<size_t>(i)]);
        one_by_one->save_survey(change(read, i));
        changes.push_back({read, change(read, i)});
    }
    at_once->save_survey_changes(changes);
    for (const auto* table : {"surveys", "sent_rollups", "answer_rollups"})
        CHECK(rows_of(*at_once, table) == rows_of(*one_by_one, table));
    CHECK(at_once->find_survey(ids[0])->state == SurveyState::sending);
    CHECK(at_once->find_survey(ids[79])->segment == "enterprise");
    const auto rollups = rows_of(*at_once, "sent_rollups");
    CHECK(std::any_of(rollups.begin(), rollups.end(), [](const std::string& row) {
        return row.find("segment=text:enterprise") != std::string::npos;
    }));

    // Nothing to save: nothing written.
    const auto before = rows_of(*at_once, "surveys");
    at_once->save_survey_changes(std::vector<store::SurveyChange>{});
    CHECK(rows_of(*at_once, "surveys") == before);

    // One illegal move (back to scheduled) refuses the whole save before a row is written,
    // and so does a survey changed twice.
    auto read = *at_once->find_survey(ids[1]);
    auto later = *at_once->find_survey(ids[2]);
    auto back = later;
    back.state = SurveyState::scheduled;
    auto claimed = read;
    claimed.updated_at = 3000;
    CHECK_THROWS_AS(at_once->save_survey_changes({{read, claimed}, {later, back}}),
                    store::IllegalTransition);
    CHECK_THROWS_AS(at_once->save_survey_changes({{read, claimed}, {read, claimed}}),
                    std::invalid_argument);
    CHECK(rows_of(*at_once, "surveys") == before);
}

TEST_CASE("states: a send's success marks the message sent as update_message would") {
    auto db = testing::fresh_database("cxgate-unit-message-sent-");
    auto m = queued_email(db->insert_survey(testing::sent_email_nps(SurveyState::sending)));
    m.next_attempt_at = 1500;  // a retry: the error and retry time of the last attempt go
    m.error = "timeout";
    m.error_code = "exception";
    m.attempts = 1;
    const auto by_update = db->insert_message(m);
    const auto by_mark = db->insert_message(m);

    auto claimed = *db->claim_queued_message(by_update, 2000);
    claimed.state = MessageState::sent;
    claimed.sent_at = 2100;
    claimed.provider_id = "pm-1";
    claimed.error.clear();
    claimed.next_attempt_at.reset();
    db->update_message(claimed, 2100);
    REQUIRE(db->claim_queued_message(by_mark, 2000));
    CHECK(db->mark_message_sent(by_mark, "pm-1", 2100));

    const auto values = columns_of(*db, by_update, by_mark, "messages");
    REQUIRE(values.size() == 2);
    CHECK(values[0] == values[1]);
    CHECK(db->find_message(by_mark)->state == MessageState::sent);
    CHECK(db->find_message(by_mark)->provider_id == "pm-1");
    CHECK(db->find_message(by_mark)->error.empty());

    // Not being sent: nothing written.
    CHECK_FALSE(db->mark_message_sent(by_mark, "pm-2", 2200));
    CHECK(db->find_message(by_mark)->provider_id == "pm-1");
    CHECK_FALSE(db->mark_message_sent(by_mark + 100, "pm-3", 2200));
}

TEST_CASE("states: the dispatcher claims a queued message once, and only when it is due") {
    auto db = testing::fresh_database("cxgate-unit-claim-");
    const auto survey = db->insert_survey(testing::sent_email_nps(SurveyState::sending));
    auto m = queued_email(survey);
    const auto due = db->insert_message(m);
    m.next_attempt_at = 5000;  // a retry that waits until then
    m.attempts = 1;
    const auto waiting = db->insert_message(m);

    // The dispatcher's look at a batch: the due one with its channel; the retry at its time.
    using Routes = std::vector<std::pair<std::int64_t, std::string>>;
    CHECK(db->queued_channels({due, waiting, waiting + 100}, 2000) == Routes{{due, "email"}});
    CHECK(db->queued_channels({waiting, due}, 5000).size() == 2);
    CHECK(db->queued_channels({}, 5000).empty());

    auto claimed = db->claim_queued_message(due, 2000);
    REQUIRE(claimed);
    CHECK(claimed->state == MessageState::sending);
    CHECK(claimed->attempts == 1);
    CHECK(claimed->body == m.body);
    CHECK(claimed->survey_id == survey);
    const auto stored = db->find_message(due);
    CHECK(stored->state == MessageState::sending);
    CHECK(stored->attempts == 1);
    CHECK(db->database()
              .execAndGet("SELECT updated_at FROM messages WHERE id = " + std::to_string(due))
              .getInt64() == 2000);
    // Claimed already: a second claim (another pass, a duplicate id in a queue) gets nothing.
    CHECK_FALSE(db->claim_queued_message(due, 2001));
    CHECK(db->queued_channels({due}, 2001).empty());
    CHECK(db->find_message(due)->attempts == 1);

    // A retry is claimed at its time, not before, as its second attempt.
    CHECK_FALSE(db->claim_queued_message(waiting, 4999));
    CHECK(db->find_message(waiting)->state == MessageState::queued);
    auto retried = db->claim_queued_message(waiting, 5000);
    REQUIRE(retried);
    CHECK(retried->attempts == 2);
    CHECK_FALSE(db->claim_queued_message(waiting + 100, 6000));  // no such message

    // What the claimed survey's answer links need.
    auto scale = db->survey_scale(survey);
    REQUIRE(scale);
    CHECK(scale->scale_min == 0);
    CHECK(scale->scale_max == 10);
    CHECK_FALSE(scale->expires_at);
    db->database().exec("UPDATE surveys SET scale_min = 1, scale_max = 5, expires_at = 9000");
    scale = db->survey_scale(survey);
    CHECK(scale->scale_min == 1);
    CHECK(scale->scale_max == 5);
    CHECK(scale->expires_at == 9000);
    CHECK_FALSE(db->survey_scale(survey + 100));
}
