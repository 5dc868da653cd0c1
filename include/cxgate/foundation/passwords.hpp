#pragma once
// Dashboard passwords, kept only as Argon2id strings ("$argon2id$v=19$m=...,t=...,p=1$salt$hash",
// libsodium's crypto_pwhash_str: the salt and the cost travel inside). Hashing takes tens to
// hundreds of milliseconds by design: call these off the event loop.
#include <optional>
#include <string>
#include <string_view>

namespace cxgate::passwords {

// Why a password is refused before it is hashed: empty, too short, too long. Empty when fine.
std::string weakness(std::string_view password);

// The Argon2id string of the password; std::nullopt only when the machine cannot spare the
// memory the cost asks for.
std::optional<std::string> hash(std::string_view password);

// Whether the password matches the stored string; false for a string that is not Argon2id.
bool verify(std::string_view password, const std::string& stored);

// Whether a stored string was made at a lower cost than hash() uses now: rehash it at the
// next successful login.
bool needs_rehash(const std::string& stored);

}  // namespace cxgate::passwords
