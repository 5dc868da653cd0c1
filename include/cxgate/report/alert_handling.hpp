#pragma once
// How alerts are handled: per group (flow, step, staff member, team, segment, or all), how
// many were opened, acknowledged, resolved, escalated and are still open, and the time it
// took to acknowledge and to resolve them (median and mean, over those that got there).
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/store/alerts.hpp"

namespace cxgate::report {

struct AlertHandlingQuery {
    std::string flow;  // empty: every flow
    std::string by;    // "", flow, step, staff, team, segment
    long long since = 0, until = 0;
};

struct AlertHandlingRow {
    std::string group;  // the value of `by` ("" when by is empty)
    int opened = 0, acknowledged = 0, resolved = 0, escalated = 0, unresolved = 0;
    std::optional<double> median_acknowledge_seconds, mean_acknowledge_seconds;
    std::optional<double> median_resolve_seconds, mean_resolve_seconds;
    std::map<std::string, int> resolutions;  // called_back, solved, no_action
};

// The groups `by` may name.
const std::vector<std::string>& alert_groupings();

// Rows in group order; the alerts as store::AlertLog::alert_facts gives them.
std::vector<AlertHandlingRow> alert_handling(const std::vector<store::AlertFacts>& alerts,
                                             const std::string& by, const config::Config& config);

nlohmann::json to_json(const std::vector<AlertHandlingRow>& rows, const AlertHandlingQuery& query);
// A table for the terminal: durations as "2h 05m".
std::string to_text(const std::vector<AlertHandlingRow>& rows, const AlertHandlingQuery& query);

}  // namespace cxgate::report
