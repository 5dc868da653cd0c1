#pragma once
// How the report routes answer in the format asked: `format=json` (the default) or `csv`,
// the report's rows as a CSV table (csv.hpp: a column per field, formulas neutralised).
// Private to src/http/.
#include <map>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "cxgate/http/api_error.hpp"
#include "cxgate/http/message.hpp"

namespace cxgate::http {

// The format asked, taken out of the parameters (so the report's own parser never sees
// it); a 400 naming `format` for anything but json or csv.
std::variant<std::string, ApiError> take_format(std::map<std::string, std::string>& parameters);

Response csv_response(const Request& request, std::string body);

// `body` as JSON, or `rows` (an array of objects) as CSV.
Reply report_reply(const Request& request, const std::string& format, const nlohmann::json& body,
                   const nlohmann::json& rows);

}  // namespace cxgate::http
