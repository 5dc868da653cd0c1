// The before/after page of a change marker (pages.hpp).
#include "cxgate/dashboard/charts.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/dashboard/report_rows.hpp"
#include "cxgate/foundation/html.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;
using json = nlohmann::json;

std::string figure_cell(const json& figure, int n) {
    if (!figure.is_object() || !field(figure, "value").is_number()) return "<td>–</td>";
    std::string out = "<td>" + format_number(field(figure, "value").get<double>());
    if (field(figure, "margin").is_number())
        out += " <small>±" + format_number(field(figure, "margin").get<double>()) + "</small>";
    return out + "<br><small>n=" + std::to_string(n) + "</small></td>";
}

}  // namespace

std::string comparison(const json& c, const std::string& api_query, const Words& w) {
    std::string out = "<h2>" + escape(w.compare);
    if (c.contains("mark"))
        out += ": " + escape(field(c, "mark").value("label", "")) + " (" +
               escape(field(c, "mark").value("at", "").substr(0, 10)) + ")";
    out += "</h2><p class=\"note\">" + escape(w.before) + " " +
           escape(field(c, "before").value("since", "").substr(0, 10)) + " – " +
           escape(field(c, "before").value("until", "").substr(0, 10)) + " · " + escape(w.after) +
           " " + escape(field(c, "after").value("since", "").substr(0, 10)) + " – " +
           escape(field(c, "after").value("until", "").substr(0, 10)) + ". " +
           escape(w.margin_note) + "</p>";
    out += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">" + escape(w.step) +
           "</th><th scope=\"col\">" + escape(w.before) + "</th><th scope=\"col\">" +
           escape(w.after) + "</th><th scope=\"col\">" + escape(w.difference) +
           "</th></tr></thead><tbody>";
    for (const auto& row : field(c, "rows")) {
        std::string step = row.value("step", "");
        if (row.contains("question")) step += " (" + row.value("question", "") + ")";
        out += "<tr><th scope=\"row\">" + escape(step) + "<br><small>" +
               escape(row.value("metric", "")) + " " + escape(row.value("figure", "")) +
               "</small></th>" + figure_cell(field(row, "before"), row.value("n_before", 0)) +
               figure_cell(field(row, "after"), row.value("n_after", 0));
        const auto& d = field(row, "difference");
        if (!d.is_object()) {
            out += "<td>" + escape(w.no_answers) + "</td></tr>";
            continue;
        }
        const double value = field(d, "value").get<double>();
        const bool clear = d.value("distinguishable", false);
        // The verdict's own words say which way is better for this metric.
        const auto verdict = row.value("verdict", "");
        const bool better = verdict.rfind("improved", 0) == 0;
        out += "<td><b class=\"" +
               std::string(!clear   ? "same"
                           : better ? "up"
                                    : "down") +
               "\">" + (value > 0 ? "+" : "") + format_number(value) + "</b>";
        if (field(d, "margin").is_number())
            out += " ±" + format_number(field(d, "margin").get<double>());
        out += "<br><small>" +
               escape(!clear   ? w.not_distinguishable
                      : better ? w.better
                               : w.worse) +
               "</small></td></tr>";
    }
    out += "</tbody></table></div><p class=\"downloads\">" + escape(w.download) +
           ": <a href=\"/v1/compare?" + escape(api_query) +
           "&amp;format=csv\">CSV</a><a href=\"/v1/compare?" + escape(api_query) +
           "\">JSON</a></p>";
    return out;
}

}  // namespace cxgate::dashboard
