#pragma once
// The one mechanism that hands queued messages to their channels. It lives on the event
// loop; every state change goes through the writer. A message moves queued -> sending
// (durable) -> sent | failed (durable), so after a crash the database says exactly which
// messages may have reached a provider.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_set>
#include <vector>

#include "cxgate/channels/channel.hpp"
#include "cxgate/store/db_thread.hpp"
#include "cxgate/util/clock.hpp"

namespace cxgate::channels {

class Dispatcher {
  public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;
    struct Stats {
        unsigned long long sent = 0, failed = 0, dropped = 0;
        size_t pending = 0, in_flight = 0;
    };

    Dispatcher(asio::io_context& io, store::DbThread& writer, ConfigSource config,
               const Clock& clock, size_t max_in_flight = 64, size_t max_pending = 10000);

    // Builds channel objects for the configuration; called at start and on reload.
    void configure(const config::Config& config);
    // Hands message ids to the channels. Ids beyond the bound are dropped here; they
    // stay 'queued' in the database and the scheduler's next pass offers them again.
    void enqueue(const std::vector<std::int64_t>& ids);
    // At start-up: messages left 'sending' by a crash. Sandbox ones are sent again (no
    // outside effect); for a real provider the request may have gone out, so the message
    // is marked 'unknown' and never sent twice.
    asio::awaitable<void> recover();
    Stats stats() const;

  private:
    void pump();
    asio::awaitable<void> deliver(std::int64_t id);

    asio::io_context& io_;
    store::DbThread& writer_;
    ConfigSource config_;
    const Clock& clock_;
    size_t max_in_flight_, max_pending_;
    std::deque<std::int64_t> pending_;
    std::unordered_set<std::int64_t> known_;  // pending or in flight
    size_t in_flight_ = 0;
    std::map<std::string, std::shared_ptr<Channel>> channels_;
    Stats stats_;
};

}  // namespace cxgate::channels
