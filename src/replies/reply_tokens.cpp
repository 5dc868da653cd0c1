// A reply as tokens: lowered text, cut into words, numbers and symbols with their byte
// offsets, so that the parser can cut a comment from what the customer wrote.
#include <string>

#include "reply_text.hpp"

namespace cxgate::replies::detail {

namespace {

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

}  // namespace

bool ascii_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && ascii_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && ascii_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

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

}  // namespace cxgate::replies::detail
