// The events table.
#include "cxgate/store/events.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

bool SqliteStore::event_recorded(const std::string& id) {
    auto st = cached(db_, "SELECT 1 FROM events WHERE id = ?");
    st->bind(1, id);
    return st->executeStep();
}

void SqliteStore::insert_event(const EventRow& e) {
    auto st = cached(db_,
                     "INSERT INTO events (id, type, occurred_at, received_at, contact_id, body) "
                     "VALUES (?,?,?,?,?,?)");
    st->bind(1, e.id);
    st->bind(2, e.type);
    st->bind(3, static_cast<std::int64_t>(e.occurred_at));
    st->bind(4, static_cast<std::int64_t>(e.received_at));
    st->bind(5, e.contact_id);
    st->bind(6, e.body);
    st->exec();
}

std::vector<SurveyRow> SqliteStore::surveys_of_event(const std::string& event_id) {
    return surveys_where(db_, "event_id = ?1 OR suppressed_by = ?1", {event_id}, "ORDER BY id");
}

}  // namespace cxgate::store
