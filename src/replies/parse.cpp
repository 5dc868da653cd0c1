// Reading a reply: the score among the tokens (digits, number words, "8/10"), the checks
// that make a reply unclear rather than misread, and the comment around the score.
#include "cxgate/replies/parse.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reply_text.hpp"

namespace cxgate::replies {

using namespace detail;

namespace {

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
