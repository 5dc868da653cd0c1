#include "cxgate/http/access.hpp"

#include <spdlog/spdlog.h>

#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/http/services.hpp"

namespace cxgate::http {

TokenCheck check_token(const Request& request, const config::Config& config, config::Scope scope) {
    auto credentials =
        authorization::credentials(request[beast_http::field::authorization], "Bearer");
    if (!credentials) return TokenCheck::missing;
    // Digests are compared, each one, in constant time: the time taken says nothing of
    // which token matched or how much of one did.
    const auto digest = crypto::sha256_hex(*credentials);
    const config::ApiToken* match = nullptr;
    for (const auto& t : config.api_tokens)
        if (crypto::constant_time_equals(digest, t.sha256)) match = &t;
    if (!match) return TokenCheck::wrong;
    return match->allows(scope) ? TokenCheck::ok : TokenCheck::lacks_scope;
}

bool authorized(const Request& request, const config::Config& config, config::Scope scope) {
    return check_token(request, config, scope) == TokenCheck::ok;
}

ApiError unauthorized(const Request& request, Services& s) {
    s.counters.auth_failures++;
    log_refusal(s, "401 for " + std::string(request.method_string()) + " " +
                       loggable_path(request.target()) + ": missing or wrong bearer token");
    ApiError error{beast_http::status::unauthorized, "missing or wrong bearer token"};
    error.headers.emplace_back(beast_http::field::www_authenticate, "Bearer");
    return error;
}

ApiError lacks_scope(const Request& request, Services& s, config::Scope scope) {
    s.counters.auth_failures++;
    const std::string name(config::to_string(scope));
    log_refusal(s, "403 for " + std::string(request.method_string()) + " " +
                       loggable_path(request.target()) + ": the token lacks scope " + name);
    return ApiError{beast_http::status::forbidden,
                    "this token may not do this: it needs the scope \"" + name +
                        "\" (api_tokens: {token: ..., scopes: [...]})"};
}

ApiError refused(const Request& request, Services& s, TokenCheck check, config::Scope scope) {
    return check == TokenCheck::lacks_scope ? lacks_scope(request, s, scope)
                                            : unauthorized(request, s);
}

void log_refusal(Services& s, const std::string& line) {
    unsigned long long suppressed = 0;
    if (!s.refusal_log.allow(line, LogLimiter::Clock::now(), &suppressed)) return;
    if (suppressed)
        spdlog::warn("{} ({} more like it not logged)", line, suppressed);
    else
        spdlog::warn("{}", line);
}

}  // namespace cxgate::http
