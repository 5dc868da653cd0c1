// Before and after (compare.hpp).
#include "cxgate/report/compare.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "cxgate/foundation/timing.hpp"
#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

const char* figure_name(Metric metric) {
    if (metric == Metric::nps || metric == Metric::enps) return "nps";
    if (metric == Metric::csat) return "satisfied_pct";
    return "mean";
}

// The unit a difference is read in.
std::vector<ReportRow> rows_in(store::Store& db, const config::Config& config,
                               const CompareQuery& query, const Period& period) {
    ReportQuery q;
    q.flow = query.flow;
    q.by = {"step"};
    q.where = query.where;
    q.since = period.since;
    q.until = period.until;
    q.timezone = query.timezone;
    return run_report(db, config, q);
}

std::string iso(long long t) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
}

}  // namespace

std::optional<Figure> headline(const MetricResult& result) {
    if (result.metric == Metric::nps || result.metric == Metric::enps) return result.nps;
    if (result.metric == Metric::csat) return result.satisfied_pct;
    return result.mean;
}

Difference difference(const Figure& before, const Figure& after) {
    Difference d;
    d.value = after.value - before.value;
    if (before.margin && after.margin) {
        d.margin = std::sqrt(*before.margin * *before.margin + *after.margin * *after.margin);
        d.distinguishable = std::fabs(d.value) > *d.margin;
    }
    return d;
}

std::string verdict(const std::optional<Difference>& d, Metric metric, bool low_is_good) {
    if (!d) return "no answers in one of the periods";
    if (!d->margin) return "too few answers to tell (fewer than 2 in a period)";
    if (!d->distinguishable) return "not distinguishable from noise at this n";
    // A CES read low-is-good improves when its mean falls.
    const bool better = (low_is_good && metric == Metric::ces) ? d->value < 0 : d->value > 0;
    return std::string(better ? "improved" : "declined") + " by " + fmt(std::fabs(d->value)) +
           " ± " + fmt(*d->margin) + difference_unit(metric);
}

std::vector<ComparisonRow> compare(store::Store& db, const config::Config& config,
                                   const CompareQuery& query) {
    const auto before = rows_in(db, config, query, query.before);
    const auto after = rows_in(db, config, query, query.after);
    // Steps (and their questions) in the order either period shows them first.
    using Key = std::tuple<std::string, std::string, std::string, std::string>;
    std::vector<Key> order;
    std::map<Key, ComparisonRow> rows;
    auto take = [&](const ReportRow& r, bool is_after) {
        Key key{r.flow, r.groups[0], r.question, to_string(r.result.metric)};
        auto [it, inserted] = rows.try_emplace(key);
        if (inserted) order.push_back(key);
        auto& c = it->second;
        c.flow = r.flow;
        c.step = r.groups[0];
        c.question = r.question;
        c.metric = r.result.metric;
        c.figure = figure_name(r.result.metric);
        c.low_is_good = r.low_is_good;
        (is_after ? c.n_after : c.n_before) = r.result.n;
        (is_after ? c.after : c.before) = headline(r.result);
    };
    for (const auto& r : before) take(r, false);
    for (const auto& r : after) take(r, true);
    std::vector<ComparisonRow> out;
    for (const auto& key : order) {
        auto c = rows[key];
        if (c.before && c.after) c.difference = difference(*c.before, *c.after);
        c.verdict = verdict(c.difference, c.metric, c.low_is_good);
        out.push_back(std::move(c));
    }
    return out;
}

nlohmann::json to_json(const std::vector<ComparisonRow>& rows, const CompareQuery& query) {
    nlohmann::json out{
        {"before", {{"since", iso(query.before.since)}, {"until", iso(query.before.until)}}},
        {"after", {{"since", iso(query.after.since)}, {"until", iso(query.after.until)}}},
        {"rows", nlohmann::json::array()}};
    if (!query.flow.empty()) out["flow"] = query.flow;
    if (query.mark)
        out["mark"] = {
            {"id", query.mark->id}, {"label", query.mark->label}, {"at", iso(query.mark->at)}};
    for (const auto& c : rows) {
        nlohmann::json j{{"flow", c.flow},
                         {"step", c.step},
                         {"metric", to_string(c.metric)},
                         {"figure", c.figure},
                         {"before", figure_json(c.before)},
                         {"after", figure_json(c.after)},
                         {"n_before", c.n_before},
                         {"n_after", c.n_after},
                         {"verdict", c.verdict}};
        if (!c.question.empty()) j["question"] = c.question;
        if (c.difference) {
            j["difference"] = {
                {"value", one_decimal(c.difference->value)},
                {"margin", c.difference->margin ? nlohmann::json(one_decimal(*c.difference->margin))
                                                : nullptr},
                {"distinguishable", c.difference->distinguishable}};
        } else {
            j["difference"] = nullptr;
        }
        out["rows"].push_back(j);
    }
    return out;
}

}  // namespace cxgate::report
