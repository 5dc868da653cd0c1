#include "cxgate/http/api_error.hpp"

#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/services.hpp"

namespace cxgate::http {

nlohmann::json error_json(const ApiError& error) {
    nlohmann::json body{{"error", error.message}};
    if (!error.field.empty()) body["field"] = error.field;
    if (!error.path.empty()) body["path"] = error.path;
    return body;
}

Response to_response(const Request& request, const ApiError& error) {
    // json_input::dump: a message may quote input (a path, a field name) that is not UTF-8.
    auto res = json_response(request, error.status, json_input::dump(error_json(error)));
    for (const auto& [name, value] : error.headers) res.set(name, value);
    return res;
}

Response to_response(const Request& request, Reply reply) {
    if (auto* error = std::get_if<ApiError>(&reply)) return to_response(request, *error);
    return std::get<Response>(std::move(reply));
}

Response json_response(const Request& request, beast_http::status code, const std::string& body) {
    Response res{code, request.version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::server, "cxgate");
    res.body() = body;
    return res;
}

ApiError busy(Services& services) {
    services.counters.busy_rejections++;
    ApiError error{beast_http::status::service_unavailable, "the server is busy; retry shortly"};
    error.headers.emplace_back(beast_http::field::retry_after, "1");
    return error;
}

ApiError storage_full(Services& services) {
    services.counters.storage_full_rejections++;
    ApiError error{beast_http::status::service_unavailable,
                   "the database is full; nothing was recorded; retry later"};
    error.headers.emplace_back(beast_http::field::retry_after, "30");
    return error;
}

ApiError method_not_allowed(std::string allow) {
    ApiError error{beast_http::status::method_not_allowed, "method not allowed"};
    error.headers.emplace_back(beast_http::field::allow, std::move(allow));
    return error;
}

}  // namespace cxgate::http
