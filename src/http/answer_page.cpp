#include "cxgate/http/answer_page.hpp"

#include <spdlog/spdlog.h>

#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/foundation/utf8.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/store/store.hpp"
#include "cxgate/templates/compose.hpp"
#include "cxgate/templates/pages.hpp"

namespace cxgate::http {

namespace {

using status = beast_http::status;
using Kind = templates::AnswerPage::Kind;

constexpr size_t kMaxComment = 2000;  // bytes; a reason, not an essay

std::optional<int> parse_score(std::string_view text, int min, int max) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    int v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < min || v > max) return std::nullopt;
    return v;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::vector<std::pair<int, std::string>> choices(const config::Config& config,
                                                 const std::string& locale, int min, int max) {
    std::vector<std::pair<int, std::string>> out;
    const bool yes_no = metrics::is_yes_no(metrics::Scale{min, max});
    for (int v : templates::answer_values(min, max))
        out.emplace_back(v, templates::answer_label(config, locale, yes_no, v));
    return out;
}

// The page for a survey, in its contact's locale. A step of several questions asks the
// others on the same form, each in the words of its own message.
templates::AnswerPage page_for(const config::Config& config, const store::SurveyRow& s, Kind kind) {
    templates::AnswerPage p;
    p.kind = kind;
    p.locale = s.locale;
    p.metric = s.metric;
    p.scale_min = s.scale_min;
    p.scale_max = s.scale_max;
    p.low_is_good = s.low_is_good;
    p.labels = choices(config, s.locale, s.scale_min, s.scale_max);
    auto space = s.contact_name.find(' ');
    p.first_name = s.contact_name.substr(0, space);
    if (kind == Kind::thanks) p.score = s.score;
    if (kind == Kind::form) {
        for (int i = 1; i < store::question_count(s); ++i) {
            const auto q = store::question_at(s, i);
            auto asked = s;
            asked.question = i;
            p.more.push_back({"q" + std::to_string(i + 1),
                              templates::render(config, asked, "question", s.locale).body,
                              choices(config, s.locale, q.scale_min, q.scale_max), std::nullopt});
        }
    }
    return p;
}

// Every answer page: HTML, never cached or indexed, no referrer (the token is in the
// URL), and a policy that allows nothing but its own inline style.
Response html_page(const Request& request, status code, const config::Config& config,
                   const templates::AnswerPage& page) {
    Response res{code, request.version()};
    set_page_headers(res);
    if (request.method() != beast_http::verb::head)
        res.body() = templates::render_answer_page(config, page);
    return res;
}

bool closed_to_answers(store::SurveyState state) {
    return state == store::SurveyState::expired || state == store::SurveyState::opted_out ||
           state == store::SurveyState::suppressed;
}

bool answered(store::SurveyState state) {
    return state == store::SurveyState::answered || state == store::SurveyState::commented ||
           state == store::SurveyState::closed;
}

}  // namespace

AnswerAction answer_action(beast_http::verb method, bool score_in_path, bool prefetch) {
    switch (method) {
        case beast_http::verb::get:
            return score_in_path && !prefetch ? AnswerAction::click : AnswerAction::show_page;
        case beast_http::verb::head:
            return AnswerAction::headers_only;
        case beast_http::verb::post:
            return AnswerAction::record;
        default:
            return AnswerAction::not_allowed;
    }
}

bool prefetch_hint(const beast_http::fields& headers) {
    // The header's first item, lower case, without its parameters: "prefetch;prerender"
    // and " Prefetch " are both "prefetch".
    auto first_item = [](std::string_view v) {
        auto end = v.find_first_of(";,");
        v = v.substr(0, end);
        auto b = v.find_first_not_of(" \t");
        if (b == std::string_view::npos) return std::string{};
        auto e = v.find_last_not_of(" \t");
        std::string out{v.substr(b, e - b + 1)};
        for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    auto says = [&](std::string_view name, std::initializer_list<std::string_view> values) {
        auto [it, end] = headers.equal_range(name);
        for (; it != end; ++it) {
            auto item = first_item(it->value());
            for (auto v : values)
                if (item == v) return true;
        }
        return false;
    };
    return says("Purpose", {"prefetch"}) || says("Sec-Purpose", {"prefetch"}) ||
           says("X-Moz", {"prefetch"}) || says("X-Purpose", {"preview", "prefetch"});
}

AnswerForm parse_answer_form(std::string_view body, int scale_min, int scale_max,
                             const std::vector<std::pair<int, int>>& more_scales) {
    AnswerForm form;
    auto fields = url::parse_form(body);
    if (auto it = fields.find("score"); it != fields.end())
        form.score = parse_score(trim(it->second), scale_min, scale_max);
    for (size_t i = 0; i < more_scales.size(); ++i) {
        std::optional<int> value;
        if (auto it = fields.find("q" + std::to_string(i + 2)); it != fields.end())
            value = parse_score(trim(it->second), more_scales[i].first, more_scales[i].second);
        form.more.push_back(value);
    }
    if (auto it = fields.find("comment"); it != fields.end()) {
        // A form field may carry any bytes ("%E4%FF"); stored as they came they made every
        // JSON answer that includes the comment fail.
        auto comment = trim(utf8::repair(it->second));
        if (comment.size() > kMaxComment) {
            size_t cut = kMaxComment;
            while (cut > 0 && (static_cast<unsigned char>(comment[cut]) & 0xC0) == 0x80) --cut;
            comment = trim(comment.substr(0, cut));
        }
        form.comment = std::move(comment);
    }
    return form;
}

asio::awaitable<Reply> answer_page(const Request& request, Services& s, const std::string& token,
                                   std::optional<std::string> score_in_path) {
    auto config = s.config();
    const auto action =
        answer_action(request.method(), score_in_path.has_value(), prefetch_hint(request));
    // The route table sends only these three; the rule says the same on its own.
    if (action == AnswerAction::not_allowed) co_return method_not_allowed("GET, HEAD, POST");
    const auto now = s.clock.now().time_since_epoch().count();
    templates::AnswerPage invalid;
    invalid.kind = Kind::invalid;
    invalid.locale = config->defaults.locale;

    auto checked = links::check_answer_token(s.link_secret, token, now);
    if (checked.status == links::TokenStatus::malformed ||
        checked.status == links::TokenStatus::bad_signature) {
        log_refusal(s, std::string("answer link refused: ") +
                           (checked.status == links::TokenStatus::malformed ? "malformed"
                                                                            : "wrongly signed") +
                           " token");
        co_return html_page(request, status::not_found, *config, invalid);
    }
    const auto survey_id = checked.token.survey_id;
    auto find = [survey_id](store::Store& db) { return db.find_survey(survey_id); };
    auto survey = co_await s.reader.execute(find);
    if (!survey) co_return html_page(request, status::not_found, *config, invalid);

    // An answered survey thanks, even through an old link: the person may be looking
    // for confirmation that it went through. A Send goes on: after a settled click it
    // still adds the reason (answer_from_page decides; otherwise it changes nothing).
    if (answered(survey->state) &&
        (action != AnswerAction::record || checked.status == links::TokenStatus::expired))
        co_return html_page(request, status::ok, *config, page_for(*config, *survey, Kind::thanks));
    if (checked.status == links::TokenStatus::expired || closed_to_answers(survey->state))
        co_return html_page(request, status::gone, *config,
                            page_for(*config, *survey, Kind::expired));

    if (action != AnswerAction::record) {
        // GET or HEAD: show the form, the clicked score pre-selected. A click (a GET of a
        // score link without a prefetch hint) is kept, durably, before the page goes out;
        // it becomes the score once it settles (see answer_page.hpp).
        auto page = page_for(*config, *survey, Kind::form);
        page.action = links::answer_url(config->server.public_url, token);
        if (score_in_path)
            page.score = parse_score(*score_in_path, survey->scale_min, survey->scale_max);
        if (action == AnswerAction::click && page.score &&
            checked.status == links::TokenStatus::valid) {
            const int score = *page.score;
            auto job = [config, survey_id, score, now](store::Store& db) {
                return replies::record_click(db, *config, survey_id, score, now);
            };
            try {
                auto click = co_await s.writer.execute(std::move(job));
                if (click.result == replies::ClickOutcome::Result::pending) {
                    spdlog::info("survey {}: click on score {}, pending until {}", survey_id, score,
                                 click.settles_at.value_or(0));
                    // A new burst may settle before the scheduler's next wake-up.
                    if (click.new_burst) s.scheduler.poke();
                }
            } catch (const store::QueueFull&) {
                // The page still works: its Send records. Nothing else to do but count it.
                s.counters.busy_rejections++;
                spdlog::warn("survey {}: click on score {} not kept: the writer is busy", survey_id,
                             score);
            } catch (const store::StorageFull&) {
                s.counters.storage_full_rejections++;
                spdlog::warn("survey {}: click on score {} not kept: the database is full",
                             survey_id, score);
            }
        }
        co_return html_page(request, status::ok, *config, page);
    }

    std::vector<std::pair<int, int>> more_scales;
    for (int i = 1; i < store::question_count(*survey); ++i) {
        const auto q = store::question_at(*survey, i);
        more_scales.emplace_back(q.scale_min, q.scale_max);
    }
    auto form =
        parse_answer_form(request.body(), survey->scale_min, survey->scale_max, more_scales);
    if (!form.score) {
        auto page = page_for(*config, *survey, Kind::form);
        page.action = links::answer_url(config->server.public_url, token);
        page.comment = form.comment;
        page.missing_score = true;
        co_return html_page(request, status::bad_request, *config, page);
    }
    replies::PageAnswer answer{survey_id, *form.score, form.comment, form.more};
    auto job = [config, answer, now](store::Store& db) {
        return replies::answer_from_page(db, *config, answer, now);
    };
    auto outcome = co_await s.writer.execute(std::move(job));
    using R = replies::PageAnswerOutcome::Result;
    switch (outcome.result) {
        case R::recorded:
            s.counters.inbound_accepted++;
            spdlog::info("survey {}: score {} from the answer page", survey_id, *form.score);
            if (!outcome.queued_messages.empty()) {
                s.dispatcher.enqueue(outcome.queued_messages);
                s.scheduler.poke();
            }
            [[fallthrough]];
        case R::already_answered:
            co_return html_page(request, status::ok, *config,
                                page_for(*config, *outcome.survey, Kind::thanks));
        case R::closed:
            co_return html_page(request, status::gone, *config,
                                page_for(*config, *outcome.survey, Kind::expired));
        case R::out_of_range: {
            auto page = page_for(*config, *outcome.survey, Kind::form);
            page.action = links::answer_url(config->server.public_url, token);
            page.comment = form.comment;
            page.missing_score = true;
            co_return html_page(request, status::bad_request, *config, page);
        }
        case R::no_survey:
            break;
    }
    co_return html_page(request, status::not_found, *config, invalid);
}

}  // namespace cxgate::http
