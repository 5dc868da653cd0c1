#pragma once
// Alerts as staff handle them: one row per survey that alerted, opened in the transaction
// that queues its messages, then acknowledged and resolved (by whom, when, with what was
// done), or escalated while nobody acknowledges it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct AlertRow {
    std::int64_t id = 0;
    std::int64_t survey_id = 0;
    AlertHandling state = AlertHandling::open;
    Seconds opened_at = 0;
    std::optional<Seconds> acknowledged_at;
    std::string acknowledged_by;
    std::optional<Seconds> resolved_at;
    std::string resolved_by;
    std::string resolution;  // called_back, solved, no_action
    std::string note;        // what was done, in the words of who did it
    int level = 0;           // escalations sent: 0 none, 1 the lead, 2 the next level...
    std::optional<Seconds> escalate_at;  // while open: when the next level hears of it
};

struct AlertFilter {
    std::optional<AlertHandling> state;
    std::optional<Seconds> since;  // opened at or after
    int limit = 100;
};

// Time from opening to acknowledging and to resolving, over the alerts that got there.
struct AlertTimes {
    int opened = 0, acknowledged = 0, resolved = 0, escalated = 0, open_now = 0;
    double acknowledge_seconds_sum = 0, resolve_seconds_sum = 0;
};

// One alert with what its survey was about, for reports on how alerts are handled.
struct AlertFacts {
    std::int64_t id = 0;
    std::string flow, step, staff_id, segment;
    AlertHandling state = AlertHandling::open;
    Seconds opened_at = 0;
    std::optional<Seconds> acknowledged_at, resolved_at;
    std::string resolution;
    int level = 0;
};

class AlertLog {
  public:
    // Returns the new alert's id.
    virtual std::int64_t open_alert(const AlertRow& row) = 0;
    virtual std::optional<AlertRow> alert(std::int64_t id) = 0;
    virtual std::optional<AlertRow> alert_for_survey(std::int64_t survey_id) = 0;
    // Writes state, acknowledgement, resolution, level and escalate_at. Throws
    // IllegalTransition when the stored state may not move to the row's.
    virtual void save_alert(const AlertRow& row) = 0;
    // Open alerts whose escalation is due, oldest first.
    virtual std::vector<AlertRow> alerts_to_escalate(Seconds now, int limit) = 0;
    // The earliest escalation still to come (the scheduler sleeps until then at most).
    virtual std::optional<Seconds> next_escalation() = 0;
    // Newest first.
    virtual std::vector<AlertRow> alerts_where(const AlertFilter& filter) = 0;
    virtual AlertTimes alert_times(std::optional<Seconds> since) = 0;
    // Alerts opened in [since, until), optionally of one flow, oldest first.
    virtual std::vector<AlertFacts> alert_facts(Seconds since, Seconds until,
                                                const std::string& flow) = 0;

  protected:
    ~AlertLog() = default;
};

}  // namespace cxgate::store
