// cxgate's signed webhook, for any receiver without a channel of its own (an incident tool,
// a CRM, an in-house service). There is no provider reference: this is the contract, and
// docs/providers.md shows a receiver.
//   POST <url>, Content-Type: application/json
//   {"type": "alert.opened", "id": "evt_...", "created_at": "...", "data": <alert card>}
//   X-Cxgate-Timestamp: Unix seconds when this attempt was sent
//   X-Cxgate-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   X-Cxgate-Event-Id:  the id, the same on every attempt of one message
// Any 2xx means received. 408, 429 (Retry-After honoured) and 5xx are tried again, with
// the same body and id and a new timestamp and signature; other 4xx are final.
#include <chrono>

#include "chat_channel.hpp"
#include "cxgate/channels/signatures.hpp"
#include "cxgate/foundation/crypto.hpp"

namespace cxgate::channels {

namespace chat {

nlohmann::json webhook_payload(const templates::AlertCard& card, const std::string& event_id) {
    return {{"type", card.event},
            {"id", event_id},
            {"created_at", card.created_at},
            {"data", nlohmann::json(card)}};
}

std::string webhook_event_id(const std::string& secret, const store::MessageRow& message) {
    const auto mac = crypto::hmac_sha256_hex(secret, "event-id:" + std::to_string(message.id) +
                                                         ":" + std::to_string(message.created_at));
    return "evt_" + mac.substr(0, 32);
}

HttpRequest webhook_request(const std::string& url, const std::string& secret,
                            const std::string& body, const std::string& event_id,
                            long long timestamp) {
    HttpRequest request;
    request.url = url;
    request.headers = {
        "Content-Type: application/json",
        std::string(signatures::kCxgateTimestampHeader) + ": " + std::to_string(timestamp),
        std::string(signatures::kCxgateSignatureHeader) + ": " +
            signatures::sign_cxgate_webhook(secret, timestamp, body),
        std::string(signatures::kCxgateEventIdHeader) + ": " + event_id};
    request.body = body;
    return request;
}

SendResult webhook_result(const HttpResponse& response) {
    if (response.curl_code == 0 && response.status >= 200 && response.status < 300) return {};
    return detail::classify_chat(response, "", "");
}

}  // namespace chat

namespace {

class SignedWebhookChannel final : public detail::ChatChannel {
  public:
    using ChatChannel::ChatChannel;

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        const auto& secret = channel_.setting("secret");
        const auto id = chat::webhook_event_id(secret, message);
        const auto body = chat::webhook_payload(chat::card_of(message), id)
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        // The receiver checks the timestamp against its own clock, so it is the real time
        // of this attempt, never the daemon's (a manual clock in tests and demos).
        const long long timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
        auto response = co_await context_.http->request(
            chat::webhook_request(channel_.setting("url"), secret, body, id, timestamp));
        auto result = chat::webhook_result(response);
        if (result.status == SendResult::Status::sent) result.provider_id = id;
        co_return result;
    }
};

}  // namespace

std::unique_ptr<Channel> make_webhook_channel(const config::ChannelConfig& channel,
                                              const ChannelContext& context) {
    return std::make_unique<SignedWebhookChannel>(channel, context);
}

}  // namespace cxgate::channels
