// The themes page (pages.hpp).
#include "cxgate/dashboard/charts.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/dashboard/report_rows.hpp"
#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;

}  // namespace

std::string themes(const nlohmann::json& report, const std::string& flow, const Words& w) {
    std::string out = "<h2>" + escape(w.themes) + ": " + escape(flow) + "</h2><p class=\"note\">" +
                      std::to_string(field(report, "comments").is_number()
                                         ? field(report, "comments").get<long long>()
                                         : 0) +
                      " " + escape(w.comment) + " · " + escape(w.margin_note) + "</p>";
    out += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">" + escape(w.theme) +
           "</th><th scope=\"col\">" + escape(w.mentions) + "</th><th scope=\"col\">" +
           escape(w.share) + "</th><th scope=\"col\">" + escape(w.answers) +
           "</th></tr></thead><tbody>";
    for (const auto& t : field(report, "themes")) {
        const auto& share = field(t, "share");
        std::string figures;
        for (const auto& f : field(t, "figures")) {
            const auto& figure = field(f, "figure");
            figures += (figures.empty() ? "" : "<br>") + escape(f.value("flow", "")) + " " +
                       escape(f.value("metric", "")) + " " +
                       (field(figure, "value").is_number()
                            ? format_number(field(figure, "value").get<double>())
                            : "–") +
                       " <small>n=" + std::to_string(f.value("n", 0)) + "</small>";
        }
        out += "<tr><th scope=\"row\">" + escape(t.value("theme", "")) +
               "</th><td class=\"cell\">" + std::to_string(t.value("mentions", 0)) + "</td><td>";
        if (field(share, "value").is_number()) {
            const double pct = field(share, "value").get<double>();
            out += format_number(pct) + "%";
            if (field(share, "margin").is_number())
                out +=
                    " <small>±" + format_number(field(share, "margin").get<double>()) + "</small>";
            out += share_bar_svg(pct / 100.0, t.value("theme", ""));
        }
        out += "</td><td>" + figures + "</td></tr>";
    }
    out += "</tbody></table></div><h3>" + escape(w.no_theme) + "</h3><ul>";
    for (const auto& c : field(report, "unmatched"))
        out += "<li>" + escape(c.value("comment", "")) + " <small>(" + escape(c.value("step", "")) +
               ")</small></li>";
    out += "</ul>";
    const std::string api = escape("flow=" + url::encode(flow));
    out += "<p class=\"downloads\">" + escape(w.download) + ": <a href=\"/v1/themes?" + api +
           "&amp;format=csv\">CSV</a><a href=\"/v1/themes?" + api + "\">JSON</a></p>";
    return out;
}

}  // namespace cxgate::dashboard
