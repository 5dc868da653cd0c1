#pragma once
// Opening the SQLite file and bringing its schema up to date.
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>

namespace cxgate::store {

// The schema version this build writes (PRAGMA user_version). Migrations run in order
// from the file's version up to this one, each in its own transaction.
int schema_version();

// Opens (creating if needed) the database for writing: WAL journal, synchronous=FULL so a
// COMMIT that has returned survives power loss, foreign keys on, migrations applied.
std::unique_ptr<SQLite::Database> open_for_writing(const std::string& path);
// Read-only connection for reports and listings; WAL lets it read while the writer writes.
std::unique_ptr<SQLite::Database> open_for_reading(const std::string& path);

// A consistent copy of the database at `path` into `destination` while the daemon serves
// (SQLite's online backup in one read transaction, which in WAL mode holds no writer back),
// then checked with PRAGMA integrity_check. Any schema version: a rollback needs the copy of
// a newer build's database too. Throws std::runtime_error naming what failed; the
// destination is written beside as "<destination>.partial" and renamed only when whole.
struct BackupResult {
    long long pages = 0;
    long long bytes = 0;
};
BackupResult backup_to(const std::string& path, const std::string& destination);

}  // namespace cxgate::store
