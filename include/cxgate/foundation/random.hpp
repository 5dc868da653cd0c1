#pragma once
#include <string>

namespace cxgate {
// n random bytes from OpenSSL's CSPRNG, as lower-case hex (2n characters).
std::string random_hex(size_t bytes);
// Compares secrets without leaking their length of common prefix through timing.
bool constant_time_equals(const std::string& a, const std::string& b);
}  // namespace cxgate
