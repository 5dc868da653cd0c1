// The contacts table: one row per person, merged across events.
#include "cxgate/store/contacts.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"

#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

ContactRow read_contact(SQLite::Statement& st) {
    return ContactRow{text(st.getColumn(0)), text(st.getColumn(1)), text(st.getColumn(2)),
                      text(st.getColumn(3)), text(st.getColumn(4)), text(st.getColumn(5)),
                      text(st.getColumn(6))};
}

constexpr const char* kContactColumns = "id, phone, email, name, locale, timezone, segment";

}  // namespace

std::string SqliteStore::upsert_contact(const ContactRow& c, Seconds now) {
    auto st = cached(
        db_,
        "INSERT INTO contacts (id, phone, email, name, locale, timezone, segment, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
        "phone = COALESCE(excluded.phone, phone), email = COALESCE(excluded.email, email), "
        "name = COALESCE(excluded.name, name), locale = COALESCE(excluded.locale, locale), "
        "timezone = COALESCE(excluded.timezone, timezone), "
        "segment = COALESCE(excluded.segment, segment), updated_at = excluded.updated_at "
        "RETURNING name");
    st->bind(1, c.id);
    bind_text(*st, 2, c.phone);
    bind_text(*st, 3, c.email);
    bind_text(*st, 4, c.name);
    bind_text(*st, 5, c.locale);
    bind_text(*st, 6, c.timezone);
    bind_text(*st, 7, c.segment);
    st->bind(8, static_cast<std::int64_t>(now));
    // The one row RETURNING gives is read before the statement is reset, which ends it.
    if (!st->executeStep()) return c.name;
    return text(st->getColumn(0));
}

std::optional<ContactRow> SqliteStore::find_contact(const std::string& id) {
    auto st = cached(db_, std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id = ?");
    st->bind(1, id);
    if (!st->executeStep()) return std::nullopt;
    return read_contact(*st);
}

std::vector<ContactRow> SqliteStore::contacts_after(const std::string& cursor,
                                                    const std::vector<std::string>& segments,
                                                    std::optional<Seconds> seen_since,
                                                    size_t limit) {
    std::string sql = std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id > ?";
    if (!segments.empty()) {
        sql += " AND segment IN (";
        for (size_t i = 0; i < segments.size(); ++i) sql += i ? ",?" : "?";
        sql += ")";
    }
    if (seen_since) sql += " AND updated_at >= ?";
    sql += " ORDER BY id LIMIT ?";
    SQLite::Statement st(db_, sql);
    int i = 1;
    st.bind(i++, cursor);
    for (const auto& segment : segments) st.bind(i++, segment);
    if (seen_since) st.bind(i++, static_cast<std::int64_t>(*seen_since));
    st.bind(i++, static_cast<std::int64_t>(limit));
    std::vector<ContactRow> out;
    while (st.executeStep()) out.push_back(read_contact(st));
    return out;
}

}  // namespace cxgate::store
