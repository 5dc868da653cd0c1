#pragma once
// Dashboard sessions: what a login opens, how long it lasts and what every request checks.
// The cookie carries a random token; the store keeps only its SHA-256 (users.hpp), so
// reading the database opens no session. A session ends after 12 hours without a request
// or 7 days after the login, whichever comes first; logging out, a new password and
// disabling the user end it at once.
#include <optional>
#include <string>

#include "cxgate/store/users.hpp"

namespace cxgate::accounts {

inline constexpr store::Seconds kSessionIdle = 12 * 3600;
inline constexpr store::Seconds kSessionLifetime = 7 * 24 * 3600;
// A session's expiry moves with use at most this often, so reading pages is not a write each.
inline constexpr store::Seconds kSessionTouchEvery = 300;

inline constexpr const char* kSessionCookie = "cxgate_session";
// Before a login there is no session to carry the CSRF token: the login form carries its own,
// double-submitted in this cookie.
inline constexpr const char* kLoginCookie = "cxgate_login";

struct NewSession {
    std::string token;  // for the cookie, never stored
    store::SessionRow row;
};
NewSession open_session(std::int64_t user_id, store::Seconds now);

std::string token_hash(const std::string& token);

// Whether a stored session still holds at `now`.
bool session_valid(const store::SessionRow& session, store::Seconds now);
// The session's new expiry when it is time to move it, else nothing.
std::optional<store::Seconds> renewed_expiry(const store::SessionRow& session, store::Seconds now);

// A POST's CSRF token against its session's, in constant time.
bool csrf_matches(const std::string& expected, const std::string& received);

// The Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure when the daemon is
// reached over HTTPS; max_age 0 clears it.
std::string cookie(const std::string& name, const std::string& value, store::Seconds max_age,
                   bool secure);
// A cookie's value from a Cookie header ("a=1; cxgate_session=..."), or "".
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace cxgate::accounts
