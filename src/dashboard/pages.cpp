// The frame around every dashboard page, the login page and plain messages (pages.hpp).
#include "cxgate/dashboard/pages.hpp"

#include <tuple>

#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::dashboard {

namespace {

using html::escape;

// One small stylesheet for every page: a column at phone width, a grid on a desktop.
constexpr const char* kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1f3a5f;color:#fff}
header h1{font-size:1.05rem;margin:0;flex:1 1 auto}
header a{color:#fff}
header form{margin:0}
header button{background:transparent;color:#fff;border:1px solid #fff8;border-radius:4px;padding:.2rem .6rem;font:inherit;cursor:pointer}
nav{display:flex;flex-wrap:wrap;gap:.4rem;padding:.5rem 1rem;background:#fff;border-bottom:1px solid #dde}
nav a{padding:.2rem .6rem;border-radius:4px;text-decoration:none;color:#1f3a5f}
nav a.on{background:#1f3a5f;color:#fff}
main{padding:1rem;max-width:1280px;margin:0 auto}
.who{font-size:.85rem;opacity:.9}
.note{color:#555;font-size:.85rem;margin:.2rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:1rem}
.card{background:#fff;border:1px solid #dde;border-radius:8px;padding:.8rem 1rem}
.card h2{font-size:1rem;margin:0 0 .2rem}
.metric{font-size:.8rem;color:#555;text-transform:uppercase;letter-spacing:.04em}
.figure{font-size:2rem;font-weight:600;margin:.2rem 0 0}
.figure small{font-size:.9rem;font-weight:400;color:#555}
.line{font-size:.85rem;margin:.15rem 0}
.up{color:#11793b}.down{color:#b3261e}.same{color:#555}
.met{color:#11793b}.missed{color:#b3261e}
svg .line{fill:none;stroke:#1f3a5f;stroke-width:2}
svg .band{fill:#1f3a5f;fill-opacity:.15;stroke:none}
svg .dot{fill:#1f3a5f}
svg .target{stroke:#11793b;stroke-dasharray:4 3}
svg .marker{stroke:#b36b00;stroke-width:1.5}
svg .axis,svg .empty{fill:#555;font-size:9px}
svg .bar-bg{fill:#e3e6ea}svg .bar{fill:#1f3a5f}
.rate svg{height:8px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #dde;padding:.35rem .5rem;text-align:left;font-size:.9rem}
td.cell{text-align:center;white-space:nowrap}
td.cell small{color:#333}
.scroll{overflow-x:auto}
thead th::first-letter{text-transform:uppercase}
@media (max-width:600px){table.list thead{display:none}table.list tr{display:block;border-bottom:2px solid #dde;padding:.3rem 0}table.list td{display:block;border:0;padding:.1rem .5rem;text-align:left}table.list td.cell br{display:none}}
.downloads a{margin-right:.6rem}
form.login{max-width:360px;margin:3rem auto;background:#fff;padding:1.5rem;border:1px solid #dde;border-radius:8px}
form.login label{display:block;margin:.6rem 0 .2rem}
form.login input{width:100%;padding:.5rem;font:inherit;border:1px solid #99a;border-radius:4px}
form.login button{margin-top:1rem;width:100%;padding:.6rem;font:inherit;background:#1f3a5f;color:#fff;border:0;border-radius:4px}
.error{color:#b3261e}
)css";

std::string head(Lang lang, const std::string& title) {
    return "<!doctype html>\n<html lang=\"" + std::string(code(lang)) +
           "\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" +
           escape(title) + "</title><style>" + kStyle + "</style></head>";
}

}  // namespace

std::string page(const Frame& f, const std::string& content) {
    const auto& w = words(f.lang);
    std::string out = head(f.lang, f.title + " · " + w.product);
    out += "<body><header><h1>" + escape(w.product) + "</h1><span class=\"who\">" +
           escape(f.email) + " · " + escape(w.your_view) + " " + escape(f.scope_text) +
           "</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" "
           "value=\"" +
           escape(f.csrf) + "\"><button type=\"submit\">" + escape(w.log_out) +
           "</button></form></header>";
    if (!f.flows.empty()) {
        out += "<nav aria-label=\"" + escape(w.flow) + "\">";
        for (const auto& [name, href] : f.flows)
            out += "<a href=\"" + escape(href) + "\"" + (name == f.flow ? " class=\"on\"" : "") +
                   ">" + escape(name) + "</a>";
        out += "</nav>";
    }
    // The views of the flow shown, with the same filters.
    out += "<nav aria-label=\"" + escape(w.product) + "\">";
    const std::string query = "?flow=" + url::encode(f.flow) + f.filters;
    for (const auto& [section, path, label] :
         {std::tuple{"journey", "/", w.journey}, std::tuple{"responses", "/responses", w.responses},
          std::tuple{"alerts", "/alerts", w.alerts}, std::tuple{"themes", "/themes", w.themes}}) {
        if (std::string_view(section) == "themes" && !f.sees_everything) continue;
        out += "<a href=\"" + escape(std::string(path) + query) + "\"" +
               (f.section == section ? " class=\"on\"" : "") + ">" + escape(label) + "</a>";
    }
    out += "</nav>";
    out += "<main>" + content + "</main></body></html>\n";
    return out;
}

std::string login_page(Lang lang, const std::string& csrf, const std::string& email,
                       const std::string& message) {
    const auto& w = words(lang);
    std::string out = head(lang, std::string(w.log_in) + " · " + w.product);
    out += "<body><header><h1>" + escape(w.product) +
           "</h1></header><main><form class=\"login\" method=\"post\" action=\"/login\">";
    if (!message.empty()) out += "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
    out += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) +
           "\"><label for=\"email\">" + escape(w.email) +
           "</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" "
           "required value=\"" +
           escape(email) + "\"><label for=\"password\">" + escape(w.password) +
           "</label><input id=\"password\" name=\"password\" type=\"password\" "
           "autocomplete=\"current-password\" required><button type=\"submit\">" +
           escape(w.log_in) + "</button></form></main></body></html>\n";
    return out;
}

std::string message_page(Lang lang, const std::string& title, const std::string& text) {
    const auto& w = words(lang);
    return head(lang, title + " · " + w.product) + "<body><header><h1>" + escape(w.product) +
           "</h1></header><main><h2>" + escape(title) + "</h2><p>" + escape(text) +
           "</p><p><a href=\"/\">" + escape(w.journey) + "</a></p></main></body></html>\n";
}

}  // namespace cxgate::dashboard
