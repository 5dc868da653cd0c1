#pragma once
// Tells systemd (Type=notify) what the daemon is doing: READY=1 once it serves and has
// recovered its sends, RELOADING=1 ... READY=1 around a SIGHUP reload, STOPPING=1 when a
// graceful stop begins, and WATCHDOG=1 while it is healthy (WatchdogSec=). Outside
// systemd (no NOTIFY_SOCKET) every call does nothing, so tests and `make run` are unchanged.
//
// A watchdog ping means more than "the loop runs": each one waits for a no-op job to pass
// through the database writer and reader threads, so a stuck database thread (a hung
// disk, a deadlock) stops the pings and systemd restarts the daemon. A writer that is
// merely busy (its queue full under overload) counts as alive while it keeps committing.
#include <chrono>
#include <string>

#include "cxgate/net.hpp"

namespace cxgate::store {
class DbThread;
}

namespace cxgate::cli {

class ServiceManager {
  public:
    ServiceManager(asio::io_context& io, store::DbThread& writer, store::DbThread& reader);
    ServiceManager(const ServiceManager&) = delete;
    ServiceManager& operator=(const ServiceManager&) = delete;

    // STATUS= shows in `systemctl status`.
    void ready(const std::string& status);
    void reloading();
    void stopping();
    // Starts the watchdog pings when systemd asked for them (WATCHDOG_USEC); returns the
    // interval systemd expects, zero when none.
    std::chrono::microseconds start_watchdog();
    void stop_watchdog();

  private:
    asio::awaitable<void> watchdog_loop(std::chrono::microseconds every);
    asio::awaitable<bool> database_alive();
    void notify(const std::string& state);

    asio::io_context& io_;
    store::DbThread& writer_;
    store::DbThread& reader_;
    asio::steady_timer tick_;
    bool watching_ = false;
    unsigned long long writer_jobs_seen_ = 0;
};

}  // namespace cxgate::cli
