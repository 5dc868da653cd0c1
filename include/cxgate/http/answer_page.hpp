#pragma once
// The page behind an email's score buttons: GET /r/{token}/{score}, GET /r/{token},
// POST /r/{token} (also accepted on /r/{token}/{score}).
//
// The scanner rule. Mail security scanners (Outlook Safe Links, Mimecast, Proofpoint,
// Gmail's prefetch) fetch every link of an incoming email within seconds, with HEAD and
// GET, before any person sees it; a person clicks one. So (issue 5):
//   - HEAD never records anything and has no body;
//   - a GET with a prefetch hint (Purpose: prefetch, Sec-Purpose: prefetch..., X-Moz:
//     prefetch, X-Purpose: preview) never records: it only shows the page;
//   - any other GET of /r/{token}/{score}, for a survey awaiting its score, records a
//     pending click (survey, score, time) in answer_clicks, durably before the reply, and
//     shows the answer page (score pre-selected, "why?" box, Send);
//   - a pending click becomes the survey's score once it has settled: the settle time
//     (defaults.click_settle, 60 s) passes with no click of a different score for the
//     same survey less than that after it. Clicks of two or more different scores less than
//     click_settle apart (a burst, chained click to click) are all void; a click
//     click_settle or more after the burst's last one starts afresh. The scheduler's pass
//     decides (replies/clicks.hpp: decide_clicks), through the same apply_score path as a
//     reply, so alerts, reports, reminders and one-answer-per-survey hold;
//   - POST (the page's Send) records at once with the optional comment; its score wins
//     over pending clicks, which are closed. Within the comment window, a Send after the
//     survey's click has settled finishes that answer: it adds the comment, and its score
//     replaces the click's (the person changed it before pressing Send);
//   - an answered, expired or opted-out survey ignores clicks (a pending click of a
//     survey that stops awaiting its score is closed, and one that settles after the
//     survey's expiry is too late).
// Known limits: a scanner that fetches a single score link once cannot be told from a
// person (its click records, as a person's would), and a person who clicks two different
// scores within the settle time records nothing by clicking (the page's Send still
// records). Scanners that open every link, the usual case, are voided by their burst.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cxgate/http/api_error.hpp"
#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

enum class AnswerAction {
    show_page,     // GET of /r/{token}, or with a prefetch hint: the page; records nothing
    click,         // GET of /r/{token}/{score}: records a pending click, shows the page
    headers_only,  // HEAD: like GET without a body; records nothing
    record,        // POST: the form's submit
    not_allowed,   // anything else: 405
};

// Pure functions so the rule is tested on its own (tests/unit/http).
AnswerAction answer_action(beast_http::verb method, bool score_in_path = false,
                           bool prefetch = false);
// Purpose: prefetch, Sec-Purpose: prefetch(;...), X-Moz: prefetch, X-Purpose: preview
// (values compared without case, around spaces).
bool prefetch_hint(const beast_http::fields& headers);

// token and, from /r/{token}/{score}, the score as it appeared in the path.
asio::awaitable<Reply> answer_page(const Request& request, Services& services,
                                   const std::string& token,
                                   std::optional<std::string> score_in_path);

// The form's fields, checked: the score in [scale_min, scale_max], the comment trimmed
// and cut at 2000 bytes on a UTF-8 boundary. No score (or not a number in range): nullopt.
// A step of several questions also has q2, q3 on the form, each on its own scale
// (more_scales: min, max), each optional.
struct AnswerForm {
    std::optional<int> score;
    std::string comment;
    std::vector<std::optional<int>> more;
};
AnswerForm parse_answer_form(std::string_view body, int scale_min, int scale_max,
                             const std::vector<std::pair<int, int>>& more_scales = {});

}  // namespace cxgate::http
