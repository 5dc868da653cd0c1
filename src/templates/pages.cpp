#include "cxgate/templates/pages.hpp"

#include "render.hpp"

namespace cxgate::templates {

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

namespace detail {

// The answer page's context. Section flags (form, thanks, expired, invalid) pick the
// part of answer.html to show; nps/csat/ces pick the wording of the scale's ends.
mstch::map answer_context(const AnswerPage& p) {
    mstch::array scores;
    for (int v = p.scale_min; v <= p.scale_max; ++v)
        scores.push_back(
            mstch::map{{"value", std::to_string(v)}, {"checked", p.score && *p.score == v}});
    mstch::map ctx{{"form", p.kind == AnswerPage::Kind::form},
                   {"thanks", p.kind == AnswerPage::Kind::thanks},
                   {"expired", p.kind == AnswerPage::Kind::expired},
                   {"invalid", p.kind == AnswerPage::Kind::invalid},
                   {"lang", p.locale},
                   {"action", p.action},
                   {"metric", p.metric},
                   {"nps", p.metric == "nps" || p.metric == "enps"},
                   {"csat", p.metric == "csat"},
                   {"ces", p.metric == "ces"},
                   {"low_is_good", p.low_is_good},
                   {"scale", mstch::map{{"min", std::to_string(p.scale_min)},
                                        {"max", std::to_string(p.scale_max)}}},
                   {"scores", scores},
                   {"first_name", p.first_name},
                   {"comment", p.comment},
                   {"missing_score", p.missing_score}};
    if (p.score) ctx.emplace("score", std::to_string(*p.score));
    return ctx;
}

}  // namespace detail

std::string buttons_prompt(const config::Config& config, const std::string& locale) {
    const auto* source = detail::find_template(config, locale, "buttons.txt");
    if (!source) return "";
    return trim(detail::render(*source, detail::plain_context(config), false));
}

std::string render_answer_page(const config::Config& config, const AnswerPage& page) {
    const auto* source = detail::find_template(config, page.locale, "answer.html");
    if (!source) {
        // A configuration without the page template still answers, in plain words.
        return "<!doctype html><meta charset=utf-8><title>cxgate</title><p>" +
               std::string(page.kind == AnswerPage::Kind::thanks ? "Thank you." : "cxgate") +
               "</p>";
    }
    return detail::render(*source, detail::answer_context(page), true);
}

}  // namespace cxgate::templates
