#pragma once
// Reports over recorded answers: one row per group (step, staff, segment, channel,
// outcome or ISO 8601 week, "2026-W49") and metric, each figure with n and its 95% margin of error.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "cxgate/store/store.hpp"

#include "cxgate/foundation/metrics.hpp"

namespace cxgate::report {

struct ReportRow {
    std::string group;  // the step id, staff id, segment, channel, outcome or ISO week
    std::string flow;
    metrics::MetricResult result;
    metrics::Scale scale;
    bool low_is_good = false;
    // by=step: which question of the step ("q1", or the id the flow gave it) and its place
    // (0: the first). Other dimensions pool questions: empty.
    std::string question;
    int question_index = 0;
};

struct ReportQuery {
    std::string flow;                       // empty: every flow
    std::string by = "step";                // step, staff, segment, channel, outcome, week
    std::optional<long long> since, until;  // answered_at bounds, Unix seconds
    // ISO weeks (by=week) are read in each survey's own zone; this one for surveys that
    // recorded none (created before zones were stored): defaults.timezone.
    std::string timezone = "UTC";
};

// Returns an error text in *error for an unknown `by`.
std::vector<ReportRow> run_report(store::Store& db, const ReportQuery& query, std::string* error);
bool valid_dimension(const std::string& by);

nlohmann::json to_json(const std::vector<ReportRow>& rows, const ReportQuery& query);
// A fixed-width table for terminals.
std::string to_table(const std::vector<ReportRow>& rows, const ReportQuery& query);

}  // namespace cxgate::report
