#pragma once
// The one error type of the HTTP API, and the one place it becomes a response.
//
// A route answers either a Response (its success, or a page) or an ApiError. Every
// ApiError is sent the same way: its status, a JSON body {"error": message} with "field"
// (the input field at fault) and "path" (where in a mapped CRM body) when known, and the
// headers it carries (WWW-Authenticate on a 401, Retry-After on a 503, Allow on a 405).
// Clients and tests read the field name from "field", never from the message text.
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cxgate/http/message.hpp"

namespace cxgate::http {

struct Services;

struct ApiError {
    ApiError(beast_http::status status_, std::string message_, std::string field_ = {},
             std::string path_ = {})
        : status(status_),
          message(std::move(message_)),
          field(std::move(field_)),
          path(std::move(path_)) {}

    beast_http::status status;
    std::string message;
    std::string field;  // "contact.phone", "since", ...; empty when no single field is at fault
    std::string path;   // a CRM body's location of the field (sources.hpp); usually empty
    std::vector<std::pair<beast_http::field, std::string>> headers;
};

// What a route handler answers.
using Reply = std::variant<Response, ApiError>;

// {"error": ..., "field": ..., "path": ...}, the last two only when set.
nlohmann::json error_json(const ApiError& error);
Response to_response(const Request& request, const ApiError& error);
Response to_response(const Request& request, Reply reply);

// A JSON success: Content-Type application/json, Server: cxgate.
Response json_response(const Request& request, beast_http::status status, const std::string& body);

// A bounded queue is full (store::QueueFull): 503 with Retry-After: 1, counted in
// /metrics as a busy rejection. handle_request() is the only caller.
ApiError busy(Services& services);
// 503 + Retry-After for a write refused because the database cannot grow
// (store::StorageFull); counted apart from busy rejections, as it needs an operator.
ApiError storage_full(Services& services);
// The path exists but not for this method: 405 with Allow ("GET, HEAD").
ApiError method_not_allowed(std::string allow);

}  // namespace cxgate::http
