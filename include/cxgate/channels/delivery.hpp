#pragma once
// What a provider's answer or delivery report does to a message and its survey. Runs
// on the writer thread, inside the job that records it.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cxgate/channels/channel.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::channels {

struct DeliveryOutcome {
    std::vector<std::int64_t> queued_messages;  // failover messages to dispatch
    std::optional<store::Seconds> retry_at;     // when a retry was scheduled
    std::string note;                           // for the log
};

// Marks the message sending (durable) if it is still queued and due. Returns it.
std::optional<store::MessageRow> claim_message(store::Store& db, std::int64_t id,
                                               store::Seconds now);

// Records the result of one send attempt: sent (and any status report that arrived
// before we knew the provider id), a retry with backoff and jitter (never past the
// survey's expiry, always inside its send window), or a permanent failure (opt-out on
// the provider's word, failover to the step's next channel).
DeliveryOutcome record_send_result(store::Store& db, const config::Config& config,
                                   const store::MessageRow& message, const SendResult& result,
                                   store::Seconds now, double jitter /* 0..1 */);

// A delivery report from a provider. Idempotent on (channel, provider id, status).
struct StatusOutcome {
    bool duplicate = false;
    bool matched = false;  // false: kept until the send's provider id is stored
    std::vector<std::int64_t> queued_messages;
};
StatusOutcome apply_status_report(store::Store& db, const config::Config& config,
                                  const std::string& channel, const StatusReport& report,
                                  store::Seconds now);

// Sends the survey on the next channel of its step that has an address not opted out.
// Returns the new message id, or nothing when no channel is left.
std::optional<std::int64_t> failover(store::Store& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now,
                                     const std::string& why);

// Start-up: messages left 'sending' by a crash. Channels without outside effect send
// again. For the others, a message whose request provably never started (its id is
// not in `started`, the in-flight journal of the crashed run, when that is trusted)
// is queued again; any other may have reached the provider, so it is marked 'unknown'
// and its survey counted as sent: never sent twice. Returns {queued again, unknown}.
std::pair<int, int> recover_in_flight(store::Store& db,
                                      const std::vector<std::string>& replayable_channels,
                                      store::Seconds now,
                                      const std::unordered_set<std::int64_t>* started = nullptr);

}  // namespace cxgate::channels
