#pragma once
// Private to src/foundation/: what timing.cpp (delays, due times, ISO 8601) and
// send_window.cpp share: the text helpers of their parsers and the one rule for local
// times that do not exist or exist twice.
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include <date/tz.h>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::timing::detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

inline void set_error(std::string* error, std::string message) {
    if (error) *error = std::move(message);
}

// Local wall time that may not exist or may exist twice; the scheduler's documented rule
// is "first instant after a gap, earlier of two", which is exactly choose::earliest.
inline TimePoint resolve_local(date::local_seconds local, const date::time_zone& zone) {
    return zone.to_sys(local, date::choose::earliest);
}

inline date::sys_days as_sys_days(date::local_days day) {
    // Holidays are stored as sys_days that name a local calendar date, not a UTC instant.
    return date::sys_days{day.time_since_epoch()};
}

}  // namespace cxgate::timing::detail
