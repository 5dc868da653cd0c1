#pragma once
// The outbox of outbound events (survey.answered, survey.commented, alert.opened,
// alert.resolved) for the receivers of `outbound_events:`: one row per event and receiver,
// written in the transaction of the change it tells of (alerts/outbound_events.hpp), so an
// event is never lost (the change committed, the row with it) nor invented (the change
// rolled back, the row with it). The sender (channels/outbound_sender.hpp) posts a
// receiver's rows of one survey in id order, one at a time, and records each outcome here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

enum class OutboundState { pending, delivered, failed };

struct OutboundEventRow {
    std::int64_t id = 0;   // the outbox's order: a survey's events are posted in it
    std::string event_id;  // "evt_..." the same on every attempt (X-Cxgate-Event-Id)
    std::string receiver;  // the name under outbound_events:
    std::string type;      // survey.answered, ...
    std::int64_t survey_id = 0;
    std::string payload;  // the JSON body; emptied once delivered or given up
    OutboundState state = OutboundState::pending;
    int attempts = 0;
    Seconds created_at = 0;
    // Pending: not posted before this. Empty while an earlier event of the same survey and
    // receiver is pending: the row waits behind it and becomes due when that one is done.
    std::optional<Seconds> next_attempt_at;
    std::optional<Seconds> finished_at;  // delivered or given up
    std::string error;                   // the last failure, in words
};

struct OutboundCounts {
    long long pending = 0, delivered = 0, failed = 0;
};

class OutboundLog {
  public:
    // Due at row.created_at, or behind the survey's pending event for the same receiver.
    virtual void queue_outbound_event(const OutboundEventRow& row) = 0;
    // The rows to post now: per receiver and survey only the oldest pending row, and only
    // when it is due, oldest first, at most `limit`. A survey whose earlier event waits for
    // a retry therefore holds its later ones back: a CRM never sees "commented" before the
    // "answered" it belongs to.
    virtual std::vector<OutboundEventRow> outbound_events_due(Seconds now, size_t limit) = 0;
    // A 2xx: final; the payload goes (the receiver has it, cxgate keeps no second copy). The
    // survey's next event for the receiver, if any, is due from `now`.
    virtual void outbound_delivered(std::int64_t id, int attempts, Seconds now) = 0;
    // Tried again at next_attempt_at (a 5xx, 429, a network error).
    virtual void outbound_retry(std::int64_t id, int attempts, Seconds next_attempt_at,
                                const std::string& error) = 0;
    // Given up (a 4xx, too old, a receiver no longer configured): final; the payload goes;
    // the next event is due from `now`, as after a delivery.
    virtual void outbound_failed(std::int64_t id, int attempts, Seconds now,
                                 const std::string& error) = 0;
    virtual OutboundCounts outbound_counts() = 0;
    // Deletes at most `limit` delivered or given-up rows finished before `before`.
    virtual size_t prune_outbound_events(Seconds before, size_t limit) = 0;
    virtual std::vector<OutboundEventRow> outbound_events_of_survey(std::int64_t survey_id) = 0;

  protected:
    ~OutboundLog() = default;
};

}  // namespace cxgate::store
