#pragma once
// The route handlers, one group per file; router.cpp puts them in the route table. Each is
// a function of (request, services, target) -> Reply: a Response, or an ApiError that
// handle_request() turns into the error body. A full queue (store::QueueFull) is left to
// propagate; handle_request() answers it with 503.
#include "cxgate/http/route_table.hpp"
#include "cxgate/http/services.hpp"

namespace cxgate::http {

// events_api.cpp: POST /v1/events (Bearer token): a business event -> 202 with the
// surveys it scheduled or suppressed. (CRM bodies, POST /v1/events/{source}: sources.hpp.)
asio::awaitable<Reply> post_event(const Request& request, Services& services, const Target& target);
// Alerts: their page behind the link in every alert message (alert_page.cpp), and the API.
asio::awaitable<Reply> alert_page(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_alerts(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_alert(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> post_alert(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> post_alert_answer(const Request& request, Services& services,
                                         const Target& target);
asio::awaitable<Reply> get_event_schema(const Request& request, Services& services,
                                        const Target& target);

// surveys_api.cpp: GET /v1/surveys/{id}: the survey with its answers, messages and clicks.
asio::awaitable<Reply> get_survey(const Request& request, Services& services, const Target& target);

// exports.cpp: GET /v1/responses?flow=&since=&format=csv|json and
// GET /v1/reports?flow=&by=&since=.
asio::awaitable<Reply> get_responses(const Request& request, Services& services,
                                     const Target& target);
asio::awaitable<Reply> get_reports(const Request& request, Services& services,
                                   const Target& target);
// Change markers and before/after comparisons (insight_api.cpp).
asio::awaitable<Reply> post_mark(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_marks(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_sales(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_win_rates(const Request& request, Services& services,
                                     const Target& target);
asio::awaitable<Reply> get_retention(const Request& request, Services& services,
                                     const Target& target);
asio::awaitable<Reply> get_themes(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> get_targets(const Request& request, Services& services,
                                   const Target& target);
asio::awaitable<Reply> get_compare(const Request& request, Services& services,
                                   const Target& target);

// privacy_api.cpp (admin scope): one person's data as JSON, its erasure, and the audit.
asio::awaitable<Reply> post_privacy_export(const Request& request, Services& services,
                                           const Target& target);
asio::awaitable<Reply> post_privacy_forget(const Request& request, Services& services,
                                           const Target& target);
asio::awaitable<Reply> get_privacy_audit(const Request& request, Services& services,
                                         const Target& target);

// login.cpp: the dashboard's login form (GET, POST /login) and POST /logout.
asio::awaitable<Reply> get_login(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> post_login(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> post_logout(const Request& request, Services& services,
                                   const Target& target);
// dashboard_pages.cpp: the journey view (GET /) and the drill-down (GET /drill), for a
// logged-in user, narrowed to what their role may see.
asio::awaitable<Reply> get_journey(const Request& request, Services& services,
                                   const Target& target);
asio::awaitable<Reply> get_drill(const Request& request, Services& services, const Target& target);
// GET /responses and GET /alerts: answered surveys with their comments, and those that
// alerted someone, newest first, 50 a page.
asio::awaitable<Reply> get_responses_page(const Request& request, Services& services,
                                          const Target& target);
asio::awaitable<Reply> get_alerts_page(const Request& request, Services& services,
                                       const Target& target);
// GET /themes: the themes of the "why?" comments, for those who see every result.
asio::awaitable<Reply> get_themes_page(const Request& request, Services& services,
                                       const Target& target);
// GET /compare?flow=&mark=: before and after a change marker.
asio::awaitable<Reply> get_comparison(const Request& request, Services& services,
                                      const Target& target);

// webhooks.cpp: /webhooks/{channel}/inbound and /webhooks/{channel}/status, in the
// provider's own format, verified the way the provider signs it.
asio::awaitable<Reply> webhook_inbound(const Request& request, Services& services,
                                       const Target& target);
asio::awaitable<Reply> webhook_status(const Request& request, Services& services,
                                      const Target& target);

// unsubscribe.cpp: /u/{token}, the one-click unsubscribe page (RFC 8058).
asio::awaitable<Reply> unsubscribe(const Request& request, Services& services,
                                   const Target& target);

// operations.cpp: the daemon's own endpoints. GET /healthz, GET /metrics (Prometheus
// text), and POST /v1/clock, which exists only on a manual clock (serve --manual-clock).
asio::awaitable<Reply> healthz(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> metrics(const Request& request, Services& services, const Target& target);
asio::awaitable<Reply> post_clock(const Request& request, Services& services, const Target& target);

}  // namespace cxgate::http
