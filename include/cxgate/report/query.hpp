#pragma once
// Reports over recorded answers: one row per cell of one or two dimensions (step, staff,
// team, segment, channel, outcome, ISO 8601 week "2026-W49") and metric, each figure with n
// and its 95% margin of error, and the cell's response rate beside it.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

// Only answers (and sent surveys) whose facts match every non-empty field count.
struct Filters {
    std::string step, staff, team, segment, channel, outcome;
};

struct ReportQuery {
    std::string flow;                     // empty: every flow
    std::vector<std::string> by{"step"};  // one or two dimensions, in this order
    Filters where;
    std::optional<long long> since, until;  // Unix seconds: answered_at (sent_at for rates)
    // ISO weeks are read in each survey's own zone; this one for surveys that recorded none
    // (created before zones were stored): defaults.timezone.
    std::string timezone = "UTC";
};

// Of the surveys that reached the customer in the period (sent and not failed), the share
// answered, with its 95% margin in percentage points.
struct ResponseRate {
    int sent = 0, answered = 0;
    metrics::Figure pct;
};

struct ReportRow {
    std::vector<std::string> groups;  // one value per dimension of the query, in its order
    std::string flow;
    metrics::MetricResult result;
    metrics::Scale scale;
    bool low_is_good = false;
    // by step: which question of the step ("q1", or the id the flow gave it) and its place
    // (0: the first). Without the step dimension questions of one metric are pooled: empty.
    std::string question;
    int question_index = 0;
    std::optional<ResponseRate> response_rate;
    // by step: the step's target for this question (`target: { nps: 40 }`), if it has one.
    std::optional<double> target;
};

// The dimensions a report may be cut by.
const std::vector<std::string>& dimensions();
bool valid_dimension(const std::string& by);

std::vector<ReportRow> run_report(store::Store& db, const config::Config& config,
                                  const ReportQuery& query);

// Staff and teams carry their names from the staff directory beside their ids.
nlohmann::json to_json(const std::vector<ReportRow>& rows, const ReportQuery& query,
                       const config::Config& config);
// A fixed-width table for terminals.
std::string to_table(const std::vector<ReportRow>& rows, const ReportQuery& query,
                     const config::Config& config);

}  // namespace cxgate::report
