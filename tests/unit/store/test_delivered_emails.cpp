// The email a sandbox channel built, kept beside its message (delivered_emails.hpp): kept and
// read back as it was, never for a wiped row, and gone with its message whichever way the
// message goes; a database from before schema 16 gets the table on upgrade, and a command
// reading one that an older daemon still serves finds no email rather than failing.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "../replies/survey_fixture.hpp"
#include "cxgate/store/database.hpp"

using namespace cxgate;

namespace {

store::DeliveredEmail email_for(const std::string& who) {
    return {
        "palaute@example.com",
        "Pankki",
        {"Message-ID: <cx-1.ab@example.com>", "List-Unsubscribe: <https://cx.example.com/u/x.y>"},
        "Hei " + who + "\n\n9: https://cx.example.com/r/t/9\n",
        "<p>Hei " + who + "</p>"};
}

std::int64_t sent_message(store::Store& db, const std::string& address, store::Seconds at) {
    store::MessageRow m;
    m.kind = "thanks";
    m.channel = "email";
    m.address = address;
    m.body = "Kiitos";
    m.state = store::MessageState::sent;
    m.created_at = at;
    return db.insert_message(m);
}

}  // namespace

TEST_CASE(
    "delivered emails: kept and read back as built; a resend replaces; none for a wiped row") {
    auto db = testing::fresh_database("cxgate-unit-delivered");
    const auto id = sent_message(*db, "matti@example.com", 1000);
    CHECK_FALSE(db->delivered_email(id));
    db->keep_delivered_email(id, email_for("Matti"));
    auto kept = db->delivered_email(id);
    REQUIRE(kept);
    CHECK(kept->from == "palaute@example.com");
    CHECK(kept->from_name == "Pankki");
    CHECK(kept->headers == email_for("Matti").headers);
    CHECK(kept->text == email_for("Matti").text);
    CHECK(kept->html == "<p>Hei Matti</p>");
    db->keep_delivered_email(id, email_for("Matti again"));
    CHECK(db->delivered_email(id)->html == "<p>Hei Matti again</p>");

    // No row, no copy; a row whose address was wiped, no copy either.
    db->keep_delivered_email(id + 100, email_for("Nobody"));
    CHECK_FALSE(db->delivered_email(id + 100));
    auto m = *db->find_message(id);
    const auto wiped = sent_message(*db, "liisa@example.com", 1000);
    auto row = *db->find_message(wiped);
    row.address = "";
    db->update_message(row, 1001);
    REQUIRE(db->find_message(wiped)->address.empty());
    db->keep_delivered_email(wiped, email_for("Liisa"));
    CHECK_FALSE(db->delivered_email(wiped));
    // Once wiped, an update from a stale copy of the row does not bring the address back.
    row.address = "liisa@example.com";
    db->update_message(row, 1002);
    CHECK(db->find_message(wiped)->address.empty());
    CHECK(db->find_message(id)->address == m.address);
}

TEST_CASE("delivered emails: gone with the message's address, and with the message") {
    auto db = testing::fresh_database("cxgate-unit-delivered-gone");
    const auto wiped = sent_message(*db, "matti@example.com", 1000);
    const auto aged = sent_message(*db, "liisa@example.com", 1000);
    const auto kept = sent_message(*db, "pekka@example.com", 90 * 86400);
    for (auto id : {wiped, aged, kept}) db->keep_delivered_email(id, email_for("x"));

    // Whatever wipes a row's address (an erasure of a message in flight, an anonymous
    // survey unlinked) takes its email with it.
    auto row = *db->find_message(wiped);
    row.address = "";
    db->update_message(row, 1001);
    CHECK_FALSE(db->delivered_email(wiped));
    // Retention deletes the message, and its email goes too.
    store::RetentionCutoffs cutoffs;
    cutoffs.messages = 30 * 86400;
    CHECK(db->apply_retention(cutoffs, 500).messages == 2);
    CHECK_FALSE(db->delivered_email(aged));
    CHECK(db->delivered_email(kept));
}

TEST_CASE("delivered emails: a database of schema 15 gets the table on upgrade") {
    const auto path =
        (std::filesystem::temp_directory_path() / "cxgate-unit-delivered-upgrade.db").string();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    std::int64_t old_message = 0;
    {
        store::SqliteStore db(store::open_for_writing(path));
        old_message = sent_message(db, "matti@example.com", 1000);
        // Back to schema 15: what migrations 16 and later added, gone.
        db.database().exec(
            "DROP INDEX surveys_by_sent; CREATE INDEX surveys_by_sent ON surveys (sent_at); "
            "CREATE INDEX surveys_by_due ON surveys(state, due_at); "
            "DROP TRIGGER digest_quote_wiped; DROP TRIGGER digest_quote_deleted; "
            "DROP TABLE digest_answers; DROP TABLE digest_runs; "
            "DROP TABLE outbound_events; "
            "DROP INDEX surveys_due; DROP INDEX surveys_held; DROP INDEX surveys_held_until; "
            "DROP TRIGGER delivered_email_wiped; DROP TABLE delivered_emails; "
            "PRAGMA user_version = 15;");
    }
    {
        // A command reading the file before the daemon upgraded it: no email, no error.
        store::SqliteStore reader(store::open_for_reading(path));
        CHECK_FALSE(reader.delivered_email(old_message));
    }
    store::SqliteStore db(store::open_for_writing(path));
    CHECK(db.database().execAndGet("PRAGMA user_version").getInt() == store::schema_version());
    CHECK(store::schema_version() >= 16);
    CHECK_FALSE(db.delivered_email(old_message));  // sent before: nothing was kept
    db.keep_delivered_email(old_message, email_for("Matti"));
    CHECK(db.delivered_email(old_message));
}
