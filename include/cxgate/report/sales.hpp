#pragma once
// Customer experience beside sales. Per cell (a week, a staff member, a team, a segment, or
// everything): leads, deals won and lost, the win rate (won / closed) with its 95% margin,
// value won per currency, and beside them the experience figures of the same cell.
//
// And the funnel link: for closed deals, the win rate by the answer given earlier in the
// same deal (booking CES easy or hard, meeting CSAT satisfied or not, NPS promoter, passive
// or detractor), each with n and its margin, and for two-way splits the difference with a
// verdict (compare.hpp), so a bank can see whether a hard booking predicts a lost deal.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

struct SalesQuery {
    std::string by;  // week, staff, team, segment; empty: one cell for everything
    std::optional<long long> since, until;
    std::string timezone = "UTC";
};

struct SalesRow {
    std::string cell;
    int leads = 0, won = 0, lost = 0;
    std::optional<metrics::Figure> win_rate;  // % of closed deals won
    std::map<std::string, double> value_won;  // per currency
    std::vector<ReportRow> experience;        // the cell's figures per flow and metric
};

std::vector<SalesRow> sales_report(store::Store& db, const config::Config& config,
                                   const SalesQuery& query);
nlohmann::json to_json(const std::vector<SalesRow>& rows, const SalesQuery& query,
                       const config::Config& config);

struct WinRateRow {
    std::string flow, step, metric, answer;  // answer: easy, hard, satisfied, promoter, ...
    int deals = 0, won = 0;
    std::optional<metrics::Figure> win_rate;
};
struct WinRateSplit {
    std::string flow, step, metric;
    std::vector<WinRateRow> answers;
    // Two-way splits (easy/hard, satisfied/not, yes/no): the second's win rate minus the
    // first's, read as a change from the good answer to the bad one.
    std::optional<Difference> difference;
    std::string verdict;
};

// For every deal whose latest outcome (won or lost) is known, the answer given in the same
// deal before that outcome, per step (the latest answer of the step).
std::vector<WinRateSplit> win_rate_by_answer(store::Store& db, const std::string& flow);
nlohmann::json to_json(const std::vector<WinRateSplit>& splits);

}  // namespace cxgate::report
