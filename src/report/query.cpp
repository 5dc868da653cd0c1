#include "cxgate/report/query.hpp"

#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace cxgate::report {

using namespace cxgate::metrics;

namespace {

const std::vector<std::string> kDimensions{"step",    "staff",   "segment",
                                           "channel", "outcome", "week"};

std::string or_none(const std::string& value) {
    return value.empty() ? "(none)" : value;
}

// The group an answer falls in for a dimension (by=week is decided by the caller, in the
// survey's own zone). Outcome is the event that caused the survey (deal.won, deal.lost,
// meeting.completed, ...).
std::string group_of(const std::string& by, const store::AnsweredQuestion& a) {
    if (by == "step") return a.step;
    if (by == "staff") return or_none(a.staff_id);
    if (by == "segment") return or_none(a.segment);
    if (by == "channel") return or_none(a.channel);
    return a.event_type;  // outcome
}

std::string fmt(double v, int decimals = 1) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

// "33.3 ±40.1"; a margin left out (n < 2) is shown as "-", as the JSON's null, so a blank
// is never mistaken for a margin of zero.
std::string figure(const std::optional<Figure>& f, const char* unit = "") {
    if (!f) return "-";
    return fmt(f->value) + unit + " ±" + (f->margin ? fmt(*f->margin) : std::string("-"));
}

nlohmann::json figure_json(const std::optional<Figure>& f) {
    if (!f) return nullptr;
    nlohmann::json j{{"value", std::round(f->value * 10) / 10}};
    j["margin"] =
        f->margin ? nlohmann::json(std::round(*f->margin * 10) / 10) : nlohmann::json(nullptr);
    return j;
}

}  // namespace

bool valid_dimension(const std::string& by) {
    return std::find(kDimensions.begin(), kDimensions.end(), by) != kDimensions.end();
}

std::vector<ReportRow> run_report(store::Store& db, const ReportQuery& query, std::string* error) {
    if (!valid_dimension(query.by)) {
        if (error) *error = "by: must be one of step, staff, segment, channel, outcome, week";
        return {};
    }
    // One row per answered question: a step of several questions reports each on its own.
    store::AnswerFilter filter;
    filter.flow = query.flow;
    if (query.since) filter.since = *query.since;
    if (query.until) filter.until = *query.until;
    const auto answers = db.answered_questions(filter);

    // Groups keep the order in which they first appear (steps in funnel order).
    // group, flow, metric, scale min, max, low_is_good, question index and id (by step only:
    // other dimensions pool the answers of one metric and scale).
    using Key = std::tuple<std::string, std::string, std::string, int, int, bool, int, std::string>;
    std::vector<Key> order;
    std::map<Key, std::vector<int>> scores;
    const bool by_week = query.by == "week";
    const date::time_zone* fallback_zone = nullptr;
    try {
        fallback_zone = date::locate_zone(query.timezone);
    } catch (const std::exception&) {
        fallback_zone = date::locate_zone("UTC");
    }
    std::map<std::string, const date::time_zone*> zones;
    auto zone_of = [&](const std::string& name) {
        if (name.empty()) return fallback_zone;
        auto [it, inserted] = zones.try_emplace(name, fallback_zone);
        if (inserted) {
            try {
                it->second = date::locate_zone(name);
            } catch (const std::exception&) {
            }
        }
        return it->second;
    };
    const bool by_step = query.by == "step";
    for (const auto& a : answers) {
        std::string group_value =
            by_week ? timing::iso_week_label(timing::TimePoint{std::chrono::seconds{a.answered_at}},
                                             *zone_of(a.timezone))
                    : group_of(query.by, a);
        Key key{group_value,
                a.flow,
                a.metric,
                a.scale_min,
                a.scale_max,
                a.low_is_good,
                by_step ? a.question : 0,
                by_step ? a.question_id : std::string()};
        auto [it, inserted] = scores.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.push_back(a.score);
    }
    // Weeks read in time order; other groups in the order they first appear (funnel order).
    if (by_week)
        std::stable_sort(order.begin(), order.end(), [](const Key& a, const Key& b) {
            return std::get<0>(a) < std::get<0>(b);
        });
    std::vector<ReportRow> rows;
    for (const auto& key : order) {
        const auto& [group_value, flow, metric_name, min, max, low_is_good, index, question] = key;
        auto metric = parse_metric(metric_name).value_or(Metric::csat);
        ReportRow row;
        row.group = group_value;
        row.question = question;
        row.question_index = index;
        row.flow = flow;
        row.scale = Scale{min, max};
        row.low_is_good = low_is_good;
        row.result = compute(metric, row.scale, low_is_good, scores[key]);
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json to_json(const std::vector<ReportRow>& rows, const ReportQuery& query) {
    nlohmann::json out{{"by", query.by}, {"rows", nlohmann::json::array()}};
    if (!query.flow.empty()) out["flow"] = query.flow;
    for (const auto& row : rows) {
        const auto& r = row.result;
        nlohmann::json j{{query.by, row.group},
                         {"flow", row.flow},
                         {"metric", to_string(r.metric)},
                         {"scale", to_string(row.scale)},
                         {"n", r.n}};
        if (!row.question.empty()) j["question"] = row.question;
        if (r.metric == Metric::nps || r.metric == Metric::enps) {
            j["nps"] = figure_json(r.nps);
            j["promoters_pct"] = std::round(r.promoters_pct * 10) / 10;
            j["passives_pct"] = std::round(r.passives_pct * 10) / 10;
            j["detractors_pct"] = std::round(r.detractors_pct * 10) / 10;
        } else if (r.metric == Metric::csat) {
            j["satisfied_pct"] = figure_json(r.satisfied_pct);
            j["mean"] = figure_json(r.mean);
        } else {
            j["mean"] = figure_json(r.mean);
            j["easy_pct"] = figure_json(r.easy_pct);
            j["low_is_good"] = row.low_is_good;
        }
        out["rows"].push_back(j);
    }
    return out;
}

std::string to_table(const std::vector<ReportRow>& rows, const ReportQuery& query) {
    char line[256];
    std::string out;
    std::snprintf(line, sizeof line, "%-20s %-18s %-6s %5s  %-16s %-16s\n", query.by.c_str(),
                  "flow", "metric", "n", "score (95% MoE)", "mean (95% MoE)");
    out += line;
    for (const auto& row : rows) {
        const auto& r = row.result;
        std::string headline, mean = figure(r.mean);
        if (r.metric == Metric::nps || r.metric == Metric::enps)
            headline = "NPS " + figure(r.nps);
        else if (r.metric == Metric::csat)
            headline = figure(r.satisfied_pct, "%") + " sat";
        else
            headline = figure(r.easy_pct, "%") + " easy";
        // The first question of a step reads as the step; the others as step/question.
        const std::string group =
            row.question_index > 0 ? row.group + "/" + row.question : row.group;
        std::snprintf(line, sizeof line, "%-20s %-18s %-6s %5d  %-16s %-16s\n", group.c_str(),
                      row.flow.c_str(), to_string(r.metric).c_str(), r.n, headline.c_str(),
                      mean.c_str());
        out += line;
    }
    if (rows.empty()) out += "(no answers yet)\n";
    return out;
}

}  // namespace cxgate::report
