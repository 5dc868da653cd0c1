#pragma once
// Verifies that a webhook really comes from the SMS or email provider it names. Pure
// functions over already-parsed request parts (URL, decoded form fields, raw body,
// header values), so the HTTP layer decides where each part comes from and these
// rules stay testable against the providers' own published examples.
//
// Every *_verify function returns false rather than throwing on untrusted input, and
// refuses an empty secret: a gateway that was deployed without its secret configured
// must reject webhooks, not accept anything signed with "".
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cxgate::signatures {

// Decoded form or query fields in the order received. A name may repeat, which is why
// this is not a map: Twilio signs every value of a repeated field.
using Params = std::vector<std::pair<std::string, std::string>>;

// ---- Twilio (X-Twilio-Signature) ------------------------------------------------------

// Base64(HMAC-SHA1(auth_token, url + name1 + value1 + name2 + value2 ...)) with the
// fields sorted by name, and the values of a repeated name sorted too.
std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const Params& form_params);
// url is the full URL Twilio requested, query string included. It is also tried with
// the scheme's default port added (https :443, http :80) or removed, whichever form it
// was not given in. For a GET webhook pass the query in url and no form_params.
bool twilio_verify(std::string_view auth_token, std::string_view url, const Params& form_params,
                   std::string_view header_value);
// application/json webhooks: Twilio signs the URL alone, and the URL carries
// bodySHA256 = hex SHA-256 of the raw body. Both must hold; no bodySHA256, or more
// than one, is invalid.
bool twilio_verify_json(std::string_view auth_token, std::string_view url,
                        std::string_view raw_body, std::string_view header_value);

// ---- Vonage SMS API signed webhooks ("sig" parameter) --------------------------------

// method is the dashboard setting: "md5hash" (the default there), or the HMAC variants
// "md5", "sha1", "sha256", "sha512". Returns the signature in Vonage's own case
// (md5hash lower-case hex, HMAC upper-case hex) over every parameter except "sig";
// nullopt for an unknown method, an empty secret or a repeated parameter name.
std::optional<std::string> vonage_signature(std::string_view secret, std::string_view method,
                                            const Params& params);
// params must include "sig" and "timestamp" (Unix seconds), and the timestamp must be
// within max_age seconds of now in either direction.
bool vonage_verify(std::string_view secret, std::string_view method, const Params& params,
                   long long now, long long max_age = 300);

// ---- Mailgun (signature object: timestamp, token, signature) -------------------------

// Hex HMAC-SHA256(signing_key, timestamp + token), with timestamp (Unix seconds) within
// max_age seconds of now. Pair with ReplayCache::first_use(token) to refuse replays.
// For a subaccount's event, Mailgun adds "parent-signature", made the same way with the
// primary account's key: verify it by passing that key and that value.
bool mailgun_verify(std::string_view signing_key, std::string_view timestamp,
                    std::string_view token, std::string_view signature_hex, long long now,
                    long long max_age = 300);

// ---- cxgate's own signed webhooks (X-Cxgate-Signature) ------------------------------

// What cxgate sends to a receiver of its own (the `webhook` channel, and any outbound event
// that wants the same contract): X-Cxgate-Timestamp carries the Unix seconds at sending and
// X-Cxgate-Signature "v1=" + hex HMAC-SHA256(secret, timestamp + "." + raw body). The
// timestamp inside the signed text lets a receiver refuse an old copy (a replay); the
// "v1=" names the scheme so that another can follow. docs/providers.md shows a receiver.
inline constexpr std::string_view kCxgateTimestampHeader = "X-Cxgate-Timestamp";
inline constexpr std::string_view kCxgateSignatureHeader = "X-Cxgate-Signature";
inline constexpr std::string_view kCxgateEventIdHeader = "X-Cxgate-Event-Id";

// "v1=<64 lower-case hex>"; throws std::runtime_error for an empty secret (a sender
// without its secret must not send "signed" requests).
std::string sign_cxgate_webhook(std::string_view secret, long long timestamp,
                                std::string_view body);
// True when timestamp is Unix seconds within window seconds of now (either direction) and
// signature_header holds a "v1=" signature of timestamp and body, compared in constant
// time. The header may list several, comma-separated ("v1=...,v1=..."), as a sender does
// while its secret is being replaced; one valid one is enough. A receiver that must not
// act twice also remembers X-Cxgate-Event-Id for as long as the sender retries (a retry
// carries the same id with a new timestamp).
bool verify_cxgate_webhook(std::string_view secret, std::string_view timestamp,
                           std::string_view body, std::string_view signature_header, long long now,
                           long long window = 300);

// Remembers tokens (Mailgun's token, Vonage's nonce) so that a captured, correctly
// signed request cannot be replayed while its timestamp is still accepted. A token is
// forgotten window_seconds after it was first seen, or earlier when more than capacity
// tokens are held (oldest first), so memory stays bounded. The timestamp check accepts
// now +/- max_age, so a token stays replayable for up to 2 * max_age after first use:
// window_seconds should be at least that, hence the default of 600 for max_age 300.
// Thread-safe.
class ReplayCache {
  public:
    explicit ReplayCache(long long window_seconds = 600, std::size_t capacity = 100'000);
    // True the first time a token is seen within the window; false for a replay.
    bool first_use(std::string_view token, long long now);
    std::size_t size() const;

  private:
    struct Entry {
        long long seen;
        std::string token;
    };
    void evict_expired(long long now);

    long long window_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    // Insertion order; owns the strings. A deque keeps references to its elements
    // valid across push_back/pop_front, so the set can hold views into it.
    std::deque<Entry> order_;
    std::unordered_set<std::string_view> seen_;
};

}  // namespace cxgate::signatures
