#pragma once
// A report's parameters as the API's query string and the CLI's options give them
// (by=step,week, flow, step, staff, team, segment, channel, outcome, since, until), read in
// one place so both refuse the same input with the same words.
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/report/retention.hpp"
#include "cxgate/report/sales.hpp"
#include "cxgate/report/targets.hpp"
#include "cxgate/report/themes.hpp"

namespace cxgate::report {

struct ParameterError {
    std::string field, message;
};

// An ISO 8601 time with offset, or a date (2026-11-01) read as its midnight in `zone`.
std::optional<long long> read_time(const std::string& text, const date::time_zone& zone);

// The zone of the flow (when it names one), else the configuration's default.
const date::time_zone& zone_for(const config::Config& config, const std::string& flow);

// since/until: an ISO 8601 time with offset, or a bare date, midnight in the flow's zone
// (the default zone without a flow). until is exclusive: until=2026-12-01 ends with
// November.
std::variant<ReportQuery, ParameterError> parse_query(
    const std::map<std::string, std::string>& parameters, const config::Config& config);

// A before/after comparison as asked: either side of marker `mark` (`days` each, 28 by
// default), or two periods given as before=SINCE..UNTIL&after=SINCE..UNTIL (dates or ISO
// 8601 times). The marker is looked up in the store (resolve), the rest is read here.
struct CompareRequest {
    CompareQuery query;
    std::optional<std::int64_t> mark_id;
    int days = 28;
};
std::variant<CompareRequest, ParameterError> parse_compare(
    const std::map<std::string, std::string>& parameters, const config::Config& config);
// The periods around the request's marker; an error when there is no such marker.
std::variant<CompareQuery, ParameterError> resolve(store::Store& db, const CompareRequest& request);

// The staff whose surveys staff= or team= (the first given) names, for lists of surveys
// (GET /v1/responses): nothing when neither is given.
std::optional<std::vector<std::string>> staff_of(
    const std::map<std::string, std::string>& parameters, const config::Config& config);

// Themes of the comments: flow, step, since, until.
std::variant<ThemeQuery, ParameterError> parse_themes(
    const std::map<std::string, std::string>& parameters, const config::Config& config);

// Experience beside sales: by=week|staff|team|segment (or none), since, until.
std::variant<SalesQuery, ParameterError> parse_sales(
    const std::map<std::string, std::string>& parameters, const config::Config& config);

// Retention of won customers: since, until (when the deal was won), as_of.
std::variant<RetentionQuery, ParameterError> parse_retention(
    const std::map<std::string, std::string>& parameters, const config::Config& config);

// Weekly targets: flow, week (2026-W48; default the last whole week before now).
std::variant<TargetQuery, ParameterError> parse_targets(
    const std::map<std::string, std::string>& parameters, const config::Config& config,
    long long now);

}  // namespace cxgate::report
