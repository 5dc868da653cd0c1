#include "cxgate/templates/pages.hpp"

#include "render.hpp"

namespace cxgate::templates {

namespace {

std::string without_trailing_blanks(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

namespace detail {

// The answer page's context. Section flags (form, thanks, expired, invalid) pick the
// part of answer.html to show; nps/csat/ces pick the wording of the scale's ends.
mstch::map answer_context(const AnswerPage& p) {
    const auto choices_of = [](const std::vector<std::pair<int, std::string>>& labels, int min,
                               int max, std::optional<int> checked) {
        mstch::array out;
        if (labels.empty()) {
            for (int v = min; v <= max; ++v)
                out.push_back(mstch::map{{"value", std::to_string(v)},
                                         {"label", std::to_string(v)},
                                         {"checked", checked && *checked == v}});
        } else {
            for (const auto& [v, label] : labels)
                out.push_back(mstch::map{{"value", std::to_string(v)},
                                         {"label", label},
                                         {"checked", checked && *checked == v}});
        }
        return out;
    };
    mstch::array scores = choices_of(p.labels, p.scale_min, p.scale_max, p.score);
    mstch::array more;
    for (const auto& q : p.more)
        more.push_back(mstch::map{{"name", q.name},
                                  {"legend", q.legend},
                                  {"choices", choices_of(q.choices, 0, -1, q.selected)}});
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
                   {"more", more},
                   {"yes_no", p.scale_min == 0 && p.scale_max == 1},
                   {"first_name", p.first_name},
                   {"comment", p.comment},
                   {"missing_score", p.missing_score}};
    if (p.score) ctx.emplace("score", std::to_string(*p.score));
    return ctx;
}

}  // namespace detail

std::string answer_label(const config::Config& config, const std::string& locale, bool yes_no,
                         int value) {
    if (!yes_no) return std::to_string(value);
    const auto* source = detail::find_template(config, locale, value ? "yes.txt" : "no.txt");
    if (!source) return value ? "Yes" : "No";
    return without_trailing_blanks(detail::render(*source, detail::plain_context(config), false));
}

std::vector<int> answer_values(int scale_min, int scale_max) {
    if (scale_min == 0 && scale_max == 1) return {1, 0};  // yes, no
    std::vector<int> out;
    for (int v = scale_min; v <= scale_max; ++v) out.push_back(v);
    return out;
}

std::string buttons_prompt(const config::Config& config, const std::string& locale) {
    const auto* source = detail::find_template(config, locale, "buttons.txt");
    if (!source) return "";
    return without_trailing_blanks(detail::render(*source, detail::plain_context(config), false));
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
