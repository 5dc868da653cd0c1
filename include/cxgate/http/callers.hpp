#pragma once
// Who is asking: an API token (with its scopes) or a person logged in to the dashboard (a
// session cookie, with their role). The API's read routes answer both, so everything the
// dashboard shows can also be downloaded as JSON or CSV with the same rights; a session
// is narrowed to what its role may see (accounts/roles.hpp) before any report is read.
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "cxgate/accounts/roles.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/http/api_error.hpp"
#include "cxgate/http/route_table.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

struct Caller {
    std::optional<accounts::Viewer> viewer;  // a dashboard user; empty: an API token
    std::string session_hash;                // the session's stored id
    std::string csrf;                        // the token this session's forms carry
};

// The dashboard session the request's cookie names, when it still holds and its user is
// enabled. Moves the session's expiry when it is time (sessions.hpp).
asio::awaitable<std::optional<Caller>> session_caller(const Request& request, Services& services);

// A token with `scope`, or, for GET and HEAD of `read` routes, a logged-in user. Refused:
// 401 (or 403 for a token without the scope).
asio::awaitable<std::variant<Caller, ApiError>> authenticate(const Request& request,
                                                             Services& services,
                                                             config::Scope scope);

// The report parameters narrowed to what the caller may see; 403 when they ask for more.
std::optional<ApiError> narrow(const Caller& caller, std::map<std::string, std::string>& parameters,
                               const Request& request, Services& services);
// 403 unless the caller sees every result (a token, an admin or a manager).
std::optional<ApiError> needs_everything(const Caller& caller, const Request& request,
                                         Services& services);

// Who sent the request, for throttling: the connection's address, or behind a reverse proxy
// (server.max_connections_per_address: 0, see ServerConfig), where every connection comes
// from the proxy, the last address it put in X-Forwarded-For.
std::string client_address(const Request& request, const Target& target,
                           const config::Config& config);

// Whether the request reached the daemon over HTTPS (the public URL says https, or the
// reverse proxy in front says X-Forwarded-Proto: https): then cookies are Secure.
bool over_https(const Request& request, const config::Config& config);

}  // namespace cxgate::http
