#pragma once
// Who may call the API: the bearer token check (each token with its scopes), the 401 that
// refuses a caller without one, the 403 for a token without the scope, and the rate-limited
// log of refusals anyone can cause. Dashboard sessions are in callers.hpp.
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/http/api_error.hpp"

namespace cxgate::http {

enum class TokenCheck {
    missing,      // no Authorization: Bearer header
    wrong,        // not one of api_tokens
    lacks_scope,  // one of them, without the scope asked
    ok,
};

// Authorization: Bearer <one of api_tokens> (the scheme in any case), compared in
// constant time, and whether that token has `scope`.
TokenCheck check_token(const Request& request, const config::Config& config, config::Scope scope);
bool authorized(const Request& request, const config::Config& config, config::Scope scope);

// 401 with WWW-Authenticate: Bearer; counted in /metrics and logged (log_refusal).
ApiError unauthorized(const Request& request, Services& services);
// 403 naming the scope the token lacks; counted and logged the same way.
ApiError lacks_scope(const Request& request, Services& services, config::Scope scope);
// 401 or 403 as the check says (never for TokenCheck::ok).
ApiError refused(const Request& request, Services& services, TokenCheck check, config::Scope scope);

// A warning anyone can cause without a credential (401, 403, a forged link): written
// at most once per 10 s per distinct line, with the count of those left out. The line
// must already be short and free of secrets (loggable_path()).
void log_refusal(Services& services, const std::string& line);

}  // namespace cxgate::http
