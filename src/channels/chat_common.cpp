// What the chat channels share (chat.hpp, chat_channel.hpp): the card of a message, clipping
// to a service's limits, and reading an HTTP answer.
#include "chat_channel.hpp"

namespace cxgate::channels {

namespace chat {

templates::AlertCard card_of(const store::MessageRow& message) {
    if (auto card = templates::parse_alert_card(message.body)) return *card;
    templates::AlertCard card;
    card.event = message.kind + ".message";
    card.survey_id = message.survey_id.value_or(0);
    card.title = message.subject.empty() ? message.kind : message.subject;
    card.text = message.body;
    return card;
}

std::string clip(std::string_view text, std::size_t max) {
    if (max == 0) return "";
    // Where each code point starts, up to max + 1 of them: enough to know whether it fits.
    std::size_t count = 0, cut = text.size(), keep = text.size();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (count == max - 1) keep = i;
        if (count == max) {
            cut = i;
            break;
        }
        ++count;
    }
    if (cut == text.size()) return std::string(text);
    return std::string(text.substr(0, keep)) + "\u2026";
}

}  // namespace chat

namespace detail {

SendResult classify_chat(const HttpResponse& response, const std::string& error_text,
                         const std::string& error_code) {
    auto result = classify_http(response, error_text, error_code);
    if (response.curl_code == 0 && response.status == 408)
        result.status = SendResult::Status::temporary_failure;
    return result;
}

}  // namespace detail

}  // namespace cxgate::channels
