#pragma once
// Prepared statements kept per connection, so the hot paths (an inbound reply, an
// event) do not re-parse the same SQL for every row. A connection belongs to exactly
// one DB thread, so the cache needs no lock.
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace cxgate::store {

// A borrowed cached statement; reset and unbound when it goes out of scope, so it never
// holds a read snapshot or old bindings into the next use.
class CachedStatement {
  public:
    explicit CachedStatement(SQLite::Statement& st) : st_(&st) {}
    explicit CachedStatement(std::unique_ptr<SQLite::Statement> owned)
        : st_(owned.get()), owned_(std::move(owned)) {}
    CachedStatement(CachedStatement&& other) noexcept
        : st_(other.st_), owned_(std::move(other.owned_)) {
        other.st_ = nullptr;
    }
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;
    ~CachedStatement();
    SQLite::Statement* operator->() { return st_; }
    SQLite::Statement& operator*() { return *st_; }

  private:
    SQLite::Statement* st_;
    std::unique_ptr<SQLite::Statement> owned_;  // when the connection has no cache
};

// A prepared statement for sql: from the cache when this thread enabled one for db,
// otherwise freshly prepared and finalized at the end of the scope (CLI tools, tests).
CachedStatement cached(SQLite::Database& db, const std::string& sql);

// Called by the thread that owns the connection; the cache must be cleared on that
// thread before the connection closes, or SQLite refuses to close it.
void enable_statement_cache(SQLite::Database& db);
void clear_statement_cache();
// enable_statement_cache when this thread has no cache yet; false (nothing done) when it has.
bool claim_statement_cache(SQLite::Database& db);

}  // namespace cxgate::store
