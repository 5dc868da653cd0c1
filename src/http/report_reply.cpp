// Report routes in the format asked (report_reply.hpp).
#include "report_reply.hpp"

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/csv.hpp"

namespace cxgate::http {

std::variant<std::string, ApiError> take_format(std::map<std::string, std::string>& parameters) {
    auto it = parameters.find("format");
    if (it == parameters.end()) return std::string("json");
    const std::string format = it->second;
    parameters.erase(it);
    if (format != "json" && format != "csv")
        return ApiError{beast_http::status::bad_request, "format: must be json or csv", "format"};
    return format;
}

Response csv_response(const Request& request, std::string body) {
    Response res{beast_http::status::ok, request.version()};
    res.set(beast_http::field::content_type, "text/csv; charset=utf-8");
    res.body() = std::move(body);
    return res;
}

Reply report_reply(const Request& request, const std::string& format, const nlohmann::json& body,
                   const nlohmann::json& rows) {
    if (format == "csv") return csv_response(request, csv::table(rows));
    return json_response(request, beast_http::status::ok, json_input::dump(body));
}

}  // namespace cxgate::http
