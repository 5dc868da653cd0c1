// The drill-down: one dimension against the funnel's steps as a heat map (pages.hpp).
#include <map>
#include <vector>

#include "cxgate/dashboard/charts.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/dashboard/report_rows.hpp"
#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;
using json = nlohmann::json;

const char* dimension_word(const std::string& by, const Words& w) {
    if (by == "staff") return w.staff;
    if (by == "team") return w.team;
    if (by == "segment") return w.segment;
    if (by == "channel") return w.channel;
    return w.outcome;
}

}  // namespace

std::string drill_down(const DrillData& d, const Words& w) {
    // Steps in the order the report gives them (the funnel's), each by its first question.
    std::vector<std::string> steps;
    std::map<std::string, std::string> first_question;
    std::vector<std::string> groups;
    std::map<std::string, std::string> names;
    std::map<std::pair<std::string, std::string>, const json*> cells;
    for (const auto& row : field(d.table, "rows")) {
        const auto step = row.value("step", "");
        const auto question = row.value("question", "");
        if (!first_question.count(step)) {
            first_question[step] = question;
            steps.push_back(step);
        }
        if (first_question[step] != question) continue;
        const auto group =
            field(row, d.by.c_str()).is_string() ? field(row, d.by.c_str()).get<std::string>() : "";
        if (!names.count(group)) {
            groups.push_back(group);
            const auto name_field = d.by + "_name";
            names[group] = row.contains(name_field) && field(row, name_field.c_str()).is_string()
                               ? field(row, name_field.c_str()).get<std::string>()
                               : group;
        }
        cells[{group, step}] = &row;
    }
    const std::string word = dimension_word(d.by, w);
    std::string out = "<h2>" + escape(w.drill_down) + ": " + escape(d.flow) + " · " + escape(word) +
                      "</h2><p class=\"note\">" + escape(w.period) + ": " + escape(w.last_28_days) +
                      ". " + escape(w.margin_note) + "</p>";
    out += "<nav aria-label=\"" + escape(w.by) + "\">" + escape(w.by) + ":";
    for (const std::string by : {"staff", "team", "segment", "channel", "outcome"})
        out += " <a href=\"/drill?flow=" + url::encode(d.flow) + "&amp;by=" + by +
               escape(d.filters) + "\"" + (by == d.by ? " class=\"on\"" : "") + ">" +
               escape(dimension_word(by, w)) + "</a>";
    out += "</nav>";
    out += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">" + escape(word) + "</th>";
    for (const auto& step : steps) out += "<th scope=\"col\">" + escape(step) + "</th>";
    out += "</tr></thead><tbody>";
    for (const auto& group : groups) {
        // A staff member's or a team's row opens the journey narrowed to them.
        std::string head =
            escape(names[group].empty() ? "(" + std::string(w.no_answers) + ")" : names[group]);
        if ((d.by == "staff" || d.by == "team") && !group.empty())
            head = "<a href=\"/?flow=" + url::encode(d.flow) + "&amp;" + d.by + "=" +
                   url::encode(group) + "\">" + head + "</a>";
        out += "<tr><th scope=\"row\">" + head + "</th>";
        for (const auto& step : steps) {
            auto it = cells.find({group, step});
            if (it == cells.end()) {
                out += "<td class=\"cell\"></td>";
                continue;
            }
            const auto& row = *it->second;
            const auto figure = headline(row);
            const auto axis = axis_of(row);
            out += "<td class=\"cell\" style=\"background:" +
                   heat_color(figure ? std::optional<double>(figure->value) : std::nullopt,
                              axis.min, axis.max, row.value("low_is_good", false)) +
                   "\">";
            if (figure) {
                out += format_number(figure->value) + escape(axis.unit);
                if (figure->margin)
                    out += " <small>±" + format_number(*figure->margin) + "</small>";
            }
            out += "<br><small>n=" + std::to_string(row.value("n", 0)) + "</small></td>";
        }
        out += "</tr>";
    }
    out += "</tbody></table></div>";
    const std::string query = escape("flow=" + url::encode(d.flow) + "&by=" + d.by + ",step" +
                                     d.filters + "&" + d.period_query);
    out += "<p class=\"downloads\">" + escape(w.download) + ": <a href=\"/v1/reports?" + query +
           "&amp;format=csv\">CSV</a><a href=\"/v1/reports?" + query + "\">JSON</a></p>";
    return out;
}

}  // namespace cxgate::dashboard
