#pragma once
// application/x-www-form-urlencoded and query strings, as providers send them.
#include <map>
#include <string>
#include <string_view>

namespace cxgate::url {

std::string decode(std::string_view text);  // %XX and '+' as space
std::string encode(std::string_view text);  // RFC 3986 unreserved kept
// "a=1&b=x+y" -> {a: "1", b: "x y"}; a repeated name keeps its last value.
std::map<std::string, std::string> parse_form(std::string_view text);
// Splits "/v1/reports?flow=x" into path and query.
std::pair<std::string, std::string> split_target(std::string_view target);

}  // namespace cxgate::url
