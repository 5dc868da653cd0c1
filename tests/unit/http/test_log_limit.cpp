#include <doctest/doctest.h>

#include "cxgate/http/log_limit.hpp"

using namespace cxgate::http;
using namespace std::chrono_literals;

TEST_CASE("log limit: one line per key per interval, then the count of those left out") {
    LogLimiter limiter(10s, 4);
    const auto t0 = LogLimiter::Clock::time_point{} + 1h;
    unsigned long long suppressed = 99;
    CHECK(limiter.allow("401 GET /v1/responses", t0, &suppressed));
    CHECK(suppressed == 0);
    for (int i = 0; i < 1000; ++i)
        CHECK_FALSE(limiter.allow("401 GET /v1/responses", t0 + 9s, &suppressed));
    CHECK(limiter.allow("401 POST /v1/events", t0 + 9s, &suppressed));  // another key
    CHECK(limiter.allow("401 GET /v1/responses", t0 + 10s, &suppressed));
    CHECK(suppressed == 1000);
    CHECK_FALSE(limiter.allow("401 GET /v1/responses", t0 + 11s, &suppressed));
}

TEST_CASE("log limit: varying the line cannot grow the table or the log past max_keys") {
    LogLimiter limiter(10s, 4);
    const auto t0 = LogLimiter::Clock::time_point{} + 1h;
    unsigned long long suppressed = 0;
    int written = 0;
    for (int i = 0; i < 1000; ++i)
        written += limiter.allow("401 /p" + std::to_string(i), t0, &suppressed);
    CHECK(written == 5);  // four keys and the shared "(other)"
    // Quiet keys are forgotten after the interval, so new ones get their own line again.
    CHECK(limiter.allow("401 /new", t0 + 20s, &suppressed));
}

TEST_CASE("log limit: a loggable path has no query, no control bytes and a bounded length") {
    CHECK(loggable_path("/v1/responses?secret=abc") == "/v1/responses?...");
    CHECK(loggable_path("/webhooks/sms/inbound") == "/webhooks/sms/inbound");
    CHECK(loggable_path("/a\r\nFAKE LINE\x1b[31m\xE4") == "/a\\x0d\\x0aFAKE LINE\\x1b[31m\\xe4");
    const auto cut = loggable_path("/" + std::string(16000, 'x'), 100);
    CHECK(cut.size() == 103);
    CHECK(cut.substr(100) == "...");
}
