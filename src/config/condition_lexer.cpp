// The `if:` language's lexer: characters to tokens, with the messages for what people
// write by habit from other languages (=, !, &&, ||, single quotes).
#include <charconv>
#include <cstdint>
#include <optional>
#include <system_error>

#include "condition_syntax.hpp"

namespace cxgate::config::detail {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
// Hyphens are allowed inside names because event attributes come from other systems
// ("order-id"); the language has no minus operator, so this is unambiguous.
bool is_name_char(char c) {
    return is_name_start(c) || is_digit(c) || c == '-';
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::optional<Tok> keyword(std::string_view word) {
    if (word == "and") return Tok::kw_and;
    if (word == "or") return Tok::kw_or;
    if (word == "not") return Tok::kw_not;
    if (word == "in") return Tok::kw_in;
    if (word == "exists") return Tok::kw_exists;
    if (word == "true") return Tok::kw_true;
    if (word == "false") return Tok::kw_false;
    if (word == "null") return Tok::kw_null;
    return std::nullopt;
}

}  // namespace

Token ConditionLexer::next() {
    while (pos_ < src_.size() &&
           (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' || src_[pos_] == '\r'))
        ++pos_;
    Token t;
    t.offset = pos_;
    if (pos_ >= src_.size()) return t;
    const char c = src_[pos_];
    const char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    auto single = [&](Tok kind, std::size_t length) {
        t.kind = kind;
        t.length = length;
        pos_ += length;
        return t;
    };
    switch (c) {
        case '(':
            return single(Tok::lparen, 1);
        case ')':
            return single(Tok::rparen, 1);
        case '[':
            return single(Tok::lbracket, 1);
        case ']':
            return single(Tok::rbracket, 1);
        case ',':
            return single(Tok::comma, 1);
        case '<':
            return next == '=' ? single(Tok::le, 2) : single(Tok::lt, 1);
        case '>':
            return next == '=' ? single(Tok::ge, 2) : single(Tok::gt, 1);
        case '=':
            if (next == '=') return single(Tok::eq, 2);
            fail(pos_, "use \"==\" to compare, not \"=\"");
        case '!':
            if (next == '=') return single(Tok::ne, 2);
            fail(pos_, "use \"not\" instead of \"!\"");
        case '&':
            fail(pos_, "use \"and\" instead of \"&&\"");
        case '|':
            fail(pos_, "use \"or\" instead of \"||\"");
        case '\'':
            fail(pos_, "strings use double quotes: \"like this\"");
        case '"':
            return lex_string();
        default:
            break;
    }
    if (c == '-' || is_digit(c)) return lex_number();
    if (is_name_start(c)) return lex_word();
    fail(pos_, "unexpected character " + in_quotes(character_at(pos_)));
}

// The whole UTF-8 sequence starting at `at`, so messages never show half a character.
std::string ConditionLexer::character_at(std::size_t at) const {
    const auto lead = static_cast<unsigned char>(src_[at]);
    std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return std::string(src_.substr(at, std::min(length, src_.size() - at)));
}

Token ConditionLexer::lex_string() {
    Token t;
    t.kind = Tok::string;
    t.offset = pos_;
    std::string value;
    ++pos_;
    while (true) {
        if (pos_ >= src_.size()) fail(t.offset, "unterminated string: missing closing \"");
        const char c = src_[pos_];
        if (c == '"') break;
        if (c == '\\') {
            const char e = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
            switch (e) {
                case '"':
                    value += '"';
                    break;
                case '\\':
                    value += '\\';
                    break;
                case 'n':
                    value += '\n';
                    break;
                case 't':
                    value += '\t';
                    break;
                case '\0':
                    if (pos_ + 1 >= src_.size())
                        fail(t.offset, "unterminated string: missing closing \"");
                    [[fallthrough]];
                default:
                    fail(pos_, "unknown escape " + in_quotes("\\" + character_at(pos_ + 1)) +
                                   " in string (use \\\", \\\\, \\n or \\t)");
            }
            pos_ += 2;
            continue;
        }
        value += c;
        ++pos_;
    }
    ++pos_;
    t.length = pos_ - t.offset;
    t.value = std::move(value);
    return t;
}

Token ConditionLexer::lex_number() {
    Token t;
    t.kind = Tok::number;
    t.offset = pos_;
    if (src_[pos_] == '-') {
        ++pos_;
        if (pos_ >= src_.size() || !is_digit(src_[pos_]))
            fail(pos_, "expected a digit after \"-\"");
    }
    while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    bool decimal = false;
    if (pos_ < src_.size() && src_[pos_] == '.') {
        ++pos_;
        if (pos_ >= src_.size() || !is_digit(src_[pos_]))
            fail(pos_, "expected a digit after the decimal point");
        while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
        decimal = true;
    }
    if (pos_ < src_.size() && (is_name_char(src_[pos_]) || src_[pos_] == '.')) {
        std::size_t end = pos_;
        while (end < src_.size() && (is_name_char(src_[end]) || src_[end] == '.')) ++end;
        fail(t.offset, "invalid number " + in_quotes(src_.substr(t.offset, end - t.offset)) +
                           " (write numbers like 42, -7 or 3.5)");
    }
    t.length = pos_ - t.offset;
    const char* first = src_.data() + t.offset;
    const char* last = src_.data() + pos_;
    if (decimal) {
        double d = 0;
        auto [ptr, ec] = std::from_chars(first, last, d);
        if (ec != std::errc() || ptr != last)
            fail(t.offset,
                 "number " + in_quotes(src_.substr(t.offset, t.length)) + " is out of range");
        t.value = d;
    } else {
        std::int64_t i = 0;
        auto [ptr, ec] = std::from_chars(first, last, i);
        if (ec != std::errc() || ptr != last)
            fail(t.offset,
                 "number " + in_quotes(src_.substr(t.offset, t.length)) + " is out of range");
        t.value = i;
    }
    return t;
}

Token ConditionLexer::lex_word() {
    Token t;
    t.offset = pos_;
    while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
    const std::string_view word = src_.substr(t.offset, pos_ - t.offset);
    if (auto kw = keyword(word)) {
        t.kind = *kw;
        t.length = word.size();
        if (t.kind == Tok::kw_true) t.value = true;
        if (t.kind == Tok::kw_false) t.value = false;
        if (t.kind == Tok::kw_null) t.value = nullptr;
        return t;
    }
    // "AND" would otherwise be reported as an unknown root, which hides the real mistake.
    if (keyword(lower(word)))
        fail(t.offset, "keywords are lower case: write " + in_quotes(lower(word)));
    t.kind = Tok::path;
    t.root_length = word.size();
    t.path.emplace_back(std::string(word));
    while (pos_ < src_.size()) {
        if (src_[pos_] == '.') {
            ++pos_;
            const std::size_t start = pos_;
            while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
            if (pos_ == start) fail(pos_, "expected a name after \".\" in a path");
            t.path.emplace_back(std::string(src_.substr(start, pos_ - start)));
        } else if (src_[pos_] == '[') {
            ++pos_;
            const std::size_t start = pos_;
            while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
            if (pos_ == start) fail(pos_, "expected an index (0, 1, 2, ...) after \"[\" in a path");
            std::size_t index = 0;
            auto [ptr, ec] = std::from_chars(src_.data() + start, src_.data() + pos_, index);
            if (ec != std::errc()) fail(start, "index is out of range");
            if (pos_ >= src_.size() || src_[pos_] != ']')
                fail(pos_, "expected \"]\" after the index in a path");
            ++pos_;
            t.path.emplace_back(index);
        } else {
            break;
        }
    }
    t.length = pos_ - t.offset;
    return t;
}

}  // namespace cxgate::config::detail
