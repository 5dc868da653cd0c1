#pragma once
// Private to src/channels/: the small text rules the curl transport and the mail composer
// share for header lines.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "cxgate/foundation/text.hpp"

namespace cxgate::channels::detail {

inline bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != s.npos;
}

using text::lower;

using text::trim;

// The name of a "Name: value" header, lower-cased.
inline std::string header_name(std::string_view header) {
    return lower(trim(header.substr(0, header.find(':'))));
}

}  // namespace cxgate::channels::detail
