#include "statement_cache.hpp"

#include <unordered_map>

namespace cxgate::store {

namespace {
// Per thread and connection. Bounded: dynamic SQL (reports) should not use the cache,
// and if it does, the cache starts over rather than growing.
constexpr size_t kMaxStatements = 256;

struct Cache {
    SQLite::Database* db = nullptr;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
};
thread_local Cache cache;
}  // namespace

void enable_statement_cache(SQLite::Database& db) {
    cache.statements.clear();
    cache.db = &db;
}

void clear_statement_cache() {
    cache.statements.clear();
    cache.db = nullptr;
}

bool claim_statement_cache(SQLite::Database& db) {
    if (cache.db) return false;
    enable_statement_cache(db);
    return true;
}

CachedStatement::~CachedStatement() {
    if (!st_ || owned_) return;
    try {
        st_->reset();
        st_->clearBindings();
    } catch (...) {
        // A failed reset leaves the statement as it is; the next reset tries again.
    }
}

CachedStatement cached(SQLite::Database& db, const std::string& sql) {
    if (cache.db != &db) return CachedStatement(std::make_unique<SQLite::Statement>(db, sql));
    auto it = cache.statements.find(sql);
    if (it == cache.statements.end()) {
        if (cache.statements.size() >= kMaxStatements) cache.statements.clear();
        it = cache.statements.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    }
    return CachedStatement(*it->second);
}

}  // namespace cxgate::store
