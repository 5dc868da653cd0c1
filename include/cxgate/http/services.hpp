#pragma once
// What the HTTP routes may use. Routes never touch SQL directly: they hand jobs to the
// writer or reader and the domain functions do the rest.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cxgate/channels/dispatcher.hpp"
#include "cxgate/channels/outbound_sender.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/clock.hpp"
#include "cxgate/http/guess_throttle.hpp"
#include "cxgate/http/log_limit.hpp"
#include "cxgate/http/password_checks.hpp"
#include "cxgate/scheduler/scheduler.hpp"
#include "cxgate/store/db_thread.hpp"

namespace cxgate::http {

struct Counters {
    std::atomic<unsigned long long> requests{0}, events_accepted{0}, events_duplicate{0},
        events_rejected{0}, inbound_accepted{0}, inbound_duplicate{0}, inbound_rejected{0},
        busy_rejections{0}, auth_failures{0}, connections_refused{0}, connections_evicted{0},
        connections_open{0}, storage_full_rejections{0};
};

// What /healthz and /metrics say about configuration reloads (SIGHUP). Written and read
// on the event loop thread only.
struct ReloadStatus {
    std::string result = "ok";        // ok, or failed (the last reload was rejected)
    long long at = 0;                 // Unix seconds of the last reload attempt (or start)
    long long last_success_at = 0;    // Unix seconds the running config was loaded
    std::vector<std::string> errors;  // every error of the last failed reload
    unsigned long long succeeded = 0, failed = 0;
};

struct Services {
    std::function<std::shared_ptr<const config::Config>()> config;
    store::DbThread& writer;
    store::DbThread& reader;
    Clock& clock;
    scheduler::Scheduler& scheduler;
    channels::Dispatcher& dispatcher;
    Counters& counters;
    ReloadStatus& reload;
    long long started_at = 0;
    std::string link_secret;  // verifies unsubscribe and answer links
    LogLimiter refusal_log;   // see log_refusal() in router.hpp
    GuessThrottle guesses{};  // failed tokens and links per address (guess_throttle.hpp)
    // Login passwords are checked on threads of their own (password_checks.hpp).
    std::shared_ptr<PasswordChecks> password_checks = std::make_shared<PasswordChecks>();
    // The sender of outbound events, for /metrics; null where none runs (tests).
    const channels::OutboundSender* outbound = nullptr;
};

}  // namespace cxgate::http
