#include <doctest/doctest.h>

#include <algorithm>

#include "cxgate/report/themes.hpp"
#include "cxgate/report/word_forms.hpp"

using namespace cxgate;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<config::Theme> themes() {
    return {
        {"waiting",
         {{"fi", {"odottaa", "jono"}}, {"sv", {"vänta", "kö"}}, {"en", {"wait", "queue"}}}},
        {"price",
         {{"fi", {"hinta", "kallis"}}, {"sv", {"pris", "dyr"}}, {"en", {"price", "expensive"}}}},
        {"advisor",
         {{"fi", {"neuvoja", "ystävällinen"}},
          {"sv", {"rådgivare", "vänlig"}},
          {"en", {"advisor", "friendly"}}}},
    };
}

}  // namespace

TEST_CASE("themes: words are lower-cased, without digits or punctuation") {
    CHECK(report::words_of("Odotin JONOSSA 20 min, ÄRSYTTI! Åsa") ==
          std::vector<std::string>{"odotin", "jonossa", "min", "ärsytti", "åsa"});
    CHECK(report::words_of("asiakas-palvelu 👍 ok") ==
          std::vector<std::string>{"asiakas-palvelu", "ok"});
}

TEST_CASE("themes: Finnish words are read in their base forms, compounds by their parts") {
    report::FinnishForms fi;
    CHECK(contains(fi.forms("odotin"), "odottaa"));
    CHECK(contains(fi.forms("odotusaika"), "odottaa"));
    CHECK(contains(fi.forms("odotusaika"), "aika"));
    CHECK(contains(fi.forms("jonossa"), "jono"));
    CHECK(contains(fi.forms("neuvojalta"), "neuvoja"));
    CHECK(fi.forms("ysi") == std::vector<std::string>{"ysi"});  // slang: the word itself
}

TEST_CASE("themes: a corpus of fi, sv and en comments, inflected Finnish included") {
    const auto configured = themes();
    report::ThemeMatcher matcher(configured);
    struct Case {
        const char* comment;
        const char* locale;
        std::vector<std::string> expected;
    };
    const Case corpus[] = {
        {"Odotin puhelimessa puoli tuntia.", "fi", {"waiting"}},
        {"Odotusaika oli aivan liian pitkä", "fi", {"waiting"}},
        {"Jonossa meni ikuisuus", "fi", {"waiting"}},
        {"Jonotin ja odottelin, hinnat olivat kalliit", "fi", {"waiting", "price"}},
        {"Neuvojalta sain hyvää apua, tosi ystävällinen", "fi", {"advisor"}},
        {"Kaikki meni hyvin, kiitos", "fi", {}},
        {"Jag väntade länge i kön", "sv", {"waiting"}},
        {"För dyrt, tyvärr", "sv", {"price"}},
        {"Rådgivaren var vänlig och kunnig", "sv", {"advisor"}},
        {"Waiting time was too long", "en", {"waiting"}},
        {"The queue was endless and the price too high", "en", {"waiting", "price"}},
        {"Great service", "en", {}},
        // A Finnish keyword does not match an English comment, and the other way round.
        {"jono", "en", {}},
    };
    for (const auto& c : corpus) {
        INFO(c.comment);
        CHECK(matcher.themes_of(c.comment, c.locale) == c.expected);
    }
}

TEST_CASE("themes: Swedish and English keywords match by prefix, less a final vowel") {
    CHECK(report::prefix_match("waiting", "wait"));
    CHECK(report::prefix_match("väntade", "vänta"));
    CHECK(report::prefix_match("väntan", "vänta"));
    CHECK_FALSE(report::prefix_match("await", "wait"));
    CHECK_FALSE(report::prefix_match("kö", ""));
}

TEST_CASE("themes: a thread keeps its matcher until the themes change") {
    auto configured = themes();
    auto& first = report::ThemeMatcher::for_thread(configured);
    CHECK(&report::ThemeMatcher::for_thread(themes()) == &first);  // equal themes: the same
    configured[0].keywords["en"].push_back("delay");
    auto& changed = report::ThemeMatcher::for_thread(configured);
    CHECK(changed.made_from(configured));
    CHECK(changed.themes_of("A long delay", "en") == std::vector<std::string>{"waiting"});
}
