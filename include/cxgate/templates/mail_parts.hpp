#pragma once
// An email written with its own HTML (a digest's tables) rather than HTML made from its text
// when it is sent: the message body (store::MessageRow, kind "digest") holds both parts as
// JSON, and every email channel's format_email (channels/email_format.hpp) sends them as
// the text and HTML parts. It lives here, below both the scheduler that writes it and the
// channels that read it.
#include <optional>
#include <string>
#include <string_view>

namespace cxgate::templates {

struct MailParts {
    std::string text;
    std::string html;  // the content of <body>; the channel puts the document around it
};

// {"text": ..., "html": ...}
std::string mail_parts_body(const MailParts& parts);
// The parts a message body holds, or nullopt when it is not such a body.
std::optional<MailParts> parse_mail_parts(std::string_view body);

}  // namespace cxgate::templates
