// Experience beside sales (sales.hpp).
#include "cxgate/report/sales.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "cells.hpp"
#include "cxgate/foundation/timing.hpp"
#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

// The answer group of a first-question score: the words people use for it.
std::string answer_group(const std::string& metric, int score, int min, int max, bool low_is_good) {
    const bool two_point = max - min == 1;
    if (metric == "nps" || metric == "enps")
        return score >= 9 ? "promoter" : score <= 6 ? "detractor" : "passive";
    if (two_point) return score == max ? "yes" : "no";
    if (metric == "csat") return score >= max - 1 ? "satisfied" : "not satisfied";
    const bool easy = low_is_good ? score <= min + 1 : score >= max - 1;
    return easy ? "easy" : "hard";
}

// The order answers are shown in: the good answer first.
int answer_rank(const std::string& answer) {
    static const std::vector<std::string> order{"easy",          "satisfied", "yes",
                                                "promoter",      "passive",   "hard",
                                                "not satisfied", "no",        "detractor"};
    for (size_t i = 0; i < order.size(); ++i)
        if (order[i] == answer) return static_cast<int>(i);
    return 99;
}

}  // namespace

std::vector<SalesRow> sales_report(store::Store& db, const config::Config& config,
                                   const SalesQuery& query) {
    store::AnswerFilter filter;
    filter.since = query.since;
    filter.until = query.until;
    Zones zones(query.timezone);
    auto cell_of = [&](const store::SalesEventRow& e) -> std::string {
        if (query.by == "staff") return or_none(e.staff_id);
        if (query.by == "team") return or_none(team_of(config, e.staff_id));
        if (query.by == "segment") return or_none(e.segment);
        if (query.by == "week") {
            return timing::iso_week_label(timing::TimePoint{std::chrono::seconds{e.occurred_at}},
                                          zones.of(e.timezone));
        }
        return "all";
    };
    std::vector<std::string> order;
    std::map<std::string, SalesRow> rows;
    for (const auto& e : db.sales_events(filter)) {
        const auto cell = cell_of(e);
        auto [it, inserted] = rows.try_emplace(cell);
        if (inserted) order.push_back(cell);
        auto& row = it->second;
        row.cell = cell;
        if (e.kind == "lead") ++row.leads;
        if (e.kind == "lost") ++row.lost;
        if (e.kind == "won") {
            ++row.won;
            if (e.value) row.value_won[e.currency] += *e.value;
        }
    }
    if (query.by == "week") std::sort(order.begin(), order.end());
    // The experience of the same cells, from the answers of the same period.
    ReportQuery q;
    if (!query.by.empty()) q.by = {query.by};
    q.since = query.since;
    q.until = query.until;
    q.timezone = query.timezone;
    if (query.by.empty()) q.by.clear();  // one cell: every answer pooled per flow and metric
    std::map<std::string, std::vector<ReportRow>> experience;
    for (auto& r : run_report(db, config, q))
        experience[r.groups.empty() ? "all" : r.groups[0]].push_back(std::move(r));
    std::vector<SalesRow> out;
    for (const auto& cell : order) {
        auto row = rows[cell];
        row.win_rate = share(row.won, row.won + row.lost);
        row.experience = experience[cell];
        out.push_back(std::move(row));
    }
    return out;
}

nlohmann::json to_json(const std::vector<SalesRow>& rows, const SalesQuery& query,
                       const config::Config& config) {
    nlohmann::json out{
        {"by", query.by.empty() ? nlohmann::json(nullptr) : nlohmann::json(query.by)},
        {"rows", nlohmann::json::array()}};
    for (const auto& r : rows) {
        nlohmann::json j{{"leads", r.leads},
                         {"won", r.won},
                         {"lost", r.lost},
                         {"win_rate", figure_json(r.win_rate)},
                         {"value_won", r.value_won}};
        j[query.by.empty() ? "cell" : query.by] = r.cell;
        if (query.by == "staff" || query.by == "team") {
            auto it = config.staff.find(r.cell);
            j[query.by + "_name"] = it == config.staff.end() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(it->second.name);
        }
        nlohmann::json experience = nlohmann::json::array();
        for (const auto& e : r.experience) {
            if (e.question_index > 0) continue;  // the step's own (first) question
            experience.push_back({{"flow", e.flow},
                                  {"metric", to_string(e.result.metric)},
                                  {"n", e.result.n},
                                  {"figure", figure_json(headline(e.result))}});
        }
        j["experience"] = experience;
        out["rows"].push_back(j);
    }
    return out;
}

std::vector<WinRateSplit> win_rate_by_answer(store::Store& db, const std::string& flow) {
    // Each deal's latest outcome and when it came.
    std::map<std::string, std::pair<store::Seconds, bool>> outcome;  // deal -> (at, won)
    for (const auto& e : db.sales_events({})) {
        if (e.deal_id.empty() || (e.kind != "won" && e.kind != "lost")) continue;
        auto& o = outcome[e.deal_id];
        if (e.occurred_at >= o.first) o = {e.occurred_at, e.kind == "won"};
    }
    // Per deal and step, the latest first-question answer given before the outcome.
    using StepKey = std::tuple<std::string, std::string, std::string>;  // flow, step, metric
    std::map<std::pair<std::string, StepKey>, std::pair<store::Seconds, std::string>> answers;
    std::vector<StepKey> step_order;
    store::AnswerFilter filter;
    filter.flow = flow;
    for (const auto& a : db.answered_questions(filter)) {
        if (a.question != 0 || a.deal_id.empty()) continue;
        auto o = outcome.find(a.deal_id);
        if (o == outcome.end() || a.answered_at > o->second.first) continue;
        StepKey step{a.flow, a.step, a.metric};
        if (std::find(step_order.begin(), step_order.end(), step) == step_order.end())
            step_order.push_back(step);
        auto& kept = answers[{a.deal_id, step}];
        if (kept.second.empty() || a.answered_at >= kept.first)
            kept = {a.answered_at,
                    answer_group(a.metric, a.score, a.scale_min, a.scale_max, a.low_is_good)};
    }
    std::map<StepKey, std::map<std::string, WinRateRow>> groups;
    for (const auto& [key, answer] : answers) {
        const auto& [deal, step] = key;
        auto& row = groups[step][answer.second];
        row.flow = std::get<0>(step);
        row.step = std::get<1>(step);
        row.metric = std::get<2>(step);
        row.answer = answer.second;
        ++row.deals;
        row.won += outcome[deal].second ? 1 : 0;
    }
    std::vector<WinRateSplit> out;
    for (const auto& step : step_order) {
        WinRateSplit split;
        std::tie(split.flow, split.step, split.metric) = step;
        for (auto& [_, row] : groups[step]) {
            row.win_rate = share(row.won, row.deals);
            split.answers.push_back(row);
        }
        std::sort(split.answers.begin(), split.answers.end(),
                  [](const WinRateRow& a, const WinRateRow& b) {
                      return answer_rank(a.answer) < answer_rank(b.answer);
                  });
        if (split.answers.size() == 2 && split.metric != "nps" && split.metric != "enps") {
            const auto& good = split.answers[0].win_rate;
            const auto& bad = split.answers[1].win_rate;
            if (good && bad) {
                split.difference = difference(*good, *bad);
                split.verdict = group_verdict(
                    *split.difference, "too few deals to tell (fewer than 2 in a group)",
                    "win rate", " after \"" + split.answers[1].answer + "\"");
            }
        }
        out.push_back(std::move(split));
    }
    return out;
}

nlohmann::json to_json(const std::vector<WinRateSplit>& splits) {
    nlohmann::json out{{"steps", nlohmann::json::array()}};
    for (const auto& s : splits) {
        nlohmann::json answers = nlohmann::json::array();
        for (const auto& a : s.answers)
            answers.push_back({{"answer", a.answer},
                               {"deals", a.deals},
                               {"won", a.won},
                               {"win_rate", figure_json(a.win_rate)}});
        nlohmann::json j{
            {"flow", s.flow}, {"step", s.step}, {"metric", s.metric}, {"answers", answers}};
        if (s.difference) j["difference"] = difference_json(*s.difference, s.verdict);
        out["steps"].push_back(j);
    }
    return out;
}

}  // namespace cxgate::report
