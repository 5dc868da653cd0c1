#pragma once
// Events as they arrived: the idempotency key of the events API (a repeated id answers as
// the first time did) and the audit trail of what caused each survey.
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct EventRow {
    std::string id, type;
    Seconds occurred_at = 0, received_at = 0;
    std::string contact_id;
    std::string body;  // the event as received, JSON
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class EventLog {
  public:
    virtual bool event_recorded(const std::string& id) = 0;
    virtual void insert_event(const EventRow& event) = 0;

    // The surveys an event planned and those it took back (cancel_on, arbitration), by id.
    virtual std::vector<SurveyRow> surveys_of_event(const std::string& event_id) = 0;

  protected:
    ~EventLog() = default;
};

}  // namespace cxgate::store
