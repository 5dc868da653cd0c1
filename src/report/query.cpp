// The report engine: answers grouped into cells of one or two dimensions, each cell's
// figures computed by the metric's formula (foundation/metrics), and the response rate of
// the same cell from the surveys sent in the period.
#include "cxgate/report/query.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "cells.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/targets.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

// What a report groups and filters by, the same for an answer and for a sent survey.
struct Facts {
    const std::string &step, &event_type, &staff_id, &segment, &channel, &timezone;
    long long at;  // answered_at for an answer, sent_at for a sent survey: its week
};

Facts facts_of(const store::AnsweredQuestion& a) {
    return {a.step, a.event_type, a.staff_id, a.segment, a.channel, a.timezone, a.answered_at};
}
Facts facts_of(const store::SentSurvey& s) {
    return {s.step, s.event_type, s.staff_id, s.segment, s.channel, s.timezone, s.sent_at};
}

class Grouping {
  public:
    Grouping(const config::Config& config, const ReportQuery& query)
        : config_(config), query_(query), zones_(query.timezone) {}

    std::string value(const std::string& dimension, const Facts& f) {
        if (dimension == "step") return f.step;
        if (dimension == "staff") return or_none(f.staff_id);
        if (dimension == "team") return or_none(team_of(config_, f.staff_id));
        if (dimension == "segment") return or_none(f.segment);
        if (dimension == "channel") return or_none(f.channel);
        if (dimension == "week")
            return timing::iso_week_label(timing::TimePoint{std::chrono::seconds{f.at}},
                                          zones_.of(f.timezone));
        return f.event_type;  // outcome: the event that caused the survey (deal.won, ...)
    }

    bool wanted(const Facts& f) const {
        const auto& w = query_.where;
        auto is = [](const std::string& want, const std::string& have) {
            return want.empty() || want == have;
        };
        return is(w.step, f.step) && is(w.staff, f.staff_id) && is(w.segment, f.segment) &&
               is(w.channel, f.channel) && is(w.outcome, f.event_type) &&
               (w.team.empty() || w.team == team_of(config_, f.staff_id));
    }

    std::vector<std::string> cell(const Facts& f) {
        std::vector<std::string> out;
        for (const auto& d : query_.by) out.push_back(value(d, f));
        return out;
    }

  private:
    const config::Config& config_;
    const ReportQuery& query_;
    Zones zones_;
};

bool has(const std::vector<std::string>& by, const char* dimension) {
    return std::find(by.begin(), by.end(), dimension) != by.end();
}

}  // namespace

const std::vector<std::string>& dimensions() {
    static const std::vector<std::string> all{"step",    "staff",   "team", "segment",
                                              "channel", "outcome", "week"};
    return all;
}

bool valid_dimension(const std::string& by) {
    return has(dimensions(), by.c_str());
}

std::vector<ReportRow> run_report(store::Store& db, const config::Config& config,
                                  const ReportQuery& query) {
    store::AnswerFilter filter;
    filter.flow = query.flow;
    filter.since = query.since;
    filter.until = query.until;
    Grouping grouping(config, query);
    const bool by_step = has(query.by, "step");

    // Response rates per cell, flow and the survey's metric.
    using RateKey = std::tuple<std::vector<std::string>, std::string, std::string>;
    std::map<RateKey, ResponseRate> rates;
    for (const auto& s : db.sent_surveys(filter)) {
        const auto f = facts_of(s);
        if (!grouping.wanted(f)) continue;
        auto& rate = rates[RateKey{grouping.cell(f), s.flow, s.metric}];
        ++rate.sent;
        rate.answered += s.answered ? 1 : 0;
    }

    // One row per cell, flow, metric and scale (and question, with the step dimension: a
    // step of several questions reports each on its own). Cells keep the order in which
    // they first appear (steps in funnel order); weeks read in time order.
    using Key = std::tuple<std::vector<std::string>, std::string, std::string, int, int, bool, int,
                           std::string, std::string>;
    std::vector<Key> order;
    std::map<Key, std::vector<int>> scores;
    for (const auto& a : db.answered_questions(filter)) {
        const auto f = facts_of(a);
        if (!grouping.wanted(f)) continue;
        Key key{grouping.cell(f),
                a.flow,
                a.metric,
                a.scale_min,
                a.scale_max,
                a.low_is_good,
                by_step ? a.question : 0,
                by_step ? a.question_id : std::string(),
                a.survey_metric};
        auto [it, inserted] = scores.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.push_back(a.score);
    }
    // Sorted by the first dimension, then the second: a week by its label (time order),
    // any other value (in its flow) by where it first appeared (funnel order for steps).
    std::vector<std::map<std::string, size_t>> first_seen(query.by.size());
    auto seen_as = [](const Key& key, size_t d) {
        return std::get<0>(key)[d] + '\0' + std::get<1>(key);
    };
    for (const auto& key : order)
        for (size_t d = 0; d < query.by.size(); ++d)
            first_seen[d].try_emplace(seen_as(key, d), first_seen[d].size());
    auto rank = [&](const Key& key, size_t d) -> std::pair<size_t, std::string> {
        if (query.by[d] == "week") return {0, std::get<0>(key)[d]};
        return {first_seen[d][seen_as(key, d)], ""};
    };
    std::stable_sort(order.begin(), order.end(), [&](const Key& a, const Key& b) {
        for (size_t d = 0; d < query.by.size(); ++d)
            if (rank(a, d) != rank(b, d)) return rank(a, d) < rank(b, d);
        return false;
    });

    const size_t step_dimension =
        static_cast<size_t>(std::find(query.by.begin(), query.by.end(), "step") - query.by.begin());
    std::vector<ReportRow> rows;
    for (const auto& key : order) {
        const auto& [cell, flow, metric_name, min, max, low_is_good, index, question,
                     survey_metric] = key;
        ReportRow row;
        row.groups = cell;
        row.question = question;
        row.question_index = index;
        row.flow = flow;
        row.scale = Scale{min, max};
        row.low_is_good = low_is_good;
        row.result = compute(parse_metric(metric_name).value_or(Metric::csat), row.scale,
                             low_is_good, scores[key]);
        if (auto it = rates.find(RateKey{cell, flow, survey_metric}); it != rates.end()) {
            auto rate = it->second;
            rate.pct = Figure{
                100.0 * rate.answered / rate.sent,
                proportion_margin(static_cast<double>(rate.answered) / rate.sent, rate.sent)};
            row.response_rate = rate;
        }
        if (step_dimension < query.by.size())
            row.target = target_of(config, flow, cell[step_dimension], index, row.result.metric);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace cxgate::report
