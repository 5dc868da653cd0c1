#include <doctest/doctest.h>

#include "cxgate/http/answer_page.hpp"

using namespace cxgate::http;
namespace verb_ns = boost::beast::http;

TEST_CASE("scanner rule: HEAD and prefetches never record; a GET of a score link is a click") {
    // What a link scanner sends first: HEAD, and prefetching GETs; never a recording action.
    for (bool score : {false, true}) {
        CHECK(answer_action(verb_ns::verb::head, score) == AnswerAction::headers_only);
        CHECK(answer_action(verb_ns::verb::head, score, true) == AnswerAction::headers_only);
        CHECK(answer_action(verb_ns::verb::get, score, true) == AnswerAction::show_page);
    }
    // The page without a score never records; a plain GET of a score link is a pending
    // click (it becomes the score only if it settles: tests/unit/replies/test_clicks.cpp).
    CHECK(answer_action(verb_ns::verb::get, false) == AnswerAction::show_page);
    CHECK(answer_action(verb_ns::verb::get, true) == AnswerAction::click);
    CHECK(answer_action(verb_ns::verb::post) == AnswerAction::record);
    CHECK(answer_action(verb_ns::verb::post, true) == AnswerAction::record);
    for (auto method : {verb_ns::verb::put, verb_ns::verb::delete_, verb_ns::verb::options,
                        verb_ns::verb::patch}) {
        CHECK(answer_action(method, true) == AnswerAction::not_allowed);
    }
}

TEST_CASE("scanner rule: prefetch hints") {
    auto hinted = [](std::string_view name, std::string_view value) {
        boost::beast::http::fields h;
        h.set(boost::beast::http::field::user_agent, "Mozilla/5.0");
        h.insert(name, value);
        return prefetch_hint(h);
    };
    CHECK(hinted("Purpose", "prefetch"));
    CHECK(hinted("Sec-Purpose", "prefetch"));
    CHECK(hinted("Sec-Purpose", "prefetch;prerender"));
    CHECK(hinted("sec-purpose", "Prefetch; anonymous-client-ip"));
    CHECK(hinted("X-Moz", "prefetch"));
    CHECK(hinted("X-Purpose", "preview"));
    CHECK(hinted("X-Purpose", " Preview "));
    CHECK_FALSE(hinted("Purpose", "navigate"));
    CHECK_FALSE(hinted("Sec-Purpose", "prerender"));
    CHECK_FALSE(hinted("X-Moz", "prefetchx"));
    CHECK_FALSE(hinted("X-Other", "prefetch"));
    boost::beast::http::fields none;
    CHECK_FALSE(prefetch_hint(none));
}

TEST_CASE("answer form: the score must be a number on the survey's scale") {
    CHECK(parse_answer_form("score=9&comment=Nopea+palvelu", 0, 10).score == 9);
    CHECK(parse_answer_form("score=9&comment=Nopea+palvelu", 0, 10).comment == "Nopea palvelu");
    CHECK(parse_answer_form("score=0", 0, 10).score == 0);
    CHECK(parse_answer_form("score=10", 0, 10).score == 10);
    CHECK_FALSE(parse_answer_form("score=11", 0, 10).score);
    CHECK_FALSE(parse_answer_form("score=0", 1, 5).score);
    CHECK_FALSE(parse_answer_form("score=6", 1, 5).score);
    CHECK_FALSE(parse_answer_form("score=-1", 0, 10).score);
    CHECK_FALSE(parse_answer_form("score=9x", 0, 10).score);
    CHECK_FALSE(parse_answer_form("score=", 0, 10).score);
    CHECK_FALSE(parse_answer_form("comment=only+a+comment", 0, 10).score);
    CHECK_FALSE(parse_answer_form("", 0, 10).score);
    CHECK(parse_answer_form("score=+4+", 1, 5).score == 4);
}

TEST_CASE("answer form: the comment is trimmed and capped on a character boundary") {
    CHECK(parse_answer_form("score=3&comment=%0D%0A++ok++%0A", 1, 5).comment == "ok");
    std::string long_comment;
    for (int i = 0; i < 1500; ++i) long_comment += "%C3%A4";  // "ä", two bytes each
    auto form = parse_answer_form("score=3&comment=" + long_comment, 1, 5);
    CHECK(form.comment.size() == 2000);
    CHECK((static_cast<unsigned char>(form.comment.back()) & 0xC0) == 0x80);  // ends a whole "ä"
}

TEST_CASE("answer form: bytes that are not UTF-8 in the comment become U+FFFD") {
    // Unauthenticated input: stored raw, it broke every JSON answer that included it.
    CHECK(parse_answer_form("score=3&comment=hyv%E4%FF", 1, 5).comment ==
          "hyv\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(parse_answer_form("score=3&comment=%C3%A4", 1, 5).comment == "\xC3\xA4");
}
