// The daemon's own endpoints: GET /healthz and GET /metrics for whoever runs it, and
// POST /v1/clock for tests and demos on a manual clock.
#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

std::string iso8601(long long unix_seconds) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{unix_seconds}});
}

}  // namespace

asio::awaitable<Reply> healthz(const Request& request, Services& s, const Target&) {
    auto config = s.config();
    auto w = s.writer.stats();
    json body{{"status", "ok"},
              {"version", CXGATE_VERSION},
              {"config_version", config->version},
              {"last_reload", s.reload.result},
              {"reload",
               {{"result", s.reload.result == "ok" ? "ok" : "failed"},
                {"at", iso8601(s.reload.at)},
                {"config_loaded_at", iso8601(s.reload.last_success_at)},
                {"errors", s.reload.errors},
                {"succeeded", s.reload.succeeded},
                {"failed", s.reload.failed},
                {"retired_flow_versions", config->retired_flows.size()}}},
              {"now", timing::format_iso8601(s.clock.now())},
              {"manual_clock", s.clock.is_manual()},
              {"write_queue", w.queued}};
    co_return json_response(request, status::ok, json_input::dump(body));
}

asio::awaitable<Reply> metrics(const Request& request, Services& s, const Target&) {
    auto config = s.config();
    auto w = s.writer.stats();
    auto d = s.dispatcher.stats();
    std::string out;
    auto counter = [&](const char* name, const char* help, unsigned long long value,
                       const char* type = "counter") {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
               name + " " + std::to_string(value) + "\n";
    };
    counter("cxgate_http_requests_total", "HTTP requests handled.", s.counters.requests);
    counter("cxgate_events_accepted_total", "Events recorded.", s.counters.events_accepted);
    counter("cxgate_events_duplicate_total", "Events seen before (idempotent replays).",
            s.counters.events_duplicate);
    counter("cxgate_events_rejected_total", "Events refused with 400.", s.counters.events_rejected);
    counter("cxgate_inbound_accepted_total", "Inbound messages recorded.",
            s.counters.inbound_accepted);
    counter("cxgate_inbound_duplicate_total", "Inbound messages seen before.",
            s.counters.inbound_duplicate);
    counter("cxgate_inbound_rejected_total", "Inbound messages refused.",
            s.counters.inbound_rejected);
    counter("cxgate_busy_rejections_total", "Requests answered 503 because a queue was full.",
            s.counters.busy_rejections);
    counter("cxgate_storage_full_rejections_total",
            "Requests answered 503 because the database could not grow (disk full or "
            "database.max_size).",
            s.counters.storage_full_rejections);
    counter("cxgate_auth_failures_total", "Requests refused for a missing or wrong token.",
            s.counters.auth_failures);
    counter("cxgate_http_connections_open", "Open client connections.", s.counters.connections_open,
            "gauge");
    counter("cxgate_http_connections_evicted_total",
            "Idle connections closed to make room for new ones at a connection bound.",
            s.counters.connections_evicted);
    counter("cxgate_http_connections_refused_total",
            "Connections answered 503 at a connection bound with none idle.",
            s.counters.connections_refused);
    counter("cxgate_db_write_jobs_total", "Jobs committed by the writer.", w.jobs);
    counter("cxgate_db_write_batches_total", "Group commits.", w.batches);
    counter("cxgate_db_write_queue", "Jobs waiting for the writer.", w.queued, "gauge");
    counter("cxgate_messages_sent_total", "Messages handed to a channel successfully.", d.sent);
    counter("cxgate_messages_failed_total", "Messages a channel refused.", d.failed);
    counter("cxgate_dispatch_pending", "Messages waiting for a dispatch slot.", d.pending, "gauge");
    counter("cxgate_scheduler_passes_total", "Scheduler passes run.", s.scheduler.passes());
    counter("cxgate_config_reloads_total", "Successful configuration reloads (SIGHUP).",
            s.reload.succeeded);
    counter("cxgate_config_reload_failures_total", "Rejected configuration reloads (SIGHUP).",
            s.reload.failed);
    counter("cxgate_config_last_reload_success", "1 when the last reload (or start) succeeded.",
            s.reload.result == "ok" ? 1 : 0, "gauge");
    counter("cxgate_config_last_reload_timestamp_seconds", "Unix time of the last reload attempt.",
            static_cast<unsigned long long>(s.reload.at), "gauge");
    counter("cxgate_config_loaded_timestamp_seconds", "Unix time the running config was loaded.",
            static_cast<unsigned long long>(s.reload.last_success_at), "gauge");
    // Alerts as staff handle them, from the database (so the figures survive restarts).
    auto times = [](store::Store& db) { return db.alert_times(std::nullopt); };
    const auto alerts = co_await s.reader.execute(std::move(times));
    counter("cxgate_alerts_opened_total", "Alerts raised (one per survey that alerted).",
            static_cast<unsigned long long>(alerts.opened));
    counter("cxgate_alerts_acknowledged_total", "Alerts someone acknowledged.",
            static_cast<unsigned long long>(alerts.acknowledged));
    counter("cxgate_alerts_resolved_total", "Alerts someone resolved.",
            static_cast<unsigned long long>(alerts.resolved));
    counter("cxgate_alerts_escalated_total",
            "Alerts escalated at least once because nobody acknowledged them.",
            static_cast<unsigned long long>(alerts.escalated));
    counter("cxgate_alerts_unresolved", "Alerts open or acknowledged, not yet resolved.",
            static_cast<unsigned long long>(alerts.open_now), "gauge");
    // Outbound events (docs/crm-events.md): attempts since the start, the backlog from the
    // outbox itself (so it survives restarts).
    if (s.outbound) {
        const auto o = s.outbound->stats();
        counter("cxgate_outbound_events_posted_total",
                "Outbound events delivered to a receiver (a 2xx).", o.posted);
        counter("cxgate_outbound_events_retried_total",
                "Outbound event attempts that failed and will be tried again.", o.retried);
        counter("cxgate_outbound_events_failed_total",
                "Outbound events given up (a 4xx, too old, a receiver removed).", o.failed);
    }
    auto outbox = [](store::Store& db) { return db.outbound_counts(); };
    const auto outbound = co_await s.reader.execute(std::move(outbox));
    counter("cxgate_outbound_events_pending",
            "Outbound events in the outbox waiting for delivery or a retry.",
            static_cast<unsigned long long>(outbound.pending), "gauge");
    // Digests queued, from the database as the alerts' figures are.
    auto digests = [](store::Store& db) { return db.digests_sent(); };
    const auto digests_sent = co_await s.reader.execute(std::move(digests));
    counter("cxgate_digests_sent_total", "Digests queued to staff (one per recipient and period).",
            static_cast<unsigned long long>(digests_sent));
    auto summary = [&](const char* name, const char* help, double sum, int count) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " summary\n" +
               name + "_sum " + std::to_string(static_cast<long long>(sum)) + "\n" + name +
               "_count " + std::to_string(count) + "\n";
    };
    summary("cxgate_alert_time_to_acknowledge_seconds",
            "Seconds from an alert's opening to its acknowledgement.",
            alerts.acknowledge_seconds_sum, alerts.acknowledged);
    summary("cxgate_alert_time_to_resolve_seconds",
            "Seconds from an alert's opening to its resolution.", alerts.resolve_seconds_sum,
            alerts.resolved);
    out += "# HELP cxgate_config_info The configuration in use.\n# TYPE cxgate_config_info gauge\n";
    out += "cxgate_config_info{version=\"" + config->version + "\",last_reload=\"" +
           std::string(s.reload.result == "ok" ? "ok" : "failed") + "\"} 1\n";
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, "text/plain; version=0.0.4");
    res.body() = std::move(out);
    co_return res;
}

asio::awaitable<Reply> post_clock(const Request& request, Services& s, const Target&) {
    if (!s.clock.is_manual()) co_return ApiError{status::not_found, "the clock is not manual"};
    if (auto check = check_token(request, *s.config(), config::Scope::admin);
        check != TokenCheck::ok)
        co_return refused(request, s, check, config::Scope::admin);
    auto parsed = json_input::parse(request.body());
    if (!parsed.value) co_return ApiError{status::bad_request, parsed.message(), parsed.field};
    const json* body = &*parsed.value;
    if (!body->is_object())
        co_return ApiError{status::bad_request, "body: object expected", "body"};
    if (auto it = body->find("advance"); it != body->end()) {
        std::string why;
        auto delay =
            it->is_string() ? timing::parse_delay(it->get<std::string>(), &why) : std::nullopt;
        if (!delay || delay->unit == timing::Delay::Unit::business_days)
            co_return ApiError{status::bad_request,
                               "advance: " + (why.empty() ? "elapsed duration expected" : why),
                               "advance"};
        const auto& zone = *date::locate_zone(s.config()->defaults.timezone);
        auto target = timing::add_delay(s.clock.now(), *delay, zone, {});
        s.clock.set(target);
    } else if (auto set = body->find("set"); set != body->end()) {
        auto t = set->is_string() ? timing::parse_iso8601(set->get<std::string>()) : std::nullopt;
        if (!t)
            co_return ApiError{status::bad_request, "set: ISO 8601 with offset expected", "set"};
        s.clock.set(*t);
    } else {
        co_return ApiError{status::bad_request, "advance or set: required", "advance"};
    }
    s.scheduler.poke();
    co_return json_response(request, status::ok,
                            json_input::dump(json{{"now", timing::format_iso8601(s.clock.now())}}));
}

}  // namespace cxgate::http
