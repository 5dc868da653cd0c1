#pragma once
// Hashes, HMACs, encodings and constant-time comparison: the crypto every part shares
// (webhook signatures, answer and unsubscribe links, config versions). Values in and out;
// OpenSSL underneath.
#include <optional>
#include <string>
#include <string_view>

namespace cxgate::crypto {

// Raw digest / HMAC bytes; digest_name is an OpenSSL name ("SHA256", "SHA1", "MD5").
// nullopt only if OpenSSL fails.
std::optional<std::string> digest(const char* digest_name, std::string_view data);
std::optional<std::string> hmac(const char* digest_name, std::string_view key,
                                std::string_view data);

std::string base64_encode(std::string_view bytes);  // RFC 4648, padded, no line breaks
std::string hex_lower(std::string_view bytes);
std::string sha256_hex(std::string_view data);  // lower-case hex
// Equal length and equal bytes, without the time taken depending on where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);
// expected_lower is ours (lower-case hex); only the received value, which the sender
// already knows, is folded, so the secret side's timing does not depend on its content.
bool hex_equals_nocase(std::string_view expected_lower, std::string_view received);

// Generic HMAC-SHA256 (e.g. X-Hub-Signature-256 style headers).
std::string hmac_sha256_hex(std::string_view key, std::string_view body);  // lower-case hex
// header is the hex HMAC, optionally prefixed "sha256="; hex is compared case-insensitively.
bool hmac_sha256_verify(std::string_view key, std::string_view body, std::string_view header);

}  // namespace cxgate::crypto
