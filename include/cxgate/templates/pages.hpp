#pragma once
// What a person sees around a survey email: the prompt above the score buttons and the
// answer page behind them (GET/POST /r/{token}), from templates/<locale>/buttons.txt and
// templates/<locale>/answer.html (locale fallback as for messages). The page is HTML:
// every value is escaped.
#include <optional>
#include <string>

#include "cxgate/config/config.hpp"

namespace cxgate::templates {

// "Vastaa klikkaamalla numeroa:" (plain text: callers escape it for HTML).
std::string buttons_prompt(const config::Config& config, const std::string& locale);

struct AnswerPage {
    // form: confirm the score and ask why; thanks: recorded, or answered before;
    // expired: the link or the survey is past its time; invalid: unknown or edited link.
    enum class Kind { form, thanks, expired, invalid };
    Kind kind = Kind::invalid;
    std::string locale;
    std::string action;  // where the form posts: {public_url}/r/{token}
    std::string metric;  // nps, csat, ces, enps
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false;
    std::optional<int> score;    // pre-selected (form) or recorded (thanks)
    std::string first_name;      // the contact's, may be empty
    std::string comment;         // kept when the form is shown again
    bool missing_score = false;  // the form came back without a score
};

std::string render_answer_page(const config::Config& config, const AnswerPage& page);

}  // namespace cxgate::templates
