#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/database.hpp"

using namespace cxgate;
using namespace std::chrono_literals;

namespace {
std::string fresh(const char* name) {
    auto path = (std::filesystem::temp_directory_path() / name).string();
    for (auto suffix : {"", "-wal", "-shm", ".partial"}) std::filesystem::remove(path + suffix);
    return path;
}
}  // namespace

// `cxgate backup` copied 256 pages a step, letting go of the database between steps; a
// commit by the daemon in between starts SQLite's backup over from the first page, so under
// steady writes a copy took as long as the writes went on (100 MB with a commit every 5 ms:
// not done after 40 s). Now it is one read transaction, which a WAL writer goes on beside.
TEST_CASE("store: a backup completes while another connection commits without pause") {
    const auto path = fresh("cxgate-unit-backup-busy.db");
    const auto copy = fresh("cxgate-unit-backup-busy-copy.db");
    {
        auto db = store::open_for_writing(path);
        db->exec("CREATE TABLE filler (pad BLOB)");
        SQLite::Statement insert(*db, "INSERT INTO filler VALUES (zeroblob(1000))");
        db->exec("BEGIN");
        for (int i = 0; i < 12000; ++i) {  // about 12 MB, 3,000 pages
            insert.exec();
            insert.reset();
        }
        db->exec("COMMIT");
    }
    std::atomic<bool> stop{false};
    std::atomic<bool> writer_done{false};
    std::atomic<int> commits{0};
    std::thread writer([&] {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.setBusyTimeout(5000);
        db.exec("PRAGMA synchronous=OFF");  // commits as fast as a busy daemon's group commits
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!stop && std::chrono::steady_clock::now() < deadline) {
            db.exec("INSERT INTO filler VALUES (zeroblob(100))");
            ++commits;
            std::this_thread::sleep_for(200us);
        }
        writer_done = true;
    });
    while (commits < 5) std::this_thread::sleep_for(1ms);
    const int commits_before = commits;
    const auto start = std::chrono::steady_clock::now();
    const auto result = store::backup_to(path, copy);
    const auto took = std::chrono::steady_clock::now() - start;
    const bool writer_still_going = !writer_done;
    const int commits_during = commits - commits_before;
    stop = true;
    writer.join();
    CHECK(writer_still_going);
    INFO("backup of ", result.pages, " pages in ",
         std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms, ",
         commits_during, " commits meanwhile");
    CHECK(took < 3s);  // 0.1 s here; copying 256 pages a step took 10 s and more
    CHECK(result.pages >= 3000);
    SQLite::Database copied(copy, SQLite::OPEN_READONLY);
    CHECK(copied.execAndGet("SELECT count(*) >= 12000 FROM filler").getInt() == 1);
    CHECK(copied.execAndGet("PRAGMA journal_mode").getString() == "delete");
    for (const auto& file : {path, copy})
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file + suffix);
}
