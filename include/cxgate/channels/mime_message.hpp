#pragma once
// An email as cxgate sends it over SMTP: the message a channel hands to the HTTP client, and
// what becomes of it before curl sees it: the checks that keep input from rewriting the
// message, the top-level headers (RFC 5322, with RFC 2047 encoded-words for anything that is
// not plain ASCII) and the text parts. Pure functions; the curl transport (curl_transfer.cpp)
// turns the result into its MIME tree.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace cxgate::channels {

// An email as libcurl's MIME API builds it: multipart/alternative text + HTML, UTF-8.
struct MailMessage {
    std::string url;           // smtp://host:port or smtps://host:port
    bool require_tls = false;  // STARTTLS required (CURLUSESSL_ALL) on smtp://
    std::string username, password;
    std::string from;  // envelope and From address
    std::string from_name;
    std::vector<std::string> to;
    std::string subject;               // UTF-8; encoded per RFC 2047 by the client
    std::string text;                  // text/plain; charset=UTF-8
    std::string html;                  // text/html; charset=UTF-8 (optional)
    std::vector<std::string> headers;  // extra headers: Message-ID, Reply-To, List-Unsubscribe...
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{30000};
};

// Why the message must not be sent as it is (no recipient or sender, a line break that would
// start another header, a header without a name); empty when it may be.
std::string mail_input_error(const MailMessage& m);

// The message's top-level header lines, in order: Date (from `now`), From, To, Subject and
// MIME-Version, each left out when the caller's headers name it, then the caller's headers.
std::vector<std::string> mail_headers(const MailMessage& m,
                                      std::chrono::system_clock::time_point now);

// One text part: its Content-Type and its body with CRLF line ends.
struct MailPart {
    const char* type;
    std::string data;
};
// text/plain, then text/html when the message has HTML: the alternatives of one message.
std::vector<MailPart> mail_parts(const MailMessage& m);

// The whole message as one RFC 5322 document, as a mail client opens it from an .eml file:
// the lines of mail_headers (Date from `date`), then the parts of mail_parts, as
// multipart/alternative when there are two. Each part is base64 in lines of 76 characters
// (the HTML part is one long line, past SMTP's 998); every line ends in CRLF. `boundary`
// must not occur in the parts: base64 never holds "=_", so one starting so is safe.
std::string mail_document(const MailMessage& m, std::chrono::system_clock::time_point date,
                          const std::string& boundary);

// Header building blocks, exposed for tests.
// A header value as RFC 2047 "B" encoded-words when it is not plain printable ASCII: each
// word at most 75 characters, never splitting a UTF-8 character, folded onto continuation
// lines of at most 76 characters; first_line_used counts "Subject: " already on the first
// line. CR and LF become spaces so that a value can never start another header.
std::string encode_header_value(std::string_view utf8, size_t first_line_used = 0);
// RFC 5322 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point time);

}  // namespace cxgate::channels
