// A message body of text and HTML parts (mail_parts.hpp).
#include "cxgate/templates/mail_parts.hpp"

#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"

namespace cxgate::templates {

std::string mail_parts_body(const MailParts& parts) {
    return json_input::dump(nlohmann::json{{"text", parts.text}, {"html", parts.html}});
}

std::optional<MailParts> parse_mail_parts(std::string_view body) {
    const auto json = json_input::parse_or_discarded(body);
    if (!json.is_object() || !json.contains("text") || !json.contains("html") ||
        !json["text"].is_string() || !json["html"].is_string())
        return std::nullopt;
    return MailParts{json["text"].get<std::string>(), json["html"].get<std::string>()};
}

}  // namespace cxgate::templates
