#pragma once
// Log lines that anyone can cause without a credential (a 401, a webhook's 403, a forged
// answer link) are cut short and rate-limited: without them, wrk with no token wrote
// 125 MB of log in 5 s (each 401 logged a request target of up to 16 KB), and a webhook's
// 403 logged its query string, which may hold a secret. Used on the event loop thread only.
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cxgate::http {

// At most one line per key per interval; the next line written after the interval
// carries the number left out. Keys are bounded in number: past max_keys (after
// forgetting quiet ones) every new key shares one, so varying the path cannot make the
// log grow faster than max_keys lines per interval.
class LogLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    explicit LogLimiter(std::chrono::seconds interval = std::chrono::seconds(10),
                        size_t max_keys = 256)
        : interval_(interval), max_keys_(max_keys) {}

    // Whether to write the line for `key` now; if so, *suppressed is how many lines of
    // that key were left out since the last one written.
    bool allow(const std::string& key, Clock::time_point now, unsigned long long* suppressed);

  private:
    struct Entry {
        Clock::time_point last;
        unsigned long long suppressed = 0;
    };
    std::chrono::seconds interval_;
    size_t max_keys_;
    Clock::time_point pruned_{};
    std::unordered_map<std::string, Entry> entries_;
};

// A request target as a log line may show it: the path without the query (which may hold
// a secret), at most max_chars, bytes outside printable ASCII as \xNN.
std::string loggable_path(std::string_view target, size_t max_chars = 100);

}  // namespace cxgate::http
