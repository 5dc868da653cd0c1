// The responses list and the alerts inbox (pages.hpp): answered surveys newest first, a page
// at a time, each with its score and comment, only those the viewer may see.
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/report/parameters.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;

std::string local(long long t, const date::time_zone& zone) {
    // "2026-11-23T10:05:00+02:00" -> "2026-11-23 10:05"
    const auto text = timing::format_local(timing::TimePoint{std::chrono::seconds{t}}, zone);
    return text.substr(0, 10) + " " + text.substr(11, 5);
}

std::string staff_name(const store::SurveyRow& s, const config::Config& config) {
    if (auto it = config.staff.find(s.staff_id);
        it != config.staff.end() && !it->second.name.empty())
        return it->second.name;
    return s.staff_name.empty() ? s.staff_id : s.staff_name;
}

// The alert's state, who took it and when, and the link to its page while it is not resolved.
std::string handling_cell(const SurveyList& list, std::int64_t survey_id,
                          const date::time_zone& zone, const Words& w) {
    auto a = list.alert_of.find(survey_id);
    if (a == list.alert_of.end()) return "";
    const auto& alert = a->second;
    std::string out;
    switch (alert.state) {
        case store::AlertHandling::open:
            out = "<b>" + escape(w.alert_open) + "</b>";
            break;
        case store::AlertHandling::acknowledged:
            out =
                escape(w.alert_acknowledged) + "<br><small>" + escape(alert.acknowledged_by) +
                (alert.acknowledged_at ? ", " + escape(local(*alert.acknowledged_at, zone)) : "") +
                "</small>";
            break;
        case store::AlertHandling::resolved:
            out = escape(w.alert_resolved) + "<br><small>" + escape(alert.resolved_by) +
                  (alert.resolved_at ? ", " + escape(local(*alert.resolved_at, zone)) : "") +
                  "</small>";
            break;
    }
    if (auto url = list.handle_url.find(survey_id); url != list.handle_url.end())
        out += "<br><a href=\"" + escape(url->second) + "\">" + escape(w.handle) + "</a>";
    return out;
}

}  // namespace

SurveyList read_survey_list(store::Store& db, const config::Config& config, const std::string& flow,
                            const std::map<std::string, std::string>& filters, bool alerts,
                            const std::optional<std::pair<long long, std::int64_t>>& after) {
    SurveyList list;
    list.flow = flow;
    list.alerts = alerts;
    list.zone = report::zone_for(config, flow).name();
    // A list is of people and steps; the report filters of segment, channel and outcome are
    // not the list's.
    for (const auto& [k, v] : filters)
        if (k == "staff" || k == "team" || k == "step")
            list.filters += "&" + k + "=" + url::encode(v);
    store::ResponsePage page;
    page.flow = flow;
    if (auto it = filters.find("step"); it != filters.end()) page.step = it->second;
    page.staff = report::staff_of(filters, config);
    page.alerted_only = alerts;
    page.newest_first = true;
    page.after = after;
    page.limit = kListPage;
    list.rows = db.answered_surveys(page);
    if (alerts)
        for (const auto& s : list.rows)
            if (auto a = db.alert_for_survey(s.id)) list.alert_of.emplace(s.id, *a);
    if (list.rows.size() == kListPage && list.rows.back().answered_at)
        list.next_cursor = std::to_string(*list.rows.back().answered_at) + "." +
                           std::to_string(list.rows.back().id);
    return list;
}

std::string survey_list(const SurveyList& list, const config::Config& config, const Words& w) {
    const auto& zone = *date::locate_zone(list.zone);
    std::string out =
        "<h2>" + escape(list.alerts ? w.alerts : w.responses) + ": " + escape(list.flow) + "</h2>";
    if (list.alerts) out += "<p class=\"note\">" + escape(w.alerts_note) + "</p>";
    if (list.rows.empty()) return out + "<p>" + escape(w.nothing_yet) + "</p>";
    out += "<div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">" +
           escape(w.when) + "</th><th scope=\"col\">" + escape(w.step) + "</th><th scope=\"col\">" +
           escape(w.staff) + "</th><th scope=\"col\">" + escape(w.customer) +
           "</th><th scope=\"col\">" + escape(w.score) + "</th><th scope=\"col\">" +
           escape(w.comment) + "</th>" +
           (list.alerts ? "<th scope=\"col\">" + escape(w.handling) + "</th>" : std::string()) +
           "</tr></thead><tbody>";
    for (const auto& s : list.rows) {
        const std::string customer =
            s.contact_name.empty() ? s.segment
                                   : s.contact_name + (s.segment.empty() ? "" : " · " + s.segment);
        out += "<tr><td>" + escape(s.answered_at ? local(*s.answered_at, zone) : "") + "</td><td>" +
               escape(s.step) + "</td><td>" + escape(staff_name(s, config)) + "</td><td>" +
               escape(customer) + "</td><td class=\"cell\"><b>" +
               (s.score ? std::to_string(*s.score) : "") + "</b> <br><small>" + escape(s.metric) +
               " " + std::to_string(s.scale_min) + "-" + std::to_string(s.scale_max) +
               "</small></td><td>" + escape(s.comment) + "</td>";
        if (list.alerts) out += "<td>" + handling_cell(list, s.id, zone, w) + "</td>";
        out += "</tr>";
    }
    out += "</tbody></table></div>";
    const std::string base = std::string(list.alerts ? "/alerts" : "/responses") +
                             "?flow=" + url::encode(list.flow) + list.filters;
    if (!list.next_cursor.empty())
        out += "<p><a rel=\"next\" href=\"" + escape(base + "&after=" + list.next_cursor) + "\">" +
               escape(w.older) + " →</a></p>";
    const std::string api = escape("flow=" + url::encode(list.flow) + list.filters);
    out += "<p class=\"downloads\">" + escape(w.download) + ": <a href=\"/v1/responses?" + api +
           "&amp;format=csv\">CSV</a><a href=\"/v1/responses?" + api + "\">JSON</a></p>";
    return out;
}

}  // namespace cxgate::dashboard
