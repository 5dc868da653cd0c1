#pragma once
// Targets per flow step (`target: { nps: 40 }`, config::StepTargets) and the weekly check
// that alerts on them. A closed ISO week's figure of each targeted step and metric is
// judged twice: against the target, and against the four weeks before it pooled, as a
// before/after comparison (compare.hpp): it "dropped" when it is worse by more than the
// difference's 95% margin. A week with fewer answers than the target's min_answers is
// not judged either way: one unhappy customer is not a trend.
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

// The target a flow's step sets for one of its questions, if any.
std::optional<double> target_of(const config::Config& config, const std::string& flow,
                                const std::string& step, int question_index,
                                metrics::Metric metric);
// Whether a figure reaches its target: at or above it, or at or below for a CES whose low
// scores are the good ones.
bool reaches(double figure, double target, metrics::Metric metric, bool low_is_good);

struct Week {
    std::string label;  // 2026-W48
    Period period;      // Monday 00:00 to the next Monday 00:00, local time
};
// The ISO week containing `t` in `zone`.
Week week_containing(long long t, const date::time_zone& zone);
// The ISO week named `label` (2026-W48) in `zone`; none when the label is not a week.
std::optional<Week> week_named(const std::string& label, const date::time_zone& zone);

struct WeekCheck {
    std::string flow, step, question;
    metrics::Metric metric = metrics::Metric::nps;
    bool low_is_good = false;
    double target = 0;
    int n = 0, n_previous = 0;
    std::optional<metrics::Figure> figure;    // the week's
    std::optional<metrics::Figure> previous;  // the four weeks before it, pooled
    std::optional<Difference> change;         // figure - previous
    bool judged = false;                      // n >= the target's min_answers
    bool missed = false;                      // the figure does not reach the target
    bool dropped = false;  // worse than the four weeks before by more than the margin
    std::string outcome;   // met, missed, dropped, missed+dropped, too few answers
};

// Every target of `flow`'s steps, judged for `week`.
std::vector<WeekCheck> check_week(store::Store& db, const config::Config& config,
                                  const config::Flow& flow, const Week& week);
// Every targeted flow (or one) judged for one week: the GET /v1/targets answer.
struct TargetQuery {
    std::string flow;  // empty: every flow with a target
    std::string week;  // ISO week label; empty: the last whole week before now
    long long now = 0;
};
struct FlowWeekChecks {
    std::string flow;
    Week week;
    std::vector<WeekCheck> checks;
};
std::vector<FlowWeekChecks> target_report(store::Store& db, const config::Config& config,
                                          const TargetQuery& query);
nlohmann::json to_json(const std::vector<FlowWeekChecks>& report);

// The alert's sentence for a check that missed or dropped, in plain words.
std::string describe(const WeekCheck& check, const Week& week);
nlohmann::json to_json(const std::vector<WeekCheck>& checks, const Week& week);

}  // namespace cxgate::report
