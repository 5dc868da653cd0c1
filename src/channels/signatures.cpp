#include "cxgate/channels/signatures.hpp"

#include "cxgate/foundation/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace cxgate::signatures {

using namespace cxgate::crypto;

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

std::string to_upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

std::string require(std::optional<std::string> value, const char* what) {
    if (!value) throw std::runtime_error(std::string("OpenSSL failed computing ") + what);
    return std::move(*value);
}

// Unix seconds as providers send them: digits only. Twelve digits reach the year 33658,
// and keep the arithmetic below far from overflow.
std::optional<long long> parse_unix_seconds(std::string_view text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// |timestamp - now| <= max_age. The window is symmetric because the sender's clock may
// run ahead of ours as well as behind. Unsigned subtraction cannot overflow.
bool within_window(long long timestamp, long long now, long long max_age) {
    if (max_age < 0) return false;
    const auto ts = static_cast<unsigned long long>(timestamp);
    const auto n = static_cast<unsigned long long>(now);
    const unsigned long long diff = timestamp > now ? ts - n : n - ts;
    return diff <= static_cast<unsigned long long>(max_age);
}

// Fields in byte order of name, then of value. std::string compares through
// char_traits<char>, which orders as unsigned char, i.e. by UTF-8 bytes (= code points),
// matching the sort in Twilio's and Vonage's own libraries.
std::vector<const std::pair<std::string, std::string>*> sorted_fields(const Params& params) {
    std::vector<const std::pair<std::string, std::string>*> fields;
    fields.reserve(params.size());
    for (const auto& p : params) fields.push_back(&p);
    std::sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return *a < *b; });
    return fields;
}

// Twilio computes the signature over the URL "as configured", but whether an https URL
// with no port was signed with ":443" (and http with ":80") has varied; Twilio's own
// validators (twilio-python RequestValidator.validate, twilio-node validateRequest)
// therefore check both forms. Returns the other form of url, or nullopt when there is
// none: a non-default port is used as given, never stripped.
std::optional<std::string> twilio_other_port_form(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const std::string scheme = to_lower(url.substr(0, scheme_end));
    const std::string_view default_port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
    if (default_port.empty()) return std::nullopt;

    const size_t authority_begin = scheme_end + 3;
    size_t authority_end = url.find_first_of("/?#", authority_begin);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    const auto authority = url.substr(authority_begin, authority_end - authority_begin);
    // Twilio allows user:password@ in webhook URLs (HTTP authentication); skip it so its
    // ':' is not taken for the port's.
    const size_t at = authority.rfind('@');
    const size_t host_begin = authority_begin + (at == std::string_view::npos ? 0 : at + 1);
    const auto host_port = url.substr(host_begin, authority_end - host_begin);
    if (host_port.empty()) return std::nullopt;

    size_t colon = std::string_view::npos;  // relative to host_port
    if (host_port.front() == '[') {         // IPv6 literal: [::1]:443
        const size_t close = host_port.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        if (close + 1 < host_port.size()) {
            if (host_port[close + 1] != ':') return std::nullopt;
            colon = close + 1;
        }
    } else {
        colon = host_port.rfind(':');
    }

    std::string other(url);
    if (colon == std::string_view::npos) {
        other.insert(authority_end, ":" + std::string(default_port));
    } else {
        if (host_port.substr(colon + 1) != default_port) return std::nullopt;
        other.erase(host_begin + colon, authority_end - (host_begin + colon));
    }
    return other;
}

// The values of every query parameter called name, undecoded.
std::vector<std::string_view> query_values(std::string_view url, std::string_view name) {
    std::vector<std::string_view> values;
    const size_t q = url.find('?');
    if (q == std::string_view::npos) return values;
    auto query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const auto pair = query.substr(0, amp);
        const size_t eq = pair.find('=');
        if (pair.substr(0, eq) == name)
            values.push_back(eq == std::string_view::npos ? std::string_view{}
                                                          : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return values;
}

const char* vonage_hmac_digest(std::string_view method) {
    if (method == "md5") return "MD5";
    if (method == "sha1") return "SHA1";
    if (method == "sha256") return "SHA256";
    if (method == "sha512") return "SHA512";
    return nullptr;
}

std::optional<std::string> find_single(const Params& params, std::string_view name) {
    std::optional<std::string> found;
    for (const auto& [key, value] : params) {
        if (key != name) continue;
        if (found) return std::nullopt;  // repeated: which one was signed is ambiguous
        found = value;
    }
    return found;
}

}  // namespace

// ---- Twilio --------------------------------------------------------------------------
// https://www.twilio.com/docs/usage/webhooks/webhooks-security ("Validating signatures
// from Twilio"): take the full URL, append each POST field sorted alphabetically by
// name as name immediately followed by value, HMAC-SHA1 with the Auth Token as key,
// Base64-encode, and compare with X-Twilio-Signature. A repeated name contributes each
// of its values, in sorted order (twilio-python compute_signature; its test
// test_compute_signature_duplicate_multi_dict).

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const Params& form_params) {
    std::string data(url);
    for (const auto* field : sorted_fields(form_params)) {
        data += field->first;
        data += field->second;
    }
    return base64_encode(require(hmac("SHA1", auth_token, data), "HMAC-SHA1"));
}

bool twilio_verify(std::string_view auth_token, std::string_view url, const Params& form_params,
                   std::string_view header_value) {
    if (auth_token.empty() || header_value.empty()) return false;
    // Base64 is case-sensitive, so this is an exact comparison.
    bool ok = constant_time_equals(twilio_signature(auth_token, url, form_params), header_value);
    if (const auto other = twilio_other_port_form(url))
        ok |= constant_time_equals(twilio_signature(auth_token, *other, form_params), header_value);
    return ok;
}

// Same page, on requests with a JSON body: for Content-Type application/json
// Twilio signs the URL with no body fields, and puts the hex SHA-256 of the body in the
// URL's bodySHA256 query parameter, so the signature covers the body through the URL.
bool twilio_verify_json(std::string_view auth_token, std::string_view url,
                        std::string_view raw_body, std::string_view header_value) {
    const auto hashes = query_values(url, "bodySHA256");
    if (hashes.size() != 1) return false;
    if (!twilio_verify(auth_token, url, {}, header_value)) return false;
    const auto body_hash = digest("SHA256", raw_body);
    return body_hash && hex_equals_nocase(hex_lower(*body_hash), hashes.front());
}

// ---- Vonage --------------------------------------------------------------------------
// https://developer.vonage.com/en/getting-started/concepts/signing-messages ("Manually
// generate a signature"): take every parameter but sig, sorted by name; in each value
// replace '&' and '=' with '_'; join as "&name=value" for each; then
//   md5hash:             MD5(that string + signature secret), lower-case hex;
//   md5/sha1/sha256/512: HMAC(secret, that string), upper-case hex.
// The signed timestamp lets the receiver refuse stale copies ("defend against
// interception and later replay" is one of the purposes the page gives).

std::optional<std::string> vonage_signature(std::string_view secret, std::string_view method,
                                            const Params& params) {
    if (secret.empty()) return std::nullopt;
    std::string text;
    const std::pair<std::string, std::string>* previous = nullptr;
    for (const auto* field : sorted_fields(params)) {
        if (field->first == "sig") continue;
        // Vonage's libraries build the string from a map; two values for one name is
        // not something Vonage sends, and which of them it signed would be a guess.
        if (previous && previous->first == field->first) return std::nullopt;
        previous = field;
        text += '&';
        text += field->first;
        text += '=';
        for (char c : field->second) text += (c == '&' || c == '=') ? '_' : c;
    }
    if (method == "md5hash") {
        const auto md = digest("MD5", text + std::string(secret));
        return md ? std::optional(hex_lower(*md)) : std::nullopt;
    }
    const char* digest_name = vonage_hmac_digest(method);
    if (!digest_name) return std::nullopt;
    const auto mac = hmac(digest_name, secret, text);
    return mac ? std::optional(to_upper(hex_lower(*mac))) : std::nullopt;
}

bool vonage_verify(std::string_view secret, std::string_view method, const Params& params,
                   long long now, long long max_age) {
    const auto sig = find_single(params, "sig");
    if (!sig || sig->empty()) return false;
    const auto timestamp_text = find_single(params, "timestamp");
    if (!timestamp_text) return false;
    const auto timestamp = parse_unix_seconds(*timestamp_text);
    if (!timestamp) return false;
    const auto expected = vonage_signature(secret, method, params);
    if (!expected) return false;
    // md5hash is sent lower-case and the HMACs upper-case; the case carries no meaning.
    const bool signature_ok = hex_equals_nocase(to_lower(*expected), *sig);
    return signature_ok && within_window(*timestamp, now, max_age);
}

// ---- Mailgun -------------------------------------------------------------------------
// https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks:
// concatenate timestamp and token with no separator, HMAC-SHA256 with the Webhook
// Signing Key, compare the hex digest with signature. The same page suggests, against
// replays, refusing a token already seen and a timestamp too far from the current time
// (while warning that delivery can be delayed, hence a configurable max_age).

bool mailgun_verify(std::string_view signing_key, std::string_view timestamp,
                    std::string_view token, std::string_view signature_hex, long long now,
                    long long max_age) {
    if (signing_key.empty() || token.empty() || signature_hex.empty()) return false;
    const auto seconds = parse_unix_seconds(timestamp);
    if (!seconds) return false;
    const auto mac = hmac("SHA256", signing_key, std::string(timestamp) + std::string(token));
    const bool signature_ok = mac && hex_equals_nocase(hex_lower(*mac), signature_hex);
    return signature_ok && within_window(*seconds, now, max_age);
}

// ---- cxgate's own -------------------------------------------------------------------
// The scheme of signatures.hpp, the one docs/providers.md tells receivers to check: the
// same construction as Stripe's and Slack's request signing (timestamp, a separator, the
// raw body; HMAC-SHA256; a versioned header), so receivers find it familiar.

std::string sign_cxgate_webhook(std::string_view secret, long long timestamp,
                                std::string_view body) {
    if (secret.empty()) throw std::runtime_error("cxgate webhook: no signing secret");
    const auto mac = hmac("SHA256", secret, std::to_string(timestamp) + "." + std::string(body));
    return "v1=" + hex_lower(require(mac, "HMAC-SHA256"));
}

bool verify_cxgate_webhook(std::string_view secret, std::string_view timestamp,
                           std::string_view body, std::string_view signature_header, long long now,
                           long long window) {
    if (secret.empty() || signature_header.empty()) return false;
    const auto seconds = parse_unix_seconds(timestamp);
    if (!seconds || !within_window(*seconds, now, window)) return false;
    // Signed over the timestamp as received: "0123" and "123" are different texts.
    const auto mac = hmac("SHA256", secret, std::string(timestamp) + "." + std::string(body));
    if (!mac) return false;
    const std::string expected = hex_lower(*mac);
    bool ok = false;
    std::string_view rest = signature_header;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.substr(0, 3) == "v1=") ok |= hex_equals_nocase(expected, item.substr(3));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return ok;
}

// ---- ReplayCache ---------------------------------------------------------------------

ReplayCache::ReplayCache(long long window_seconds, std::size_t capacity)
    : window_(window_seconds), capacity_(std::max<std::size_t>(capacity, 1)) {}

void ReplayCache::evict_expired(long long now) {
    // Entries are in insertion order; if a caller's clock steps backwards, a later entry
    // may be older than the front and then simply lives a little longer than needed.
    while (!order_.empty()) {
        const long long seen = order_.front().seen;
        if (seen > now) break;
        const auto age =
            static_cast<unsigned long long>(now) - static_cast<unsigned long long>(seen);
        if (window_ > 0 && age < static_cast<unsigned long long>(window_)) break;
        seen_.erase(order_.front().token);
        order_.pop_front();
    }
}

bool ReplayCache::first_use(std::string_view token, long long now) {
    std::lock_guard lock(mutex_);
    evict_expired(now);
    if (seen_.contains(token)) return false;
    if (order_.size() >= capacity_) {
        seen_.erase(order_.front().token);
        order_.pop_front();
    }
    order_.push_back(Entry{now, std::string(token)});
    seen_.insert(order_.back().token);
    return true;
}

std::size_t ReplayCache::size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace cxgate::signatures
