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
    CachedStatement(CachedStatement&& other) noexcept : st_(other.st_) { other.st_ = nullptr; }
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;
    ~CachedStatement();
    SQLite::Statement* operator->() { return st_; }
    SQLite::Statement& operator*() { return *st_; }

private:
    SQLite::Statement* st_;
};

CachedStatement cached(SQLite::Database& db, const std::string& sql);

}  // namespace cxgate::store
