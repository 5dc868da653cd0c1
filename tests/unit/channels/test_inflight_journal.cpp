#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/channels/inflight_journal.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

using namespace cxgate;
namespace fs = std::filesystem;

namespace {
fs::path temp_path(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("cxgate-journal-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

std::int64_t add_message(store::Store& db, const std::string& channel, const std::string& state) {
    store::MessageRow m;
    m.kind = "alert";
    m.channel = channel;
    m.address = "+358401234567";
    m.body = "x";
    m.state = *store::parse_message_state(state);
    return db.insert_message(m);
}
}  // namespace

TEST_CASE(
    "inflight journal: started ids survive the writer; a missing or torn file proves nothing") {
    const auto path = temp_path("a-inflight").string();
    {
        channels::InFlightJournal journal;
        REQUIRE(journal.open(path));
        journal.started(7);
        journal.started(9);
        journal.finished(7);  // finishing is in memory: the line stays, which is the safe side
    }  // closed without any sync: a process crash leaves the same bytes in the page cache
    auto ids = channels::InFlightJournal::read(path);
    REQUIRE(ids);
    CHECK(ids->count(7) == 1);
    CHECK(ids->count(9) == 1);
    CHECK(ids->size() == 2);

    CHECK_FALSE(channels::InFlightJournal::read(path + "-missing"));
    std::ofstream(path) << "12\nnot-a-number\n";
    CHECK_FALSE(channels::InFlightJournal::read(path));

    // A new run starts empty.
    channels::InFlightJournal next;
    REQUIRE(next.open(path));
    CHECK(channels::InFlightJournal::read(path)->empty());
    CHECK_FALSE(channels::InFlightJournal::boot_id().empty());
}

TEST_CASE("inflight journal: recovery sends again what provably never started, nothing else") {
    const auto path = temp_path("recover.db").string();
    fs::remove(path);
    auto db = std::make_unique<store::SqliteStore>(store::open_for_writing(path));
    const auto started = add_message(*db, "sms", "sending");      // in the journal: may be sent
    const auto claimed = add_message(*db, "sms", "sending");      // claimed, request never began
    const auto sandbox = add_message(*db, "sandbox", "sending");  // no outside effect
    const auto done = add_message(*db, "sms", "sent");

    SUBCASE("with a trusted journal") {
        std::unordered_set<std::int64_t> journal{started};
        auto [requeued, unknown] = channels::recover_in_flight(*db, {"sandbox"}, 100, &journal);
        CHECK(requeued == 2);
        CHECK(unknown == 1);
        CHECK(store::to_string(db->find_message(started)->state) == "unknown");
        CHECK(store::to_string(db->find_message(claimed)->state) == "queued");
        CHECK(store::to_string(db->find_message(sandbox)->state) == "queued");
    }
    SUBCASE("without one (another boot, no file): every outside-effect message is unknown") {
        auto [requeued, unknown] = channels::recover_in_flight(*db, {"sandbox"}, 100, nullptr);
        CHECK(requeued == 1);
        CHECK(unknown == 2);
        CHECK(store::to_string(db->find_message(claimed)->state) == "unknown");
    }
    CHECK(store::to_string(db->find_message(done)->state) == "sent");
    db.reset();
    fs::remove(path);
}
