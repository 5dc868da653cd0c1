// GET/POST /a/{token}: the page behind the link in an alert. The link is the credential
// (one alert, expiring; links.hpp), so a staff member handles the alert from their phone
// without logging in. GET only shows it: mail scanners open links, and must not
// acknowledge anything. POST acknowledges or resolves, or answers the customer, from a form
// on this page only. The page speaks the recipient's language (`?l=sv` in their link).
#include <date/tz.h>

#include <spdlog/spdlog.h>
#include <algorithm>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using status = beast_http::status;

// The page's words, in the recipient's locale (else the daemon's default).
struct Words {
    const char* title;
    const char* gone;
    const char* invalid;
    const char *survey, *score, *comment, *customer, *staff, *opened, *state;
    const char *acknowledged, *resolved, *by_label, *note_label;
    const char *acknowledge, *resolve, *resolution;
    const char *called_back, *solved, *no_action;
    const char *done, *open;
    const char *answer_title, *own_text, *answer_hint, *send_answer, *answer_sent, *answers_sent,
        *cannot_answer;
};

const Words& words(const std::string& locale) {
    static const Words fi{"Hälytys: matala arvio",
                          "Linkki on vanhentunut. Käsittele hälytys hallintapaneelissa.",
                          "Linkki ei kelpaa.",
                          "Kysely",
                          "Arvio",
                          "Kommentti",
                          "Asiakas",
                          "Vastuuhenkilö",
                          "Avattu",
                          "Tila",
                          "Kuitattu",
                          "Ratkaistu",
                          "Nimesi",
                          "Mitä teit",
                          "Kuittaa: hoidan tämän",
                          "Merkitse ratkaistuksi",
                          "Ratkaisu",
                          "Soitin asiakkaalle",
                          "Ratkaistu",
                          "Ei toimenpiteitä",
                          "Tallennettu.",
                          "avoin",
                          "Vastaa asiakkaalle",
                          "Oma teksti",
                          "Valitse pohja tai kirjoita oma teksti (se lähetetään sellaisenaan).",
                          "Lähetä asiakkaalle",
                          "Vastaus on jonossa lähetettäväksi asiakkaalle.",
                          "Lähetetyt vastaukset",
                          "Asiakkaalle ei voi vastata täältä"};
    static const Words sv{"Larm: lågt betyg",
                          "Länken har gått ut. Hantera larmet i översikten.",
                          "Länken är ogiltig.",
                          "Enkät",
                          "Betyg",
                          "Kommentar",
                          "Kund",
                          "Ansvarig",
                          "Öppnat",
                          "Status",
                          "Kvitterat",
                          "Löst",
                          "Ditt namn",
                          "Vad du gjorde",
                          "Kvittera: jag tar hand om det",
                          "Markera som löst",
                          "Lösning",
                          "Ringde kunden",
                          "Löst",
                          "Ingen åtgärd",
                          "Sparat.",
                          "öppet",
                          "Svara kunden",
                          "Egen text",
                          "Välj en mall eller skriv en egen text (den skickas som den är).",
                          "Skicka till kunden",
                          "Svaret står i kö för att skickas till kunden.",
                          "Skickade svar",
                          "Kunden kan inte besvaras härifrån"};
    static const Words en{"Alert: low score",
                          "This link has expired. Handle the alert in the dashboard.",
                          "This link is not valid.",
                          "Survey",
                          "Score",
                          "Comment",
                          "Customer",
                          "Staff",
                          "Opened",
                          "State",
                          "Acknowledged",
                          "Resolved",
                          "Your name",
                          "What you did",
                          "Acknowledge: I am on it",
                          "Mark resolved",
                          "Resolution",
                          "Called the customer back",
                          "Solved",
                          "No action needed",
                          "Saved.",
                          "open",
                          "Answer the customer",
                          "Your own text",
                          "Pick a template or write your own text (it is sent as written).",
                          "Send to the customer",
                          "Your answer is queued to go to the customer.",
                          "Answers sent",
                          "The customer cannot be answered from here"};
    if (locale == "fi") return fi;
    if (locale == "sv") return sv;
    return en;
}

std::string resolution_words(const Words& w, const std::string& resolution) {
    if (resolution == "called_back") return w.called_back;
    if (resolution == "solved") return w.solved;
    if (resolution == "no_action") return w.no_action;
    return resolution;
}

std::string shell(const std::string& locale, const std::string& title, const std::string& body) {
    return "<!doctype html><html lang=\"" + html::escape(locale) +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width, initial-scale=1\"><title>" +
           html::escape(title) +
           "</title><style>body{font-family:sans-serif;max-width:36em;margin:1em auto;padding:0 "
           "1em;line-height:1.4}dt{font-weight:bold;margin-top:.5em}dd{margin:0}form{margin-top:"
           "1.2em}input,select,textarea,button{font-size:1em;width:100%;box-sizing:border-box;"
           "margin:.3em 0}button{padding:.6em;background:#1a56db;color:#fff;border:0;border-"
           "radius:6px}.ok{color:#065f46}.error{color:#b91c1c}</style></head><body><h1>" +
           html::escape(title) + "</h1>" + body + "</body></html>";
}

// The language of the link's recipient, when the page speaks it; else the default.
const std::string& page_locale(const config::Config& config, const std::string& asked) {
    const auto& known = config.defaults.locales;
    auto it = std::find(known.begin(), known.end(), asked);
    return it == known.end() ? config.defaults.locale : *it;
}

// What the page shows of the survey's thread and of answering the customer.
struct Thread {
    std::vector<store::MessageRow> answers;  // kind "reply", oldest first
    std::vector<alerts::ReplyDraft> drafts;
    std::string cannot_answer;  // why the customer cannot be answered; empty: they can
};

std::string when(const config::Config& config, std::optional<store::Seconds> t) {
    if (!t) return "";
    return timing::format_local(timing::TimePoint{std::chrono::seconds{*t}},
                                *date::locate_zone(config.defaults.timezone));
}

std::string fact(const char* label, const std::string& value) {
    return value.empty()
               ? ""
               : "<dt>" + html::escape(label) + "</dt><dd>" + html::escape(value) + "</dd>";
}

// The form that answers the customer: a template's text as it will be sent, or the staff
// member's own; no script needed.
std::string answer_form(const Words& w, const Thread& thread, const std::string& action) {
    std::string out = "<h2>" + html::escape(w.answer_title) + "</h2>";
    if (!thread.answers.empty()) {
        out += "<p>" + html::escape(w.answers_sent) + "</p><ul>";
        for (const auto& m : thread.answers)
            out += "<li>" + html::escape(m.body) + " <small>(" +
                   html::escape(std::string(store::to_string(m.state))) + ")</small></li>";
        out += "</ul>";
    }
    if (!thread.cannot_answer.empty())
        return out + "<p>" + html::escape(w.cannot_answer) + ": " +
               html::escape(thread.cannot_answer) + ".</p>";
    out += "<form method=\"post\" action=\"" + html::escape(action) +
           "\"><input type=\"hidden\" name=\"action\" value=\"answer\"><label>" +
           html::escape(w.by_label) + "<input name=\"by\" required maxlength=\"100\"></label><p>" +
           html::escape(w.answer_hint) + "</p>";
    bool first = true;
    for (const auto& d : thread.drafts) {
        out += "<label class=\"draft\"><input type=\"radio\" name=\"draft\" value=\"" +
               html::escape(d.name) + "\"" + (first ? " checked" : "") + "> " +
               html::escape(d.text) + "</label>";
        first = false;
    }
    out += "<label class=\"draft\"><input type=\"radio\" name=\"draft\" value=\"\"" +
           std::string(first ? " checked" : "") + "> " + html::escape(w.own_text) +
           "</label><textarea name=\"text\" rows=\"4\" maxlength=\"4000\"></textarea><button>" +
           html::escape(w.send_answer) + "</button></form>";
    return out;
}

std::string alert_html(const config::Config& config, const std::string& locale,
                       const store::AlertRow& a, const store::SurveyRow& s, const Thread& thread,
                       const std::string& action, const std::string& message, bool error) {
    const auto& w = words(locale);
    std::string body;
    if (!message.empty())
        body += std::string("<p class=\"") + (error ? "error" : "ok") + "\">" +
                html::escape(message) + "</p>";
    body += "<dl>";
    body += fact(w.survey, s.flow + " / " + s.step + " (" + s.metric + ")");
    if (s.score)
        body += fact(w.score, std::to_string(*s.score) + " / " + std::to_string(s.scale_min) + "-" +
                                  std::to_string(s.scale_max));
    body += fact(w.comment, s.comment);
    // An anonymous survey's alert tells what was answered, never by whom.
    if (!s.anonymous) body += fact(w.customer, s.contact_name);
    body += fact(w.staff, s.staff_name.empty() ? s.staff_id : s.staff_name);
    body += fact(w.opened, when(config, a.opened_at));
    const std::string state = a.state == store::AlertHandling::open           ? w.open
                              : a.state == store::AlertHandling::acknowledged ? w.acknowledged
                                                                              : w.resolved;
    body += fact(w.state, state);
    if (a.acknowledged_at)
        body += fact(w.acknowledged, a.acknowledged_by + ", " + when(config, a.acknowledged_at));
    if (a.resolved_at)
        body += fact(w.resolved, a.resolved_by + ", " + when(config, a.resolved_at) + ": " +
                                     resolution_words(w, a.resolution));
    body += fact(w.note_label, a.note);
    body += "</dl>";
    if (a.state == store::AlertHandling::resolved)
        return shell(locale, w.title, body + answer_form(w, thread, action));
    const std::string form_head = "<form method=\"post\" action=\"" + html::escape(action) +
                                  "\"><label>" + html::escape(w.by_label) +
                                  "<input name=\"by\" required maxlength=\"100\"></label>";
    if (a.state == store::AlertHandling::open)
        body += form_head + "<input type=\"hidden\" name=\"action\" value=\"acknowledge\">" +
                "<button>" + html::escape(w.acknowledge) + "</button></form>";
    body += form_head + "<input type=\"hidden\" name=\"action\" value=\"resolve\"><label>" +
            html::escape(w.resolution) + "<select name=\"resolution\">";
    for (const auto& r : alerts::resolutions())
        body += "<option value=\"" + r + "\">" + html::escape(resolution_words(w, r)) + "</option>";
    body += "</select></label><label>" + html::escape(w.note_label) +
            "<textarea name=\"note\" rows=\"4\" maxlength=\"2000\"></textarea></label><button>" +
            html::escape(w.resolve) + "</button></form>";
    return shell(locale, w.title, body + answer_form(w, thread, action));
}

Response notice(const Request& request, status code, const std::string& locale,
                const char* Words::*text) {
    const auto& w = words(locale);
    return page_response(
        request, code, shell(locale, w.title, std::string("<p>") + html::escape(w.*text) + "</p>"));
}

}  // namespace

asio::awaitable<Reply> alert_page(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto now = s.clock.now().time_since_epoch().count();
    const auto& token = target.param("token");
    const std::string locale = page_locale(*config, target.query_value("l"));
    const auto checked = links::check_alert_token(s.link_secret, token, now);
    if (checked.status == links::TokenStatus::malformed ||
        checked.status == links::TokenStatus::bad_signature) {
        log_refusal(
            s, "alert link refused: " +
                   std::string(checked.status == links::TokenStatus::malformed ? "malformed"
                                                                               : "wrongly signed") +
                   " token");
        co_return notice(request, status::not_found, locale, &Words::invalid);
    }
    if (checked.status == links::TokenStatus::expired)
        co_return notice(request, status::gone, locale, &Words::gone);
    const auto alert_id = checked.token.survey_id;
    const auto action = links::alert_url(config->server.public_url, token) +
                        (locale == config->defaults.locale ? "" : "?l=" + locale);

    std::string message;
    bool error = false;
    if (request.method() == beast_http::verb::post) {
        // Only this page's own form: a form on another site must not act with a link it
        // learnt (the link is the credential, the browser would send it).
        if (from_another_site(request, config->server.public_url))
            co_return notice(request, status::forbidden, locale, &Words::invalid);
        auto form = url::parse_form(request.body());
        if (form["action"] == "answer") {
            auto answer_job = [alert_id, config, form, now](store::Store& db) mutable {
                alerts::CustomerAnswer answer{form["by"], form["text"]};
                // A template chosen and no text of one's own: the template's words as shown.
                if (answer.text.find_first_not_of(" \r\n\t") == std::string::npos &&
                    !form["draft"].empty())
                    if (auto a = db.alert(alert_id))
                        if (auto survey = db.find_survey(a->survey_id))
                            for (const auto& d : alerts::reply_drafts(*config, *survey))
                                if (d.name == form["draft"]) answer.text = d.text;
                return alerts::answer_customer(db, *config, alert_id, answer, now);
            };
            auto answered = co_await s.writer.execute(std::move(answer_job));
            if (answered.not_found)
                co_return notice(request, status::not_found, locale, &Words::invalid);
            if (answered.message_id) s.dispatcher.enqueue({*answered.message_id});
            error = !answered.error.empty();
            message = error ? answered.error : words(locale).answer_sent;
        }
    }
    if (request.method() == beast_http::verb::post && message.empty()) {
        auto form = url::parse_form(request.body());
        alerts::Handling handling;
        handling.action = form["action"] == "resolve" ? alerts::Handling::Action::resolve
                                                      : alerts::Handling::Action::acknowledge;
        handling.by = form["by"];
        handling.resolution = form["resolution"];
        handling.note = form["note"];
        auto job = [config, alert_id, handling, now](store::Store& db) {
            return alerts::handle_alert(db, *config, alert_id, handling, now);
        };
        auto result = co_await s.writer.execute(std::move(job));
        if (result.not_found) co_return notice(request, status::not_found, locale, &Words::invalid);
        error = !result.error.empty();
        message = error ? result.error : words(locale).done;
    }
    struct Found {
        store::AlertRow alert;
        store::SurveyRow survey;
        Thread thread;
    };
    auto read = [alert_id, config](store::Store& db) {
        std::optional<Found> out;
        auto a = db.alert(alert_id);
        if (!a) return out;
        auto survey = db.find_survey(a->survey_id);
        if (!survey) return out;
        Thread thread;
        for (auto& m : db.messages_of_survey(survey->id))
            if (m.kind == "reply") thread.answers.push_back(std::move(m));
        thread.cannot_answer = alerts::why_not_answerable(db, *config, *survey);
        if (thread.cannot_answer.empty()) thread.drafts = alerts::reply_drafts(*config, *survey);
        out.emplace(Found{*a, *survey, std::move(thread)});
        return out;
    };
    auto found = co_await s.reader.execute(read);
    if (!found) co_return notice(request, status::not_found, locale, &Words::invalid);
    co_return page_response(request, error ? status::bad_request : status::ok,
                            alert_html(*config, locale, found->alert, found->survey, found->thread,
                                       action, message, error));
}

}  // namespace cxgate::http
