// What the journey page reads (pages.hpp): the analysis API's own reports, on whole local
// days, so they come from the daily rollups.
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/report/sales.hpp"

namespace cxgate::dashboard {

namespace {

std::string iso(long long t) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
}

std::string period_query(long long since, long long until) {
    return "since=" + url::encode(iso(since)) + "&until=" + url::encode(iso(until));
}

template <typename T, typename Parsed>
T parsed(Parsed result) {
    if (auto* error = std::get_if<report::ParameterError>(&result))
        throw std::invalid_argument(error->field + ": " + error->message);
    return std::get<T>(std::move(result));
}

std::string filter_query(const std::map<std::string, std::string>& filters) {
    std::string out;
    for (const auto& [k, v] : filters)
        if (k != "step") out += "&" + k + "=" + url::encode(v);
    return out;
}

nlohmann::json read_report(store::Store& db, const config::Config& config,
                           std::map<std::string, std::string> parameters, long long since,
                           long long until) {
    parameters["since"] = iso(since);
    parameters["until"] = iso(until);
    const auto query = parsed<report::ReportQuery>(report::parse_query(parameters, config));
    return report::to_json(report::run_report(db, config, query), query, config);
}

}  // namespace

JourneyData read_journey(store::Store& db, const config::Config& config, const std::string& flow,
                         const std::map<std::string, std::string>& filters,
                         const JourneyPeriods& periods, bool with_sales) {
    JourneyData d;
    d.flow = flow;
    d.periods = periods;
    d.filters = filter_query(filters);
    d.period_query = period_query(periods.since, periods.until);
    d.weeks_query = period_query(periods.week_starts.front(), periods.until);
    auto report = [&](const std::string& by, long long since, long long until) {
        auto parameters = filters;
        parameters["flow"] = flow;
        parameters["by"] = by;
        return read_report(db, config, parameters, since, until);
    };
    d.current = report("step", periods.since, periods.until);
    d.previous = report("step", periods.previous_since, periods.since);
    d.weekly = report("step,week", periods.week_starts.front(), periods.until);
    if (with_sales) {
        const auto query = parsed<report::SalesQuery>(report::parse_sales(
            {{"since", iso(periods.since)}, {"until", iso(periods.until)}}, config));
        d.sales = report::to_json(report::sales_report(db, config, query), query, config);
    }
    for (const auto& m : db.marks(flow)) d.markers.push_back({m.id, m.label, m.at});
    return d;
}

DrillData read_drill(store::Store& db, const config::Config& config, const std::string& flow,
                     const std::string& by, const std::map<std::string, std::string>& filters,
                     const JourneyPeriods& periods) {
    DrillData d;
    d.flow = flow;
    d.by = by;
    d.filters = filter_query(filters);
    d.period_query = period_query(periods.since, periods.until);
    auto parameters = filters;
    parameters.erase("step");  // the table shows every step
    parameters["flow"] = flow;
    parameters["by"] = by + ",step";
    d.table = read_report(db, config, parameters, periods.since, periods.until);
    return d;
}

}  // namespace cxgate::dashboard
