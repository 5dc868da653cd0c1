#pragma once
// Who may call the API: the bearer token check, the 401 that refuses a caller without
// one, and the rate-limited log of refusals anyone can cause.
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/http/api_error.hpp"

namespace cxgate::http {

// Authorization: Bearer <one of api_tokens> (the scheme in any case), compared in
// constant time.
bool authorized(const Request& request, const config::Config& config);

// 401 with WWW-Authenticate: Bearer; counted in /metrics and logged (log_refusal).
ApiError unauthorized(const Request& request, Services& services);

// A warning anyone can cause without a credential (401, 403, a forged link): written
// at most once per 10 s per distinct line, with the count of those left out. The line
// must already be short and free of secrets (loggable_path()).
void log_refusal(Services& services, const std::string& line);

}  // namespace cxgate::http
