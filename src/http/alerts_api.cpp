// The alerts API: GET /v1/alerts (newest first), GET /v1/alerts/{id}, and
// POST /v1/alerts/{id} to acknowledge or resolve one, as the alert's page does, for a CRM
// or a helpdesk that tracks the follow-up itself; POST /v1/alerts/{id}/answer sends the
// customer an answer on the survey's channel, as the page's "Answer the customer" does.
#include <nlohmann/json.hpp>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

std::string alert_time(std::optional<store::Seconds> t) {
    return t ? timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*t}}) : "";
}

json alert_json(const store::AlertRow& a) {
    json j{{"id", a.id},
           {"survey", a.survey_id},
           {"state", a.state},
           {"opened_at", alert_time(a.opened_at)},
           {"level", a.level}};
    if (a.acknowledged_at) {
        j["acknowledged_at"] = alert_time(a.acknowledged_at);
        j["acknowledged_by"] = a.acknowledged_by;
        j["seconds_to_acknowledge"] = *a.acknowledged_at - a.opened_at;
    }
    if (a.resolved_at) {
        j["resolved_at"] = alert_time(a.resolved_at);
        j["resolved_by"] = a.resolved_by;
        j["resolution"] = a.resolution;
        j["seconds_to_resolve"] = *a.resolved_at - a.opened_at;
    }
    if (!a.note.empty()) j["note"] = a.note;
    if (a.escalate_at) j["escalates_at"] = alert_time(a.escalate_at);
    return j;
}

std::optional<std::int64_t> alert_number(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// A handling's or an answer's refusal: 400 naming the field it is about ("by: ..."), else
// 409 (the alert or the survey is in a state that does not allow it).
ApiError refusal(const std::string& error, const char* otherwise) {
    const auto colon = error.find(':');
    const bool names_field = colon != std::string::npos && colon < 12;
    return ApiError{names_field ? status::bad_request : status::conflict, error,
                    names_field ? error.substr(0, colon) : otherwise};
}

// What both POSTs on an alert check first: an ingest token, a numeric id, a JSON object.
struct AlertPost {
    std::int64_t id = 0;
    json body;
};
std::variant<AlertPost, ApiError> read_alert_post(const Request& request, Services& s,
                                                  const Target& target,
                                                  const config::Config& config) {
    if (auto check = check_token(request, config, config::Scope::ingest); check != TokenCheck::ok)
        return refused(request, s, check, config::Scope::ingest);
    auto id = alert_number(target.param("id"));
    if (!id) return ApiError{status::bad_request, "alert id must be a number", "id"};
    auto parsed = json_input::parse(request.body());
    if (!parsed.value) return ApiError{status::bad_request, parsed.message(), parsed.field};
    if (!parsed.value->is_object())
        return ApiError{status::bad_request, "body: object expected", "body"};
    return AlertPost{*id, std::move(*parsed.value)};
}

}  // namespace

asio::awaitable<Reply> get_alerts(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    store::AlertFilter filter;
    if (const auto& state = target.query_value("state"); !state.empty()) {
        filter.state = store::parse_alert_handling(state);
        if (!filter.state)
            co_return ApiError{status::bad_request, "state: one of open, acknowledged, resolved",
                               "state"};
    }
    if (const auto& since = target.query_value("since"); !since.empty()) {
        auto t = timing::parse_iso8601(since);
        if (!t) co_return ApiError{status::bad_request, "since: ISO 8601 with offset", "since"};
        filter.since = t->time_since_epoch().count();
    }
    if (const auto& limit = target.query_value("limit"); !limit.empty()) {
        auto n = alert_number(limit);
        if (!n || *n < 1 || *n > 10000)
            co_return ApiError{status::bad_request, "limit: 1 to 10000", "limit"};
        filter.limit = static_cast<int>(*n);
    }
    auto list = [filter](store::Store& db) { return db.alerts_where(filter); };
    auto rows = co_await s.reader.execute(std::move(list));
    json out = json::array();
    for (const auto& a : rows) out.push_back(alert_json(a));
    co_return json_response(request, status::ok, json_input::dump(out));
}

asio::awaitable<Reply> get_alert(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    auto id = alert_number(target.param("id"));
    if (!id) co_return ApiError{status::bad_request, "alert id must be a number", "id"};
    auto find = [id = *id](store::Store& db) { return db.alert(id); };
    auto row = co_await s.reader.execute(std::move(find));
    if (!row) co_return ApiError{status::not_found, "no alert " + target.param("id"), "id"};
    co_return json_response(request, status::ok, json_input::dump(alert_json(*row)));
}

asio::awaitable<Reply> post_alert(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    auto read = read_alert_post(request, s, target, *config);
    if (auto* error = std::get_if<ApiError>(&read)) co_return *error;
    const auto& post = std::get<AlertPost>(read);
    const std::int64_t id = post.id;
    const json& body = post.body;
    auto text = [&](const char* key) {
        auto it = body.find(key);
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    alerts::Handling handling;
    const auto action = text("action");
    if (action == "acknowledge")
        handling.action = alerts::Handling::Action::acknowledge;
    else if (action == "resolve")
        handling.action = alerts::Handling::Action::resolve;
    else
        co_return ApiError{status::bad_request, "action: acknowledge or resolve", "action"};
    handling.by = text("by");
    handling.resolution = text("resolution");
    handling.note = text("note");
    const auto now = s.clock.now().time_since_epoch().count();
    // A named job, not a temporary inside co_await: g++ 12 destroys such a temporary's
    // captures twice (the strings of `handling` were freed twice).
    auto job = [config, id, handling, now](store::Store& db) {
        return alerts::handle_alert(db, *config, id, handling, now);
    };
    auto result = co_await s.writer.execute(std::move(job));
    if (result.not_found) co_return ApiError{status::not_found, result.error, "id"};
    if (!result.error.empty()) co_return refusal(result.error, "action");
    co_return json_response(request, status::ok, json_input::dump(alert_json(*result.alert)));
}

asio::awaitable<Reply> post_alert_answer(const Request& request, Services& s,
                                         const Target& target) {
    auto config = s.config();
    auto read = read_alert_post(request, s, target, *config);
    if (auto* error = std::get_if<ApiError>(&read)) co_return *error;
    const auto& post = std::get<AlertPost>(read);
    const std::int64_t id = post.id;
    const json& body = post.body;
    alerts::CustomerAnswer answer;
    for (auto [key, into] : {std::pair{"by", &answer.by}, std::pair{"text", &answer.text}}) {
        auto it = body.find(key);
        if (it != body.end() && !it->is_string())
            co_return ApiError{status::bad_request, std::string(key) + ": string expected", key};
        if (it != body.end()) *into = it->get<std::string>();
    }
    const auto now = s.clock.now().time_since_epoch().count();
    auto job = [id, config, answer, now](store::Store& db) {
        return alerts::answer_customer(db, *config, id, answer, now);
    };
    auto result = co_await s.writer.execute(std::move(job));
    if (result.not_found) co_return ApiError{status::not_found, result.error, "id"};
    if (!result.error.empty()) co_return refusal(result.error, "survey");
    s.dispatcher.enqueue({*result.message_id});
    auto out = alert_json(*result.alert);
    out["answer_message"] = *result.message_id;
    co_return json_response(request, status::created, json_input::dump(out));
}

}  // namespace cxgate::http
