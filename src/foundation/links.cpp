#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/crypto.hpp"

namespace cxgate::links {

namespace {

std::string base64url(const std::string& data) {
    auto b = crypto::base64_encode(data);
    for (auto& c : b) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    while (!b.empty() && b.back() == '=') b.pop_back();
    return b;
}

std::optional<std::string> unbase64url(const std::string& text) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    int bits = 0, value = 0;
    for (char c : text) {
        auto pos = alphabet.find(c);
        if (pos == std::string::npos) return std::nullopt;
        value = (value << 6) | static_cast<int>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xff);
        }
    }
    return out;
}

std::string mac(const std::string& secret, const std::string& address) {
    return crypto::hmac_sha256_hex(secret, "unsubscribe:" + address).substr(0, 32);
}

// A distinct prefix per purpose: an unsubscribe MAC can never pass as an answer MAC, nor
// an answer token as an alert's.
std::string purpose_mac(const std::string& secret, std::string_view purpose,
                        const std::string& payload) {
    return crypto::hmac_sha256_hex(secret, std::string(purpose) + ":" + payload).substr(0, 32);
}

std::string without_trailing_slash(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

}  // namespace

std::string unsubscribe_token(const std::string& secret, const std::string& address) {
    return base64url(address) + "." + mac(secret, address);
}

std::optional<std::string> unsubscribe_address(const std::string& secret,
                                               const std::string& token) {
    auto dot = token.find('.');
    if (dot == std::string::npos) return std::nullopt;
    auto address = unbase64url(token.substr(0, dot));
    if (!address || address->empty()) return std::nullopt;
    if (!crypto::constant_time_equals(token.substr(dot + 1), mac(secret, *address)))
        return std::nullopt;
    return address;
}

std::string unsubscribe_url(const std::string& public_url, const std::string& secret,
                            const std::string& address) {
    return without_trailing_slash(public_url) + "/u/" + unsubscribe_token(secret, address);
}

namespace {

// Token: base64url("<id>:<expires at>:<nonce>") "." 32 hex digits of HMAC-SHA256 over the
// purpose and the payload.
std::string signed_token(const std::string& secret, std::string_view purpose,
                         const AnswerToken& token, const std::string& nonce) {
    const std::string payload =
        std::to_string(token.survey_id) + ":" + std::to_string(token.expires_at) + ":" + nonce;
    return base64url(payload) + "." + purpose_mac(secret, purpose, payload);
}

TokenCheck check_signed_token(const std::string& secret, std::string_view purpose,
                              const std::string& token, std::int64_t now) {
    TokenCheck out;
    if (token.size() > 200) return out;
    auto dot = token.find('.');
    if (dot == std::string::npos) return out;
    auto payload = unbase64url(token.substr(0, dot));
    // Only the canonical spelling: unused low bits in the last character must be zero,
    // so one token has exactly one string.
    if (!payload || base64url(*payload) != token.substr(0, dot)) return out;
    auto c1 = payload->find(':');
    auto c2 = c1 == std::string::npos ? c1 : payload->find(':', c1 + 1);
    if (c2 == std::string::npos) return out;
    auto id = parse_int(std::string_view(*payload).substr(0, c1));
    auto expires = parse_int(std::string_view(*payload).substr(c1 + 1, c2 - c1 - 1));
    if (!id || !expires || c2 + 1 >= payload->size()) return out;
    if (!crypto::constant_time_equals(token.substr(dot + 1),
                                      purpose_mac(secret, purpose, *payload))) {
        out.status = TokenStatus::bad_signature;
        return out;
    }
    out.token = {*id, *expires};
    out.status = now >= *expires ? TokenStatus::expired : TokenStatus::valid;
    return out;
}

}  // namespace

std::string answer_token(const std::string& secret, const AnswerToken& token,
                         const std::string& nonce) {
    return signed_token(secret, "answer", token, nonce);
}

TokenCheck check_answer_token(const std::string& secret, const std::string& token,
                              std::int64_t now) {
    return check_signed_token(secret, "answer", token, now);
}

std::string alert_token(const std::string& secret, std::int64_t alert_id, std::int64_t expires_at,
                        const std::string& nonce) {
    return signed_token(secret, "alert", {alert_id, expires_at}, nonce);
}

TokenCheck check_alert_token(const std::string& secret, const std::string& token,
                             std::int64_t now) {
    return check_signed_token(secret, "alert", token, now);
}

std::string alert_url(const std::string& public_url, const std::string& token) {
    return without_trailing_slash(public_url) + "/a/" + token;
}

std::string answer_url(const std::string& public_url, const std::string& token,
                       std::optional<int> score) {
    auto url = without_trailing_slash(public_url) + "/r/" + token;
    if (score) url += "/" + std::to_string(*score);
    return url;
}

}  // namespace cxgate::links
