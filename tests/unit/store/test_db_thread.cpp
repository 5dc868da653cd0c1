#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/database.hpp"
#include "cxgate/store/db_thread.hpp"

using namespace cxgate;

namespace {
std::string temp_db(const char* name) {
    auto path = std::filesystem::temp_directory_path() / name;
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
}
}  // namespace

TEST_CASE("store: migrations set the schema version and are idempotent") {
    auto path = temp_db("cxgate-unit-migrate.db");
    {
        auto db = store::open_for_writing(path);
        CHECK(db->execAndGet("PRAGMA user_version").getInt() == store::schema_version());
        CHECK(db->execAndGet("PRAGMA journal_mode").getString() == "wal");
    }
    auto again = store::open_for_writing(path);
    CHECK(again->execAndGet("PRAGMA user_version").getInt() == store::schema_version());
    again->exec("PRAGMA user_version=999");
    again.reset();
    // An older build on a newer build's file: refused, naming both versions and the way back.
    const auto refusal = "database " + path + " has schema version 999, written by a newer cxgate";
    const auto ours = "knows versions up to " + std::to_string(store::schema_version());
    for (auto open_db : {store::open_for_writing, store::open_for_reading}) {
        try {
            open_db(path);
            FAIL("a newer schema was opened");
        } catch (const std::runtime_error& e) {
            const std::string what = e.what();
            CHECK(what.find(refusal) == 0);
            CHECK(what.find(ours) != std::string::npos);
            CHECK(what.find("restore the backup taken before the upgrade") != std::string::npos);
        }
    }
    // The copy a rollback needs can still be taken, of any schema.
    const auto copy = temp_db("cxgate-unit-migrate-copy.db");
    CHECK(store::backup_to(path, copy).pages > 0);
    SQLite::Database copied(copy, SQLite::OPEN_READONLY);
    CHECK(copied.execAndGet("PRAGMA user_version").getInt() == 999);
}

TEST_CASE("store: group commit isolates a failing job and completes every job after commit") {
    auto path = temp_db("cxgate-unit-group.db");
    store::DbThread writer(store::open_for_writing(path), store::DbThread::Mode::writer, 1000, 64);
    asio::io_context io;
    int ok = 0, failed = 0;
    for (int i = 0; i < 50; ++i) {
        auto task = [&, i]() -> asio::awaitable<void> {
            auto job = [i](store::Store& db) {
                db.opt_out_address("a" + std::to_string(i), "test", 0);
                if (i == 7) throw std::runtime_error("job 7 fails");
                return i;
            };
            try {
                int value = co_await writer.execute(job);
                CHECK(value == i);
                ++ok;
            } catch (const std::runtime_error& e) {
                CHECK(std::string(e.what()) == "job 7 fails");
                ++failed;
            }
        };
        asio::co_spawn(io, task, asio::detached);
    }
    io.run();
    CHECK(ok == 49);
    CHECK(failed == 1);
    writer.stop();
    auto db = store::open_for_reading(path);
    CHECK(db->execAndGet("SELECT COUNT(*) FROM optouts").getInt() == 49);
    CHECK(db->execAndGet("SELECT COUNT(*) FROM optouts WHERE address = 'a7'").getInt() == 0);
}

TEST_CASE("store: a full queue refuses instead of growing") {
    auto path = temp_db("cxgate-unit-full.db");
    store::DbThread writer(store::open_for_writing(path), store::DbThread::Mode::writer, 2, 1);
    std::atomic<bool> release{false};
    // The first job holds the thread; two fill the queue; the fourth is refused.
    writer.submit(
        [&](store::Store&) {
            while (!release) std::this_thread::yield();
        },
        nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(writer.submit([](store::Store&) {}, nullptr));
    CHECK(writer.submit([](store::Store&) {}, nullptr));
    CHECK_FALSE(writer.submit([](store::Store&) {}, nullptr));
    release = true;
    writer.stop();
    CHECK(writer.stats().failed == 0);
}

TEST_CASE("store: requests fill the queue to its bound, internal work has a reserve beyond it") {
    auto path = temp_db("cxgate-unit-reserve.db");
    store::DbThread writer(store::open_for_writing(path), store::DbThread::Mode::writer, 2, 1, 2);
    std::atomic<bool> release{false};
    writer.submit(
        [&](store::Store&) {
            while (!release) std::this_thread::yield();
        },
        nullptr, store::Origin::internal);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(writer.submit([](store::Store&) {}, nullptr));
    CHECK(writer.submit([](store::Store&) {}, nullptr));
    CHECK_FALSE(writer.submit([](store::Store&) {}, nullptr));  // a request: 503
    CHECK(writer.submit([](store::Store&) {}, nullptr, store::Origin::internal));
    CHECK(writer.submit([](store::Store&) {}, nullptr, store::Origin::internal));
    CHECK_FALSE(writer.submit([](store::Store&) {}, nullptr, store::Origin::internal));
    CHECK_FALSE(writer.submit([](store::Store&) {}, nullptr));
    release = true;
    writer.stop();
    CHECK(writer.stats().failed == 0);
}

TEST_CASE(
    "store: a database that cannot grow refuses writes as StorageFull, keeps the rest, and grows "
    "again") {
    auto path = temp_db("cxgate-unit-storage-full.db");
    store::DbThread writer(store::open_for_writing(path), store::DbThread::Mode::writer, 1000, 64);
    asio::io_context io;
    // Bounded at its current size: the next page it needs is refused (SQLITE_FULL), exactly
    // as on a full disk.
    writer.limit_size(1 << 20);
    int stored = 0, full = 0, other = 0;
    auto fill = [&](int from, int to) -> asio::awaitable<void> {
        for (int i = from; i < to; ++i) {
            auto job = [i](store::Store& db) {
                db.opt_out_address(std::string(400, 'a') + std::to_string(i), "test", 0);
                return i;
            };
            try {
                co_await writer.execute(job);
                ++stored;
            } catch (const store::StorageFull&) {
                ++full;
            } catch (const std::exception&) {
                ++other;
            }
        }
    };
    asio::co_spawn(io, fill(0, 5000), asio::detached);
    io.run();
    CHECK(full > 0);
    CHECK(other == 0);
    CHECK(stored > 100);
    const int before = stored;

    writer.limit_size(std::nullopt);  // space returns
    io.restart();
    asio::co_spawn(io, fill(5000, 5010), asio::detached);
    io.run();
    CHECK(stored == before + 10);
    writer.stop();
    auto db = store::open_for_reading(path);
    CHECK(db->execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(db->execAndGet("SELECT COUNT(*) FROM optouts").getInt() == stored);
}

TEST_CASE("store: opening waits out a lock held elsewhere (a reader, a backup, a WAL recovery)") {
    // A restart after kill -9 met "database is locked" when another process held the file
    // for a moment: the busy timeout was set after the first statements.
    auto path = temp_db("cxgate-unit-open-locked.db");
    store::open_for_writing(path).reset();
    auto holder = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
    holder->exec("PRAGMA locking_mode=EXCLUSIVE");
    holder->exec("BEGIN EXCLUSIVE");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        holder->exec("COMMIT");
        holder.reset();
    });
    std::unique_ptr<SQLite::Database> db;
    CHECK_NOTHROW(db = store::open_for_writing(path));
    release.join();
    REQUIRE(db);
    CHECK(db->execAndGet("PRAGMA user_version").getInt() == store::schema_version());
}
