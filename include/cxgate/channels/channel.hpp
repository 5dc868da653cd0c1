#pragma once
// A channel is a named provider instance from cxgate.yaml. It turns one message into
// one provider request and reads what the provider answered; it verifies and reads the
// provider's webhooks. Retries, rates, failover and every state change belong to the
// dispatcher and the routes, never to a channel, so each adapter stays small.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/net.hpp"
#include "cxgate/store/delivered_emails.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::channels {

class HttpClient;

struct SendResult {
    // unknown: the request reached the provider but no answer came back (timeout or a
    // closed connection after sending). Sending again could reach the customer twice,
    // so such a message is treated like one in flight at a crash: never resent.
    enum class Status { sent, temporary_failure, permanent_failure, unknown };
    Status status = Status::sent;
    std::string provider_id;
    std::string error;               // the provider's text, or the transport error
    std::string error_code;          // the provider's own code ("21610", "406", "HTTP 500")
    std::optional<int> retry_after;  // seconds, from a 429's Retry-After
    bool opt_out = false;            // the provider says the recipient unsubscribed or is inactive
    // The sandbox's delivery is the database: the email it built, which the dispatcher keeps
    // with the result, in the same transaction (store/delivered_emails.hpp).
    std::optional<store::DeliveredEmail> delivered_email;
};

// A webhook as the HTTP layer received it, independent of Beast.
struct WebhookRequest {
    std::string method;
    std::string path;                            // "/webhooks/sms/inbound"
    std::string query;                           // raw, without '?'
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

struct WebhookError {
    int status = 400;  // 400 malformed, 403 bad or missing signature
    std::string message;
};

struct InboundReply {
    std::string provider_id;
    std::string from;
    std::string text;
};

struct StatusReport {
    std::string provider_id;
    // delivered, failed, undelivered, bounced, complained, sent (accepted by the far end)
    std::string status;
    std::string error;
    std::string error_code;
};

// What the provider expects back from a webhook (Twilio: empty TwiML, never text that
// would be sent to the customer as an SMS).
struct WebhookReply {
    std::string content_type = "application/json";
    std::string body = "{}";
};

class Channel {
  public:
    virtual ~Channel() = default;
    virtual asio::awaitable<SendResult> send(const store::MessageRow& message) = 0;
    // Whether a request in flight at a crash may have reached the provider. The sandbox
    // has no outside effect, so its in-flight messages are simply sent again.
    virtual bool has_outside_effect() const = 0;

    using InboundResult = std::variant<std::vector<InboundReply>, WebhookError>;
    using StatusResult = std::variant<std::vector<StatusReport>, WebhookError>;
    // Verifies the provider's signature (403 on failure) and reads the replies.
    virtual InboundResult parse_inbound(const WebhookRequest& request, long long now) = 0;
    virtual StatusResult parse_status(const WebhookRequest& request, long long now) = 0;
    virtual WebhookReply webhook_reply() const { return {}; }
};

// Everything an adapter may need besides its own channel settings.
struct ChannelContext {
    asio::io_context& io;
    HttpClient* http = nullptr;  // null for the sandbox
    std::shared_ptr<const config::Config> config;
    std::string link_secret;  // signs unsubscribe links (kept in the database's settings)
};

std::unique_ptr<Channel> make_channel(const config::ChannelConfig& channel,
                                      const ChannelContext& context);

}  // namespace cxgate::channels
