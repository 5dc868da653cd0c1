// The report engine: answers grouped into cells of one or two dimensions, each cell's
// figures computed by the metric's formula (foundation/metrics), and the response rate of
// the same cell from the surveys sent in the period.
#include "cxgate/report/query.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "cells.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/targets.hpp"
#include "tallies.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

// What a report groups and filters by, the same for answers and for sent surveys.
class Grouping {
  public:
    Grouping(const config::Config& config, const ReportQuery& query)
        : config_(config), query_(query) {}

    std::string value(const std::string& dimension, const store::TallyFacts& f) {
        if (dimension == "step") return f.step;
        if (dimension == "staff") return or_none(f.staff_id);
        if (dimension == "team") return or_none(team_of(config_, f.staff_id));
        if (dimension == "segment") return or_none(f.segment);
        if (dimension == "channel") return or_none(f.channel);
        if (dimension == "week") return week_of(f);
        return f.event_type;  // outcome: the event that caused the survey (deal.won, ...)
    }

    bool wanted(const store::TallyFacts& f) const {
        const auto& w = query_.where;
        auto is = [](const std::string& want, const std::string& have) {
            return want.empty() || want == have;
        };
        return is(w.step, f.step) && is(w.staff, f.staff_id) && is(w.segment, f.segment) &&
               is(w.channel, f.channel) && is(w.outcome, f.event_type) &&
               (w.team.empty() || w.team == team_of(config_, f.staff_id));
    }

    std::vector<std::string> cell(const store::TallyFacts& f) {
        std::vector<std::string> out;
        for (const auto& d : query_.by) out.push_back(value(d, f));
        return out;
    }

  private:
    // The ISO week of the local day, in the zone the day was counted in (UTC for surveys
    // that recorded none); a few zones and hundreds of days, each labelled once.
    const std::string& week_of(const store::TallyFacts& f) {
        auto [it, inserted] = weeks_.try_emplace({f.timezone, f.day});
        if (inserted)
            it->second = timing::iso_week_label(timing::TimePoint{std::chrono::seconds{f.day}},
                                                zones_.of(f.timezone));
        return it->second;
    }

    const config::Config& config_;
    const ReportQuery& query_;
    Zones zones_{"UTC"};
    std::map<std::pair<std::string, long long>, std::string> weeks_;
};

bool has(const std::vector<std::string>& by, const char* dimension) {
    return std::find(by.begin(), by.end(), dimension) != by.end();
}

// Every dimension the query reads: what it groups by and what it filters on.
std::vector<std::string> dimensions_read(const ReportQuery& query) {
    auto out = query.by;
    const auto& w = query.where;
    if (!w.staff.empty()) out.push_back("staff");
    if (!w.team.empty()) out.push_back("team");
    if (!w.segment.empty()) out.push_back("segment");
    if (!w.channel.empty()) out.push_back("channel");
    return out;
}

// Tallies in the order their answers were recorded in the funnel: flows by name, each step
// where its first survey falls, questions in order, then by first survey. A cell's values
// then appear in the order the answers first gave them (steps in funnel order).
void in_funnel_order(std::vector<store::AnswerTally>& tallies) {
    std::map<std::pair<std::string, std::string>, std::int64_t> step_order;
    for (const auto& t : tallies) {
        auto [it, inserted] = step_order.try_emplace({t.facts.flow, t.facts.step}, t.first_survey);
        if (!inserted) it->second = std::min(it->second, t.first_survey);
    }
    auto place = [&](const store::AnswerTally& t) {
        return std::tuple<const std::string&, std::int64_t, int, std::int64_t>(
            t.facts.flow, step_order[{t.facts.flow, t.facts.step}], t.question, t.first_survey);
    };
    std::stable_sort(tallies.begin(), tallies.end(),
                     [&](const auto& a, const auto& b) { return place(a) < place(b); });
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
    TallyPeriod period{query.flow, query.since, query.until};
    const auto grain = grain_for(dimensions_read(query));
    Grouping grouping(config, query);
    const bool by_step = has(query.by, "step");

    // Response rates per cell, flow and the survey's metric.
    using RateKey = std::tuple<std::vector<std::string>, std::string, std::string>;
    std::map<RateKey, ResponseRate> rates;
    for (const auto& s : sent_tallies(db, period, grain)) {
        if (!grouping.wanted(s.facts)) continue;
        auto& rate = rates[RateKey{grouping.cell(s.facts), s.facts.flow, s.metric}];
        rate.sent += static_cast<int>(s.sent);
        rate.answered += static_cast<int>(s.answered);
    }

    // One row per cell, flow, metric and scale (and question, with the step dimension: a
    // step of several questions reports each on its own). Cells keep the order in which
    // they first appear (steps in funnel order); weeks read in time order.
    using Key = std::tuple<std::vector<std::string>, std::string, std::string, int, int, bool, int,
                           std::string, std::string>;
    std::vector<Key> order;
    std::map<Key, ScoreCounts> scores;
    auto tallies = answer_tallies(db, period, grain);
    in_funnel_order(tallies);
    for (const auto& t : tallies) {
        if (!grouping.wanted(t.facts)) continue;
        Key key{grouping.cell(t.facts),
                t.facts.flow,
                t.metric,
                t.scale_min,
                t.scale_max,
                t.low_is_good,
                by_step ? t.question : 0,
                by_step ? t.question_id : std::string(),
                t.survey_metric};
        auto [it, inserted] = scores.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.add(t.counts);
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
        // An anonymous flow's cell of a few answers would point at the people who gave them.
        if (const auto* f = config.find_flow(flow);
            f && f->anonymous && row.result.n < config::kAnonymousMinimum)
            continue;
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace cxgate::report
