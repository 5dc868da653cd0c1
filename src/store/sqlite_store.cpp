// A store that owns its connection (sqlite_store.hpp): its statements' cache lives and dies
// with it.
#include "cxgate/store/sqlite_store.hpp"

#include "statement_cache.hpp"

namespace cxgate::store {

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> owned)
    : owned_(std::move(owned)), db_(*owned_), owns_statement_cache_(claim_statement_cache(db_)) {}

SqliteStore::~SqliteStore() {
    // Before the connection closes: SQLite will not close one with statements still open.
    if (owns_statement_cache_) clear_statement_cache();
}

}  // namespace cxgate::store
