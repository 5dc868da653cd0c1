#pragma once
// The dashboard's pages as HTML, drawn on the server from the analysis API's own JSON (the
// report rows GET /v1/reports answers), so every figure on a page can be had as JSON or CSV
// with the download links beside it. No script and no external asset: the page's CSP
// allows inline style only, and charts are inline SVG (charts.hpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/dashboard/words.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::dashboard {

// What every page of a logged-in user shows around its content.
struct Frame {
    Lang lang = Lang::en;
    std::string title;
    std::string email;       // who is logged in
    std::string scope_text;  // "every result", "your team's results", ...
    std::string csrf;        // for the logout form
    std::vector<std::pair<std::string, std::string>> flows;  // (name, href) to switch flows
    std::string flow;                                        // the one shown
    std::string section;           // journey, responses, alerts: the tab shown as current
    std::string filters;           // "&staff=s-1" carried into the tabs' links
    bool sees_everything = false;  // shows the tabs of views for managers (themes)
};

std::string page(const Frame& frame, const std::string& content);
std::string login_page(Lang lang, const std::string& csrf, const std::string& email,
                       const std::string& message);
std::string message_page(Lang lang, const std::string& title, const std::string& text);

// The periods a journey page reads: the last 28 local days (today included), the 28 before,
// and 12 ISO weeks, this one last; as Unix seconds, in the flow's zone.
struct JourneyPeriods {
    long long since = 0, until = 0, previous_since = 0;
    std::vector<long long> week_starts;  // 12 Mondays, oldest first; until ends the last
    std::vector<std::string> week_labels;
};
JourneyPeriods journey_periods(long long now, const date::time_zone& zone);

// A change marker to draw on the trends.
struct Marker {
    std::int64_t id = 0;
    std::string label;
    long long at = 0;
};

struct JourneyData {
    std::string flow;
    JourneyPeriods periods;
    nlohmann::json current;   // GET /v1/reports?flow=F&by=step&since&until (+ the filters)
    nlohmann::json previous;  // the same for the 28 days before
    nlohmann::json weekly;    // by=step,week over the 12 weeks
    std::optional<nlohmann::json> sales;  // GET /v1/sales for the period; none: not for this role
    std::vector<Marker> markers;
    std::string filters;  // "&staff=s-1" as narrowed for the viewer: carried into every link
    std::string period_query, weeks_query;  // "since=...&until=..." of current and weekly
};

std::string journey(const JourneyData& data, const Words& words);

// Reads what the journey page shows, on the reader's connection: the reports of the current
// and previous period and of the 12 weeks, as GET /v1/reports would answer them under
// `filters` (already narrowed for the viewer), the sales line when `with_sales`, and the
// flow's markers. Throws std::invalid_argument on a filter the reports refuse.
JourneyData read_journey(store::Store& db, const config::Config& config, const std::string& flow,
                         const std::map<std::string, std::string>& filters,
                         const JourneyPeriods& periods, bool with_sales);

struct DrillData {
    std::string flow;
    std::string by;        // staff, team, segment, channel, outcome
    nlohmann::json table;  // GET /v1/reports?flow=F&by=<by>,step&since&until (+ filters)
    std::string filters;
    std::string period_query;  // "since=...&until=..." of the table
};

// The table of `by` x step as a heat map: each cell coloured from red to green on its
// metric's scale, with n; a row links to the journey narrowed to it.
std::string drill_down(const DrillData& data, const Words& words);

// Reads the drill-down's table for the current period (as read_journey reads its reports).
DrillData read_drill(store::Store& db, const config::Config& config, const std::string& flow,
                     const std::string& by, const std::map<std::string, std::string>& filters,
                     const JourneyPeriods& periods);

// The before/after comparison around a change marker (GET /v1/compare's JSON): per step the
// figure on each side with n and margin, the difference with its margin, and whether it is
// more than noise.
std::string comparison(const nlohmann::json& compare, const std::string& api_query,
                       const Words& words);

// A page of answered surveys, newest first: the responses list, or the alerts inbox (those
// whose low score alerted someone).
struct SurveyList {
    std::string flow;
    bool alerts = false;
    std::vector<store::SurveyRow> rows;
    std::string next_cursor;  // "answered_at.id" of the last row when there may be more
    std::string filters;      // "&staff=s-1", as narrowed for the viewer
    std::string zone;         // the flow's, for local times
    // The alerts inbox: each row's alert as handled so far, and the link to its page (signed
    // by the caller, who holds the link secret), by survey id.
    std::map<std::int64_t, store::AlertRow> alert_of;
    std::map<std::int64_t, std::string> handle_url;
};
inline constexpr size_t kListPage = 50;

// Reads a page after `cursor` ("" for the first) under `filters` (staff=, team=, step=).
SurveyList read_survey_list(store::Store& db, const config::Config& config, const std::string& flow,
                            const std::map<std::string, std::string>& filters, bool alerts,
                            const std::optional<std::pair<long long, std::int64_t>>& after);
std::string survey_list(const SurveyList& list, const config::Config& config, const Words& words);

// Why the figures move: each configured theme of the "why?" comments (GET /v1/themes's JSON)
// with its mentions, share and the figures of the answers that mention it, and the comments
// of no theme for review.
std::string themes(const nlohmann::json& report, const std::string& flow, const Words& words);

}  // namespace cxgate::dashboard
