// The journey view: a card per step in funnel order, its trend and the sales line beside
// them (pages.hpp).
#include <cmath>
#include <cstdio>
#include <map>

#include "cxgate/dashboard/charts.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/dashboard/report_rows.hpp"
#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;
using json = nlohmann::json;

// A key for one question of one step: the report's rows carry both.
std::string question_key(const json& row) {
    return row.value("step", "") + "\x1f" + row.value("question", "");
}

// Where a marker falls on the trend: week i is point i, so a change on the Thursday of the
// third week sits a little right of its point.
std::optional<double> marker_position(const JourneyPeriods& p, long long at) {
    if (p.week_starts.empty() || at < p.week_starts.front() || at >= p.until) return std::nullopt;
    size_t i = 0;
    while (i + 1 < p.week_starts.size() && p.week_starts[i + 1] <= at) ++i;
    const long long end = i + 1 < p.week_starts.size() ? p.week_starts[i + 1] : p.until;
    const double within = static_cast<double>(at - p.week_starts[i]) /
                          static_cast<double>(std::max<long long>(1, end - p.week_starts[i]));
    return static_cast<double>(i) + within - 0.5;
}

std::string signed_number(double v) {
    return (v > 0 ? "+" : "") + format_number(v);
}

std::string change_line(const json& row, const json* before, const Words& w) {
    const auto now = headline(row);
    const auto then = before ? headline(*before) : std::nullopt;
    if (!now || !then) return "";
    const double diff = now->value - then->value;
    std::optional<double> margin;
    if (now->margin && then->margin)
        margin = std::sqrt(*now->margin * *now->margin + *then->margin * *then->margin);
    const bool better = row.value("low_is_good", false) ? diff < 0 : diff > 0;
    const bool clear = margin && std::fabs(diff) > *margin;
    const char* css = !clear ? "same" : better ? "up" : "down";
    std::string out = "<p class=\"line\">" + escape(w.change) + " <b class=\"" + css + "\">" +
                      signed_number(diff) + "</b>";
    if (margin) out += " (±" + format_number(*margin) + ")";
    out += " " + escape(w.vs_previous);
    if (!clear) out += ", " + escape(w.not_distinguishable);
    return out + "</p>";
}

std::string card(const json& row, const json* before, const std::vector<const json*>& weeks,
                 const JourneyData& d, const Words& w) {
    const auto step = row.value("step", "");
    const auto axis = axis_of(row);
    std::string out = "<section class=\"card\" aria-label=\"" + escape(step) + "\"><h2>" +
                      escape(step) + "</h2><div class=\"metric\">" + escape(metric_label(row)) +
                      "</div>";
    const auto figure = headline(row);
    const int n = row.value("n", 0);
    if (figure) {
        out += "<p class=\"figure\">" + format_number(figure->value) + escape(axis.unit);
        if (figure->margin) out += " <small>±" + format_number(*figure->margin) + "</small>";
        out += "</p>";
    } else {
        out += "<p class=\"figure\"><small>" + escape(w.no_answers) + "</small></p>";
    }
    out += "<p class=\"line\">n = " + std::to_string(n) + "</p>";
    if (const auto& rate = field(row, "response_rate");
        rate.is_object() && field(rate, "value").is_number()) {
        const double pct = field(rate, "value").get<double>();
        out += "<div class=\"line rate\">" + escape(w.response_rate) + " " + format_number(pct) +
               "% (" + std::to_string(rate.value("answered", 0)) + "/" +
               std::to_string(rate.value("sent", 0)) + ")" +
               share_bar_svg(pct / 100.0, w.response_rate) + "</div>";
    }
    out += change_line(row, before, w);
    if (const auto& target = field(row, "target"); target.is_object()) {
        out += "<p class=\"line\">" + escape(w.target) + " " +
               format_number(field(target, "value").get<double>()) + escape(axis.unit);
        if (field(target, "met").is_boolean())
            out += field(target, "met").get<bool>()
                       ? " · <span class=\"met\">" + escape(w.target_met) + "</span>"
                       : " · <span class=\"missed\">" + escape(w.target_missed) + "</span>";
        out += "</p>";
    }
    TrendChart chart;
    chart.title = step + " · " + w.trend_12_weeks;
    chart.min = axis.min;
    chart.max = axis.max;
    chart.low_is_good = row.value("low_is_good", false);
    if (field(row, "target").is_object())
        chart.target = field(field(row, "target"), "value").get<double>();
    for (size_t i = 0; i < d.periods.week_labels.size(); ++i) {
        TrendPoint p;
        p.label = d.periods.week_labels[i];
        if (const json* week = weeks[i]) {
            const auto f = headline(*week);
            if (f) {
                p.value = f->value;
                p.margin = f->margin.value_or(0);
            }
            p.n = week->value("n", 0);
        }
        chart.points.push_back(p);
    }
    for (const auto& m : d.markers)
        if (auto at = marker_position(d.periods, m.at))
            chart.markers.push_back({m.label, *at,
                                     "/compare?flow=" + url::encode(d.flow) +
                                         "&mark=" + std::to_string(m.id) + d.filters});
    out += "<div class=\"metric\">" + escape(w.trend_12_weeks) + "</div>" +
           trend_svg(chart, w.no_answers);
    out += "<p class=\"line\"><a href=\"/drill?flow=" + url::encode(d.flow) +
           "&amp;by=staff&amp;step=" + url::encode(step) + escape(d.filters) + "\">" +
           escape(w.drill_down) + "</a></p></section>";
    return out;
}

std::string sales_card(const json& sales, const Words& w) {
    const auto& rows = field(sales, "rows");
    if (!rows.is_array() || rows.empty()) return "";
    const auto& r = rows[0];
    std::string out = "<section class=\"card\" aria-label=\"" + escape(w.sales) + "\"><h2>" +
                      escape(w.sales) + "</h2><div class=\"metric\">" + escape(w.last_28_days) +
                      "</div>";
    if (field(r, "win_rate").is_object()) {
        out += "<p class=\"figure\">" +
               format_number(field(field(r, "win_rate"), "value").get<double>()) + "% <small>" +
               escape(w.win_rate);
        if (field(field(r, "win_rate"), "margin").is_number())
            out += " ±" + format_number(field(field(r, "win_rate"), "margin").get<double>());
        out += "</small></p>";
    }
    out += "<p class=\"line\">" + escape(w.leads) + " " + std::to_string(r.value("leads", 0)) +
           " · " + escape(w.won) + " " + std::to_string(r.value("won", 0)) + " · " +
           escape(w.lost) + " " + std::to_string(r.value("lost", 0)) + "</p></section>";
    return out;
}

}  // namespace

std::string journey(const JourneyData& d, const Words& w) {
    std::map<std::string, const json*> before;
    for (const auto& row : field(d.previous, "rows")) before[question_key(row)] = &row;
    // (step, question) -> week label -> row
    std::map<std::string, std::map<std::string, const json*>> weekly;
    for (const auto& row : field(d.weekly, "rows"))
        weekly[question_key(row)][row.value("week", "")] = &row;

    std::string out = "<h2>" + escape(w.journey) + ": " + escape(d.flow) + "</h2>";
    out += "<p class=\"note\">" + escape(w.period) + ": " + escape(w.last_28_days) + ". " +
           escape(w.margin_note) + "</p><div class=\"cards\">";
    for (const auto& row : field(d.current, "rows")) {
        // The step's first question is its headline; further questions get their own card.
        const auto key = question_key(row);
        std::vector<const json*> weeks;
        for (const auto& label : d.periods.week_labels) {
            const auto& of = weekly[key];
            auto it = of.find(label);
            weeks.push_back(it == of.end() ? nullptr : it->second);
        }
        auto it = before.find(key);
        out += card(row, it == before.end() ? nullptr : it->second, weeks, d, w);
    }
    if (d.sales) out += sales_card(*d.sales, w);
    out += "</div>";
    // The same reports as the API gives them, with the same rights (callers.hpp).
    const std::string query = "flow=" + url::encode(d.flow) + d.filters;
    const std::string period = escape(query + "&by=step&" + d.period_query);
    const std::string weeks = escape(query + "&by=step,week&" + d.weeks_query);
    out += "<p class=\"downloads\">" + escape(w.download) + ": <a href=\"/v1/reports?" + period +
           "&amp;format=csv\">CSV</a><a href=\"/v1/reports?" + period +
           "\">JSON</a><a href=\"/v1/reports?" + weeks + "&amp;format=csv\">CSV (" +
           escape(w.trend_12_weeks) + ")</a></p>";
    out += "<nav aria-label=\"" + escape(w.drill_down) + "\">" + escape(w.by) + ":";
    for (const auto* by : {"staff", "team", "segment", "channel", "outcome"}) {
        const std::string label = std::string(by) == "staff"     ? w.staff
                                  : std::string(by) == "team"    ? w.team
                                  : std::string(by) == "segment" ? w.segment
                                  : std::string(by) == "channel" ? w.channel
                                                                 : w.outcome;
        out += " <a href=\"/drill?flow=" + url::encode(d.flow) + "&amp;by=" + by +
               escape(d.filters) + "\">" + escape(label) + "</a>";
    }
    out += "</nav>";
    return out;
}

}  // namespace cxgate::dashboard
