#include "cxgate/replies/parse.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace cxgate::replies {

namespace {

using Words = std::initializer_list<std::string_view>;

bool one_of(std::string_view word, Words list) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

bool ascii_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && ascii_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && ascii_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Only ASCII and the Latin-1 capitals (Ä Ö Å É ...) are lowered: they keep their byte length, so
// an offset into the lowered text is the same offset into what the customer wrote, and comments
// can be cut from the original.
std::string lower_utf8(std::string_view s) {
    std::string out(s);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + ('a' - 'A'));
        } else if (c == 0xC3 && i + 1 < out.size()) {
            const auto d = static_cast<unsigned char>(out[i + 1]);
            // 0xC3 0x97 is the multiplication sign, and 0x9F (ß) has no capital in this block.
            if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
            ++i;
        }
    }
    return out;
}

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Bytes of the letter starting at i, or 0. Latin-1 and Latin Extended-A letters are enough for
// Finnish, Swedish and the names and loanwords customers use; emoji and dashes are not letters.
std::size_t letter_at(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
    if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < s.size()) {
        const auto d = static_cast<unsigned char>(s[i + 1]);
        if (!continuation(d)) return 0;
        if (c == 0xC3 && (d == 0x97 || d == 0xB7)) return 0;  // × and ÷
        return 2;
    }
    return 0;
}

bool digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// Bytes of one code point (or of one stray byte, so that broken UTF-8 still moves forward).
std::size_t codepoint_at(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t want = 1;
    if (c >= 0xF0 && c <= 0xF4) {
        want = 4;
    } else if (c >= 0xE0) {
        want = 3;
    } else if (c >= 0xC2 && c <= 0xDF) {
        want = 2;
    }
    std::size_t n = 1;
    while (n < want && i + n < s.size() && continuation(static_cast<unsigned char>(s[i + n]))) ++n;
    return n;
}

enum class Kind { word, number, symbol };

struct Token {
    Kind kind = Kind::symbol;
    std::size_t begin = 0, end = 0;  // byte offsets into the trimmed text
    std::string_view text;           // lowered
    int value = -1;                  // numbers of at most two digits
    bool ignored = false;            // part of a phone number
};

std::vector<Token> tokenize(std::string_view lowered) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < lowered.size()) {
        const auto c = static_cast<unsigned char>(lowered[i]);
        if (ascii_space(c)) {
            ++i;
            continue;
        }
        if (c == 0xC2 && i + 1 < lowered.size() &&
            static_cast<unsigned char>(lowered[i + 1]) == 0xA0) {
            i += 2;  // no-break space, which some phones put after punctuation
            continue;
        }
        Token t;
        t.begin = i;
        if (digit(c)) {
            t.kind = Kind::number;
            while (i < lowered.size() && digit(static_cast<unsigned char>(lowered[i]))) ++i;
            if (i - t.begin <= 2)
                t.value = std::stoi(std::string(lowered.substr(t.begin, i - t.begin)));
        } else if (std::size_t n = letter_at(lowered, i); n > 0) {
            t.kind = Kind::word;
            while (i < lowered.size() && (n = letter_at(lowered, i)) > 0) i += n;
        } else {
            t.kind = Kind::symbol;
            i += codepoint_at(lowered, i);
        }
        t.end = i;
        t.text = lowered.substr(t.begin, t.end - t.begin);
        tokens.push_back(t);
    }
    return tokens;
}

// Phone numbers are written in groups ("040 123 4567", "+358 40 1234567") whose two-digit parts
// would otherwise read as scores; seven digits is shorter than any real phone number.
void ignore_phone_numbers(std::string_view lowered, std::vector<Token>& tokens) {
    auto phone_char = [](char c) {
        return digit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '-' ||
               c == '(' || c == ')';
    };
    std::size_t i = 0, next = 0;
    while (i < lowered.size()) {
        if (!digit(static_cast<unsigned char>(lowered[i])) && lowered[i] != '+') {
            ++i;
            continue;
        }
        const std::size_t begin = i;
        int digits = 0;
        while (i < lowered.size() && phone_char(lowered[i])) {
            if (digit(static_cast<unsigned char>(lowered[i]))) ++digits;
            ++i;
        }
        if (digits >= 7) {
            // Tokens are in text order, so one pass over them serves every run.
            while (next < tokens.size() && tokens[next].begin < begin) ++next;
            for (; next < tokens.size() && tokens[next].end <= i; ++next)
                if (tokens[next].kind == Kind::number) tokens[next].ignored = true;
        }
    }
}

// ---- keywords -------------------------------------------------------------------------------

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

// numbers_allowed: look past numbers, to find "STOP 3", which is neither a keyword nor a score.
std::optional<Intent> keyword_in(const std::vector<Token>& tokens, bool numbers_allowed = false) {
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

struct NumberWord {
    std::string_view word;
    int value;
    // Also an article or a pronoun ("en bra service", "one of the best", "yksi asia"): a number
    // only on its own or right after a verb of giving.
    bool weak = false;
};

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

// Words that lead up to a score and say nothing about the service: "annan 8", "jag ger en
// femma", "I'd give it a 9", "arvosana: 7", "vahva kasi".
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

struct YesNo {
    std::optional<int> value;
    std::size_t first = 0, last = 0;  // the tokens that carry the answer
    bool conflict = false;
};

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

// ---- reading the tokens ---------------------------------------------------------------------

struct Hit {
    int value = 0;
    std::size_t first = 0, last = 0;  // tokens of the score, its unit and its denominator
    bool word = false;
    bool weak = false;
};

class Reader {
  public:
    Reader(const std::vector<Token>& tokens, const metrics::Scale& scale)
        : t_(tokens), scale_(scale) {}

    bool is_word(std::size_t i, std::string_view w) const {
        return i < t_.size() && t_[i].kind == Kind::word && t_[i].text == w;
    }
    bool is_symbol(std::size_t i, std::string_view s) const {
        return i < t_.size() && t_[i].kind == Kind::symbol && t_[i].text == s;
    }
    bool adjacent(std::size_t i, std::size_t j) const {
        return i < t_.size() && j < t_.size() && t_[i].end == t_[j].begin;
    }

    // A small number, a number word, or nothing.
    std::optional<int> value(std::size_t i) const {
        if (i >= t_.size()) return std::nullopt;
        const Token& t = t_[i];
        if (t.kind == Kind::number && t.value >= 0 && !t.ignored) return t.value;
        if (t.kind == Kind::word)
            if (const auto* n = number_word(t.text)) return n->value;
        return std::nullopt;
    }

    // "9.5", "8,5": the answer is not a whole point, and neither part is the score.
    bool fraction_at(std::size_t i) const {
        return t_[i].kind == Kind::number && !t_[i].ignored && i + 2 < t_.size() &&
               (is_symbol(i + 1, ".") || is_symbol(i + 1, ",")) && adjacent(i, i + 1) &&
               adjacent(i + 1, i + 2) && t_[i + 2].kind == Kind::number;
    }

    // Index just past "/ 10", "of 10", "out of ten", "av 10", or "kymmenestä" starting at j,
    // and the denominator; or j itself when there is none.
    std::size_t denominator(std::size_t j, std::optional<int>& denom) const {
        if (j >= t_.size()) return j;
        if (t_[j].kind == Kind::word)
            if (auto d = denominator_word(t_[j].text)) {
                denom = d;
                return j + 1;
            }
        std::size_t k = j;
        if (is_symbol(k, "/") || is_word(k, "of") || is_word(k, "av") || is_word(k, "utav") ||
            is_word(k, "outta") || is_word(k, "från")) {
            ++k;
        } else if (is_word(k, "out") && is_word(k + 1, "of")) {
            k += 2;
        } else {
            return j;
        }
        if (auto d = value(k)) {
            denom = d;
            return k + 1;
        }
        return j;
    }

    // Right after "/", "of" or "av": "out of 10, I'd say 8" names the scale, not a score.
    bool after_denominator_marker(std::size_t i) const {
        if (i == 0) return false;
        return is_symbol(i - 1, "/") || is_word(i - 1, "of") || is_word(i - 1, "av") ||
               is_word(i - 1, "utav") || is_word(i - 1, "från") || is_word(i - 1, "outta");
    }

    std::size_t skip_units(std::size_t j) const {
        while (j < t_.size() && t_[j].kind == Kind::word && unit_word(t_[j].text)) ++j;
        return j;
    }

    void read() {
        std::vector<bool> consumed(t_.size(), false);
        for (std::size_t i = 0; i < t_.size(); ++i) {
            if (consumed[i]) continue;
            const Token& t = t_[i];
            if (fraction_at(i)) {
                if (t.value >= 0) fraction = true;
                consumed[i + 2] = true;
                continue;
            }
            if (t.kind == Kind::word) {
                if (auto d = denominator_word(t.text)) {
                    if (*d != scale_.max) other_denominator = d;
                    continue;
                }
            }
            auto v = value(i);
            if (!v) continue;
            if (*v == scale_.max && after_denominator_marker(i)) continue;

            const NumberWord* nw = t.kind == Kind::word ? number_word(t.text) : nullptr;
            const bool weak = nw != nullptr && nw->weak;
            // "en femma", "ett 10": the weak word is an article for the number after it.
            if (weak && (value(i + 1) || (i + 1 < t_.size() && t_[i + 1].kind == Kind::number)))
                continue;

            Hit h{*v, i, i, nw != nullptr, weak};
            std::size_t j = skip_units(i + 1);
            std::optional<int> denom;
            const std::size_t after = denominator(j, denom);
            if (denom) {
                if (*denom != scale_.max) other_denominator = denom;
                j = skip_units(after);
            }
            h.last = j - 1;
            for (std::size_t k = i + 1; k < j; ++k) consumed[k] = true;

            if (weak) {
                const bool given =
                    (i >= 1 && t_[i - 1].kind == Kind::word && giving_verb(t_[i - 1].text)) ||
                    (i >= 2 && t_[i - 2].kind == Kind::word && giving_verb(t_[i - 2].text));
                if (given || denom) {
                    hits.push_back(h);
                } else {
                    weak_hits.push_back(h);
                }
                continue;
            }
            hits.push_back(h);
        }
    }

    std::vector<Hit> hits;
    std::vector<Hit> weak_hits;  // weak words without context, used only when nothing else is
    bool fraction = false;
    std::optional<int> other_denominator;

  private:
    const std::vector<Token>& t_;
    const metrics::Scale& scale_;
};

// A word or number that says something beyond the score. On a yes/no question a second
// "joo" or a "yes" says nothing more either.
bool meaningful(const Token& t, int score, bool yes_no) {
    if (t.kind == Kind::symbol) return false;
    if (t.kind == Kind::number) return t.ignored || t.value != score;
    if (yes_no && yes_no_word(t.text)) return false;
    return !(lead_in_word(t.text) || politeness(t.text) || unit_word(t.text));
}

bool leading_separator(std::string_view s, std::size_t i, std::size_t& n) {
    const auto c = static_cast<unsigned char>(s[i]);
    n = 1;
    if (ascii_space(c)) return true;
    if (std::string_view(",;:-.!?)]+*=>/").find(static_cast<char>(c)) != std::string_view::npos)
        return true;
    const std::string_view rest = s.substr(i);
    for (std::string_view dash : {"\u2013", "\u2014", "\u00a0"})
        if (rest.starts_with(dash)) {
            n = dash.size();
            return true;
        }
    return false;
}

bool trailing_separator(std::string_view s, std::size_t& n) {
    const auto c = static_cast<unsigned char>(s.back());
    n = 1;
    if (ascii_space(c)) return true;
    if (std::string_view(",;:-([=+*/").find(static_cast<char>(c)) != std::string_view::npos)
        return true;
    for (std::string_view dash : {"\u2013", "\u2014", "\u00a0"})
        if (s.ends_with(dash)) {
            n = dash.size();
            return true;
        }
    return false;
}

std::string strip_leading(std::string_view s) {
    std::size_t n = 0;
    while (!s.empty() && leading_separator(s, 0, n)) s.remove_prefix(n);
    return std::string(trim(s));
}

std::string strip_trailing(std::string_view s) {
    std::size_t n = 0;
    while (!s.empty() && trailing_separator(s, n)) s.remove_suffix(n);
    return std::string(trim(s));
}

std::string scale_text(const metrics::Scale& scale) {
    return metrics::to_string(scale);
}

}  // namespace

std::optional<Intent> keyword_intent(std::string_view text) {
    const std::string lowered = lower_utf8(trim(text));
    return keyword_in(tokenize(lowered));
}

ParsedReply parse_reply(std::string_view text, const metrics::Scale& scale) {
    ParsedReply r;
    const std::string_view trimmed = trim(text);
    const std::string lowered = lower_utf8(trimmed);
    std::vector<Token> tokens = tokenize(lowered);

    if (auto keyword = keyword_in(tokens)) {
        r.intent = *keyword;
        r.confidence = 1.0;
        return r;
    }

    auto unclear = [&](std::string why) {
        r.intent = Intent::unclear;
        r.score.reset();
        r.comment = std::string(trimmed);
        r.confidence = 0;
        r.why = std::move(why);
        return r;
    };
    if (trimmed.empty()) return unclear("empty reply");
    // Recording a score for someone who wrote STOP would be worse than asking again.
    if (keyword_in(tokens, true) == Intent::opt_out) return unclear("opt-out word with a number");

    ignore_phone_numbers(lowered, tokens);
    const bool yes_no = metrics::is_yes_no(scale);
    std::vector<Hit> hits;
    if (yes_no) {
        // Words first ("joo", "nej", "nope"); a 1 or a 0 still answers when there are none.
        const YesNo answer = read_yes_no(tokens);
        if (answer.conflict) return unclear("both yes and no");
        if (answer.value)
            hits.push_back(Hit{*answer.value, answer.first, answer.last, true, false});
    }
    if (hits.empty()) {
        Reader reader(tokens, scale);
        reader.read();

        if (reader.fraction) return unclear("not a whole number");
        if (reader.other_denominator)
            return unclear("scored out of " + std::to_string(*reader.other_denominator) +
                           ", the scale is " + scale_text(scale));

        hits = reader.hits;
        if (hits.empty() && reader.weak_hits.size() == 1) {
            // A lone "one", "yksi" or "ett" is an answer; a lone "en" is Finnish for "I don't".
            const Hit& h = reader.weak_hits.front();
            bool alone = tokens[h.first].text != "en";
            for (std::size_t i = 0; i < tokens.size() && alone; ++i)
                if ((i < h.first || i > h.last) && meaningful(tokens[i], h.value, yes_no))
                    alone = false;
            if (alone) hits.push_back(h);
        }
        if (hits.empty()) return unclear(yes_no ? "no yes or no" : "no number");

        for (const Hit& h : hits)
            if (h.value != hits.front().value)
                return unclear("conflicting numbers " + std::to_string(hits.front().value) +
                               " and " + std::to_string(h.value));
    }

    const Hit& hit = hits.front();
    if (hit.value < scale.min || hit.value > scale.max)
        return unclear(std::to_string(hit.value) + " is outside the scale " + scale_text(scale));

    // The words leading up to the score ("annan", "I'd give it a") belong to it, not to the
    // comment, but only when they come right before it.
    std::size_t prefix_end = tokens[hit.first].begin;
    for (std::size_t i = hit.first; i-- > 0;) {
        if (tokens[i].kind == Kind::symbol) continue;
        if (tokens[i].kind != Kind::word || !lead_in_word(tokens[i].text)) break;
        prefix_end = tokens[i].begin;
    }
    bool before = false, after = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!meaningful(tokens[i], hit.value, yes_no)) continue;
        if (i < hit.first) before = true;
        if (i > hit.last) after = true;
    }

    r.intent = Intent::score;
    r.score = hit.value;
    const std::string_view prefix = trimmed.substr(0, prefix_end);
    const std::string_view suffix = trimmed.substr(tokens[hit.last].end);
    if (before && after) {
        // The score sits inside a sentence; cutting it out would garble what they said.
        r.comment = std::string(trimmed);
        r.confidence = hit.word ? 0.6 : 0.7;
    } else if (after) {
        r.comment = strip_leading(suffix);
        r.confidence = hit.word ? 0.6 : 0.8;
    } else if (before) {
        r.comment = strip_trailing(prefix);
        r.confidence = hit.word ? 0.6 : 0.8;
    } else {
        r.confidence = 1.0;
    }
    return r;
}

std::string to_string(Intent intent) {
    switch (intent) {
        case Intent::score:
            return "score";
        case Intent::opt_out:
            return "opt_out";
        case Intent::opt_in:
            return "opt_in";
        case Intent::help:
            return "help";
        case Intent::unclear:
            return "unclear";
    }
    return "unclear";
}

}  // namespace cxgate::replies
