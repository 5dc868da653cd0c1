// The words of Finnish, Swedish and English replies that the parser knows: keywords (STOP,
// LOPETA, SLUTA...), numbers written as words, what leads up to or follows a score, and
// yes and no.
#include <algorithm>
#include <initializer_list>
#include <utility>

#include "reply_text.hpp"

namespace cxgate::replies::detail {

namespace {

using Words = std::initializer_list<std::string_view>;

bool one_of(std::string_view word, Words list) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

}  // namespace

// ---- keywords -------------------------------------------------------------------------------

namespace {

struct Keyword {
    std::string_view word;
    Intent intent;
};

constexpr Keyword kKeywords[] = {
    {"stop", Intent::opt_out},       {"stopp", Intent::opt_out},       {"lopeta", Intent::opt_out},
    {"lopettakaa", Intent::opt_out}, {"loppu", Intent::opt_out},       {"sluta", Intent::opt_out},
    {"avsluta", Intent::opt_out},    {"unsubscribe", Intent::opt_out}, {"cancel", Intent::opt_out},
    {"end", Intent::opt_out},        {"quit", Intent::opt_out},        {"stopall", Intent::opt_out},
    {"start", Intent::opt_in},       {"aloita", Intent::opt_in},       {"unstop", Intent::opt_in},
    {"börja", Intent::opt_in},       {"borja", Intent::opt_in},        {"help", Intent::help},
    {"apua", Intent::help},          {"hjälp", Intent::help},          {"hjalp", Intent::help},
    {"info", Intent::help},          {"ohje", Intent::help},
};

// Politeness and objects that do not change what a keyword asks for: "stop please",
// "lopeta viestit", "sluta skicka sms till mig", "help me".
bool keyword_filler(std::string_view w) {
    return one_of(
        w, {"please",  "pls",       "plz",          "now",          "all",          "it",
            "me",      "to",        "again",        "thanks",       "thank",        "you",
            "thx",     "ty",        "messages",     "message",      "texts",        "text",
            "texting", "messaging", "sending",      "sms",          "kiitos",       "kiitti",
            "nyt",     "heti",      "kaikki",       "viestit",      "viestien",     "viestejä",
            "viestit", "viestin",   "lähettäminen", "lähettämästä", "lähettämisen", "mulle",
            "minulle", "uudelleen", "tack",         "genast",       "nu",           "alla",
            "allt",    "skicka",    "skickar",      "meddelanden",  "meddelande",   "mig",
            "till",    "igen"});
}

}  // namespace

std::optional<Intent> keyword_in(const std::vector<Token>& tokens, bool numbers_allowed) {
    std::vector<std::string_view> words;
    for (const auto& t : tokens) {
        if (t.kind == Kind::number && !numbers_allowed) return std::nullopt;
        if (t.kind == Kind::word) words.push_back(t.text);
    }
    std::size_t k = 0;
    while (k < words.size() && one_of(words[k], {"please", "pls", "plz"})) ++k;
    if (k == words.size()) return std::nullopt;
    std::optional<Intent> intent;
    for (const auto& kw : kKeywords)
        if (words[k] == kw.word) intent = kw.intent;
    if (!intent) return std::nullopt;
    for (std::size_t j = k + 1; j < words.size(); ++j)
        if (!keyword_filler(words[j])) return std::nullopt;
    return intent;
}

// ---- numbers --------------------------------------------------------------------------------

namespace {

constexpr NumberWord kNumberWords[] = {
    {"nolla", 0},      {"nollan", 0},    {"nollaa", 0},      {"noll", 0},      {"zero", 0},
    {"yksi", 1, true}, {"yks", 1, true}, {"yhden", 1, true}, {"ykkönen", 1},   {"ykkösen", 1},
    {"ykköstä", 1},    {"ykkonen", 1},   {"ykkosen", 1},     {"ett", 1, true}, {"en", 1, true},
    {"etta", 1},       {"one", 1, true}, {"kaksi", 2},       {"kaks", 2},      {"kahden", 2},
    {"kakkonen", 2},   {"kakkosen", 2},  {"kakkosta", 2},    {"två", 2},       {"tva", 2},
    {"tvåa", 2},       {"two", 2},       {"kolme", 3},       {"kolmen", 3},    {"kolmonen", 3},
    {"kolmosen", 3},   {"kolmosta", 3},  {"tre", 3},         {"trea", 3},      {"three", 3},
    {"neljä", 4},      {"nelja", 4},     {"neljän", 4},      {"nelonen", 4},   {"nelosen", 4},
    {"nelosta", 4},    {"fyra", 4},      {"four", 4},        {"viisi", 5},     {"viis", 5},
    {"viiden", 5},     {"vitonen", 5},   {"vitosen", 5},     {"vitosta", 5},   {"fem", 5},
    {"femma", 5},      {"five", 5},      {"kuusi", 6},       {"kuus", 6},      {"kuuden", 6},
    {"kutonen", 6},    {"kutosen", 6},   {"kutosta", 6},     {"sex", 6},       {"sexa", 6},
    {"six", 6},        {"seitsemän", 7}, {"seitseman", 7},   {"seittemän", 7}, {"seiska", 7},
    {"seiskan", 7},    {"seiskaa", 7},   {"sju", 7},         {"sjua", 7},      {"seven", 7},
    {"kahdeksan", 8},  {"kaheksan", 8},  {"kasi", 8},        {"kasin", 8},     {"kasia", 8},
    {"åtta", 8},       {"atta", 8},      {"eight", 8},       {"yhdeksän", 9},  {"yhdeksan", 9},
    {"yheksän", 9},    {"ysi", 9},       {"ysin", 9},        {"ysiä", 9},      {"ysia", 9},
    {"nio", 9},        {"nia", 9},       {"nine", 9},        {"kymmenen", 10}, {"kymppi", 10},
    {"kympin", 10},    {"kymppiä", 10},  {"kymppia", 10},    {"tio", 10},      {"tia", 10},
    {"ten", 10},
};

}  // namespace

const NumberWord* number_word(std::string_view w) {
    for (const auto& n : kNumberWords)
        if (n.word == w) return &n;
    return nullptr;
}

// "kymmenestä" is "out of ten" in one word.
std::optional<int> denominator_word(std::string_view w) {
    if (w == "kymmenestä" || w == "kymmenesta") return 10;
    if (w == "viidestä" || w == "viidesta") return 5;
    return std::nullopt;
}

bool unit_word(std::string_view w) {
    return one_of(w, {"pistettä", "pistetta", "pisteet", "p", "pts", "pt", "points", "point",
                      "poäng", "poang", "tähteä", "tahtea", "tähti", "tähden", "star", "stars",
                      "stjärna", "stjärnor", "stjarnor",
                      // "kympin palvelua": a ten's worth of service, still just the score
                      "palvelua"});
}

bool lead_in_word(std::string_view w) {
    return one_of(
        w, {"annan",  "antaisin", "annoin",  "annetaan", "arvosana", "arvosanaksi", "arvosanani",
            "arvio",  "arvioni",  "numero",  "pisteet",  "on",       "oli",         "täyden",
            "täydet", "vahva",    "vahvan",  "ger",      "jag",      "skulle",      "ge",
            "gav",    "betyg",    "betyget", "är",       "var",      "stark",       "en",
            "i",      "d",        "ll",      "would",    "give",     "gave",        "it",
            "s",      "a",        "an",      "my",       "rating",   "rate",        "score",
            "is",     "was",      "solid",   "strong"});
}

bool giving_verb(std::string_view w) {
    return one_of(w, {"annan", "antaisin", "annoin", "ger", "ge", "gav", "give", "gave", "betyg",
                      "arvosana", "score", "rating", "rate"});
}

bool politeness(std::string_view w) {
    return one_of(
        w, {"kiitos", "kiitti", "kiitoksia", "tack", "tackar", "thanks", "thank", "you", "thx",
            "ty", "hei", "moi", "terve", "hej", "hi", "hello", "ja", "och", "and"});
}

// ---- yes and no -----------------------------------------------------------------------------

namespace {

// Words that answer a yes/no question wherever they stand in the reply.
bool strong_yes(std::string_view w) {
    return one_of(w, {"kyllä", "kylla",  "kyl",  "joo",  "juu",  "jep",     "jees",    "jes",
                      "jup",   "jepjep", "japp", "jadå", "jada", "jajamän", "jajamen", "visst",
                      "yes",   "yeah",   "yep",  "yup",  "yea",  "yess",    "sure"});
}
bool strong_no(std::string_view w) {
    return one_of(w,
                  {"ei", "eipä", "eipa", "nej", "nä", "nää", "naa", "nix", "nope", "nah", "nay"});
}
// Words that are an answer only as the first word: "ja" is Swedish yes but Finnish "and",
// "inte" and "not" negate what follows ("not really", "inte alls"). ("no" is English no
// anywhere, but Finnish "well" in front of an answer: "no kyllä" is a yes; see read_yes_no.)
std::optional<int> first_word_answer(std::string_view w) {
    if (w == "no" || w == "not" || w == "inte") return 0;
    if (w == "ja") return 1;
    return std::nullopt;
}
// Words that are an answer only when they are the whole reply: Finnish "en" ("I didn't",
// but Swedish "a"), "oli" ("it was"), "jo" (Swedish yes, Finnish "already"), "y", "n".
std::optional<int> lone_answer(std::string_view w) {
    if (w == "en" || w == "n") return 0;
    if (w == "oli" || w == "jo" || w == "y" || w == "ok" || w == "okei") return 1;
    return std::nullopt;
}
// "Ei ongelmia" / "ei mitään ongelmaa" / "no problem at all" answer "did we make it easy?"
// with a yes, though they start with "ei" or "no". Returns the tokens the phrase takes (0:
// none).
std::size_t no_problem_at(const std::vector<Token>& t, std::size_t i) {
    auto word = [&](std::size_t k) {
        return k < t.size() && t[k].kind == Kind::word ? t[k].text : std::string_view();
    };
    const auto negation = word(i);
    if (!one_of(negation, {"ei", "no", "inga", "inget", "not"})) return 0;
    std::size_t k = i + 1;
    if (one_of(word(k), {"mitään", "mitaan", "yhtään", "yhtaan", "any", "några", "nagra", "a"}))
        ++k;
    const auto thing = word(k);
    const bool problem =
        one_of(thing, {"ongelmia", "ongelmaa", "ongelma", "ongelmia", "valittamista", "moitittavaa",
                       "huomautettavaa", "problem", "problems", "problemer", "issue", "issues",
                       "complaints", "problemo"});
    return problem ? k - i + 1 : 0;
}

}  // namespace

YesNo read_yes_no(const std::vector<Token>& t) {
    YesNo out;
    std::vector<std::pair<std::size_t, int>> hits;  // token, value
    std::size_t words = 0, first_word = t.size();
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != Kind::word) continue;
        if (first_word == t.size()) first_word = i;
        ++words;
    }
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != Kind::word) continue;
        if (const std::size_t n = no_problem_at(t, i)) {
            hits.emplace_back(i, 1);
            i += n - 1;  // the rest of the phrase
            continue;
        }
        if (strong_yes(t[i].text)) {
            hits.emplace_back(i, 1);
        } else if (strong_no(t[i].text)) {
            hits.emplace_back(i, 0);
        } else if (t[i].text == "no" && i != first_word) {
            hits.emplace_back(i, 0);  // "yes and no": English; "no kyllä": Finnish "well"
        }
    }
    // The weaker words count only where nothing stronger answers.
    if (hits.empty() && first_word < t.size()) {
        if (auto v = first_word_answer(t[first_word].text))
            hits.emplace_back(first_word, *v);
        else if (words == 1)
            if (auto lone = lone_answer(t[first_word].text)) hits.emplace_back(first_word, *lone);
    }
    if (hits.empty()) return out;
    for (const auto& [index, value] : hits)
        if (value != hits.front().second) {
            out.conflict = true;
            return out;
        }
    out.value = hits.front().second;
    out.first = hits.front().first;
    const std::size_t phrase = no_problem_at(t, out.first);
    out.last = out.first + (phrase ? phrase - 1 : 0);
    return out;
}

bool yes_no_word(std::string_view w) {
    return strong_yes(w) || strong_no(w) || first_word_answer(w) || lone_answer(w);
}

}  // namespace cxgate::replies::detail
