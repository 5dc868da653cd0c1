// Argon2id through libsodium (passwords.hpp).
#include "cxgate/foundation/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

namespace cxgate::passwords {

namespace {

// libsodium's "interactive" limits (2 passes over 64 MiB): about 0.1 s here, a login's cost.
constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemory = crypto_pwhash_MEMLIMIT_INTERACTIVE;
// NIST SP 800-63B: at least 8 characters; an upper bound keeps one request's work bounded.
constexpr size_t kMinLength = 8, kMaxLength = 256;

void ready() {
    static const bool initialised = sodium_init() >= 0;
    if (!initialised) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string weakness(std::string_view password) {
    if (password.empty()) return "the password is empty";
    if (password.size() < kMinLength)
        return "the password is shorter than " + std::to_string(kMinLength) + " characters";
    if (password.size() > kMaxLength)
        return "the password is longer than " + std::to_string(kMaxLength) + " characters";
    return "";
}

std::optional<std::string> hash(std::string_view password) {
    ready();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), kOps, kMemory) != 0)
        return std::nullopt;
    return std::string(out);
}

bool verify(std::string_view password, const std::string& stored) {
    ready();
    if (stored.rfind("$argon2id$", 0) != 0) return false;
    return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& stored) {
    ready();
    return crypto_pwhash_str_needs_rehash(stored.c_str(), kOps, kMemory) != 0;
}

}  // namespace cxgate::passwords
