#pragma once
// Signed links in emails.
//
// Unsubscribe: the link names the address it unsubscribes and carries an HMAC over it,
// so nobody can unsubscribe someone else by editing the URL.
//
// Answer (score buttons, GET /r/{token}/{score}): the token names its survey and its
// expiry and carries a random nonce, all under an HMAC with the install's link secret.
// Guessing one is as hard as guessing the nonce and the MAC (together 192 bits); editing
// the survey id or the expiry breaks the MAC; a valid token past its expiry is refused
// with "expired" (410), not "not found" (404), so the page can say what happened.
// Nothing is stored per token: a token is valid because the server signed it.
//
// Alert (GET/POST /a/{token}): the same shape naming an alert instead of a survey, under a
// MAC of its own purpose, so an answer link can never open an alert page. It is the
// credential of the page where staff acknowledge and resolve that one alert: no login.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxgate::links {

std::string unsubscribe_token(const std::string& secret, const std::string& address);
// The address, when the token is intact.
std::optional<std::string> unsubscribe_address(const std::string& secret, const std::string& token);
std::string unsubscribe_url(const std::string& public_url, const std::string& secret,
                            const std::string& address);

// Without a survey expiry, an answer link lives this long after the email was sent.
inline constexpr std::int64_t kDefaultAnswerLifetime = 30 * 24 * 3600;

struct AnswerToken {
    std::int64_t survey_id = 0;
    std::int64_t expires_at = 0;  // Unix seconds
};

enum class TokenStatus { valid, malformed, bad_signature, expired };

struct TokenCheck {
    TokenStatus status = TokenStatus::malformed;
    AnswerToken token;  // meaningful when valid or expired (the MAC was right)
};

// nonce: random bytes as hex (random_hex(12)); a parameter so tests are repeatable.
std::string answer_token(const std::string& secret, const AnswerToken& token,
                         const std::string& nonce);
TokenCheck check_answer_token(const std::string& secret, const std::string& token,
                              std::int64_t now);
// An alert's link lives this long: past it, the alert is handled in the dashboard or the API.
inline constexpr std::int64_t kAlertLinkLifetime = 30 * 24 * 3600;

// token.survey_id is the alert's id here.
std::string alert_token(const std::string& secret, std::int64_t alert_id, std::int64_t expires_at,
                        const std::string& nonce);
TokenCheck check_alert_token(const std::string& secret, const std::string& token, std::int64_t now);
// "{public_url}/a/{token}"
std::string alert_url(const std::string& public_url, const std::string& token);

// "{public_url}/r/{token}" or, with a score, "{public_url}/r/{token}/{score}".
std::string answer_url(const std::string& public_url, const std::string& token,
                       std::optional<int> score = std::nullopt);

}  // namespace cxgate::links
