#include "cxgate/foundation/sms_encoding.hpp"

#include <cstddef>

namespace cxgate::sms {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

struct Limits {
    int single;  // units in an SMS that is not concatenated
    int part;    // units per part once concatenated (the UDH takes the rest)
};

constexpr Limits kGsm7Limits{160, 153};
constexpr Limits kUcs2Limits{70, 67};

// Decodes the code point at s[i] and advances i. Ill-formed input yields U+FFFD per
// maximal subpart (Unicode ch. 3, "U+FFFD Substitution of Maximal Subparts", as in the
// WHATWG decoder), so the count does not depend on how many bytes a broken sequence has
// and the byte that broke it is decoded afresh. Overlongs, surrogates and values above
// U+10FFFF are ill-formed.
char32_t next_code_point(std::string_view s, std::size_t& i, bool& valid) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i++);
    if (lead < 0x80) return lead;

    int trailing = 0;
    char32_t cp = 0;
    // The first trailing byte's range is what excludes overlongs (E0, F0), UTF-16
    // surrogates (ED) and values above U+10FFFF (F4).
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        trailing = 1;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        trailing = 2;
        cp = lead & 0x0F;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        trailing = 3;
        cp = lead & 0x07;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        valid = false;
        return kReplacement;
    }
    for (int n = 0; n < trailing; ++n) {
        if (i >= s.size() || byte(i) < lo || byte(i) > hi) {
            // Leave the offending byte unconsumed: it may start the next character.
            valid = false;
            return kReplacement;
        }
        cp = (cp << 6) | (byte(i++) & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    return cp;
}

// Calls f(code_point) for every character; returns false when the text was ill-formed.
template <typename F>
bool for_each_code_point(std::string_view s, F&& f) {
    bool valid = true;
    std::size_t i = 0;
    while (i < s.size()) f(next_code_point(s, i, valid));
    return valid;
}

// Septets a character costs in GSM-7: 1 in the basic set, 2 in the extension table
// (escape 0x1B + code), 0 when GSM-7 cannot carry it at all.
//
// U+001B is deliberately 0 although 0x1B sits in the basic table: there it is the escape
// to the extension table, not a character, so text containing a raw ESC cannot be sent
// as GSM-7 meaning what it says.
constexpr int gsm7_septets(char32_t c) {
    if (c < 0x80) {
        switch (c) {
            case '\n':
            case '\r':
                return 1;
            case '\f':
            case '^':
            case '{':
            case '}':
            case '\\':
            case '[':
            case ']':
            case '~':
            case '|':
                return 2;
            case '`':  // 0x60 in the GSM table is ¿, not the backtick
                return 0;
            default:
                return (c >= 0x20 && c <= 0x7E) ? 1 : 0;
        }
    }
    switch (c) {
        case U'£':
        case U'¥':
        case U'è':
        case U'é':
        case U'ù':
        case U'ì':
        case U'ò':
        case U'Ç':  // capital only: the lowercase ç of old handsets is not in 23.038
        case U'Ø':
        case U'ø':
        case U'Å':
        case U'å':
        case U'Δ':
        case U'Φ':
        case U'Γ':
        case U'Λ':
        case U'Ω':
        case U'Π':
        case U'Ψ':
        case U'Σ':
        case U'Θ':
        case U'Ξ':
        case U'Æ':
        case U'æ':
        case U'ß':
        case U'É':
        case U'¤':
        case U'¡':
        case U'Ä':
        case U'Ö':
        case U'Ñ':
        case U'Ü':
        case U'§':
        case U'¿':
        case U'ä':
        case U'ö':
        case U'ñ':
        case U'ü':
        case U'à':
            return 1;
        case U'€':
            return 2;
        default:
            return 0;
    }
}

constexpr int utf16_units(char32_t c) {
    return c >= 0x10000 ? 2 : 1;
}

}  // namespace

SmsInfo analyze(std::string_view utf8) {
    bool gsm7 = true;
    int septets = 0;
    int code_units = 0;
    // U+FFFD is not GSM-7, so ill-formed input falls to UCS-2 without a separate check.
    for_each_code_point(utf8, [&](char32_t c) {
        const int s = gsm7_septets(c);
        if (s == 0) gsm7 = false;
        septets += s;
        code_units += utf16_units(c);
    });

    SmsInfo info;
    info.encoding = gsm7 ? Encoding::gsm7 : Encoding::ucs2;
    info.units = gsm7 ? septets : code_units;
    const Limits limits = gsm7 ? kGsm7Limits : kUcs2Limits;
    if (info.units <= limits.single) {
        info.segments = 1;
        return info;
    }

    // A second pass rather than ceil(units / part): a 2-unit character that does not fit
    // in what is left of a part starts the next one, leaving a gap at the end.
    int segments = 1;
    int filled = 0;
    for_each_code_point(utf8, [&](char32_t c) {
        const int cost = gsm7 ? gsm7_septets(c) : utf16_units(c);
        if (filled + cost > limits.part) {
            ++segments;
            filled = 0;
        }
        filled += cost;
    });
    info.segments = segments;
    return info;
}

std::string to_string(Encoding encoding) {
    switch (encoding) {
        case Encoding::gsm7:
            return "gsm7";
        case Encoding::ucs2:
            return "ucs2";
    }
    return "unknown";
}

bool is_gsm7(std::string_view utf8) {
    bool valid = true;
    std::size_t i = 0;
    while (i < utf8.size()) {
        if (gsm7_septets(next_code_point(utf8, i, valid)) == 0) return false;
    }
    return valid;
}

std::string normalize_newlines(std::string_view text) {
    // Byte-wise is safe on UTF-8: CR and LF bytes never occur inside a multi-byte sequence.
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

}  // namespace cxgate::sms
