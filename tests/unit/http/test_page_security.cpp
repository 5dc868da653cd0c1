#include <doctest/doctest.h>

#include "cxgate/http/page_security.hpp"

using namespace cxgate::http;

namespace {
Request post(std::initializer_list<std::pair<const char*, const char*>> headers) {
    Request r{beast_http::verb::post, "/u/token", 11};
    r.set(beast_http::field::host, "cx.example.com");
    for (const auto& [name, value] : headers) r.set(name, value);
    return r;
}
const std::string kPublic = "https://cx.example.com";
}  // namespace

TEST_CASE("page security: a POST from another site is told apart from our own and a provider's") {
    // Fetch Metadata, when the browser sends it, decides.
    CHECK(from_another_site(post({{"Sec-Fetch-Site", "cross-site"}}), kPublic));
    CHECK(from_another_site(post({{"Sec-Fetch-Site", "same-site"}}), kPublic));
    CHECK_FALSE(
        from_another_site(post({{"Sec-Fetch-Site", "same-origin"}, {"Origin", "null"}}), kPublic));
    CHECK_FALSE(from_another_site(post({{"Sec-Fetch-Site", "none"}}), kPublic));
    // Without it, the Origin: ours (by Host or public URL) or null (no-referrer) is fine.
    CHECK(from_another_site(post({{"Origin", "https://evil.example"}}), kPublic));
    CHECK(from_another_site(post({{"Origin", "https://cx.example.com.evil.example"}}), kPublic));
    CHECK_FALSE(from_another_site(post({{"Origin", "https://cx.example.com"}}), kPublic));
    CHECK_FALSE(from_another_site(post({{"Origin", "https://CX.example.com"}}), kPublic));
    CHECK_FALSE(from_another_site(post({{"Origin", "null"}}), kPublic));
    CHECK(from_another_site(post({{"Origin", "garbage"}}), kPublic));
    // A mail provider's RFC 8058 one-click: no browser headers at all.
    CHECK_FALSE(from_another_site(post({}), kPublic));
}

TEST_CASE("page security: the pages cannot be framed, cached or sniffed") {
    Response res;
    set_page_headers(res);
    CHECK(res["X-Frame-Options"] == "DENY");
    CHECK(res["Content-Security-Policy"].find("frame-ancestors 'none'") != std::string::npos);
    CHECK(res["Referrer-Policy"] == "no-referrer");
    CHECK(res["X-Content-Type-Options"] == "nosniff");
    CHECK(res[beast_http::field::cache_control] == "no-store");
}
