// Targets and the weekly check (targets.hpp).
#include "cxgate/report/targets.hpp"

#include <date/iso_week.h>

#include <cmath>
#include <cstdio>

#include "cells.hpp"
#include "cxgate/foundation/timing.hpp"
#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

long long local_midnight(date::local_days day, const date::time_zone& zone) {
    // A midnight that does not exist (a DST jump at 00:00) starts at the first instant after.
    return zone.to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest)
        .time_since_epoch()
        .count();
}

Week week_starting(date::local_days monday, const date::time_zone& zone) {
    const iso_week::year_weeknum_weekday week{date::sys_days{monday.time_since_epoch()}};
    char label[16];
    std::snprintf(label, sizeof label, "%04d-W%02u", static_cast<int>(week.year()),
                  static_cast<unsigned>(week.weeknum()));
    return Week{label,
                Period{local_midnight(monday, zone), local_midnight(monday + date::days{7}, zone)}};
}

date::local_days monday_of(const Week& week, const date::time_zone& zone) {
    const auto local = zone.to_local(date::sys_seconds{std::chrono::seconds{week.period.since}});
    return date::floor<date::days>(local);
}

// The unit of a figure itself (a difference has its own: difference_unit).
const char* level_unit(Metric metric) {
    if (metric == Metric::csat) return " %";
    if (metric == Metric::ces) return "";
    return " points";
}

std::string figure_words(const Figure& f) {
    return fmt(f.value) + (f.margin ? " ± " + fmt(*f.margin) : std::string());
}

}  // namespace

std::optional<double> target_of(const config::Config& config, const std::string& flow,
                                const std::string& step, int question_index, Metric metric) {
    const auto* f = config.find_flow(flow);
    const auto* s = f ? f->find_step(step) : nullptr;
    if (!s || !s->targets) return std::nullopt;
    for (const auto& t : s->targets->figures)
        if (t.metric == metric && t.question == question_index) return t.value;
    return std::nullopt;
}

bool reaches(double figure, double target, Metric metric, bool low_is_good) {
    return (metric == Metric::ces && low_is_good) ? figure <= target : figure >= target;
}

Week week_containing(long long t, const date::time_zone& zone) {
    const auto local =
        date::floor<date::days>(zone.to_local(date::sys_seconds{std::chrono::seconds{t}}));
    const iso_week::year_weeknum_weekday week{date::sys_days{local.time_since_epoch()}};
    const iso_week::year_weeknum_weekday monday{week.year(), week.weeknum(), iso_week::mon};
    return week_starting(date::local_days{date::sys_days{monday}.time_since_epoch()}, zone);
}

std::optional<Week> week_named(const std::string& label, const date::time_zone& zone) {
    int year = 0;
    unsigned number = 0;
    char tail = 0;
    if (label.size() != 8 || std::sscanf(label.c_str(), "%4d-W%2u%c", &year, &number, &tail) != 2)
        return std::nullopt;
    const iso_week::year_weeknum_weekday monday{iso_week::year{year}, iso_week::weeknum{number},
                                                iso_week::mon};
    if (!monday.ok()) return std::nullopt;
    return week_starting(date::local_days{date::sys_days{monday}.time_since_epoch()}, zone);
}

std::vector<WeekCheck> check_week(store::Store& db, const config::Config& config,
                                  const config::Flow& flow, const Week& week) {
    std::vector<WeekCheck> out;
    bool any = false;
    for (const auto& step : flow.steps) any = any || step.targets.has_value();
    if (!any) return out;
    Zones zones(flow.timezone);
    const auto& zone = zones.of(flow.timezone);
    CompareQuery query;
    query.flow = flow.name;
    query.timezone = zone.name();
    query.after = week.period;
    query.before =
        Period{local_midnight(monday_of(week, zone) - date::days{28}, zone), week.period.since};
    const auto rows = compare(db, config, query);
    for (const auto& step : flow.steps) {
        if (!step.targets) continue;
        for (const auto& target : step.targets->figures) {
            WeekCheck c;
            c.flow = flow.name;
            c.step = step.id;
            c.question = step.questions[target.question].id;
            c.metric = target.metric;
            c.low_is_good = step.questions[target.question].low_is_good;
            c.target = target.value;
            for (const auto& row : rows) {
                if (row.step != step.id || row.metric != target.metric ||
                    row.question != c.question)
                    continue;
                c.n = row.n_after;
                c.n_previous = row.n_before;
                c.figure = row.after;
                c.previous = row.before;
                c.change = row.difference;
            }
            c.judged = c.figure && c.n >= step.targets->min_answers;
            if (c.judged) {
                c.missed = !reaches(c.figure->value, c.target, c.metric, c.low_is_good);
                // Worse: lower, or higher for a CES whose low scores are the good ones.
                const bool worse =
                    c.change && (c.metric == Metric::ces && c.low_is_good ? c.change->value > 0
                                                                          : c.change->value < 0);
                c.dropped = worse && c.change->distinguishable;
            }
            c.outcome = !c.judged               ? "too few answers"
                        : c.missed && c.dropped ? "missed+dropped"
                        : c.missed              ? "missed"
                        : c.dropped             ? "dropped"
                                                : "met";
            out.push_back(std::move(c));
        }
    }
    return out;
}

std::string describe(const WeekCheck& c, const Week& week) {
    std::string text = c.flow + " / " + c.step + " " + to_string(c.metric) + " in " + week.label +
                       ": " + (c.figure ? figure_words(*c.figure) : std::string("-")) +
                       level_unit(c.metric) + " (n " + std::to_string(c.n) + ")";
    if (c.missed) text += ", short of the target of " + fmt(c.target) + level_unit(c.metric);
    if (c.dropped && c.change && c.change->margin)
        text += std::string(c.missed ? "; and " : ", ") + "down by " +
                fmt(std::fabs(c.change->value)) + " ± " + fmt(*c.change->margin) +
                difference_unit(c.metric) + " from " +
                (c.previous ? fmt(c.previous->value) : std::string("-")) +
                " over the four weeks before (n " + std::to_string(c.n_previous) + ")";
    return text;
}

std::vector<FlowWeekChecks> target_report(store::Store& db, const config::Config& config,
                                          const TargetQuery& query) {
    std::vector<FlowWeekChecks> out;
    for (const auto& flow : config.flows) {
        if (!query.flow.empty() && flow.name != query.flow) continue;
        Zones zones(flow.timezone);
        const auto& zone = zones.of(flow.timezone);
        std::optional<Week> week;
        if (!query.week.empty())
            week = week_named(query.week, zone);
        else
            week = week_containing(week_containing(query.now, zone).period.since - 1, zone);
        if (!week) continue;
        auto checks = check_week(db, config, flow, *week);
        if (!checks.empty()) out.push_back(FlowWeekChecks{flow.name, *week, std::move(checks)});
    }
    return out;
}

nlohmann::json to_json(const std::vector<FlowWeekChecks>& report) {
    nlohmann::json out{{"flows", nlohmann::json::array()}};
    for (const auto& f : report) {
        auto j = to_json(f.checks, f.week);
        j["flow"] = f.flow;
        out["flows"].push_back(j);
    }
    return out;
}

nlohmann::json to_json(const std::vector<WeekCheck>& checks, const Week& week) {
    nlohmann::json out{
        {"week", week.label},
        {"since",
         timing::format_iso8601(timing::TimePoint{std::chrono::seconds{week.period.since}})},
        {"until",
         timing::format_iso8601(timing::TimePoint{std::chrono::seconds{week.period.until}})},
        {"targets", nlohmann::json::array()}};
    for (const auto& c : checks) {
        nlohmann::json j{{"flow", c.flow},
                         {"step", c.step},
                         {"question", c.question},
                         {"metric", to_string(c.metric)},
                         {"target", c.target},
                         {"n", c.n},
                         {"figure", figure_json(c.figure)},
                         {"n_previous", c.n_previous},
                         {"previous", figure_json(c.previous)},
                         {"change", c.change ? difference_json(*c.change, "") : nullptr},
                         {"outcome", c.outcome}};
        if (j["change"].is_object()) j["change"].erase("verdict");
        if (c.missed || c.dropped) j["summary"] = describe(c, week);
        out["targets"].push_back(j);
    }
    return out;
}

}  // namespace cxgate::report
