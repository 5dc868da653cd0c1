#pragma once
// The page behind an email's score buttons: GET /r/{token}/{score}, GET /r/{token},
// POST /r/{token} (also accepted on /r/{token}/{score}).
//
// The scanner rule. Mail security scanners (Outlook Safe Links, Mimecast, Proofpoint,
// Gmail's prefetch) fetch every link of an incoming email within seconds, with HEAD
// and GET, before any person sees it. So:
//   - HEAD never records anything and has no body;
//   - GET never records anything: it shows the answer page with the clicked score
//     pre-selected and a "why?" box, in the contact's locale;
//   - only POST records: the person's "Send" on that page, with a score field in range
//     (and the optional comment), through the same conversation path as a reply.
// A person's click plus Send records exactly once; a scanner fetching every score
// link (any number of GETs and HEADs, in any order) records nothing. The cost is one
// extra tap, which the page uses to ask "why?". A one-click rule that records on GET
// after a quiet period can still be fooled by scanners that fetch a single link, and
// leaves wrong scores in reports when it is; we chose the confirm.
#include <optional>
#include <string>
#include <string_view>

#include "cxgate/http/router.hpp"

namespace cxgate::http {

enum class AnswerAction {
    show_page,     // GET: the form (or thank-you / expired page); records nothing
    headers_only,  // HEAD: like GET without a body; records nothing
    record,        // POST: the form's submit
    not_allowed,   // anything else: 405
};

// A pure function so the rule is tested on its own (tests/unit/http).
AnswerAction answer_action(beast_http::verb method);

// token and, from /r/{token}/{score}, the score as it appeared in the path.
asio::awaitable<Response> answer_page(const Request& request, Services& services,
                                      const std::string& token,
                                      std::optional<std::string> score_in_path);

// The form's fields, checked: the score in [scale_min, scale_max], the comment trimmed
// and cut at 2000 bytes on a UTF-8 boundary. No score (or not a number in range): nullopt.
struct AnswerForm {
    std::optional<int> score;
    std::string comment;
};
AnswerForm parse_answer_form(std::string_view body, int scale_min, int scale_max);

}  // namespace cxgate::http
