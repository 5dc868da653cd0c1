#include "cxgate/foundation/utf8.hpp"

namespace cxgate::utf8 {

namespace {

// The bytes of the sequence at text[i]: positive when it is a whole valid sequence,
// negative (minus the length of the maximal subpart, at least 1) when it is not.
// Table 3-7 of the Unicode Standard: the second byte's range depends on the first.
int sequence_at(std::string_view text, size_t i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) return 1;
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) lo = 0xA0;  // no overlong forms
        if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) lo = 0x90;  // no overlong forms
        if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        return -1;
    }
    int taken = 1;
    for (int k = 0; k < need; ++k) {
        if (i + taken >= text.size()) return -taken;
        const auto c = static_cast<unsigned char>(text[i + taken]);
        if (c < lo || c > hi) return -taken;
        lo = 0x80;
        hi = 0xBF;
        ++taken;
    }
    return taken;
}

}  // namespace

bool valid(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        int n = sequence_at(text, i);
        if (n < 0) return false;
        i += static_cast<size_t>(n);
    }
    return true;
}

std::string repair(std::string_view text) {
    if (valid(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    for (size_t i = 0; i < text.size();) {
        int n = sequence_at(text, i);
        if (n > 0) {
            out.append(text.substr(i, static_cast<size_t>(n)));
            i += static_cast<size_t>(n);
        } else {
            out += "\xEF\xBF\xBD";
            i += static_cast<size_t>(-n);
        }
    }
    return out;
}

size_t length(std::string_view text) {
    size_t n = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

void append(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace cxgate::utf8
