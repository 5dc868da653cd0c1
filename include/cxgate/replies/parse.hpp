#pragma once
// What a customer's free-text reply means, for the survey it answers. Pure function.
#include <optional>
#include <string>
#include <string_view>

#include "cxgate/foundation/metrics.hpp"

namespace cxgate::replies {

enum class Intent {
    score,    // a score on the scale (maybe with a comment after it)
    opt_out,  // STOP, LOPETA, SLUTA, UNSUBSCRIBE and variants
    opt_in,   // START, ALOITA
    help,     // HELP, APUA, HJÄLP
    unclear,  // no number, out of range, or conflicting numbers
};

struct ParsedReply {
    Intent intent = Intent::unclear;
    std::optional<int> score;
    std::string comment;    // text after the score ("9, nopea palvelu" -> "nopea palvelu"),
                            // or the whole text when unclear
    double confidence = 0;  // 0..1: 1 for a bare number, lower for words in a sentence
    std::string why;        // for logs when unclear: "out of range", "two numbers", ...
};

// text: the reply as received (UTF-8). scale: the survey's scale.
ParsedReply parse_reply(std::string_view text, const metrics::Scale& scale);

// Keywords only, without a survey: used before matching, so that STOP always works.
std::optional<Intent> keyword_intent(std::string_view text);

std::string to_string(Intent intent);

}  // namespace cxgate::replies
