// The read-only exports: answered surveys as JSON or CSV (GET /v1/responses), and the
// report tables (GET /v1/reports). Both run on the reader, never on the writer.
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/csv.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/store.hpp"
#include "report_reply.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

std::string iso_or_empty(const std::optional<store::Seconds>& t) {
    return t ? timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*t}}) : "";
}

// The survey's staff member by the name the event gave, else the staff directory's.
std::string staff_name(const config::Config& config, const store::SurveyRow& r) {
    if (!r.staff_name.empty()) return r.staff_name;
    auto it = config.staff.find(r.staff_id);
    return it == config.staff.end() ? "" : it->second.name;
}

std::string responses_csv(const config::Config& config, const std::vector<store::SurveyRow>& rows) {
    std::string out = csv::row({"survey_id", "flow", "step", "metric", "scale", "score", "comment",
                                "contact", "staff", "segment", "channel", "event_type",
                                "answered_at", "staff_name", "deal_id", "sent_at"});
    for (const auto& r : rows)
        out += csv::row(
            {std::to_string(r.id), csv::cell(r.flow), csv::cell(r.step), csv::cell(r.metric),
             std::to_string(r.scale_min) + "-" + std::to_string(r.scale_max),
             std::to_string(*r.score), csv::cell(r.comment), csv::cell(r.contact_id),
             csv::cell(r.staff_id), csv::cell(r.segment), csv::cell(r.channel),
             csv::cell(r.event_type), iso_or_empty(r.answered_at), csv::cell(staff_name(config, r)),
             csv::cell(r.deal_id), iso_or_empty(r.sent_at)});
    return out;
}

// A page's cursor: the last row's answered_at and id ("1763366400.42").
std::string cursor_of(const store::SurveyRow& r) {
    return std::to_string(*r.answered_at) + "." + std::to_string(r.id);
}

std::optional<std::pair<store::Seconds, std::int64_t>> read_cursor(const std::string& text) {
    long long at = 0, id = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lld.%lld%c", &at, &id, &tail) != 2 || at < 0 || id < 0)
        return std::nullopt;
    return std::pair<store::Seconds, std::int64_t>{at, id};
}

}  // namespace

// Answered surveys a page at a time (limit, default 10,000, at most 100,000), in the order
// they were answered. A full page names the next one: `Link: <...&after=CURSOR>; rel="next"`
// and `X-Next-Cursor`; the last page has neither, so a client reads until they are gone and
// never stops short without knowing it. staff= or team= narrow them to a person or a team;
// a dashboard session is narrowed to what its role may see (callers.hpp).
asio::awaitable<Reply> get_responses(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    std::map<std::string, std::string> people;
    for (const char* name : {"staff", "team"})
        if (!target.query_value(name).empty()) people[name] = target.query_value(name);
    if (auto error = narrow(std::get<Caller>(who), people, request, s)) co_return *error;
    auto config = s.config();
    store::ResponsePage page;
    page.flow = target.query_value("flow");
    page.step = target.query_value("step");
    page.staff = report::staff_of(people, *config);
    const std::string format =
        target.query_value("format").empty() ? "json" : target.query_value("format");
    if (format != "json" && format != "csv")
        co_return ApiError{status::bad_request, "format: must be json or csv", "format"};
    const auto& zone = report::zone_for(*config, page.flow);
    for (const char* name : {"since", "until"}) {
        const auto& text = target.query_value(name);
        if (text.empty()) continue;
        auto t = report::read_time(text, zone);
        if (!t)
            co_return ApiError{status::bad_request,
                               std::string(name) + ": expected ISO 8601 date or time", name};
        (std::string(name) == "since" ? page.since : page.until) = *t;
    }
    if (const auto& after = target.query_value("after"); !after.empty()) {
        page.after = read_cursor(after);
        if (!page.after)
            co_return ApiError{status::bad_request,
                               "after: expected the X-Next-Cursor of the previous page", "after"};
    }
    page.limit = 10000;
    if (const auto& limit = target.query_value("limit"); !limit.empty()) {
        char* end = nullptr;
        const long long n = std::strtoll(limit.c_str(), &end, 10);
        if (*end != '\0' || n < 1 || n > 100000)
            co_return ApiError{status::bad_request, "limit: a number from 1 to 100000", "limit"};
        page.limit = static_cast<size_t>(n);
    }
    auto job = [page](store::Store& db) { return db.answered_surveys(page); };
    auto rows = co_await s.reader.execute(std::move(job));

    Response res;
    if (format == "json") {
        json out = json::array();
        for (const auto& r : rows) {
            auto j = engine::survey_json(r);
            if (auto name = staff_name(*config, r); !name.empty()) j["staff_name"] = name;
            out.push_back(std::move(j));
        }
        res = json_response(request, status::ok, json_input::dump(out));
    } else {
        // Every page carries the header row, so each page opens on its own in a spreadsheet.
        res = csv_response(request, responses_csv(*config, rows));
    }
    if (rows.size() == page.limit) {
        const auto next = cursor_of(rows.back());
        std::string link = "/v1/responses?after=" + next + "&limit=" + std::to_string(page.limit);
        for (const char* name : {"flow", "step", "format", "since", "until"})
            if (!target.query_value(name).empty())
                link += std::string("&") + name + "=" + url::encode(target.query_value(name));
        for (const auto& [name, value] : people) link += "&" + name + "=" + url::encode(value);
        res.set("X-Next-Cursor", next);
        res.set(beast_http::field::link, "<" + link + ">; rel=\"next\"");
    }
    co_return res;
}

asio::awaitable<Reply> get_reports(const Request& request, Services& s, const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto config = s.config();
    auto parameters = target.query;
    const auto format = take_format(parameters);
    if (const auto* error = std::get_if<ApiError>(&format)) co_return *error;
    if (auto error = narrow(std::get<Caller>(who), parameters, request, s)) co_return *error;
    auto parsed = report::parse_query(parameters, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return ApiError{status::bad_request, error->message, error->field};
    auto job = [config, query = std::get<report::ReportQuery>(parsed)](store::Store& db) {
        return report::to_json(report::run_report(db, *config, query), query, *config);
    };
    const auto body = co_await s.reader.execute(std::move(job));
    co_return report_reply(request, std::get<std::string>(format), body, body["rows"]);
}

}  // namespace cxgate::http
