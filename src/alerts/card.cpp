// The alert card of card.hpp.
#include "cxgate/alerts/card.hpp"

#include <cctype>
#include <chrono>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::alerts {

namespace {

// The facts' labels in the languages the bundled templates speak; another locale reads
// English.
struct CardWords {
    const char* score;
    const char* metric;
    const char* step;
    const char* flow;
    const char* staff;
    const char* comment;
    const char* customer;
    const char* low_score;  // the title when the locale has no alert subject
    const char* handle;     // the action that opens the alert's page
};

const CardWords& card_words(const std::string& locale) {
    static const CardWords fi{"Arvio",   "Mittari",       "Vaihe",
                              "Kysely",  "Vastuuhenkilö", "Kommentti",
                              "Asiakas", "Matala arvio",  "Kuittaa tai ratkaise"};
    static const CardWords sv{"Betyg", "Mått",       "Steg",
                              "Flöde", "Ansvarig",   "Kommentar",
                              "Kund",  "Lågt betyg", "Kvittera eller lös"};
    static const CardWords en{"Score",    "Metric",    "Step",
                              "Flow",     "Staff",     "Comment",
                              "Customer", "Low score", "Acknowledge or resolve"};
    if (locale == "fi") return fi;
    if (locale == "sv") return sv;
    return en;
}

// "csat" -> "CSAT", "enps" -> "eNPS": how the metrics are written for people.
std::string metric_name(const std::string& metric) {
    if (metric == "enps") return "eNPS";
    std::string out = metric;
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

templates::AlertCard alert_card(const config::Config& config, const store::SurveyRow& survey,
                                const templates::Rendered& rendered, store::Seconds now,
                                const templates::AlertFields& alert, const std::string& locale) {
    const auto& words = card_words(locale.empty() ? config.defaults.locale : locale);
    const std::string score = survey.score ? std::to_string(*survey.score) : "-";
    templates::AlertCard card;
    card.event = "alert.opened";
    card.survey_id = survey.id;
    card.created_at = timing::format_iso8601(timing::TimePoint{std::chrono::seconds{now}});
    card.title = rendered.subject.empty()
                     ? std::string(words.low_score) + ": " + metric_name(survey.metric) + " " +
                           score + " (" + survey.step + ")"
                     : rendered.subject;
    card.text = rendered.body;
    card.facts.emplace_back(words.score, score + " (" + std::to_string(survey.scale_min) + "-" +
                                             std::to_string(survey.scale_max) + ")");
    card.facts.emplace_back(words.metric, metric_name(survey.metric));
    card.facts.emplace_back(words.step, survey.step);
    card.facts.emplace_back(words.flow, survey.flow);
    const std::string& staff = survey.staff_name.empty() ? survey.staff_id : survey.staff_name;
    if (!staff.empty()) card.facts.emplace_back(words.staff, staff);
    if (!survey.comment.empty()) card.facts.emplace_back(words.comment, survey.comment);
    if (!survey.contact_name.empty()) card.facts.emplace_back(words.customer, survey.contact_name);
    // The alert's page, where whoever reads the room acknowledges or resolves it.
    if (alert.id) {
        card.alert_id = alert.id;
        if (alert.level > 0) card.event = "alert.escalated";
    }
    if (!alert.url.empty()) card.actions.push_back({words.handle, alert.url});
    return card;
}

}  // namespace cxgate::alerts
