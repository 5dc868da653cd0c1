#pragma once
// Private to src/templates/: the Mustache contexts and the one render function the
// message, page and check code share.
#include <mstch/mstch.hpp>

#include <optional>
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/compose.hpp"
#include "cxgate/templates/pages.hpp"
#include "fields.hpp"

namespace cxgate::templates::detail {

// templates/<locale>/<file>, else the default locale's, else English; null if none.
const std::string* find_template(const config::Config& config, const std::string& locale,
                                 const std::string& file);
// A question's message: in each of those locales, its named template (the step's own
// wording, e.g. "call-csat") before its metric's ("csat"); null if neither exists anywhere.
const std::string* find_question_template(const config::Config& config, const std::string& locale,
                                          const std::string& named, const std::string& metric);

// Outside data is capped where it enters a message, so one long name cannot make a
// 200-part SMS. Characters (code points), not bytes.
inline constexpr size_t kMaxName = 60;
inline constexpr size_t kMaxFirstName = 30;
inline constexpr size_t kMaxComment = 1000;

// html: {{name}} is HTML-escaped (email HTML part, web pages); otherwise values go in as
// they are (SMS, the email text part, subjects), so "Matti & Co" stays "Matti & Co".
// {{{name}}} is never escaped. Safe to call from any thread.
std::string render(const std::string& source, const mstch::map& ctx, bool html);

// What survey messages (the metric's question, why, thanks, alert, ...) can use.
// `question`: the question asked, when it is not the survey's current one (its first).
Fields survey_fields(const config::Config& config, const store::SurveyRow& survey,
                     std::optional<int> question = std::nullopt);
mstch::map survey_context(const config::Config& config, const store::SurveyRow& survey);
// An alert's own fields (compose.hpp, AlertFields), under `alert` beside the survey's.
void add_alert_fields(Fields& fields, const AlertFields& alert);
// What messages outside a survey (optout, help) can use.
Fields plain_fields(const config::Config& config);
mstch::map plain_context(const config::Config& config);

std::string first_name(const std::string& name);

// The answer page's context (pages.cpp).
mstch::map answer_context(const AnswerPage& page);

}  // namespace cxgate::templates::detail
