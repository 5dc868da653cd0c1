// Change markers (marks.hpp).
#include "cxgate/store/marks.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

MarkRow read_mark(SQLite::Statement& st) {
    MarkRow m;
    m.id = st.getColumn(0).getInt64();
    m.flow = text(st.getColumn(1));
    m.label = text(st.getColumn(2));
    m.at = st.getColumn(3).getInt64();
    m.created_at = st.getColumn(4).getInt64();
    return m;
}

}  // namespace

std::int64_t SqliteStore::add_mark(const MarkRow& mark) {
    auto st = cached(db_, "INSERT INTO marks (flow, label, at, created_at) VALUES (?, ?, ?, ?)");
    st->bind(1, mark.flow);
    st->bind(2, mark.label);
    st->bind(3, static_cast<std::int64_t>(mark.at));
    st->bind(4, static_cast<std::int64_t>(mark.created_at));
    st->exec();
    return db_.getLastInsertRowid();
}

std::vector<MarkRow> SqliteStore::marks(const std::string& flow) {
    auto st = cached(db_,
                     "SELECT id, flow, label, at, created_at FROM marks "
                     "WHERE ?1 = '' OR flow = ?1 OR flow = '' ORDER BY at, id");
    st->bind(1, flow);
    std::vector<MarkRow> out;
    while (st->executeStep()) out.push_back(read_mark(*st));
    return out;
}

std::optional<MarkRow> SqliteStore::find_mark(std::int64_t id) {
    auto st = cached(db_, "SELECT id, flow, label, at, created_at FROM marks WHERE id = ?");
    st->bind(1, id);
    if (!st->executeStep()) return std::nullopt;
    return read_mark(*st);
}

}  // namespace cxgate::store
