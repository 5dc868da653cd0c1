#pragma once
// The one mechanism that hands queued messages to their channels. It lives on the event
// loop; every state change goes through the writer. A message moves queued -> sending
// (durable, before the provider is called) -> sent | queued for a retry | failed
// (durable), so after a crash the database says exactly which messages may have
// reached a provider. Per channel: a token bucket (messages/second) and a cap on
// requests in flight.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/http_client.hpp"
#include "cxgate/channels/inflight_journal.hpp"
#include "cxgate/foundation/clock.hpp"
#include "cxgate/store/db_thread.hpp"

namespace cxgate::channels {

class Dispatcher {
  public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;
    struct Stats {
        unsigned long long sent = 0, failed = 0, retried = 0, dropped = 0;
        size_t pending = 0, in_flight = 0;
    };

    Dispatcher(asio::io_context& io, store::DbThread& writer, store::DbThread& reader,
               ConfigSource config, const Clock& clock, size_t max_in_flight = 256,
               size_t max_pending = 20000);
    ~Dispatcher();

    // Builds channel objects for the configuration; called at start and on reload.
    void configure(const std::shared_ptr<const config::Config>& config,
                   const std::string& link_secret);
    // Hands message ids to the channels. Ids beyond the bound are dropped here; they
    // stay 'queued' in the database and the scheduler's next pass offers them again.
    void enqueue(const std::vector<std::int64_t>& ids);
    asio::awaitable<void> recover();
    // Shutting down: starts no new delivery (what is pending stays queued in the database
    // for the next start); deliveries that have claimed their message finish, and
    // stats().in_flight reaches 0 when they have.
    void stop();
    std::shared_ptr<Channel> channel(const std::string& name) const;
    // Called after a delivery created messages (failover) or set a retry time, so the
    // scheduler can be poked.
    void on_new_messages(std::function<void(const std::vector<std::int64_t>&)> callback);
    // Called when the last pending message has started its delivery: room for more.
    void on_drained(std::function<void()> callback);
    Stats stats() const;

  private:
    struct Gate;
    struct ChannelState;
    void pump();
    // Looks up the channels of new messages in one read, then lets them start.
    void look_up(std::vector<std::int64_t> ids);
    // Puts new messages in the pending queue and starts what fits (stopping: forgets them;
    // they stay queued in the database).
    void admit(const std::vector<std::int64_t>& ids);
    asio::awaitable<void> deliver(std::int64_t id);
    // False when the dispatcher stops while waiting for a claim.
    asio::awaitable<bool> acquire(ChannelState& state, Gate& gate, bool take_token);
    static void release(Gate& gate);
    static void wake_next(Gate& gate);

    asio::io_context& io_;
    store::DbThread& writer_;
    store::DbThread& reader_;
    ConfigSource config_;
    const Clock& clock_;
    size_t max_in_flight_, max_pending_;
    std::deque<std::int64_t> pending_;
    std::unordered_set<std::int64_t> known_;  // being looked up, pending or in flight
    size_t looking_up_ = 0;                   // new ids whose channels are being read
    // The channel of a pending message as the batch look-up read it; empty when it was not
    // queued, or not due, then. A message without one is looked at alone.
    std::unordered_map<std::int64_t, std::string> routes_;
    size_t in_flight_ = 0;
    std::function<void()> drained_;
    bool stopping_ = false;
    std::unique_ptr<HttpClient> http_;
    std::map<std::string, std::shared_ptr<ChannelState>> channels_;
    std::function<void(const std::vector<std::int64_t>&)> new_messages_;
    std::mt19937_64 random_{std::random_device{}()};
    Stats stats_;
    InFlightJournal journal_;
};

}  // namespace cxgate::channels
