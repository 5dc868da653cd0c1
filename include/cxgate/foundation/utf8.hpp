#pragma once
// UTF-8 at the edges. Text from outside the process (form bodies, query strings, provider
// webhooks) may carry any bytes; stored as they came, one bad byte made every JSON answer
// that includes it fail for good. Entry points repair free text (each invalid sequence
// becomes U+FFFD, as the WHATWG decoder does) and refuse ids that are not valid UTF-8;
// the JSON written on the read side replaces bad bytes too (util/json_input.hpp), for
// rows stored before this check existed.
#include <cstddef>
#include <string>
#include <string_view>

namespace cxgate::utf8 {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid(std::string_view text);

// The text with each maximal invalid subpart replaced by U+FFFD (Unicode's "best
// practice", which is also what browsers do); valid text comes back unchanged.
std::string repair(std::string_view text);

// Code points in valid UTF-8 (bytes that do not start a sequence are not counted), so a
// limit such as "200 characters" means the same for "Åsa" as for "Asa".
size_t length(std::string_view text);

// Appends the code point's UTF-8 bytes; a surrogate or a value above U+10FFFF, which UTF-8
// cannot carry, becomes U+FFFD (text decoded from UTF-16, Latin-1 or HTML entities).
void append(std::string& out, char32_t code_point);

}  // namespace cxgate::utf8
