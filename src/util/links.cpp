#include "cxgate/util/links.hpp"

#include "cxgate/channels/signatures.hpp"

namespace cxgate::links {

namespace {

std::string base64url(const std::string& data) {
    auto b = signatures::base64_encode(data);
    for (auto& c : b) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    while (!b.empty() && b.back() == '=') b.pop_back();
    return b;
}

std::optional<std::string> unbase64url(const std::string& text) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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
    return signatures::hmac_sha256_hex(secret, "unsubscribe:" + address).substr(0, 32);
}

}  // namespace

std::string unsubscribe_token(const std::string& secret, const std::string& address) {
    return base64url(address) + "." + mac(secret, address);
}

std::optional<std::string> unsubscribe_address(const std::string& secret, const std::string& token) {
    auto dot = token.find('.');
    if (dot == std::string::npos) return std::nullopt;
    auto address = unbase64url(token.substr(0, dot));
    if (!address || address->empty()) return std::nullopt;
    if (!signatures::constant_time_equals(token.substr(dot + 1), mac(secret, *address))) return std::nullopt;
    return address;
}

std::string unsubscribe_url(const std::string& public_url, const std::string& secret, const std::string& address) {
    std::string base = public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/u/" + unsubscribe_token(secret, address);
}

}  // namespace cxgate::links
