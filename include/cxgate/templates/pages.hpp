#pragma once
// What a person sees around a survey email: the prompt above the score buttons and the
// answer page behind them (GET/POST /r/{token}), from templates/<locale>/buttons.txt and
// templates/<locale>/answer.html (locale fallback as for messages). The page is HTML:
// every value is escaped.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/config/config.hpp"

namespace cxgate::templates {

// "Vastaa klikkaamalla numeroa:" (plain text: callers escape it for HTML).
std::string buttons_prompt(const config::Config& config, const std::string& locale);

// How an answer reads on a button: the number, or on a yes/no question (scale 0-1) the
// locale's word from templates/<locale>/yes.txt and no.txt ("Kyllä", "Nej").
std::string answer_label(const config::Config& config, const std::string& locale, bool yes_no,
                         int value);
// The values of a scale in the order buttons show them: low to high, but yes before no.
std::vector<int> answer_values(int scale_min, int scale_max);

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
    // Button labels for each value of the scale (answer_label); empty: the numbers.
    std::vector<std::pair<int, std::string>> labels;
    // A step of several questions asks the others on the same form, each optional.
    struct Question {
        std::string name;                                  // the form field: "q2", "q3"
        std::string legend;                                // the question as its message asks it
        std::vector<std::pair<int, std::string>> choices;  // value, label
        std::optional<int> selected;
    };
    std::vector<Question> more;
};

std::string render_answer_page(const config::Config& config, const AnswerPage& page);

}  // namespace cxgate::templates
