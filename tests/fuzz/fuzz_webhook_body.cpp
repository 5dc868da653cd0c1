// Fuzz target: the readers of provider webhook bodies that run before any reply parsing:
// form bodies (Twilio, Vonage), multipart/form-data (SendGrid, Mailgun) and the email reply
// text cut from them. The first line of the input is the Content-Type, the rest the body.
// Built by tests/fuzz/CMakeLists.txt (README.md there).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "cxgate/channels/email_reply.hpp"
#include "cxgate/channels/multipart.hpp"
#include "cxgate/channels/webhook_util.hpp"

using namespace cxgate::channels;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view content_type = input.substr(0, newline);
    const std::string body(newline == std::string_view::npos ? std::string_view()
                                                             : input.substr(newline + 1));

    for (const auto& [name, value] : form_params(body)) {
        if (name.size() > body.size() || value.size() > body.size()) std::abort();
    }
    const auto boundary = multipart_boundary(content_type);
    if (boundary && (boundary->empty() || boundary->size() > 70)) std::abort();
    auto parts = parse_multipart(body, boundary ? *boundary : std::string("b"), 50);
    if (auto* ok = std::get_if<std::vector<MultipartPart>>(&parts)) {
        if (ok->size() > 50) std::abort();
        for (const auto& [name, value] : multipart_fields(*ok)) {
            strip_quoted_reply(value);
            html_to_text(value);
        }
    }
    if (strip_quoted_reply(body).size() > body.size()) std::abort();
    html_to_text(body);
    extract_address(content_type);
    header_field(body, content_type);
    strip_angle_brackets(content_type);
    format_mailbox(content_type, body);
    return 0;
}
