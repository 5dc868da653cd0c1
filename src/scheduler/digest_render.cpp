// A digest in words (digests.hpp): its email's text and HTML, and its chat card, in the
// recipient's language (fi, sv, en; another locale reads English).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <date/iso_week.h>

#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/scheduler/digests.hpp"

namespace cxgate::scheduler {

namespace {

struct Words {
    const char* weekly;   // subject of a weekly digest, before the week's number
    const char* daily;    // subject of a daily digest, before its date
    const char* hello;    // before the name
    const char* own;      // the recipient's own figures
    const char* team;     // their team's
    const char* members;  // each member's line
    const char* step;
    const char* figure;
    const char* previous;
    const char* change;
    const char* beyond;  // the change is larger than its margin of error
    const char* within;  // it is not
    const char* no_answers;
    const char* comments;  // the period's comments
    const char* answers;   // with share_answers: digest, every answer
    const char* alerts;    // open alerts
    const char* no_alerts;
    const char* open_for;      // before the age of an open alert
    const char* acknowledged;  // an acknowledged one
    const char* more;          // "and N more"
    const char* week;
};

const Words& words_for(const std::string& locale) {
    static const Words fi{"Viikkokooste, viikko",
                          "Päiväkooste",
                          "Hei",
                          "Omat lukusi",
                          "Tiimisi",
                          "Tiimin jäsenet",
                          "Vaihe",
                          "Tulos",
                          "Edellinen jakso",
                          "Muutos",
                          "ylittää virhemarginaalin",
                          "virhemarginaalin sisällä",
                          "Ei vastauksia tällä eikä edellisellä jaksolla.",
                          "Kommentit",
                          "Vastaukset",
                          "Avoimet hälytykset",
                          "Ei avoimia hälytyksiä.",
                          "avoinna",
                          "kuitattu",
                          "ja muita",
                          "viikko"};
    static const Words sv{"Veckosammanfattning, vecka",
                          "Dagssammanfattning",
                          "Hej",
                          "Dina siffror",
                          "Ditt team",
                          "Teamets medlemmar",
                          "Steg",
                          "Resultat",
                          "Föregående period",
                          "Förändring",
                          "större än felmarginalen",
                          "inom felmarginalen",
                          "Inga svar under perioden eller perioden före.",
                          "Kommentarer",
                          "Svar",
                          "Öppna larm",
                          "Inga öppna larm.",
                          "öppet i",
                          "kvitterat",
                          "och fler",
                          "vecka"};
    static const Words en{"Weekly digest, week",
                          "Daily digest",
                          "Hello",
                          "Your figures",
                          "Your team",
                          "Team members",
                          "Step",
                          "Figure",
                          "Previous period",
                          "Change",
                          "beyond the margin of error",
                          "within the margin of error",
                          "No answers in this period or the one before.",
                          "Comments",
                          "Answers",
                          "Open alerts",
                          "No open alerts.",
                          "open for",
                          "acknowledged",
                          "and more",
                          "week"};
    if (locale == "fi") return fi;
    if (locale == "sv") return sv;
    return en;
}

std::string fmt(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

using detail::metric_name;

// A figure as reports write it, in its unit: "80.0 % ± 17.5" (CSAT's share satisfied),
// "40.0 ± 21.3" (NPS points, a CES mean).
std::string figure_text(const std::optional<metrics::Figure>& f, metrics::Metric metric) {
    if (!f) return "–";
    const std::string unit = metric == metrics::Metric::csat ? " %" : "";
    return fmt(f->value) + unit + (f->margin ? " ± " + fmt(*f->margin) : "");
}

std::string change_text(const report::ComparisonRow& r, const Words& w) {
    if (!r.difference) return "–";
    const auto& d = *r.difference;
    std::string out = (d.value >= 0 ? "+" : "") + fmt(d.value);
    if (d.margin)
        out += " ± " + fmt(*d.margin) + " (" + (d.distinguishable ? w.beyond : w.within) + ")";
    return out;
}

std::string row_label(const report::ComparisonRow& r) {
    std::string label = r.flow + " / " + r.step;
    if (!r.question.empty() && r.question != "q1") label += " (" + r.question + ")";
    return label + " · " + metric_name(metrics::to_string(r.metric));
}

// "CSAT 2 (1-5)"
std::string score_text(const std::string& metric, std::optional<int> score, int min, int max) {
    return metric_name(metric) + " " + (score ? std::to_string(*score) : "-") + " (" +
           std::to_string(min) + "-" + std::to_string(max) + ")";
}

std::string local_date(store::Seconds t, const std::string& zone) {
    const auto local =
        timing::format_local(timing::TimePoint{std::chrono::seconds{t}}, *date::locate_zone(zone));
    return local.substr(0, 10);
}

// "3 d" or "5 h": how long an alert has waited.
std::string age_text(store::Seconds seconds) {
    if (seconds >= 86400) return std::to_string(seconds / 86400) + " d";
    return std::to_string(std::max<store::Seconds>(0, seconds / 3600)) + " h";
}

std::string subject_of(const DigestContent& c, const Words& w) {
    if (c.every == config::Digest::Every::day) return std::string(w.daily) + " " + c.when.key;
    const auto first = date::floor<date::days>(
        date::locate_zone(c.timezone)
            ->to_local(date::sys_seconds{std::chrono::seconds{c.when.period.since}}));
    const iso_week::year_weeknum_weekday week{date::sys_days{first.time_since_epoch()}};
    return std::string(w.weekly) + " " + std::to_string(static_cast<unsigned>(week.weeknum()));
}

// "2026-11-23 – 2026-11-29": the period's first and last local day.
std::string period_text(const DigestContent& c) {
    return local_date(c.when.period.since, c.timezone) + " – " +
           local_date(c.when.period.until - 1, c.timezone);
}

std::string figure_line(const report::ComparisonRow& r, const Words& w) {
    return row_label(r) + ": " + figure_text(r.after, r.metric) + " (n " +
           std::to_string(r.n_after) + "); " + w.previous + ": " + figure_text(r.before, r.metric) +
           " (n " + std::to_string(r.n_before) + "); " + w.change + ": " + change_text(r, w);
}

std::string answer_line(const DigestAnswer& a, const std::string& zone) {
    std::string line = local_date(a.answered_at, zone) + " " + a.flow + " / " + a.step + " · " +
                       score_text(a.metric, a.score, a.scale_min, a.scale_max) + ", " + a.staff;
    if (!a.customer.empty()) line += ", " + a.customer;
    if (!a.comment.empty()) line += ": \"" + a.comment + "\"";
    return line;
}

std::string alert_line(const DigestAlert& a, store::Seconds now, const Words& w) {
    return a.flow + " / " + a.step + " · " +
           score_text(a.metric, a.score, a.scale_min, a.scale_max) + ", " + a.staff + ": " +
           w.open_for + " " + age_text(now - a.opened_at) +
           (a.acknowledged ? std::string(", ") + w.acknowledged : "");
}

// The HTML of a table of figures; mail clients drop <style>, so styles are inline.
std::string figures_html(const std::vector<report::ComparisonRow>& rows, const Words& w) {
    const std::string th =
        "<th align=\"left\" style=\"padding:4px 8px;border-bottom:1px solid #ccc\">";
    const std::string td = "<td style=\"padding:4px 8px;border-bottom:1px solid #eee\">";
    std::string out =
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
        "style=\"border-collapse:collapse;margin:0 0 16px 0\"><tr>" +
        th + html::escape(w.step) + "</th>" + th + html::escape(w.figure) + "</th>" + th +
        "n</th>" + th + html::escape(w.previous) + "</th>" + th + html::escape(w.change) +
        "</th></tr>";
    for (const auto& r : rows)
        out += "<tr>" + td + html::escape(row_label(r)) + "</td>" + td +
               html::escape(figure_text(r.after, r.metric)) + "</td>" + td +
               std::to_string(r.n_after) + "</td>" + td +
               html::escape(figure_text(r.before, r.metric)) + " (n " + std::to_string(r.n_before) +
               ")</td>" + td + html::escape(change_text(r, w)) + "</td></tr>";
    return out + "</table>";
}

std::string list_html(const std::vector<std::string>& lines) {
    std::string out = "<ul>";
    for (const auto& line : lines) out += "<li>" + html::escape(line) + "</li>";
    return out + "</ul>";
}

}  // namespace

DigestText render_digest(const DigestContent& c) {
    const auto& w = words_for(c.locale);
    DigestText out;
    out.subject = subject_of(c, w) + ": " + c.name;
    std::string& text = out.text;
    std::string& html = out.html;
    text = std::string(w.hello) + " " + c.name + ",\n\n" + subject_of(c, w) + " (" +
           period_text(c) + ")\n";
    html = "<h2 style=\"font-size:18px\">" + html::escape(subject_of(c, w)) + "</h2><p>" +
           html::escape(std::string(w.hello) + " " + c.name + ",") + "</p><p>" +
           html::escape(period_text(c)) + "</p>";
    const auto section = [&](const char* title,
                             const std::optional<std::vector<report::ComparisonRow>>& rows) {
        if (!rows) return;
        text += std::string("\n") + title + "\n";
        html += "<h3 style=\"font-size:16px\">" + html::escape(title) + "</h3>";
        if (rows->empty()) {
            text += std::string("  ") + w.no_answers + "\n";
            html += "<p>" + html::escape(w.no_answers) + "</p>";
            return;
        }
        for (const auto& r : *rows) text += "  " + figure_line(r, w) + "\n";
        html += figures_html(*rows, w);
    };
    section(w.own, c.own);
    section(w.team, c.team);
    if (!c.members.empty()) {
        text += std::string("\n") + w.members + "\n";
        html += "<h3 style=\"font-size:16px\">" + html::escape(w.members) + "</h3>";
        for (const auto& m : c.members) {
            text += "  " + m.name + "\n";
            for (const auto& r : m.figures) text += "    " + figure_line(r, w) + "\n";
            html += "<h4 style=\"font-size:14px;margin:8px 0 4px 0\">" + html::escape(m.name) +
                    "</h4>" + figures_html(m.figures, w);
        }
    }
    if (!c.answers.empty()) {
        bool every = false;
        for (const auto& a : c.answers) every = every || a.comment.empty();
        const char* title = every ? w.answers : w.comments;
        std::vector<std::string> lines;
        for (const auto& a : c.answers) lines.push_back(answer_line(a, c.timezone));
        if (c.more_answers)
            lines.push_back(std::string(w.more) + ": " + std::to_string(c.more_answers));
        text += std::string("\n") + title + " (" +
                std::to_string(c.answers.size() + static_cast<size_t>(c.more_answers)) + ")\n";
        for (const auto& line : lines) text += "  " + line + "\n";
        html += "<h3 style=\"font-size:16px\">" + html::escape(title) + "</h3>" + list_html(lines);
    }
    text += std::string("\n") + w.alerts + "\n";
    html += "<h3 style=\"font-size:16px\">" + html::escape(w.alerts) + "</h3>";
    if (c.alerts.empty()) {
        text += std::string("  ") + w.no_alerts + "\n";
        html += "<p>" + html::escape(w.no_alerts) + "</p>";
    } else {
        std::vector<std::string> lines;
        for (const auto& a : c.alerts) lines.push_back(alert_line(a, c.now, w));
        for (const auto& line : lines) text += "  " + line + "\n";
        html += list_html(lines);
    }
    return out;
}

templates::AlertCard digest_card(const DigestContent& c) {
    const auto& w = words_for(c.locale);
    const auto rendered = render_digest(c);
    templates::AlertCard card;
    card.event = "digest";
    card.title = rendered.subject;
    card.text = rendered.text;
    card.created_at = timing::format_iso8601(timing::TimePoint{std::chrono::seconds{c.now}});
    // The open alerts first, then the headline figures as facts a room can scan (the team's
    // for a lead, else the own): Slack shows ten facts at most.
    card.facts.emplace_back(w.alerts, std::to_string(c.alerts.size()));
    const auto& rows = c.team ? c.team : c.own;
    if (rows)
        for (const auto& r : *rows)
            card.facts.emplace_back(row_label(r), figure_text(r.after, r.metric) + " (n " +
                                                      std::to_string(r.n_after) + "), " + w.change +
                                                      " " + change_text(r, w));
    return card;
}

}  // namespace cxgate::scheduler
