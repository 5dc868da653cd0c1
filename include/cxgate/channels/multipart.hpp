#pragma once
// multipart/form-data (RFC 7578 over RFC 2046 section 5.1) as email providers post inbound
// mail: SendGrid Inbound Parse always, Mailgun routes when the message has attachments.
// A strict reader over the whole body: a missing boundary, a part without headers or a
// body that ends before the closing delimiter is an error rather than a guess, because
// a truncated post must not be read as a shorter reply.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cxgate/channels/signatures.hpp"

namespace cxgate::channels {

struct MultipartPart {
    std::string name;          // Content-Disposition name
    std::string filename;      // set for file parts (attachments)
    std::string content_type;  // the part's Content-Type, "" when absent
    std::string data;          // the raw bytes, no transfer decoding
};

// The boundary parameter of a multipart Content-Type, unquoted; nullopt when the type is
// not multipart/form-data or has no usable boundary (1 to 70 characters).
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The parts in order; an error message when the body is malformed. CRLF is what RFC 2046
// requires; bare LF line ends are accepted too, as some relays rewrite them.
std::variant<std::vector<MultipartPart>, std::string> parse_multipart(std::string_view body,
                                                                      std::string_view boundary,
                                                                      size_t max_parts = 1000);

// The non-file parts as name/value pairs, in order, for webhook_util's field().
signatures::Params multipart_fields(const std::vector<MultipartPart>& parts);

}  // namespace cxgate::channels
