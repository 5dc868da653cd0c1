#pragma once
// Sales outcomes as events told them (a lead, a deal won, a deal lost), kept beside the
// surveys so reports read customer experience beside sales (report/sales.hpp).
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/answers.hpp"

namespace cxgate::store {

struct SalesEventRow {
    std::string event_id;
    std::string kind;  // lead, won, lost (config::Sales)
    std::string deal_id, staff_id, segment, timezone;
    Seconds occurred_at = 0;
    std::optional<double> value;
    std::string currency;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class SalesLog {
  public:
    // Kept once per event (a repeated event id changes nothing).
    virtual void record_sales_event(const SalesEventRow& row) = 0;
    // Sales events that occurred in [since, until), in time order (flow is not used).
    virtual std::vector<SalesEventRow> sales_events(const AnswerFilter& filter) = 0;

  protected:
    ~SalesLog() = default;
};

}  // namespace cxgate::store
