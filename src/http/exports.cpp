// The read-only exports: answered surveys as JSON or CSV (GET /v1/responses), and the
// report tables (GET /v1/reports). Both run on the reader, never on the writer.
#include <nlohmann/json.hpp>

#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/csv.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

// ?since=: an ISO 8601 time with offset, or a bare date (midnight UTC).
std::optional<long long> parse_time_param(const std::string& text) {
    if (text.empty()) return std::nullopt;
    if (auto t = timing::parse_iso8601(text)) return t->time_since_epoch().count();
    if (text.size() == 10) {
        if (auto t = timing::parse_iso8601(text + "T00:00:00Z"))
            return t->time_since_epoch().count();
    }
    return std::nullopt;
}

std::string responses_csv(const std::vector<store::SurveyRow>& rows) {
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
    return out;
}

}  // namespace

asio::awaitable<Reply> get_responses(const Request& request, Services& s, const Target& target) {
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    const std::string flow = target.query_value("flow");
    const std::string format =
        target.query_value("format").empty() ? "json" : target.query_value("format");
    if (format != "json" && format != "csv")
        co_return ApiError{status::bad_request, "format: must be json or csv", "format"};
    auto since = parse_time_param(target.query_value("since"));
    if (!target.query_value("since").empty() && !since)
        co_return ApiError{status::bad_request, "since: expected ISO 8601 date or time", "since"};
    auto job = [flow, since](store::Store& db) {
        std::optional<store::Seconds> from;
        if (since) from = static_cast<store::Seconds>(*since);
        return db.answered_surveys(flow, from, 100000);
    };
    auto rows = co_await s.reader.execute(job);
    if (format == "json") {
        json out = json::array();
        for (const auto& r : rows) out.push_back(engine::survey_json(r));
        co_return json_response(request, status::ok, json_input::dump(out));
    }
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, "text/csv; charset=utf-8");
    res.body() = responses_csv(rows);
    co_return res;
}

asio::awaitable<Reply> get_reports(const Request& request, Services& s, const Target& target) {
    if (!authorized(request, *s.config())) co_return unauthorized(request, s);
    auto config = s.config();
    auto parsed = report::parse_query(target.query, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, query = std::get<report::ReportQuery>(parsed)](store::Store& db) {
        return report::to_json(report::run_report(db, *config, query), query, *config);
    };
    auto body = co_await s.reader.execute(std::move(job));
    co_return json_response(request, status::ok, json_input::dump(body));
}

}  // namespace cxgate::http
