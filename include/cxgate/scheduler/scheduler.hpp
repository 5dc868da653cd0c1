#pragma once
// Wakes up when the next survey, reminder, expiry or alert is due, and runs one pass
// of due work through the writer. Timers wait on real (steady) time; what is "due" is
// decided by the Clock, so a manual clock moved forward pokes the scheduler instead.
#include <functional>
#include <memory>
#include <optional>

#include "cxgate/channels/dispatcher.hpp"
#include "cxgate/foundation/clock.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/db_thread.hpp"

namespace cxgate::scheduler {

class Scheduler {
  public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

    Scheduler(asio::io_context& io, store::DbThread& writer, ConfigSource config,
              const Clock& clock, channels::Dispatcher& dispatcher);
    void start();
    // Something changed (a new survey, a reply, the clock moved): run a pass soon.
    void poke();
    // New work is due at `at` (clock seconds; a new survey's due time): a pass runs soon only
    // when the scheduler would otherwise sleep past it. An event whose survey waits for
    // Monday costs no pass (a pass per event was most of the writer's work under load).
    void due_at(store::Seconds at);
    void stop();
    unsigned long long passes() const { return passes_; }

  private:
    asio::awaitable<void> loop();

    asio::io_context& io_;
    store::DbThread& writer_;
    ConfigSource config_;
    const Clock& clock_;
    channels::Dispatcher& dispatcher_;
    asio::steady_timer timer_;
    bool poked_ = false;
    // The last pass left queued messages it could not offer; the dispatcher's next drain
    // asks for them (a backlog after a restart or a burst went out 30 s apart before).
    bool more_queued_ = false;
    // The last pass claimed its limit and more may be due, but the dispatcher still had
    // messages waiting: the next pass waits for the dispatcher's drain (at most a second).
    bool more_due_ = false;
    bool stopping_ = false;
    // While it sleeps: the clock instant its timer wakes it at.
    std::optional<store::Seconds> sleeping_until_;
    unsigned long long passes_ = 0;
};

}  // namespace cxgate::scheduler
