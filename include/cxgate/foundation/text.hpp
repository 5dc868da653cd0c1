#pragma once
// ASCII text helpers that parsers of outside input share (headers, forms, templates).
#include <string>
#include <string_view>

namespace cxgate::text {

// Space, tab, CR, LF, form feed, vertical tab: what protocols and files call blank.
bool is_space(char c);

// Without the blanks at either end; a view into the same characters.
std::string_view trim(std::string_view s);
// The same, as a string of its own.
std::string trimmed(std::string_view s);

// ASCII letters lowered, every other byte as it is (header names, tokens, media types).
std::string lower(std::string_view s);

}  // namespace cxgate::text
