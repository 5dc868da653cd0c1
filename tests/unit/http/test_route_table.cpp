#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cxgate/http/route_table.hpp"
#include "cxgate/http/router.hpp"

using namespace cxgate::http;
using verb = beast_http::verb;

namespace {

// Matching never runs a handler; any will do.
cxgate::asio::awaitable<Reply> nothing(const Request&, Services&, const Target&) {
    co_return ApiError{beast_http::status::no_content, ""};
}

RouteTable sample() {
    RouteTable t;
    t.add({verb::get, verb::head}, "/healthz", nothing);
    t.add({verb::post}, "/v1/events", nothing);
    t.add({verb::post}, "/v1/events/{source}", nothing);
    t.add({verb::get}, "/v1/surveys/{id}", nothing);
    t.add({verb::put}, "/v1/surveys/{id}", nothing);
    t.add({verb::get, verb::post}, "/webhooks/{channel}/inbound", nothing);
    t.add({verb::get, verb::head, verb::post}, "/r/{token}/{score}", nothing);
    return t;
}

}  // namespace

TEST_CASE("route table: literal paths and captures") {
    auto t = sample();
    auto m = t.match(verb::get, "/healthz");
    REQUIRE(m.handler);
    CHECK(m.pattern == "/healthz");
    CHECK(m.params.empty());

    m = t.match(verb::post, "/v1/events/pipedrive");
    REQUIRE(m.handler);
    CHECK(m.pattern == "/v1/events/{source}");
    CHECK(m.params == std::map<std::string, std::string>{{"source", "pipedrive"}});

    m = t.match(verb::post, "/v1/events");
    REQUIRE(m.handler);
    CHECK(m.pattern == "/v1/events");

    m = t.match(verb::get, "/webhooks/sms/inbound");
    REQUIRE(m.handler);
    CHECK(m.params.at("channel") == "sms");

    m = t.match(verb::head, "/r/abc.def/9");
    REQUIRE(m.handler);
    CHECK(m.params.at("token") == "abc.def");
    CHECK(m.params.at("score") == "9");

    // The same pattern with another method may be another route.
    m = t.match(verb::put, "/v1/surveys/42");
    REQUIRE(m.handler);
    CHECK(m.handler != t.match(verb::get, "/v1/surveys/42").handler);
}

TEST_CASE("route table: no route is 404, a known path with another method is 405 + Allow") {
    auto t = sample();
    for (const char* path : {"/", "/nowhere", "/healthz/", "/v1/events/", "/v1/events/a/b",
                             "/v1/surveys", "/webhooks/sms/outbound", "/webhooks//inbound",
                             "healthz", "*", "", "http://host/healthz"}) {
        CAPTURE(path);
        auto m = t.match(verb::get, path);
        CHECK_FALSE(m.handler);
        CHECK(m.allow.empty());
    }
    auto m = t.match(verb::post, "/healthz");
    CHECK_FALSE(m.handler);
    CHECK(m.allow == "GET, HEAD");
    // HEAD only where a route lists it.
    CHECK(t.match(verb::head, "/v1/surveys/1").allow == "GET, PUT");
    CHECK(t.match(verb::delete_, "/webhooks/x/inbound").allow == "GET, POST");
    CHECK(t.match(verb::get, "/v1/events").allow == "POST");
    CHECK(t.match(verb::unknown, "/r/t/1").allow == "GET, HEAD, POST");
}

TEST_CASE("route table: the first route added wins; malformed patterns are refused") {
    RouteTable t;
    t.add({verb::get}, "/v1/reports/{name}", nothing);
    t.add({verb::get}, "/v1/reports/latest", nothing);
    CHECK(t.match(verb::get, "/v1/reports/latest").pattern == "/v1/reports/{name}");
    CHECK_THROWS_AS(t.add({verb::get}, "no-slash", nothing), std::invalid_argument);
    CHECK_THROWS_AS(t.add({verb::get}, "/a/{b", nothing), std::invalid_argument);
    CHECK_THROWS_AS(t.add({verb::get}, "/a/{}", nothing), std::invalid_argument);
    CHECK_THROWS_AS(t.add({}, "/a", nothing), std::invalid_argument);
}

TEST_CASE("the API's routes: GET-only paths refuse POST with Allow, unknown paths are 404") {
    const auto& api = api_routes();
    for (const char* path :
         {"/healthz", "/metrics", "/v1/responses", "/v1/reports", "/v1/surveys/7"}) {
        CAPTURE(path);
        CHECK(api.match(verb::get, path).handler);
        CHECK(api.match(verb::head, path).handler);
        CHECK(api.match(verb::post, path).allow == "GET, HEAD");
    }
    CHECK(api.match(verb::get, "/v1/events").allow == "POST");
    CHECK(api.match(verb::get, "/v1/clock").allow == "POST");
    CHECK(api.match(verb::put, "/v1/events/crm").allow == "POST");
    // Kannel fetches with GET; HEAD would record like a GET, so it is not offered.
    CHECK(api.match(verb::head, "/webhooks/sms/status").allow == "GET, POST");
    CHECK(api.match(verb::head, "/u/token").allow == "GET, POST");
    CHECK(api.match(verb::put, "/r/token").allow == "GET, HEAD, POST");
    CHECK(api.match(verb::put, "/r/token/9").allow == "GET, HEAD, POST");
    CHECK(api.match(verb::get, "/r/token/9").params.at("score") == "9");
    auto none = api.match(verb::get, "/v2/events");
    CHECK_FALSE(none.handler);
    CHECK(none.allow.empty());
}

TEST_CASE("api errors: one body shape, the field as data, headers carried") {
    Request request{verb::post, "/v1/events", 11};
    ApiError error{beast_http::status::bad_request, "contact.phone: not a number", "contact.phone"};
    auto res = to_response(request, error);
    CHECK(res.result() == beast_http::status::bad_request);
    CHECK(res[beast_http::field::content_type] == "application/json");
    CHECK(nlohmann::json::parse(res.body()) ==
          nlohmann::json{{"error", "contact.phone: not a number"}, {"field", "contact.phone"}});

    // No field: no "field" member at all.
    res = to_response(request, ApiError{beast_http::status::not_found, "no route for /x"});
    CHECK(nlohmann::json::parse(res.body()) == nlohmann::json{{"error", "no route for /x"}});

    res = to_response(request, method_not_allowed("GET, HEAD"));
    CHECK(res.result() == beast_http::status::method_not_allowed);
    CHECK(res[beast_http::field::allow] == "GET, HEAD");
    CHECK(nlohmann::json::parse(res.body()) == nlohmann::json{{"error", "method not allowed"}});

    // A Reply that is a Response passes through untouched.
    Response ok{beast_http::status::accepted, 11};
    ok.body() = "{}";
    res = to_response(request, Reply{ok});
    CHECK(res.result() == beast_http::status::accepted);
    CHECK(res.body() == "{}");
}
