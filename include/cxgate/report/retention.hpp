#pragma once
// Retention beside experience: of the customers who won a deal in a period, the share who
// came back (an event of a configured type, a renewal or a second product, within the
// window after the win), for everyone and split by their NPS group, so "promoters stay" can
// be checked on a company's own data.
//
// A win counts once its window has closed: a customer won last week has not yet had the
// chance to return, and counting them as gone would pull every recent figure down. Such
// wins are reported as pending. A deal won twice (a repeated event) counts once, from its
// first win.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

struct RetentionQuery {
    std::optional<long long> since, until;  // won in [since, until)
    // Read as of this instant (a window closes by it); default: the clock's now. Every
    // return counted lies before it, since only closed windows count.
    std::optional<long long> as_of;
    std::string timezone = "UTC";
};

struct RetentionGroup {
    std::string group;  // everyone, promoter, passive, detractor, no NPS answer
    int customers = 0;  // wins whose window has closed
    int returned = 0;
    std::optional<metrics::Figure> share;  // % returned, with its 95% margin
};

struct RetentionReport {
    std::vector<std::string> event_types;
    int within_days = 0;
    int pending = 0;  // wins whose window is still open, not counted
    RetentionGroup everyone;
    std::vector<RetentionGroup> by_nps;  // promoter, passive, detractor, no NPS answer
    // Detractors' share minus promoters': negative when promoters return more often.
    std::optional<Difference> detractors_vs_promoters;
    std::string verdict;
};

// now: the daemon's clock, which decides whose window has closed unless the query says as_of.
RetentionReport retention_report(store::Store& db, const config::Config& config,
                                 const RetentionQuery& query, long long now);
nlohmann::json to_json(const RetentionReport& report, const RetentionQuery& query);

}  // namespace cxgate::report
