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

// A deal won, with what came after it for retention: the first later event of a retention
// type for the same contact within the window, and the customer's NPS score.
struct WonCustomer {
    std::string event_id, deal_id, contact_id, staff_id, segment;
    Seconds won_at = 0;
    std::optional<Seconds> returned_at;
    // Of the same deal's NPS survey (the latest answer); a win without a deal id takes the
    // contact's latest NPS answer given before it. None: the customer never answered.
    std::optional<int> nps;
};

struct RetentionFilter {
    std::optional<Seconds> since, until;  // won in [since, until)
    std::vector<std::string> event_types;
    Seconds within = 0;  // returned_at in (won_at, won_at + within]
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class SalesLog {
  public:
    // Kept once per event (a repeated event id changes nothing).
    virtual void record_sales_event(const SalesEventRow& row) = 0;
    // Sales events that occurred in [since, until), in time order (flow is not used).
    virtual std::vector<SalesEventRow> sales_events(const AnswerFilter& filter) = 0;
    // Deals won in the filter's period, oldest first, each with its return and NPS score.
    virtual std::vector<WonCustomer> won_customers(const RetentionFilter& filter) = 0;

  protected:
    ~SalesLog() = default;
};

}  // namespace cxgate::store
