#pragma once
// Private to src/channels/: the small text rules the curl transport and the mail composer
// share for header lines.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace cxgate::channels::detail {

inline bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != s.npos;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// The name of a "Name: value" header, lower-cased.
inline std::string header_name(std::string_view header) {
    return lower(trim(header.substr(0, header.find(':'))));
}

}  // namespace cxgate::channels::detail
