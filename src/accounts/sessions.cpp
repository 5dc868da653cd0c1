// Dashboard sessions (sessions.hpp).
#include "cxgate/accounts/sessions.hpp"

#include <algorithm>

#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/random.hpp"

namespace cxgate::accounts {

namespace {

store::Seconds expiry(const store::SessionRow& session, store::Seconds now) {
    return std::min(now + kSessionIdle, session.created_at + kSessionLifetime);
}

}  // namespace

NewSession open_session(std::int64_t user_id, store::Seconds now) {
    NewSession s;
    s.token = random_hex(32);
    s.row.token_hash = token_hash(s.token);
    s.row.user_id = user_id;
    s.row.csrf = random_hex(32);
    s.row.created_at = now;
    s.row.last_seen_at = now;
    s.row.expires_at = expiry(s.row, now);
    return s;
}

std::string token_hash(const std::string& token) {
    return crypto::sha256_hex(token);
}

bool session_valid(const store::SessionRow& session, store::Seconds now) {
    return now < session.expires_at && now < session.created_at + kSessionLifetime;
}

std::optional<store::Seconds> renewed_expiry(const store::SessionRow& session, store::Seconds now) {
    if (now - session.last_seen_at < kSessionTouchEvery) return std::nullopt;
    return expiry(session, now);
}

bool csrf_matches(const std::string& expected, const std::string& received) {
    return !expected.empty() && crypto::constant_time_equals(expected, received);
}

std::string cookie(const std::string& name, const std::string& value, store::Seconds max_age,
                   bool secure) {
    std::string out = name + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
                      "; HttpOnly; SameSite=Strict";
    if (secure) out += "; Secure";
    return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto end = header.find(';');
        auto pair = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        auto value = pair.substr(eq + 1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        return std::string(value);
    }
    return {};
}

}  // namespace cxgate::accounts
