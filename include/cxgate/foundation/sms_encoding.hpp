#pragma once
// SMS encoding choice and segment counting (3GPP TS 23.038 / 23.040), so that the cost of
// a survey message can be shown and limited before it reaches a provider, which bills
// per segment. Pure functions: no provider, locale or configuration is consulted.
#include <string>
#include <string_view>

namespace cxgate::sms {

enum class Encoding { gsm7, ucs2 };

struct SmsInfo {
    Encoding encoding = Encoding::gsm7;
    // Septets for GSM-7 (an extension-table character such as € counts 2: escape + code);
    // UTF-16 code units for UCS-2 (a character outside the BMP, e.g. an emoji, counts 2).
    int units = 0;
    // Parts the provider sends. Empty text is 0 units in 1 segment: an empty SMS is still
    // one (billed) message, and callers should reject empty text before sending it.
    int segments = 1;
};

// Chooses GSM-7 when every character is in the GSM 03.38 default alphabet or its
// extension table, else UCS-2, and counts segments: GSM-7 fits 160 septets in one SMS
// and 153 per part when concatenated, UCS-2 70 and 67 units. Parts are filled character
// by character, so an escape pair or a surrogate pair that would straddle a part
// boundary moves whole into the next part (as providers do), which ceil() would miss.
// Invalid UTF-8 is counted as UCS-2, each maximal ill-formed subsequence as one U+FFFD,
// because that is what a provider that accepts it at all would send.
// CR and LF are counted as given; pass the text through normalize_newlines() first.
SmsInfo analyze(std::string_view utf8);

// "gsm7" or "ucs2", for logs and reports.
std::string to_string(Encoding encoding);

// True when the text is valid UTF-8 and every character is GSM-7 (basic or extension).
// Empty text is GSM-7.
bool is_gsm7(std::string_view utf8);

// CRLF and lone CR become LF. Templates edited on Windows carry CRLF, which providers
// count and bill as two characters although handsets show one line break.
std::string normalize_newlines(std::string_view text);

}  // namespace cxgate::sms
