#pragma once
// Private to src/replies/: a reply as tokens (reply_tokens.cpp), and the Finnish, Swedish and
// English words the parser knows (reply_words.cpp): keywords, numbers, lead-ins, yes and no.
// Words are matched lowered, as lower_utf8 lowers them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxgate/replies/parse.hpp"

namespace cxgate::replies::detail {

bool ascii_space(unsigned char c);
std::string_view trim(std::string_view s);
// Only ASCII and the Latin-1 capitals (Ä Ö Å É ...) are lowered: they keep their byte length, so
// an offset into the lowered text is the same offset into what the customer wrote, and comments
// can be cut from the original.
std::string lower_utf8(std::string_view s);

enum class Kind { word, number, symbol };

struct Token {
    Kind kind = Kind::symbol;
    std::size_t begin = 0, end = 0;  // byte offsets into the trimmed text
    std::string_view text;           // lowered
    int value = -1;                  // numbers of at most two digits
    bool ignored = false;            // part of a phone number
};

std::vector<Token> tokenize(std::string_view lowered);
// Phone numbers are written in groups ("040 123 4567", "+358 40 1234567") whose two-digit parts
// would otherwise read as scores; seven digits is shorter than any real phone number.
void ignore_phone_numbers(std::string_view lowered, std::vector<Token>& tokens);

// ---- keywords
// numbers_allowed: look past numbers, to find "STOP 3", which is neither a keyword nor a score.
std::optional<Intent> keyword_in(const std::vector<Token>& tokens, bool numbers_allowed = false);

// ---- numbers
struct NumberWord {
    std::string_view word;
    int value;
    // Also an article or a pronoun ("en bra service", "one of the best", "yksi asia"): a number
    // only on its own or right after a verb of giving.
    bool weak = false;
};
const NumberWord* number_word(std::string_view w);
// "kymmenestä" is "out of ten" in one word.
std::optional<int> denominator_word(std::string_view w);
// "pistettä", "points", "stars": what follows a score and is part of it.
bool unit_word(std::string_view w);
// Words that lead up to a score and say nothing about the service: "annan 8", "jag ger en
// femma", "I'd give it a 9", "arvosana: 7", "vahva kasi".
bool lead_in_word(std::string_view w);
// "annan", "ger", "give", "rating": a weak number word right after one is a score.
bool giving_verb(std::string_view w);
// Greetings, thanks and "and", which say nothing beyond the score.
bool politeness(std::string_view w);

// ---- yes and no
struct YesNo {
    std::optional<int> value;
    std::size_t first = 0, last = 0;  // the tokens that carry the answer
    bool conflict = false;
};
// The answer a reply gives to a yes/no question, if any; `conflict` when it says both.
YesNo read_yes_no(const std::vector<Token>& t);
// Any word that can answer a yes/no question.
bool yes_no_word(std::string_view w);

}  // namespace cxgate::replies::detail
