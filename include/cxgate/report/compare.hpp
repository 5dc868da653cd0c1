#pragma once
// Before and after: each step's figure in two periods (equal windows either side of a change
// marker, or any two periods), their difference with its 95% confidence interval, and a
// verdict in plain words.
//
// The headline figure of each metric is compared: NPS (a difference of two three-category
// proportions: each answer scores +1/0/-1), CSAT % satisfied (a difference of proportions),
// CES mean (a difference of means). The periods are independent samples, so the margin of
// the difference is sqrt(m1^2 + m2^2), each m being 1.96 standard errors (foundation/
// metrics.hpp). A difference larger than its margin is reported as a change; otherwise as
// "not distinguishable from noise at this n".
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

struct Period {
    long long since = 0, until = 0;  // Unix seconds, [since, until)
};

struct CompareQuery {
    std::string flow;
    Filters where;
    Period before, after;
    std::string timezone = "UTC";
    std::optional<store::MarkRow> mark;  // when the periods stand either side of a marker
};

struct Difference {
    double value = 0;
    std::optional<double> margin;  // empty when either period has fewer than 2 answers
    bool distinguishable = false;  // |value| > margin
};

struct ComparisonRow {
    std::string step, question, flow;
    metrics::Metric metric = metrics::Metric::nps;
    std::string figure;  // "nps", "satisfied_pct" or "mean"
    bool low_is_good = false;
    int n_before = 0, n_after = 0;
    std::optional<metrics::Figure> before, after;
    std::optional<Difference> difference;
    std::string verdict;  // "improved by 12.0 ± 7.0 points", ...
};

// The headline figure of a result: NPS, CSAT % satisfied or CES mean.
std::optional<metrics::Figure> headline(const metrics::MetricResult& result);
Difference difference(const metrics::Figure& before, const metrics::Figure& after);
// In words, for people: better or worse by how much, or no telling at this n.
std::string verdict(const std::optional<Difference>& d, metrics::Metric metric, bool low_is_good);

std::vector<ComparisonRow> compare(store::Store& db, const config::Config& config,
                                   const CompareQuery& query);
nlohmann::json to_json(const std::vector<ComparisonRow>& rows, const CompareQuery& query);

}  // namespace cxgate::report
