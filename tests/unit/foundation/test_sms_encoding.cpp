#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cxgate/foundation/sms_encoding.hpp"

using cxgate::sms::analyze;
using cxgate::sms::Encoding;
using cxgate::sms::is_gsm7;
using cxgate::sms::normalize_newlines;

namespace {

std::string rep(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

struct Row {
    const char* name;
    std::string text;
    Encoding encoding;
    int units;
    int segments;
};

void check_rows(const std::vector<Row>& rows) {
    for (const Row& row : rows) {
        CAPTURE(row.name);
        const auto info = analyze(row.text);
        CHECK(info.encoding == row.encoding);
        CHECK(info.units == row.units);
        CHECK(info.segments == row.segments);
    }
}

constexpr auto gsm7 = Encoding::gsm7;
constexpr auto ucs2 = Encoding::ucs2;

// U+201C LEFT DOUBLE QUOTATION MARK: one UTF-16 unit that is not GSM-7, used to force UCS-2.
const std::string kQuote = "\u201C";
// U+1F600 GRINNING FACE: a surrogate pair, two UTF-16 units.
const std::string kEmoji = "\U0001F600";

}  // namespace

TEST_CASE("sms: GSM-7 segment boundaries") {
    check_rows({
        {"empty text is one segment of zero units", "", gsm7, 0, 1},
        {"one char", "a", gsm7, 1, 1},
        {"160 fits one SMS", rep("a", 160), gsm7, 160, 1},
        {"161 is concatenated", rep("a", 161), gsm7, 161, 2},
        {"306 fills two parts", rep("a", 306), gsm7, 306, 2},
        {"307 needs a third", rep("a", 307), gsm7, 307, 3},
        {"459 fills three parts", rep("a", 459), gsm7, 459, 3},
        {"460 needs a fourth", rep("a", 460), gsm7, 460, 4},
    });
}

TEST_CASE("sms: GSM-7 extension characters cost two septets") {
    check_rows({
        {"euro alone", "€", gsm7, 2, 1},
        {"every extension char", "^{}\\[~]|€\f", gsm7, 20, 1},
        {"158 + euro is exactly 160", rep("a", 158) + "€", gsm7, 160, 1},
        {"159 + euro is 161", rep("a", 159) + "€", gsm7, 161, 2},
        // 152 + escape pair would straddle the 153 boundary: the pair moves to part two,
        // which then holds 2 + 151 and the last 'a' needs a third part; ceil(306/153) = 2.
        {"escape pair straddling 153", rep("a", 152) + "€" + rep("a", 152), gsm7, 306, 3},
        {"escape pair ending at 153", rep("a", 151) + "€" + rep("a", 153), gsm7, 306, 2},
        {"escape pair starting part two", rep("a", 153) + "€" + rep("a", 151), gsm7, 306, 2},
        {"straddle, short tail", rep("a", 152) + "[" + rep("a", 10), gsm7, 164, 2},
    });
}

TEST_CASE("sms: UCS-2 segment boundaries") {
    check_rows({
        {"70 fits one SMS", kQuote + rep("a", 69), ucs2, 70, 1},
        {"71 is concatenated", kQuote + rep("a", 70), ucs2, 71, 2},
        {"134 fills two parts", kQuote + rep("a", 133), ucs2, 134, 2},
        {"135 needs a third", kQuote + rep("a", 134), ucs2, 135, 3},
        {"70 non-Latin chars", rep("ж", 70), ucs2, 70, 1},
        {"71 non-Latin chars", rep("ж", 71), ucs2, 71, 2},
        // In UCS-2 the extension characters are ordinary: one unit, no escape.
        {"euro in UCS-2 is one unit", kQuote + "€", ucs2, 2, 1},
    });
}

TEST_CASE("sms: surrogate pairs are never split") {
    check_rows({
        {"emoji alone", kEmoji, ucs2, 2, 1},
        {"66 + emoji fits one SMS", rep("a", 66) + kEmoji, ucs2, 68, 1},
        {"69 + emoji is 71", rep("a", 69) + kEmoji, ucs2, 71, 2},
        // 66 + pair would straddle the 67 boundary: the pair moves to part two, which
        // then holds 2 + 65 and the last 'a' needs a third part; ceil(134/67) = 2.
        {"pair straddling 67", rep("a", 66) + kEmoji + rep("a", 66), ucs2, 134, 3},
        {"pair ending at 67", rep("a", 65) + kEmoji + rep("a", 67), ucs2, 134, 2},
        {"pair straddling, short tail", rep("a", 66) + kEmoji + rep("a", 3), ucs2, 71, 2},
        {"35 emoji fit one SMS", rep(kEmoji, 35), ucs2, 70, 1},
        {"36 emoji: 33 per part", rep(kEmoji, 36), ucs2, 72, 2},
        {"67 emoji: 33 per part", rep(kEmoji, 67), ucs2, 134, 3},
    });
}

TEST_CASE("sms: Finnish and Swedish survey text") {
    check_rows({
        {"Finnish question is GSM-7",
         "Kuinka todennäköisesti suosittelisit meitä ystävällesi? Vastaa 0-10.", gsm7, 68, 1},
        {"Swedish with å Å Ö Ä is GSM-7",
         "Hur sannolikt är det att du skulle rekommendera oss till en vän? Svara 0-10. "
         "Åsa, Östen, Ärla, på återseende!",
         gsm7, 109, 1},
        {"typographic quotes force UCS-2", "Mitä mieltä olit “lainausmerkit”? Vastaa 0-10.", ucs2,
         46, 1},
        {"en dash forces UCS-2", "Vastaa 0–10", ucs2, 11, 1},
        {"ellipsis forces UCS-2", "Kiitos…", ucs2, 7, 1},
        {"euro stays GSM-7", "Hinta 5 €", gsm7, 10, 1},
        {"emoji forces UCS-2", "Kiitos! " + kEmoji, ucs2, 10, 1},
    });
}

TEST_CASE("sms: GSM-7 alphabet membership") {
    CHECK(is_gsm7(""));
    CHECK(is_gsm7("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"));
    CHECK(is_gsm7("¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"));
    CHECK(is_gsm7("^{}\\[~]|€\f"));
    CHECK(is_gsm7("Kuinka todennäköisesti suosittelisit meitä ystävällesi? Vastaa 0-10."));

    CHECK_FALSE(is_gsm7("`"));        // 0x60 in the GSM table is ¿
    CHECK_FALSE(is_gsm7("\t"));       // no tab in GSM 03.38
    CHECK_FALSE(is_gsm7("\x1B"));     // 0x1B is the escape, not a character
    CHECK_FALSE(is_gsm7("ç"));        // only capital Ç
    CHECK_FALSE(is_gsm7("“”"));       // typographic quotes
    CHECK_FALSE(is_gsm7("–"));        // en dash
    CHECK_FALSE(is_gsm7("…"));        // ellipsis
    CHECK_FALSE(is_gsm7("Ã"));        // Latin-1 but not GSM
    CHECK_FALSE(is_gsm7(kEmoji));     // outside the BMP
    CHECK_FALSE(is_gsm7("abc\xFF"));  // invalid UTF-8

    // A message with a single non-GSM character is UCS-2 throughout: the extension
    // characters then cost one unit like any other.
    const auto info = analyze("€ `");
    CHECK(info.encoding == ucs2);
    CHECK(info.units == 3);
}

TEST_CASE("sms: encoding names") {
    CHECK(cxgate::sms::to_string(gsm7) == "gsm7");
    CHECK(cxgate::sms::to_string(ucs2) == "ucs2");
}

TEST_CASE("sms: CRLF and CR normalize to LF") {
    struct NewlineRow {
        std::string in;
        std::string out;
    };
    const std::vector<NewlineRow> rows = {
        {"", ""},
        {"a", "a"},
        {"a\r\nb", "a\nb"},
        {"a\rb", "a\nb"},
        {"a\nb", "a\nb"},
        {"\r", "\n"},
        {"\r\n", "\n"},
        {"a\r\r\nb", "a\n\nb"},
        {"a\n\rb", "a\n\nb"},
        {"a\r\n\r\nb\r", "a\n\nb\n"},
        {"Hei\r\nä€\r", "Hei\nä€\n"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.in);
        CHECK(normalize_newlines(row.in) == row.out);
    }

    // Why it matters: CRLF is counted (and billed) as two septets.
    CHECK(analyze("a\r\nb").units == 4);
    CHECK(analyze(normalize_newlines("a\r\nb")).units == 3);
    const std::string windows = rep("a", 80) + "\r\n" + rep("a", 79);
    CHECK(analyze(windows).segments == 2);
    CHECK(analyze(normalize_newlines(windows)).segments == 1);
}

TEST_CASE("sms: invalid UTF-8 is UCS-2 with replacement characters") {
    check_rows({
        {"stray 0xFF", "abc\xFF", ucs2, 4, 1},
        {"lone continuation byte", "\x80", ucs2, 1, 1},
        {"truncated 2-byte at end", "a\xC3", ucs2, 2, 1},
        // A truncated sequence is one maximal subpart: one U+FFFD, and the byte that
        // broke it is decoded again as itself.
        {"truncated 4-byte then ASCII", std::string("\xF0\x9F\x98") + "a", ucs2, 2, 1},
        {"overlong slash", "\xC0\xAF", ucs2, 2, 1},
        {"overlong 3-byte", "\xE0\x80\xAF", ucs2, 3, 1},
        {"encoded surrogate", "\xED\xA0\x80", ucs2, 3, 1},
        {"above U+10FFFF", "\xF4\x90\x80\x80", ucs2, 4, 1},
        {"F5 lead byte", "\xF5", ucs2, 1, 1},
        {"valid GSM around a bad byte", rep("a", 35) + "\xFE" + rep("a", 35), ucs2, 71, 2},
        {"valid 4-byte is not replaced", "\xF0\x9F\x98\x80", ucs2, 2, 1},
    });
}
