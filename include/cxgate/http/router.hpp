#pragma once
// Request -> response, as one awaitable function of the request: testable without sockets.
#include <boost/beast/http.hpp>

#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

asio::awaitable<Response> handle_request(Request request, Services& services);

// Helpers shared by the route files.
Response json_response(const Request& request, beast_http::status status, const std::string& body);
Response error_response(const Request& request, beast_http::status status,
                        const std::string& message, const std::string& field = "");
bool authorized(const Request& request, const config::Config& config);
Response busy(const Request& request, Services& services);
// A warning anyone can cause without a credential (401, 403, a forged link): written
// at most once per 10 s per distinct line, with the count of those left out. The line
// must already be short and free of secrets (loggable_path()).
void log_refusal(Services& services, const std::string& line);

}  // namespace cxgate::http
