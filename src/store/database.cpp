#include "cxgate/store/database.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "migrations.hpp"
#include "rollups_schema.hpp"

namespace cxgate::store {

namespace {

// What a migration needs beyond SQL: the local days of rows written before the rollups.
void after_migration(SQLite::Database& db, int version) {
    if (version == 12) detail::fill_local_days(db);
}

// Memory (issue 15: the daemon under 100 MB of RSS with a million surveys waiting). The
// writer's and the reader's page caches are most of it, and they fill up to their bound, so
// the bound is the budget: 32 MiB for the writer, 16 MiB for the reader, on top of the
// process's own 20-30 MB. That is enough because no statement of the hot paths reads more
// than the rows it returns (tests/unit/store/test_query_plans.cpp): the pages an event or a
// pass touches are the B-trees' inner pages and a few leaves, a few MB at a million surveys.
// (The 64 MiB per connection this replaced was sized for passes that read every waiting
// survey.) A page that is not cached is read with pread from the OS page cache, a few
// microseconds. No mmap: mapped pages of the file count in the process's RSS as it touches
// them (a 256 MiB map of a 1 GB database grew the RSS by up to 256 MB per connection), and
// reading through the map saves only the copy of the few pages a statement misses.
constexpr int kWriterCacheKiB = 32 * 1024;
constexpr int kReaderCacheKiB = 16 * 1024;

void configure(SQLite::Database& db) {
    // First: every statement below may meet a lock (another process reading, a backup, the
    // recovery of a WAL that a killed daemon left), and without a busy handler SQLite
    // answers "database is locked" at once, so a restart after kill -9 could fail.
    db.setBusyTimeout(5000);
    db.exec("PRAGMA journal_mode=WAL");
    // FULL: in WAL mode NORMAL may lose the last commits on power loss, and we answer
    // 202/200 only after COMMIT returns, so the commit must be on disk by then.
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA foreign_keys=ON");
    // Deleted and overwritten rows are zeroed in the file, so an erased person's phone
    // number or comment cannot be read back from free pages (cxgate forget, retention).
    db.exec("PRAGMA secure_delete=ON");
    db.exec("PRAGMA cache_size=" + std::to_string(-kWriterCacheKiB));
    db.exec("PRAGMA mmap_size=0");
    db.exec("PRAGMA temp_store=MEMORY");
}

}  // namespace

// Each connection is owned by one thread (see DbThread), so SQLite's per-call mutexes
// (NOMUTEX) and its global memory statistics are pure overhead on the hot path.
static void tune_library_once() {
    static const bool done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)done;
}

int schema_version() {
    return static_cast<int>(detail::migrations().size());
}

namespace {

// A newer build has migrated this file: this one cannot know what its tables mean now (a
// column it never heard of may hold what its queries would get wrong), and migrations only
// go forward. Going back to this build is restoring the copy taken before the upgrade.
void refuse_newer_schema(const std::string& path, int version) {
    if (version <= schema_version()) return;
    throw std::runtime_error(
        "database " + path + " has schema version " + std::to_string(version) +
        ", written by a newer cxgate; this build knows versions up to " +
        std::to_string(schema_version()) +
        " and refuses to open it. To go back to this build, stop the daemon and restore the "
        "backup taken before the upgrade (cxgate backup), removing any -wal and -shm files "
        "beside it; or run the newer build (docs/operations.md, \"Upgrade and rollback\")");
}

}  // namespace

std::unique_ptr<SQLite::Database> open_for_writing(const std::string& path) {
    tune_library_once();
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
    configure(*db);
    int version = db->execAndGet("PRAGMA user_version").getInt();
    refuse_newer_schema(path, version);
    if (version > 0 && version < schema_version())
        spdlog::info("database {}: upgrading the schema from version {} to {}{}", path, version,
                     schema_version(),
                     version < 12 ? " (counting every answer into the daily rollups of version "
                                    "12 takes about 100 s per million answers)"
                                  : "");
    const auto start = std::chrono::steady_clock::now();
    for (int v = version; v < schema_version(); ++v) {
        SQLite::Transaction tx(*db);
        db->exec(detail::migrations()[static_cast<size_t>(v)]);
        after_migration(*db, v + 1);
        db->exec("PRAGMA user_version=" + std::to_string(v + 1));
        tx.commit();
    }
    if (version > 0 && version < schema_version())
        spdlog::info(
            "database {}: schema version {} in {:.1f} s", path, schema_version(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return db;
}

namespace {

std::unique_ptr<SQLite::Database> open_read_only(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw std::runtime_error("database " + path + " does not exist");
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db->setBusyTimeout(5000);
    // Reports read the rollups and the indexes behind them in pages: cached, a second report
    // does not read them again (the budget: kWriterCacheKiB above).
    db->exec("PRAGMA cache_size=" + std::to_string(-kReaderCacheKiB));
    db->exec("PRAGMA mmap_size=0");
    return db;
}

}  // namespace

std::unique_ptr<SQLite::Database> open_for_reading(const std::string& path) {
    auto db = open_read_only(path);
    // A report of this build over a newer schema could count what it should not (an
    // anonymous survey's cell, a column it does not know), so the readers refuse it too.
    refuse_newer_schema(path, db->execAndGet("PRAGMA user_version").getInt());
    return db;
}

BackupResult backup_to(const std::string& path, const std::string& destination) {
    if (!std::filesystem::exists(path))
        throw std::runtime_error("database " + path + " does not exist");
    const std::string partial = destination + ".partial";
    std::filesystem::remove(partial);
    // Any schema: a copy of a newer build's database is what a rollback needs.
    auto source = open_read_only(path);
    BackupResult result;
    {
        SQLite::Database target(partial, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        sqlite3_backup* backup =
            sqlite3_backup_init(target.getHandle(), "main", source->getHandle(), "main");
        if (!backup) throw std::runtime_error("backup: " + std::string(target.getErrorMsg()));
        int rc = SQLITE_OK;
        // Every page in one step, so in one read transaction: the copy is the database as
        // of its start. In WAL mode a reader holds no writer back (the WAL grows by what
        // is written meanwhile, and is checkpointed after). Copying a few pages a step
        // instead lets go of the source between steps, and any commit of the daemon in
        // between starts the copy over from the first page: under steady writes it took as
        // long as the writes went on (100 MB, a commit every 5 ms: not done after 40 s).
        while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_OK || rc == SQLITE_BUSY ||
               rc == SQLITE_LOCKED)
            if (rc != SQLITE_OK) sqlite3_sleep(20);
        result.pages = sqlite3_backup_pagecount(backup);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE)
            throw std::runtime_error("backup: " + std::string(sqlite3_errstr(rc)));
        const auto check = target.execAndGet("PRAGMA integrity_check").getString();
        if (check != "ok") throw std::runtime_error("backup: integrity_check: " + check);
        // A copy that stands alone: no WAL beside it.
        target.exec("PRAGMA journal_mode=DELETE");
    }
    std::filesystem::rename(partial, destination);
    result.bytes = static_cast<long long>(std::filesystem::file_size(destination));
    return result;
}

}  // namespace cxgate::store
