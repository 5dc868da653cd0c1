#pragma once
// Turning a survey and a message kind into the text a person receives, from the
// Mustache templates in templates/<locale>/. Missing locales fall back to the default.
#include <map>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::templates {

struct Rendered {
    std::string subject;  // email only
    std::string body;
};

// kind: "survey" asks the first question and "question" the one at survey.question (a step
// of several questions), each with the question's own template (`template: call-csat`)
// when the locale has it, else the one named after its metric (nps, csat, ces, enps);
// every other kind ("why", "retry", "reminder", "thanks", "optout", "help", "alert") uses
// the template of that name. Scale, metric and yes_no in the context are those of the
// question being asked.
Rendered render(const config::Config& config, const store::SurveyRow& survey,
                const std::string& kind, const std::string& locale);

// What an alert's template (alert.txt) knows of the alert beside its survey: `alert.url`
// (the page where it is acknowledged and resolved), `alert.id`, `alert.level` (0 when first
// sent, 1 when escalated to the lead, ...) and `alert.escalated`.
struct AlertFields {
    std::int64_t id = 0;
    int level = 0;
    std::string url;
};
Rendered render_alert(const config::Config& config, const store::SurveyRow& survey,
                      const std::string& locale, const AlertFields& alert);

// A queued message of the given kind for the survey, on its current channel and address.
store::MessageRow compose(const config::Config& config, const store::SurveyRow& survey,
                          const std::string& kind, store::Seconds now);

// A message outside any survey (opt-out confirmation, help) in the given locale; `fields`
// are what its template may use beside public_url (target: target_fields()).
store::MessageRow compose_plain(const config::Config& config, const std::string& kind,
                                const std::string& channel, const std::string& address,
                                const std::string& locale, store::Seconds now,
                                const std::map<std::string, std::string>& fields = {});

// What templates/<locale>/target.txt (a weekly target alert) can use.
const std::vector<std::string>& target_fields();

// Channel-specific finishing of a message built elsewhere (alerts): drops the subject
// and records encoding and segments for SMS.
void finish_message(const config::Config& config, store::MessageRow& message);

}  // namespace cxgate::templates
