#pragma once
// Posts the outbox of outbound events (store/outbound_events.hpp) to the receivers of
// `outbound_events:`, with cxgate's signed-webhook contract (channels/signatures.hpp, the
// same headers and signature the `webhook` channel sends):
//   POST <url>, Content-Type: application/json, the row's payload as the body
//   X-Cxgate-Timestamp, X-Cxgate-Signature: v1=hex(HMAC-SHA256(secret, ts + "." + body)),
//   X-Cxgate-Event-Id: the event's id, the same on every attempt.
//
// It lives on the event loop and never blocks it: rows are read on the reader, posted with
// the libcurl-on-Asio client, and each outcome is written through the writer before the
// next pass reads the outbox again. A pass takes at most `per_pass` rows (one per receiver
// and survey: the oldest pending, store::OutboundLog::outbound_events_due), posts them at
// once and waits for all of them, so
//   - a survey's later event is never posted before its earlier one is delivered or given
//     up (the later row is not even read until the earlier one's outcome is durable);
//   - a delivered row is marked durable before anything else is read, so it is never posted
//     again, after a restart either; a crash between the receiver's 2xx and that commit
//     posts it once more with the same X-Cxgate-Event-Id, which the receiver dedupes on;
//   - at most `per_pass` requests are in flight.
// A 2xx is delivered; 408, 429 (Retry-After honoured), 5xx and network errors are tried
// again with backoff; any other answer, or no delivery within kOutboundGiveUpAfter, gives
// the event up with the reason recorded on its row.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cxgate/channels/http_client.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/clock.hpp"
#include "cxgate/store/db_thread.hpp"

namespace cxgate::channels {

// An event not delivered this long after it happened is given up: a receiver down for
// three days has bigger problems, and a CRM note about a week-old score helps nobody.
inline constexpr store::Seconds kOutboundGiveUpAfter = 3 * 86400;
// Delivered and given-up rows (without payload) are kept this long for `cxgate` operators
// and /metrics, then deleted.
inline constexpr store::Seconds kOutboundKeepFinished = 7 * 86400;

// What to do with an event after one attempt.
struct OutboundDecision {
    enum class Kind { delivered, retry, give_up };
    Kind kind = Kind::delivered;
    store::Seconds next_attempt_at = 0;  // retry
    std::string error;                   // retry, give_up: why, in words
};

// The wait before attempt `attempts` + 1: 10 s, 20 s, 40 s ... at most an hour.
store::Seconds outbound_backoff(int attempts);
// `attempts` counts this attempt; `created_at` is the event's.
OutboundDecision decide_outbound(const HttpResponse& response, int attempts,
                                 store::Seconds created_at, store::Seconds now);

class OutboundSender {
  public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;
    struct Stats {
        unsigned long long posted = 0, retried = 0, failed = 0;
        size_t in_flight = 0;
    };

    OutboundSender(asio::io_context& io, store::DbThread& writer, store::DbThread& reader,
                   ConfigSource config, const Clock& clock, size_t per_pass = 32);
    ~OutboundSender();
    OutboundSender(const OutboundSender&) = delete;
    OutboundSender& operator=(const OutboundSender&) = delete;

    void start();
    // Starts no new post; posts under way finish (stats().in_flight reaches 0).
    void stop();
    Stats stats() const { return stats_; }

  private:
    asio::awaitable<void> loop();
    // Returns the rows it took.
    asio::awaitable<size_t> pass();
    asio::awaitable<void> post(store::OutboundEventRow row, std::string url, std::string secret);
    asio::awaitable<void> record(std::function<void(store::Store&)> change);

    asio::io_context& io_;
    store::DbThread& writer_;
    store::DbThread& reader_;
    ConfigSource config_;
    const Clock& clock_;
    size_t per_pass_;
    std::unique_ptr<HttpClient> http_;
    asio::steady_timer sleep_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point pruned_{};
    Stats stats_;
};

}  // namespace cxgate::channels
