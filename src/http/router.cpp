#include "cxgate/http/router.hpp"
#include "cxgate/foundation/html.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/foundation/utf8.hpp"
#include "cxgate/http/answer_page.hpp"
#include "cxgate/http/csv.hpp"
#include "cxgate/http/log_limit.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/http/sources.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

struct Target {
    std::string path;
    std::map<std::string, std::string> query;
};

Target parse_target(const Request& request) {
    auto [path, query] = url::split_target(request.target());
    return {path, url::parse_form(query)};
}

Response unauthorized(const Request& request, Services& s) {
    s.counters.auth_failures++;
    log_refusal(s, "401 for " + std::string(request.method_string()) + " " +
                       loggable_path(request.target()) + ": missing or wrong bearer token");
    auto res = error_response(request, status::unauthorized, "missing or wrong bearer token");
    res.set(beast_http::field::www_authenticate, "Bearer");
    return res;
}

std::optional<long long> parse_time_param(const std::string& text) {
    if (text.empty()) return std::nullopt;
    if (auto t = timing::parse_iso8601(text)) return t->time_since_epoch().count();
    if (text.size() == 10) {
        if (auto t = timing::parse_iso8601(text + "T00:00:00Z"))
            return t->time_since_epoch().count();
    }
    return std::nullopt;
}

// POST /v1/events
asio::awaitable<Response> post_event(const Request& request, Services& s) {
    auto config = s.config();
    if (!authorized(request, *config)) co_return unauthorized(request, s);
    auto body = json_input::parse(request.body());
    if (!body.value) {
        s.counters.events_rejected++;
        co_return error_response(request, status::bad_request, body.message(), body.field);
    }
    const auto now = s.clock.now();
    auto parsed = engine::parse_event(*body.value, *config, now);
    if (!parsed.event) {
        s.counters.events_rejected++;
        auto colon = parsed.error.find(':');
        co_return error_response(request, status::bad_request, parsed.error,
                                 parsed.error.substr(0, colon));
    }
    auto job = [config, event = std::move(*parsed.event), now](SQLite::Database& db) {
        return engine::record_event(db, *config, event, now);
    };
    engine::EventOutcome outcome;
    try {
        outcome = co_await s.writer.execute(std::move(job));
    } catch (const store::QueueFull&) {
        co_return busy(request, s);
    }
    if (outcome.duplicate)
        s.counters.events_duplicate++;
    else
        s.counters.events_accepted++;
    s.scheduler.poke();
    co_return json_response(request, status::accepted, json_input::dump(engine::to_json(outcome)));
}

// GET /v1/surveys/{id}
asio::awaitable<Response> get_survey(const Request& request, Services& s,
                                     const std::string& id_text) {
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    long long id = 0;
    try {
        id = std::stoll(id_text);
    } catch (const std::exception&) {
        co_return error_response(request, status::bad_request, "survey id must be a number", "id");
    }
    auto job = [id](SQLite::Database& db) -> std::optional<json> {
        auto survey = store::find_survey(db, id);
        if (!survey) return std::nullopt;
        json j = engine::survey_json(*survey);
        j["answers"] = json::array();
        for (const auto& a : store::answers_of(db, id))
            j["answers"].push_back(
                {{"question", a.question_id},
                 {"metric", a.metric},
                 {"scale", metrics::to_string(metrics::Scale{a.scale_min, a.scale_max})},
                 {"score", a.score},
                 {"answered_at",
                  timing::format_iso8601(timing::TimePoint{std::chrono::seconds{a.answered_at}})}});
        j["messages"] = json::array();
        for (const auto& m :
             store::messages_where(db, "survey_id = ?", {std::to_string(id)}, "ORDER BY id")) {
            j["messages"].push_back({{"id", m.id},
                                     {"kind", m.kind},
                                     {"channel", m.channel},
                                     {"state", m.state},
                                     {"body", m.body}});
        }
        // Clicks on the email's score links, and what became of them (answer_page.hpp).
        j["clicks"] = json::array();
        SQLite::Statement clicks(db,
                                 "SELECT score, clicked_at, last_clicked_at, state FROM "
                                 "answer_clicks WHERE survey_id = ? ORDER BY clicked_at, id");
        clicks.bind(1, static_cast<std::int64_t>(id));
        while (clicks.executeStep())
            j["clicks"].push_back(
                {{"score", clicks.getColumn(0).getInt()},
                 {"clicked_at", timing::format_iso8601(timing::TimePoint{
                                    std::chrono::seconds{clicks.getColumn(1).getInt64()}})},
                 {"last_clicked_at", timing::format_iso8601(timing::TimePoint{
                                         std::chrono::seconds{clicks.getColumn(2).getInt64()}})},
                 {"state", clicks.getColumn(3).getString()}});
        return j;
    };
    auto found = co_await s.reader.execute(job);
    if (!found) co_return error_response(request, status::not_found, "no survey " + id_text);
    co_return json_response(request, status::ok, json_input::dump(*found));
}

// GET /v1/responses?flow=&since=&format=csv|json
asio::awaitable<Response> get_responses(const Request& request, Services& s, const Target& target) {
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    auto get = [&](const char* key) {
        auto it = target.query.find(key);
        return it == target.query.end() ? std::string() : it->second;
    };
    const std::string flow = get("flow"), format = get("format").empty() ? "json" : get("format");
    if (format != "json" && format != "csv")
        co_return error_response(request, status::bad_request, "format: must be json or csv",
                                 "format");
    auto since = parse_time_param(get("since"));
    if (!get("since").empty() && !since)
        co_return error_response(request, status::bad_request,
                                 "since: expected ISO 8601 date or time", "since");
    auto job = [flow, since](SQLite::Database& db) {
        std::string where = "score IS NOT NULL";
        std::vector<std::string> args;
        if (!flow.empty()) {
            where += " AND flow = ?";
            args.push_back(flow);
        }
        if (since) {
            where += " AND answered_at >= ?";
            args.push_back(std::to_string(*since));
        }
        return store::surveys_where(db, where, args, "ORDER BY answered_at, id LIMIT 100000");
    };
    auto rows = co_await s.reader.execute(job);
    if (format == "json") {
        json out = json::array();
        for (const auto& r : rows) out.push_back(engine::survey_json(r));
        co_return json_response(request, status::ok, json_input::dump(out));
    }
    std::string out =
        csv::row({"survey_id", "flow", "step", "metric", "scale", "score", "comment", "contact",
                  "staff", "segment", "channel", "event_type", "answered_at"});
    for (const auto& r : rows) {
        auto answered =
            r.answered_at
                ? timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*r.answered_at}})
                : "";
        out += csv::row({std::to_string(r.id), csv::cell(r.flow), csv::cell(r.step),
                         csv::cell(r.metric),
                         std::to_string(r.scale_min) + "-" + std::to_string(r.scale_max),
                         std::to_string(*r.score), csv::cell(r.comment), csv::cell(r.contact_id),
                         csv::cell(r.staff_id), csv::cell(r.segment), csv::cell(r.channel),
                         csv::cell(r.event_type), answered});
    }
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, "text/csv; charset=utf-8");
    res.body() = std::move(out);
    co_return res;
}

// GET /v1/reports?flow=&by=
asio::awaitable<Response> get_reports(const Request& request, Services& s, const Target& target) {
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    report::ReportQuery query;
    query.timezone = s.config()->defaults.timezone;
    if (auto it = target.query.find("flow"); it != target.query.end()) query.flow = it->second;
    if (auto it = target.query.find("by"); it != target.query.end()) query.by = it->second;
    if (!report::valid_dimension(query.by))
        co_return error_response(request, status::bad_request,
                                 "by: must be one of step, staff, segment, channel, outcome, week",
                                 "by");
    if (auto it = target.query.find("since"); it != target.query.end()) {
        query.since = parse_time_param(it->second);
        if (!query.since)
            co_return error_response(request, status::bad_request, "since: expected ISO 8601",
                                     "since");
    }
    auto job = [query](SQLite::Database& db) {
        std::string error;
        return report::to_json(report::run_report(db, query, &error), query);
    };
    auto body = co_await s.reader.execute(job);
    co_return json_response(request, status::ok, json_input::dump(body));
}

channels::WebhookRequest webhook_request(const Request& request, const Target& target) {
    channels::WebhookRequest w;
    w.method = std::string(request.method_string());
    auto [path, query] = url::split_target(request.target());
    w.path = path;
    w.query = query;
    for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        w.headers[name] = std::string(field.value());
    }
    w.body = request.body();
    (void)target;
    return w;
}

// What a webhook identifies things by must be valid UTF-8 of a sane length: such a value
// is looked up, stored and shown, and repairing it would make two different ids one.
// Refused with 400, which a provider does not retry (free text is repaired instead).
std::optional<channels::WebhookError> check_text_fields(const std::string& id,
                                                        const std::string& from,
                                                        const std::string& status = "") {
    for (const auto& [name, value, limit] :
         {std::tuple{"id", &id, 200}, std::tuple{"from", &from, 320},
          std::tuple{"status", &status, 100}}) {
        if (!utf8::valid(*value))
            return channels::WebhookError{400, std::string(name) + ": not valid UTF-8"};
        if (utf8::length(*value) > static_cast<size_t>(limit))
            return channels::WebhookError{
                400, std::string(name) + ": longer than " + std::to_string(limit) + " characters"};
    }
    return std::nullopt;
}

Response webhook_error(const Request& request, Services& s, const std::string& channel,
                       const channels::WebhookError& error) {
    if (error.status == 403) {
        s.counters.auth_failures++;
        log_refusal(s, "webhook " + loggable_path(request.target()) + " on channel " +
                           loggable_path(channel, 40) + ": 403 " + error.message);
    }
    s.counters.inbound_rejected++;
    return error_response(request, static_cast<status>(error.status), error.message);
}

Response webhook_ok(const Request& request, const channels::Channel& channel) {
    auto reply = channel.webhook_reply();
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, reply.content_type);
    res.body() = reply.body;
    return res;
}

// POST (or GET, for Kannel's get-url) /webhooks/{channel}/inbound: the provider's own
// format, verified the way the provider signs it; nothing is recorded on a bad one.
asio::awaitable<Response> webhook_inbound(const Request& request, Services& s, const Target& target,
                                          const std::string& channel_name) {
    auto config = s.config();
    auto channel = s.dispatcher.channel(channel_name);
    if (!channel || !config->find_channel(channel_name))
        co_return error_response(request, status::not_found, "no channel " + channel_name);
    const auto now = s.clock.now().time_since_epoch().count();
    auto parsed = channel->parse_inbound(webhook_request(request, target), now);
    if (auto* error = std::get_if<channels::WebhookError>(&parsed))
        co_return webhook_error(request, s, channel_name, *error);
    auto replies = std::get<std::vector<channels::InboundReply>>(std::move(parsed));
    for (auto& reply : replies) {
        if (auto error = check_text_fields(reply.provider_id, reply.from))
            co_return webhook_error(request, s, channel_name, *error);
        reply.text = utf8::repair(reply.text);
    }
    json results = json::array();
    for (auto& reply : replies) {
        replies::InboundMessage message{channel_name, reply.provider_id, reply.from, reply.text};
        if (message.provider_id.empty()) message.provider_id = "anon-" + random_hex(12);
        auto job = [config, message, now](SQLite::Database& db) {
            return replies::handle_inbound(db, *config, message, now);
        };
        replies::ReplyOutcome outcome;
        try {
            outcome = co_await s.writer.execute(std::move(job));
        } catch (const store::QueueFull&) {
            co_return busy(request, s);
        }
        if (outcome.duplicate)
            s.counters.inbound_duplicate++;
        else
            s.counters.inbound_accepted++;
        s.dispatcher.enqueue(outcome.queued_messages);
        if (!outcome.queued_messages.empty()) s.scheduler.poke();
        json r{{"outcome", outcome.outcome},
               {"duplicate", outcome.duplicate},
               {"id", message.provider_id}};
        if (outcome.survey_id) r["survey"] = *outcome.survey_id;
        if (outcome.score) r["score"] = *outcome.score;
        results.push_back(r);
    }
    // The sandbox answers with what happened (for `cxgate reply`); providers get the
    // answer their API expects.
    if (config->find_channel(channel_name)->type == "sandbox")
        co_return json_response(request, status::ok,
                                json_input::dump(results.size() == 1 ? results[0] : results));
    co_return webhook_ok(request, *channel);
}

// POST /webhooks/{channel}/status: delivery reports, idempotent on (message id, status).
asio::awaitable<Response> webhook_status(const Request& request, Services& s, const Target& target,
                                         const std::string& channel_name) {
    auto config = s.config();
    auto channel = s.dispatcher.channel(channel_name);
    if (!channel || !config->find_channel(channel_name))
        co_return error_response(request, status::not_found, "no channel " + channel_name);
    const auto now = s.clock.now().time_since_epoch().count();
    auto parsed = channel->parse_status(webhook_request(request, target), now);
    if (auto* error = std::get_if<channels::WebhookError>(&parsed))
        co_return webhook_error(request, s, channel_name, *error);
    auto reports = std::get<std::vector<channels::StatusReport>>(std::move(parsed));
    for (auto& report : reports) {
        if (auto error = check_text_fields(report.provider_id, "", report.status))
            co_return webhook_error(request, s, channel_name, *error);
        report.error = utf8::repair(report.error);
        report.error_code = utf8::repair(report.error_code);
    }
    size_t matched = 0, duplicates = 0;
    for (const auto& report : reports) {
        auto job = [config, channel_name, report, now](SQLite::Database& db) {
            return channels::apply_status_report(db, *config, channel_name, report, now);
        };
        channels::StatusOutcome outcome;
        try {
            outcome = co_await s.writer.execute(std::move(job));
        } catch (const store::QueueFull&) {
            co_return busy(request, s);
        }
        matched += outcome.matched;
        duplicates += outcome.duplicate;
        if (!outcome.queued_messages.empty()) {
            s.dispatcher.enqueue(outcome.queued_messages);
            s.scheduler.poke();
        }
    }
    if (config->find_channel(channel_name)->type == "sandbox")
        co_return json_response(
            request, status::ok,
            json_input::dump(json{
                {"reports", reports.size()}, {"matched", matched}, {"duplicates", duplicates}}));
    co_return webhook_ok(request, *channel);
}

// One-click unsubscribe (RFC 8058). GET only shows a page with a button, because link
// scanners fetch every link; POST (the mail provider's one-click, or the button) opts out.
// A POST a browser made from another site is refused (page_security.hpp): the token in
// the link is the only credential, and a page elsewhere must not spend it.
asio::awaitable<Response> unsubscribe(const Request& request, Services& s,
                                      const std::string& token) {
    auto address = links::unsubscribe_address(s.link_secret, token);
    Response res{status::ok, request.version()};
    set_page_headers(res);
    if (!address) {
        res.result(status::not_found);
        res.body() =
            "<!doctype html><meta name=viewport content=\"width=device-width\"><p>This link is not "
            "valid.</p>";
        co_return res;
    }
    const std::string confirm_page =
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        "<title>Unsubscribe</title><form method=post><p>Stop surveys to " +
        html::escape(*address) +
        "? / Lopetetaanko kyselyt? / Avsluta enkäter?</p><button name=List-Unsubscribe "
        "value=One-Click>"
        "Unsubscribe / Peru tilaus / Avsluta</button></form>";
    if (request.method() == beast_http::verb::get) {
        res.body() = confirm_page;
        co_return res;
    }
    if (request.method() != beast_http::verb::post)
        co_return error_response(request, status::method_not_allowed, "GET or POST");
    if (from_another_site(request, s.config()->server.public_url)) {
        // The page with its button: a person who really meant it can press it here.
        log_refusal(s, "unsubscribe POST from another site refused");
        res.result(status::forbidden);
        res.body() = confirm_page;
        co_return res;
    }
    const auto now = s.clock.now().time_since_epoch().count();
    auto job = [addr = *address, now](SQLite::Database& db) {
        return store::opt_out_address(db, addr, "one-click unsubscribe", now);
    };
    try {
        co_await s.writer.execute(std::move(job));
    } catch (const store::QueueFull&) {
        co_return busy(request, s);
    }
    spdlog::info("unsubscribed {} by one-click link", *address);
    res.body() =
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        "<p>Unsubscribed. / Tilaus peruttu. / Avslutat.</p>";
    co_return res;
}

// POST /v1/clock: only when the daemon runs on a manual clock (serve --manual-clock).
asio::awaitable<Response> post_clock(const Request& request, Services& s) {
    if (!s.clock.is_manual())
        co_return error_response(request, status::not_found, "the clock is not manual");
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    auto parsed = json_input::parse(request.body());
    if (!parsed.value)
        co_return error_response(request, status::bad_request, parsed.message(), parsed.field);
    const json* body = &*parsed.value;
    if (!body->is_object())
        co_return error_response(request, status::bad_request, "body: object expected", "body");
    if (auto it = body->find("advance"); it != body->end()) {
        std::string why;
        auto delay =
            it->is_string() ? timing::parse_delay(it->get<std::string>(), &why) : std::nullopt;
        if (!delay || delay->unit == timing::Delay::Unit::business_days)
            co_return error_response(
                request, status::bad_request,
                "advance: " + (why.empty() ? "elapsed duration expected" : why), "advance");
        const auto& zone = *date::locate_zone(s.config()->defaults.timezone);
        auto target = timing::add_delay(s.clock.now(), *delay, zone, {});
        s.clock.set(target);
    } else if (auto set = body->find("set"); set != body->end()) {
        auto t = set->is_string() ? timing::parse_iso8601(set->get<std::string>()) : std::nullopt;
        if (!t)
            co_return error_response(request, status::bad_request,
                                     "set: ISO 8601 with offset expected", "set");
        s.clock.set(*t);
    } else {
        co_return error_response(request, status::bad_request, "advance or set: required",
                                 "advance");
    }
    s.scheduler.poke();
    co_return json_response(request, status::ok,
                            json_input::dump(json{{"now", timing::format_iso8601(s.clock.now())}}));
}

Response healthz(const Request& request, Services& s) {
    auto config = s.config();
    auto w = s.writer.stats();
    json body{
        {"status", "ok"},
        {"version", CXGATE_VERSION},
        {"config_version", config->version},
        {"last_reload", s.reload.result},
        {"reload",
         {{"result", s.reload.result == "ok" ? "ok" : "failed"},
          {"at", timing::format_iso8601(timing::TimePoint{std::chrono::seconds{s.reload.at}})},
          {"config_loaded_at", timing::format_iso8601(timing::TimePoint{
                                   std::chrono::seconds{s.reload.last_success_at}})},
          {"errors", s.reload.errors},
          {"succeeded", s.reload.succeeded},
          {"failed", s.reload.failed},
          {"retired_flow_versions", config->retired_flows.size()}}},
        {"now", timing::format_iso8601(s.clock.now())},
        {"manual_clock", s.clock.is_manual()},
        {"write_queue", w.queued}};
    return json_response(request, status::ok, json_input::dump(body));
}

Response metrics(const Request& request, Services& s) {
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
    out += "# HELP cxgate_config_info The configuration in use.\n# TYPE cxgate_config_info gauge\n";
    out += "cxgate_config_info{version=\"" + config->version + "\",last_reload=\"" +
           std::string(s.reload.result == "ok" ? "ok" : "failed") + "\"} 1\n";
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, "text/plain; version=0.0.4");
    res.body() = std::move(out);
    return res;
}

}  // namespace

// A bounded queue is full: 503 with Retry-After, counted.
Response busy(const Request& request, Services& s) {
    s.counters.busy_rejections++;
    auto res =
        error_response(request, status::service_unavailable, "the server is busy; retry shortly");
    res.set(beast_http::field::retry_after, "1");
    return res;
}

Response json_response(const Request& request, beast_http::status code, const std::string& body) {
    Response res{code, request.version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::server, "cxgate");
    res.body() = body;
    return res;
}

Response error_response(const Request& request, beast_http::status code, const std::string& message,
                        const std::string& field) {
    json body{{"error", message}};
    if (!field.empty()) body["field"] = field;
    return json_response(request, code, json_input::dump(body));
}

void log_refusal(Services& s, const std::string& line) {
    unsigned long long suppressed = 0;
    if (!s.refusal_log.allow(line, LogLimiter::Clock::now(), &suppressed)) return;
    if (suppressed)
        spdlog::warn("{} ({} more like it not logged)", line, suppressed);
    else
        spdlog::warn("{}", line);
}

bool authorized(const Request& request, const config::Config& config) {
    auto credentials =
        authorization::credentials(request[beast_http::field::authorization], "Bearer");
    if (!credentials) return false;
    const std::string token(*credentials);
    bool ok = false;
    for (const auto& t : config.api_tokens) ok |= constant_time_equals(token, t);
    return ok;
}

asio::awaitable<Response> handle_request(Request request, Services& s) {
    auto target = parse_target(request);
    const auto method = request.method();
    const auto& path = target.path;
    auto segments = [&]() {
        std::vector<std::string> parts;
        size_t start = 1;
        while (start <= path.size()) {
            auto slash = path.find('/', start);
            parts.push_back(
                path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        return parts;
    }();
    auto allow = [&](beast_http::verb verb) { return method == verb; };
    auto wrong_method = [&]() {
        return error_response(request, status::method_not_allowed, "method not allowed");
    };

    if (path == "/healthz") co_return healthz(request, s);
    if (path == "/metrics") co_return metrics(request, s);
    if (path == "/v1/events") {
        if (!allow(beast_http::verb::post)) co_return wrong_method();
        co_return co_await post_event(request, s);
    }
    if (segments.size() == 3 && segments[0] == "v1" && segments[1] == "events") {
        if (!allow(beast_http::verb::post)) co_return wrong_method();
        auto secret = target.query.count("secret") ? target.query.at("secret") : std::string();
        co_return co_await post_source_event(request, s, segments[2], secret);
    }
    if (path == "/v1/responses") co_return co_await get_responses(request, s, target);
    if (path == "/v1/reports") co_return co_await get_reports(request, s, target);
    if (path == "/v1/clock") {
        if (!allow(beast_http::verb::post)) co_return wrong_method();
        co_return co_await post_clock(request, s);
    }
    if (segments.size() == 3 && segments[0] == "v1" && segments[1] == "surveys")
        co_return co_await get_survey(request, s, segments[2]);
    if (segments.size() == 3 && segments[0] == "webhooks") {
        // Kannel's sms-service and dlr-url fetch with GET; everyone else POSTs.
        if (!allow(beast_http::verb::post) && !allow(beast_http::verb::get))
            co_return wrong_method();
        if (segments[2] == "inbound")
            co_return co_await webhook_inbound(request, s, target, segments[1]);
        if (segments[2] == "status")
            co_return co_await webhook_status(request, s, target, segments[1]);
    }
    if (segments.size() == 2 && segments[0] == "u")
        co_return co_await unsubscribe(request, s, segments[1]);
    if (segments.size() == 2 && segments[0] == "r")
        co_return co_await answer_page(request, s, segments[1], std::nullopt);
    if (segments.size() == 3 && segments[0] == "r")
        co_return co_await answer_page(request, s, segments[1], segments[2]);
    co_return error_response(request, status::not_found, "no route for " + path);
}

}  // namespace cxgate::http
