#include <doctest/doctest.h>

#include "cxgate/channels/outbound_sender.hpp"

using namespace cxgate;
using channels::decide_outbound;
using Kind = channels::OutboundDecision::Kind;

// What the outbound sender does after one attempt: delivered, tried again later, or given
// up with the reason recorded.

namespace {

channels::HttpResponse answer(long status, const std::string& body = "") {
    channels::HttpResponse r;
    r.status = status;
    r.body = body;
    return r;
}

}  // namespace

TEST_CASE("outbound: backoff doubles from 10 s to an hour") {
    CHECK(channels::outbound_backoff(1) == 10);
    CHECK(channels::outbound_backoff(2) == 20);
    CHECK(channels::outbound_backoff(3) == 40);
    CHECK(channels::outbound_backoff(9) == 2560);
    CHECK(channels::outbound_backoff(10) == 3600);
    CHECK(channels::outbound_backoff(1000) == 3600);
}

TEST_CASE("outbound: any 2xx is delivered") {
    CHECK(decide_outbound(answer(200), 1, 1000, 1000).kind == Kind::delivered);
    CHECK(decide_outbound(answer(204), 3, 1000, 1100).kind == Kind::delivered);
}

TEST_CASE("outbound: 5xx, 408, 429 and network errors are tried again with backoff") {
    auto d = decide_outbound(answer(500, "oops\nstack"), 1, 1000, 1000);
    CHECK(d.kind == Kind::retry);
    CHECK(d.next_attempt_at == 1010);
    CHECK(d.error == "HTTP 500: oops stack");
    CHECK(decide_outbound(answer(503), 2, 1000, 1000).next_attempt_at == 1020);
    CHECK(decide_outbound(answer(408), 1, 1000, 1000).kind == Kind::retry);

    // 429: Retry-After when longer than the backoff, never beyond an hour.
    auto limited = answer(429);
    limited.headers["retry-after"] = "120";
    CHECK(decide_outbound(limited, 1, 1000, 1000).next_attempt_at == 1120);
    limited.headers["retry-after"] = "86400";
    CHECK(decide_outbound(limited, 1, 1000, 1000).next_attempt_at == 4600);

    channels::HttpResponse refused;
    refused.curl_code = 7;
    refused.error = "Connection refused";
    d = decide_outbound(refused, 1, 1000, 1000);
    CHECK(d.kind == Kind::retry);
    CHECK(d.error == "network: Connection refused");
    refused.timed_out = true;
    CHECK(decide_outbound(refused, 1, 1000, 1000).error == "timeout: Connection refused");
}

TEST_CASE("outbound: other answers are final, and so is an event three days old") {
    for (long status : {400L, 401L, 403L, 404L, 410L, 301L}) {
        auto d = decide_outbound(answer(status, "no"), 1, 1000, 1000);
        CHECK(d.kind == Kind::give_up);
        CHECK(d.error == "HTTP " + std::to_string(status) + ": no");
    }
    const store::Seconds created = 1000;
    const store::Seconds late = created + channels::kOutboundGiveUpAfter - 5;
    auto d = decide_outbound(answer(502), 12, created, late);
    CHECK(d.kind == Kind::give_up);
    CHECK(d.error == "not delivered within 72 h; last: HTTP 502");
}
