#pragma once
// Private to src/templates/: the Mustache contexts and the one render function the
// message, page and check code share.
#include <mstch/mstch.hpp>

#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/pages.hpp"

namespace cxgate::templates::detail {

// templates/<locale>/<file>, else the default locale's, else English; null if none.
const std::string* find_template(const config::Config& config, const std::string& locale,
                                 const std::string& file);

// html: {{name}} is HTML-escaped (email HTML part, web pages); otherwise values go in as
// they are (SMS, the email text part, subjects), so "Matti & Co" stays "Matti & Co".
// {{{name}}} is never escaped. Safe to call from any thread.
std::string render(const std::string& source, const mstch::map& ctx, bool html);

// What survey messages (the metric's question, why, thanks, alert, ...) can use.
mstch::map survey_context(const config::Config& config, const store::SurveyRow& survey);
// What messages outside a survey (optout, help) can use.
mstch::map plain_context(const config::Config& config);

std::string first_name(const std::string& name);

// The answer page's context (pages.cpp).
mstch::map answer_context(const AnswerPage& page);

}  // namespace cxgate::templates::detail
