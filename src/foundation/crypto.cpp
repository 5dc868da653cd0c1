// Hashes, HMACs and comparisons on OpenSSL 3's one-shot calls (EVP_Q_digest, EVP_Q_mac;
// HMAC() is deprecated there), except SHA-256 and HMAC-SHA256, which libsodium computes:
// they are on the hot path (every API request's token, every answer link, every opt-out
// check), and EVP_Q_mac looks its algorithms up again on every call, at several times the
// cost of the hash itself.
#include "cxgate/foundation/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cxgate::crypto {

namespace {

// OpenSSL's one-shot calls treat a null pointer as "no key"/"no data" rather than an
// empty one, and std::string_view{} has a null data(); point empty input here instead.
const unsigned char kEmpty[1] = {0};

const unsigned char* bytes_of(std::string_view s) {
    return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// digest_name is an OpenSSL name such as "SHA256". nullopt only if OpenSSL fails.
std::optional<std::string> digest_impl(const char* digest_name, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t len = 0;
    if (EVP_Q_digest(nullptr, digest_name, nullptr, bytes_of(data), data.size(), md, &len) != 1)
        return std::nullopt;
    return std::string(reinterpret_cast<const char*>(md), len);
}

// EVP_Q_mac rather than HMAC(): the latter is deprecated in OpenSSL 3.
std::optional<std::string> hmac_impl(const char* digest_name, std::string_view key,
                                     std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name, nullptr, bytes_of(key), key.size(),
                  bytes_of(data), data.size(), mac, sizeof mac, &len) == nullptr)
        return std::nullopt;
    return std::string(reinterpret_cast<const char*>(mac), len);
}

// The state after taking in a key, kept per thread for the last few keys. A process signs
// with two or three keys (the link secret, the privacy key, a channel's secret), and taking
// the key in is two of the four SHA-256 blocks an HMAC of a short text costs: a claimed
// survey computes one for its opt-out check and one for each link of its message.
const crypto_auth_hmacsha256_state& keyed_state(std::string_view key) {
    struct Keyed {
        std::string key;
        crypto_auth_hmacsha256_state state;
    };
    constexpr size_t kKeys = 4;
    thread_local std::vector<Keyed> keys;
    for (const auto& k : keys)
        if (k.key == key) return k.state;
    if (keys.size() >= kKeys) keys.erase(keys.begin());
    auto& added = keys.emplace_back();
    added.key = std::string(key);
    crypto_auth_hmacsha256_init(&added.state, bytes_of(key), key.size());
    return added.state;
}

void require_sodium() {
    // sodium_init is idempotent and thread-safe; it picks the CPU's fastest code.
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::string hmac_sha256_bytes(std::string_view key, std::string_view body) {
    require_sodium();
    crypto_auth_hmacsha256_state state = keyed_state(key);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_update(&state, bytes_of(body), body.size());
    crypto_auth_hmacsha256_final(&state, mac);
    return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

}  // namespace

std::optional<std::string> digest(const char* digest_name, std::string_view data) {
    return digest_impl(digest_name, data);
}

std::optional<std::string> hmac(const char* digest_name, std::string_view key,
                                std::string_view data) {
    return hmac_impl(digest_name, key, data);
}

bool hex_equals_nocase(std::string_view expected_lower, std::string_view received) {
    return constant_time_equals(expected_lower, to_lower(received));
}

std::string base64_encode(std::string_view bytes) {
    if (bytes.empty()) return {};
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string hex_lower(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

// libsodium too: every API request hashes its bearer token, and EVP_Q_digest fetched its
// algorithm by name each time (1.3% of the daemon's CPU in bench/events).
std::string sha256_hex(std::string_view data) {
    require_sodium();
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(md, bytes_of(data), data.size());
    return hex_lower(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
    // The length of a signature is public (fixed by the algorithm), so returning early
    // on a length mismatch leaks nothing.
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(bytes_of(a), bytes_of(b), a.size()) == 0;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
    return hex_lower(hmac_sha256_bytes(key, body));
}

bool hmac_sha256_verify(std::string_view key, std::string_view body, std::string_view header) {
    if (key.empty() || header.empty()) return false;
    // GitHub-style "X-Hub-Signature-256: sha256=<hex>" names the algorithm; others send
    // the bare hex.
    constexpr std::string_view kPrefix = "sha256=";
    if (header.starts_with(kPrefix)) header.remove_prefix(kPrefix.size());
    return hex_equals_nocase(hex_lower(hmac_sha256_bytes(key, body)), header);
}

}  // namespace cxgate::crypto
