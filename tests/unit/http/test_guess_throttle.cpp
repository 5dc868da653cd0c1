// Guessing tokens and links is slowed per address: the login's rule (20 failures within
// 15 minutes lock an address for a minute, doubling), kept in memory and bounded.
#include <doctest/doctest.h>

#include "cxgate/http/guess_throttle.hpp"

using cxgate::http::GuessThrottle;

TEST_CASE("guess throttle: 20 failures lock the address, not its neighbour, for a minute") {
    GuessThrottle t;
    for (int i = 0; i < 19; ++i) t.failure("192.0.2.7", 1000 + i);
    CHECK(t.retry_after("192.0.2.7", 1019) == 0);
    t.failure("192.0.2.7", 1019);
    CHECK(t.retry_after("192.0.2.7", 1019) == 60);
    CHECK(t.retry_after("192.0.2.7", 1078) == 1);
    CHECK(t.retry_after("192.0.2.8", 1019) == 0);
    // Free again after the minute; the next failure doubles the lock.
    CHECK(t.retry_after("192.0.2.7", 1079) == 0);
    t.failure("192.0.2.7", 1079);
    CHECK(t.retry_after("192.0.2.7", 1079) == 120);
}

TEST_CASE("guess throttle: failures further apart than 15 minutes never lock") {
    GuessThrottle t;
    for (int i = 0; i < 100; ++i) t.failure("192.0.2.9", 1000 + i * 901);
    CHECK(t.retry_after("192.0.2.9", 1000 + 100 * 901) == 0);
}

TEST_CASE("guess throttle: which requests are guarded and which answers are failed guesses") {
    CHECK(GuessThrottle::guarded("/v1/events"));
    CHECK(GuessThrottle::guarded("/r/abc"));
    CHECK(GuessThrottle::guarded("/webhooks/sms/inbound"));
    CHECK_FALSE(GuessThrottle::guarded("/healthz"));
    CHECK_FALSE(GuessThrottle::guarded("/login"));  // the login has its own throttle
    CHECK(GuessThrottle::failed_guess("/v1/events", 401));
    CHECK(GuessThrottle::failed_guess("/webhooks/sms/inbound", 403));
    CHECK_FALSE(GuessThrottle::failed_guess("/v1/events", 403));  // a token lacking a scope
    CHECK(GuessThrottle::failed_guess("/r/forged", 404));
    CHECK_FALSE(GuessThrottle::failed_guess("/v1/surveys/9", 404));
}

TEST_CASE("guess throttle: memory is bounded; old counts make room") {
    GuessThrottle t;
    for (std::size_t i = 0; i < GuessThrottle::kMaxAddresses + 10; ++i)
        t.failure("a" + std::to_string(i), 1000);
    CHECK(t.tracked() == GuessThrottle::kMaxAddresses);
    t.failure("late", 1000 + 16 * 60);  // every earlier count is past its window
    CHECK(t.tracked() == 1);
    CHECK(t.retry_after("late", 1000 + 16 * 60) == 0);
}
