#include "cxgate/http/access.hpp"

#include <spdlog/spdlog.h>

#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/http/services.hpp"

namespace cxgate::http {

bool authorized(const Request& request, const config::Config& config) {
    auto credentials =
        authorization::credentials(request[beast_http::field::authorization], "Bearer");
    if (!credentials) return false;
    const std::string token(*credentials);
    bool ok = false;
    for (const auto& t : config.api_tokens) ok |= constant_time_equals(token, t);
    return ok;
}

ApiError unauthorized(const Request& request, Services& s) {
    s.counters.auth_failures++;
    log_refusal(s, "401 for " + std::string(request.method_string()) + " " +
                       loggable_path(request.target()) + ": missing or wrong bearer token");
    ApiError error{beast_http::status::unauthorized, "missing or wrong bearer token"};
    error.headers.emplace_back(beast_http::field::www_authenticate, "Bearer");
    return error;
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
