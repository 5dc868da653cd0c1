#pragma once
// Reading an HTTP Authorization header. The scheme is case-insensitive (RFC 7235 section
// 2.1: "bearer" and "BEARER" are "Bearer"); clients and proxies differ in what they send.
#include <optional>
#include <string_view>

namespace cxgate::authorization {

// The credentials after `scheme` ("Bearer", "Basic") and one or more spaces, without
// trailing spaces; nullopt for another scheme or no credentials.
std::optional<std::string_view> credentials(std::string_view header, std::string_view scheme);

}  // namespace cxgate::authorization
