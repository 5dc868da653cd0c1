#pragma once
// The daemon as one object: it owns what `cxgate serve` runs on its one io_context (the
// database threads, the dispatcher, the scheduler, the HTTP server, the signal handlers)
// and their life: start, reload on SIGHUP, graceful stop on SIGTERM or SIGINT.
//
// Stopping: the listening socket closes and idle keep-alive connections with it, so new
// requests are refused; requests under way are answered (with Connection: close), and
// sends already claimed from the database finish at their provider, for at most
// server.shutdown_grace. Then the loop stops, the writer commits what it still has queued,
// and run() returns 0. A second SIGTERM or SIGINT stops at once. An answer that
// acknowledges something (a 202, a webhook's 200) is sent only after its commit
// (store/db_thread.hpp), so nothing acknowledged is lost however the daemon stops; the
// grace is what lets work under way end with an answer rather than a reset.
#include <memory>

#include "cxgate/cli/serve.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/clock.hpp"

namespace cxgate::cli {

class Application {
  public:
    // Opens the database and starts listening; throws std::runtime_error saying which
    // of the two failed. `loaded` is the configuration as read, before the options'
    // overrides (--listen, --db), which apply to every reload as well.
    Application(const ServeOptions& options, const std::shared_ptr<const config::Config>& loaded,
                std::unique_ptr<Clock> clock);
    ~Application();
    Application(const Application&) = delete;
    Application& operator=(const Application&) = delete;

    // Runs until a signal stops it, then flushes the writer; returns the exit code.
    int run();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cxgate::cli
