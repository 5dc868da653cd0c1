// The route table and the one dispatch: match, run the handler, map what went wrong.
#include "cxgate/http/router.hpp"

#include <spdlog/spdlog.h>

#include "cxgate/foundation/url.hpp"
#include "cxgate/http/answer_page.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/guess_throttle.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/http/sources.hpp"

namespace cxgate::http {

namespace {

using verb = beast_http::verb;

// Every route of the API. Read-only routes also answer HEAD; the webhooks do not,
// because Kannel's GET records a message and HEAD must not.
RouteTable make_routes() {
    RouteTable routes;
    routes.add({verb::get, verb::head}, "/", get_journey);
    routes.add({verb::get, verb::head}, "/drill", get_drill);
    routes.add({verb::get, verb::head}, "/compare", get_comparison);
    routes.add({verb::get, verb::head}, "/responses", get_responses_page);
    routes.add({verb::get, verb::head}, "/alerts", get_alerts_page);
    routes.add({verb::get, verb::head}, "/themes", get_themes_page);
    routes.add({verb::get, verb::head}, "/login", get_login);
    routes.add({verb::post}, "/login", post_login);
    routes.add({verb::post}, "/logout", post_logout);
    routes.add({verb::get, verb::head}, "/healthz", healthz);
    routes.add({verb::get, verb::head}, "/metrics", metrics);
    routes.add({verb::post}, "/v1/events", post_event);
    routes.add({verb::get, verb::head}, "/v1/schema/event.json", get_event_schema);
    routes.add({verb::post}, "/v1/events/{source}",
               [](const Request& request, Services& s, const Target& target) {
                   return post_source_event(request, s, target.param("source"),
                                            target.query_value("secret"));
               });
    routes.add({verb::get, verb::head}, "/v1/surveys/{id}", get_survey);
    routes.add({verb::get, verb::head}, "/v1/responses", get_responses);
    routes.add({verb::get, verb::head}, "/v1/reports", get_reports);
    routes.add({verb::post}, "/v1/marks", post_mark);
    routes.add({verb::get, verb::head}, "/v1/marks", get_marks);
    routes.add({verb::get, verb::head}, "/v1/compare", get_compare);
    routes.add({verb::get, verb::head}, "/v1/sales", get_sales);
    routes.add({verb::get, verb::head}, "/v1/themes", get_themes);
    routes.add({verb::get, verb::head}, "/v1/targets", get_targets);
    routes.add({verb::get, verb::head}, "/v1/sales/win-rates", get_win_rates);
    routes.add({verb::get, verb::head}, "/v1/sales/retention", get_retention);
    routes.add({verb::post}, "/v1/privacy/export", post_privacy_export);
    routes.add({verb::post}, "/v1/privacy/forget", post_privacy_forget);
    routes.add({verb::get, verb::head}, "/v1/privacy/audit", get_privacy_audit);
    routes.add({verb::post}, "/v1/clock", post_clock);
    routes.add({verb::get, verb::post}, "/webhooks/{channel}/inbound", webhook_inbound);
    routes.add({verb::get, verb::post}, "/webhooks/{channel}/status", webhook_status);
    routes.add({verb::get, verb::post}, "/u/{token}", unsubscribe);
    // The alert's page: GET shows, POST (its own form) acknowledges or resolves.
    routes.add({verb::get, verb::head, verb::post}, "/a/{token}", alert_page);
    routes.add({verb::get, verb::head}, "/v1/alerts", get_alerts);
    routes.add({verb::get, verb::head}, "/v1/alerts/{id}", get_alert);
    routes.add({verb::post}, "/v1/alerts/{id}", post_alert);
    routes.add({verb::post}, "/v1/alerts/{id}/answer", post_alert_answer);
    // The answer page decides itself what HEAD, GET and POST do (answer_page.hpp).
    routes.add({verb::get, verb::head, verb::post}, "/r/{token}",
               [](const Request& request, Services& s, const Target& target) {
                   return answer_page(request, s, target.param("token"), std::nullopt);
               });
    routes.add({verb::get, verb::head, verb::post}, "/r/{token}/{score}",
               [](const Request& request, Services& s, const Target& target) {
                   return answer_page(request, s, target.param("token"), target.param("score"));
               });
    return routes;
}

// HEAD gets the headers GET would, the body's length included, and no body.
void prepare(Response& response, verb method) {
    response.prepare_payload();
    if (method != verb::head) return;
    const auto length = response.body().size();
    response.body().clear();
    response.content_length(length);
}

}  // namespace

const RouteTable& api_routes() {
    static const RouteTable routes = make_routes();
    return routes;
}

asio::awaitable<Response> handle_request(Request request, Services& s, std::string client) {
    Target target;
    target.client = std::move(client);
    auto [path, query] = url::split_target(request.target());
    target.path = std::move(path);
    target.query = url::parse_form(query);
    auto match = api_routes().match(request.method(), target.path);
    // Guessing tokens and links is slowed per address (guess_throttle.hpp), on real time.
    const bool guarded = GuessThrottle::guarded(target.path);
    const std::string address =
        guarded ? client_address(request, target, *s.config()) : std::string();
    const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    Reply reply;
    if (const auto wait = guarded ? s.guesses.retry_after(address, wall) : 0; wait > 0) {
        ApiError error{beast_http::status::too_many_requests,
                       "too many failed attempts from this address; try again later"};
        error.headers.emplace_back(beast_http::field::retry_after, std::to_string(wait));
        reply = std::move(error);
    } else if (!match.handler) {
        reply = match.allow.empty()
                    ? ApiError{beast_http::status::not_found, "no route for " + target.path}
                    : method_not_allowed(std::move(match.allow));
    } else {
        target.params = std::move(match.params);
        try {
            reply = co_await (*match.handler)(request, s, target);
        } catch (const store::QueueFull&) {
            // The writer's or the reader's queue is at its bound.
            reply = busy(s);
        } catch (const store::StorageFull&) {
            // The writer has logged it (store/db_thread.cpp); the client may retry.
            reply = storage_full(s);
        } catch (const std::exception& e) {
            spdlog::error("request failed: {}", e.what());
            reply = ApiError{beast_http::status::internal_server_error, "internal error"};
        }
    }
    auto response = to_response(request, std::move(reply));
    // A 401 counts only when a credential was offered: a missing one is not a guess.
    if (guarded && GuessThrottle::failed_guess(target.path, response.result_int()) &&
        (response.result_int() != 401 || !request[beast_http::field::authorization].empty()))
        s.guesses.failure(address, wall);
    prepare(response, request.method());
    co_return response;
}

}  // namespace cxgate::http
