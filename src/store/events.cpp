// The events table.
#include "cxgate/store/events.hpp"

#include <SQLiteCpp/Statement.h>

#include "cxgate/store/statement_cache.hpp"
#include "row_select.hpp"

namespace cxgate::store {

bool event_recorded(SQLite::Database& db, const std::string& id) {
    auto st = cached(db, "SELECT 1 FROM events WHERE id = ?");
    st->bind(1, id);
    return st->executeStep();
}

void insert_event(SQLite::Database& db, const EventRow& e) {
    auto st = cached(db,
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

std::vector<SurveyRow> surveys_of_event(SQLite::Database& db, const std::string& event_id) {
    return surveys_where(db, "event_id = ?1 OR suppressed_by = ?1", {event_id}, "ORDER BY id");
}

}  // namespace cxgate::store
