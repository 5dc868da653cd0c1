// Change markers (POST and GET /v1/marks) and before/after comparisons (GET /v1/compare).
// Markers are written through the writer (durable before the 201); comparisons read.
#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/store/store.hpp"
#include "report_reply.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

json mark_json(const store::MarkRow& m) {
    json j{{"id", m.id},
           {"label", m.label},
           {"at", timing::format_iso8601(timing::TimePoint{std::chrono::seconds{m.at}})}};
    j["flow"] = m.flow.empty() ? json(nullptr) : json(m.flow);
    return j;
}

}  // namespace

asio::awaitable<Reply> post_mark(const Request& request, Services& s, const Target&) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::admin);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto body = json_input::parse(request.body());
    if (!body.value) co_return ApiError{status::bad_request, body.message(), body.field};
    const auto& in = *body.value;
    if (!in.is_object()) co_return ApiError{status::bad_request, "expected a JSON object"};
    store::MarkRow mark;
    const auto now = s.clock.now().time_since_epoch().count();
    mark.created_at = now;
    mark.at = now;
    auto label = in.find("label");
    if (label == in.end() || !label->is_string() || label->get<std::string>().empty() ||
        label->get<std::string>().size() > 200)
        co_return ApiError{status::bad_request, "label: required, text of at most 200 bytes",
                           "label"};
    mark.label = label->get<std::string>();
    if (auto flow = in.find("flow"); flow != in.end() && !flow->is_null()) {
        if (!flow->is_string() || !config->find_flow(flow->get<std::string>()))
            co_return ApiError{status::bad_request, "flow: not a flow of the configuration",
                               "flow"};
        mark.flow = flow->get<std::string>();
    }
    if (auto at = in.find("at"); at != in.end() && !at->is_null()) {
        auto t = at->is_string() ? report::read_time(at->get<std::string>(),
                                                     report::zone_for(*config, mark.flow))
                                 : std::nullopt;
        if (!t)
            co_return ApiError{status::bad_request, "at: expected a date or ISO 8601 time", "at"};
        mark.at = *t;
    }
    for (const auto& [key, _] : in.items())
        if (key != "label" && key != "flow" && key != "at")
            co_return ApiError{status::bad_request, key + ": not a marker field", key};
    auto job = [mark](store::Store& db) {
        auto kept = mark;
        kept.id = db.add_mark(mark);
        return kept;
    };
    auto kept = co_await s.writer.execute(std::move(job));
    co_return json_response(request, status::created, json_input::dump(mark_json(kept)));
}

asio::awaitable<Reply> get_marks(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto job = [flow = target.query_value("flow")](store::Store& db) { return db.marks(flow); };
    json out = json::array();
    for (const auto& m : co_await s.reader.execute(std::move(job))) out.push_back(mark_json(m));
    co_return json_response(request, status::ok, json_input::dump(out));
}

asio::awaitable<Reply> get_compare(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    if (auto error = narrow(std::get<Caller>(who), parameters, request, s)) co_return *error;
    auto parsed = report::parse_compare(parameters, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, asked = std::get<report::CompareRequest>(parsed)](
                   store::Store& db) -> std::variant<json, report::ParameterError> {
        auto resolved = report::resolve(db, asked);
        if (auto* error = std::get_if<report::ParameterError>(&resolved)) return *error;
        const auto& query = std::get<report::CompareQuery>(resolved);
        return report::to_json(report::compare(db, *config, query), query);
    };
    auto result = co_await s.reader.execute(std::move(job));
    if (auto* error = std::get_if<report::ParameterError>(&result))
        co_return ApiError{status::not_found, error->message, error->field};
    const auto& body = std::get<json>(result);
    co_return report_reply(request, std::get<std::string>(format), body, body["rows"]);
}

asio::awaitable<Reply> get_sales(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    auto parsed = report::parse_sales(parameters, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, query = std::get<report::SalesQuery>(parsed)](store::Store& db) {
        return report::to_json(report::sales_report(db, *config, query), query, *config);
    };
    const auto body = co_await s.reader.execute(std::move(job));
    co_return report_reply(request, std::get<std::string>(format), body, body["rows"]);
}

asio::awaitable<Reply> get_win_rates(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    for (const auto& [name, _] : parameters)
        if (name != "flow")
            co_return ApiError{status::bad_request, name + ": not a parameter here", name};
    auto job = [flow = target.query_value("flow")](store::Store& db) {
        return report::to_json(report::win_rate_by_answer(db, flow));
    };
    const auto body = co_await s.reader.execute(std::move(job));
    // One CSV row per step and answer.
    json rows = json::array();
    for (const auto& step : body["steps"])
        for (const auto& a : step["answers"])
            rows.push_back({{"flow", step["flow"]},
                            {"step", step["step"]},
                            {"metric", step["metric"]},
                            {"answer", a["answer"]},
                            {"deals", a["deals"]},
                            {"won", a["won"]},
                            {"win_rate", a["win_rate"]}});
    co_return report_reply(request, std::get<std::string>(format), body, rows);
}

asio::awaitable<Reply> get_retention(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    if (config->sales.retention.events.empty())
        co_return ApiError{status::not_found,
                           "sales.retention: no retention events configured (list the event "
                           "types that mean a won customer came back)",
                           "sales.retention"};
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    auto parsed = report::parse_retention(parameters, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, query = std::get<report::RetentionQuery>(parsed),
                now = s.clock.now().time_since_epoch().count()](store::Store& db) {
        return report::to_json(report::retention_report(db, *config, query, now), query);
    };
    const auto body = co_await s.reader.execute(std::move(job));
    json rows = json::array({body["everyone"]});
    for (const auto& group : body["by_nps"]) rows.push_back(group);
    co_return report_reply(request, std::get<std::string>(format), body, rows);
}

asio::awaitable<Reply> get_targets(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    auto parsed =
        report::parse_targets(parameters, *config, s.clock.now().time_since_epoch().count());
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, asked = std::get<report::TargetQuery>(parsed)](store::Store& db) {
        return report::to_json(report::target_report(db, *config, asked));
    };
    const auto body = co_await s.reader.execute(std::move(job));
    json rows = json::array();
    for (const auto& flow : body["flows"])
        for (auto row : flow["targets"]) {
            row["week"] = flow["week"];
            rows.push_back(row);
        }
    co_return report_reply(request, std::get<std::string>(format), body, rows);
}

asio::awaitable<Reply> get_themes(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    auto parsed = report::parse_themes(parameters, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    // Voikko reads the Finnish words on the reader thread, not on the event loop.
    auto job = [config, query = std::get<report::ThemeQuery>(parsed)](store::Store& db) {
        return report::to_json(report::theme_report(db, *config, query));
    };
    const auto body = co_await s.reader.execute(std::move(job));
    co_return report_reply(request, std::get<std::string>(format), body, body["themes"]);
}

}  // namespace cxgate::http
