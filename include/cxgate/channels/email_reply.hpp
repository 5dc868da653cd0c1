#pragma once
// Reading a customer's email reply as the email providers post it (SendGrid Inbound
// Parse, Mailgun routes, Postmark inbound), so that what reaches the reply parser is
// what the customer typed, not the survey quoted back or their signature. Pure
// functions, shared by the email adapters.
#include <string>
#include <string_view>

namespace cxgate::channels {

// The new text of a reply: quoted lines ("> ...") dropped, and everything cut from the
// first line that starts the quoted original or a signature: an attribution line ("On
// ... wrote:", "ma 23.11.2026 klo 10.00 X <x@y> kirjoitti:", "Den ... skrev X <x@y>:",
// also wrapped over two lines), an Outlook separator ("-----Original Message-----",
// "-----Alkuperäinen viesti-----", a line of underscores) or header block ("From:",
// "Från:", "Lähettäjä:", "Lähetetty:", "Skickat:", "Sent:"), a mobile signature ("Sent from
// my iPhone", "Lähetetty iPhonesta", "Skickat från min iPhone") or the "-- " signature
// delimiter. CRLF becomes LF; surrounding blank lines and trailing spaces are removed.
std::string strip_quoted_reply(const std::string& text);

// Readable text of an HTML body, for a reply that came without a text/plain part: block
// elements and <br> become line breaks, tags, comments, <style>, <script> and <head> go,
// character references are decoded, whitespace is collapsed as a browser would.
std::string html_to_text(std::string_view html);

// "Matti Meikäläinen <matti@example.com>" -> "matti@example.com"; a bare address is
// returned trimmed. The last <...> wins, so a display name may itself contain '<'.
std::string extract_address(std::string_view mailbox);

// The From value the provider APIs take: the address alone, or `Name <address>` with the
// name quoted (and '"' and '\' escaped) when it contains RFC 5322 specials. CR and LF are
// dropped from the name. Providers encode non-ASCII names themselves.
std::string format_mailbox(std::string_view name, std::string_view address);

// A header of a raw RFC 5322 header block (CRLF or LF line ends, folded lines unfolded),
// by case-insensitive name; "" when absent. The first occurrence wins.
std::string header_field(std::string_view raw_headers, std::string_view name);

// "<abc@example.com>" -> "abc@example.com", surrounding whitespace removed too. Message-IDs
// are compared without angle brackets, as providers are inconsistent about them.
std::string strip_angle_brackets(std::string_view id);

}  // namespace cxgate::channels
