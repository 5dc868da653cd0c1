#pragma once
// Events as they arrived: the idempotency key of the events API (a repeated id answers as
// the first time did) and the audit trail of what caused each survey.
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct EventRow {
    std::string id, type;
    Seconds occurred_at = 0, received_at = 0;
    std::string contact_id;
    std::string body;  // the event as received, JSON
};

bool event_recorded(SQLite::Database& db, const std::string& id);
void insert_event(SQLite::Database& db, const EventRow& event);
// The surveys an event planned and those it took back (cancel_on, arbitration), by id.
std::vector<SurveyRow> surveys_of_event(SQLite::Database& db, const std::string& event_id);

}  // namespace cxgate::store
