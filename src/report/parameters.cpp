// Reading a report's parameters (parameters.hpp).
#include "cxgate/report/parameters.hpp"

#include <charconv>
#include <cstdio>
#include <limits>
#include <set>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::report {

namespace {

const date::time_zone* zone_named(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return date::locate_zone("UTC");
    }
}

// since= or until= into its bound; the error names the parameter.
std::optional<ParameterError> read_bound(const std::string& name, const std::string& text,
                                         const date::time_zone& zone,
                                         std::optional<long long>& since,
                                         std::optional<long long>& until) {
    auto t = read_time(text, zone);
    if (!t)
        return ParameterError{
            name, name + ": expected a date (2026-11-01) or an ISO 8601 time with offset"};
    (name == "since" ? since : until) = *t;
    return std::nullopt;
}

// A whole decimal integer within [low, high]; anything else (sign, spaces, trailing
// characters) is no integer at all.
std::optional<long long> read_integer(std::string_view text, long long low, long long high) {
    long long number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    if (number < low || number > high) return std::nullopt;
    return number;
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        out.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

std::string dimension_list() {
    std::string out;
    for (const auto& d : dimensions()) out += (out.empty() ? "" : ", ") + d;
    return out;
}

}  // namespace

std::optional<long long> read_time(const std::string& text, const date::time_zone& zone) {
    if (auto t = timing::parse_iso8601(text)) return t->time_since_epoch().count();
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        return std::nullopt;
    const date::year_month_day day{date::year{y}, date::month{m}, date::day{d}};
    if (!day.ok()) return std::nullopt;
    const date::local_seconds midnight{date::local_days{day}};
    return zone.to_sys(midnight, date::choose::earliest).time_since_epoch().count();
}

const date::time_zone& zone_for(const config::Config& config, const std::string& flow) {
    const auto* f = config.find_flow(flow);
    return *zone_named(f && !f->timezone.empty() ? f->timezone : config.defaults.timezone);
}

std::variant<ReportQuery, ParameterError> parse_query(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    static const std::set<std::string> known{"flow",    "by",      "step",    "staff", "team",
                                             "segment", "channel", "outcome", "since", "until"};
    auto value = [&](const std::string& name) {
        auto it = parameters.find(name);
        return it == parameters.end() ? std::string() : it->second;
    };
    ReportQuery query;
    query.flow = value("flow");
    query.timezone = zone_for(config, query.flow).name();

    if (!value("by").empty()) {
        query.by = split_commas(value("by"));
        if (query.by.size() > 2)
            return ParameterError{"by", "by: at most two dimensions, e.g. by=step,week"};
        for (const auto& d : query.by)
            if (!valid_dimension(d))
                return ParameterError{"by", "by: \"" + d + "\" is not one of " + dimension_list()};
        if (query.by.size() == 2 && query.by[0] == query.by[1])
            return ParameterError{"by", "by: the two dimensions must differ"};
    }
    query.where = Filters{value("step"),    value("staff"),   value("team"),
                          value("segment"), value("channel"), value("outcome")};

    const auto& zone = zone_for(config, query.flow);
    for (const auto* name : {"since", "until"}) {
        const auto text = value(name);
        if (text.empty()) continue;
        if (auto error = read_bound(name, text, zone, query.since, query.until)) return *error;
    }
    if (query.since && query.until && *query.until <= *query.since)
        return ParameterError{"until", "until: must be after since"};
    for (const auto& [name, _] : parameters)
        if (!known.count(name)) return ParameterError{name, name + ": not a report parameter"};
    return query;
}

namespace {

// "2026-10-01..2026-11-01": two instants, the second after the first.
std::optional<Period> read_period(const std::string& text, const date::time_zone& zone) {
    const auto dots = text.find("..");
    if (dots == std::string::npos) return std::nullopt;
    auto since = read_time(text.substr(0, dots), zone);
    auto until = read_time(text.substr(dots + 2), zone);
    if (!since || !until || *until <= *since) return std::nullopt;
    return Period{*since, *until};
}

}  // namespace

std::variant<CompareRequest, ParameterError> parse_compare(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    static const std::set<std::string> known{"flow",    "step",    "staff",   "team",
                                             "segment", "channel", "outcome", "mark",
                                             "days",    "before",  "after"};
    for (const auto& [name, _] : parameters)
        if (!known.count(name)) return ParameterError{name, name + ": not a comparison parameter"};
    auto value = [&](const std::string& name) {
        auto it = parameters.find(name);
        return it == parameters.end() ? std::string() : it->second;
    };
    CompareRequest request;
    auto& query = request.query;
    query.flow = value("flow");
    query.where = Filters{value("step"),    value("staff"),   value("team"),
                          value("segment"), value("channel"), value("outcome")};
    const auto& zone = zone_for(config, query.flow);
    query.timezone = zone.name();
    if (!value("mark").empty()) {
        const auto id = read_integer(value("mark"), 1, std::numeric_limits<long long>::max());
        if (!id) return ParameterError{"mark", "mark: a marker's id"};
        request.mark_id = *id;
        if (!value("days").empty()) {
            const auto days = read_integer(value("days"), 1, 366);
            if (!days) return ParameterError{"days", "days: a number of days from 1 to 366"};
            request.days = static_cast<int>(*days);
        }
        if (!value("before").empty() || !value("after").empty())
            return ParameterError{"mark", "mark: give either a marker or before= and after="};
        return request;
    }
    for (const auto* name : {"before", "after"}) {
        auto period = read_period(value(name), zone);
        if (!period)
            return ParameterError{name, std::string(name) +
                                            ": expected SINCE..UNTIL (2026-10-01..2026-11-01), "
                                            "or give mark="};
        (std::string(name) == "before" ? query.before : query.after) = *period;
    }
    return request;
}

std::variant<ThemeQuery, ParameterError> parse_themes(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    ThemeQuery query;
    auto flow = parameters.find("flow");
    if (flow != parameters.end()) query.flow = flow->second;
    const auto& zone = zone_for(config, query.flow);
    query.timezone = zone.name();
    for (const auto& [name, text] : parameters) {
        if (name == "flow") continue;
        if (name == "step") {
            query.step = text;
        } else if (name == "since" || name == "until") {
            if (auto error = read_bound(name, text, zone, query.since, query.until)) return *error;
        } else {
            return ParameterError{name, name + ": not a themes parameter"};
        }
    }
    return query;
}

std::variant<SalesQuery, ParameterError> parse_sales(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    SalesQuery query;
    const auto& zone = zone_for(config, "");
    query.timezone = zone.name();
    for (const auto& [name, text] : parameters) {
        if (name == "by") {
            if (text != "week" && text != "staff" && text != "team" && text != "segment")
                return ParameterError{"by", "by: one of week, staff, team, segment"};
            query.by = text;
        } else if (name == "since" || name == "until") {
            if (auto error = read_bound(name, text, zone, query.since, query.until)) return *error;
        } else {
            return ParameterError{name, name + ": not a sales report parameter"};
        }
    }
    return query;
}

std::variant<RetentionQuery, ParameterError> parse_retention(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    RetentionQuery query;
    const auto& zone = zone_for(config, "");
    query.timezone = zone.name();
    for (const auto& [name, text] : parameters) {
        if (name == "as_of") {
            query.as_of = read_time(text, zone);
            if (!query.as_of)
                return ParameterError{
                    name, "as_of: expected a date (2026-11-01) or an ISO 8601 time with offset"};
            continue;
        }
        if (name != "since" && name != "until")
            return ParameterError{name, name + ": not a retention parameter (since, until, as_of)"};
        if (auto error = read_bound(name, text, zone, query.since, query.until)) return *error;
    }
    return query;
}

std::variant<TargetQuery, ParameterError> parse_targets(
    const std::map<std::string, std::string>& parameters, const config::Config& config,
    long long now) {
    TargetQuery query;
    query.now = now;
    for (const auto& [name, text] : parameters) {
        if (name == "flow") {
            if (!config.find_flow(text))
                return ParameterError{"flow", "flow: no flow named \"" + text + "\""};
            query.flow = text;
        } else if (name == "week") {
            if (!week_named(text, *date::locate_zone("UTC")))
                return ParameterError{"week", "week: an ISO 8601 week such as 2026-W48"};
            query.week = text;
        } else {
            return ParameterError{name, name + ": not a targets parameter (flow, week)"};
        }
    }
    return query;
}

std::variant<CompareQuery, ParameterError> resolve(store::Store& db,
                                                   const CompareRequest& request) {
    auto query = request.query;
    if (!request.mark_id) return query;
    auto mark = db.find_mark(*request.mark_id);
    if (!mark) return ParameterError{"mark", "mark: no marker " + std::to_string(*request.mark_id)};
    if (query.flow.empty()) query.flow = mark->flow;
    const long long span = 86400LL * request.days;
    query.before = Period{mark->at - span, mark->at};
    query.after = Period{mark->at, mark->at + span};
    query.mark = mark;
    return query;
}

std::optional<std::vector<std::string>> staff_of(
    const std::map<std::string, std::string>& parameters, const config::Config& config) {
    if (auto it = parameters.find("staff"); it != parameters.end() && !it->second.empty())
        return std::vector<std::string>{it->second};
    if (auto it = parameters.find("team"); it != parameters.end() && !it->second.empty())
        return config.team_members(it->second);
    return std::nullopt;
}

}  // namespace cxgate::report
