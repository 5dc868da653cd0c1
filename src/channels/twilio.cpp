// Twilio Programmable Messaging.
// Send: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic (AccountSid:
// AuthToken), form-encoded; To, From (or MessagingServiceSid), Body, StatusCallback.
// Success 201 JSON {sid, status, num_segments}; errors JSON {code, message, more_info,
// status}: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
// Webhooks carry X-Twilio-Signature over the public URL and the sorted form fields:
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::channels {

namespace {

class TwilioChannel final : public Channel {
  public:
    TwilioChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {
        base_url_ = channel.setting("base_url").empty() ? "https://api.twilio.com"
                                                        : channel.setting("base_url");
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        const auto& sid = channel_.setting("account_sid");
        HttpRequest request;
        request.url = base_url_ + "/2010-04-01/Accounts/" + url::encode(sid) + "/Messages.json";
        request.basic_auth = sid + ":" + channel_.setting("auth_token");
        request.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                           "Accept: application/json"};
        std::string body =
            "To=" + url::encode(message.address) + "&Body=" + url::encode(message.body);
        if (!channel_.setting("messaging_service_sid").empty())
            body +=
                "&MessagingServiceSid=" + url::encode(channel_.setting("messaging_service_sid"));
        else
            body += "&From=" + url::encode(channel_.from);
        if (channel_.setting("status_callback") != "false")
            body += "&StatusCallback=" +
                    url::encode(webhook_url(*context_.config, channel_.name, "status"));
        request.body = std::move(body);
        auto response = co_await context_.http->request(std::move(request));

        nlohmann::json json = json_input::parse_or_discarded(response.body);
        if (response.status == 201 && json.is_object() && json.contains("sid")) {
            SendResult ok;
            ok.provider_id = json["sid"].get<std::string>();
            co_return ok;
        }
        std::string text, code;
        if (json.is_object()) {
            if (json.contains("message") && json["message"].is_string()) text = json["message"];
            if (json.contains("code") && json["code"].is_number_integer())
                code = std::to_string(json["code"].get<long>());
        }
        auto result = classify_http(response, text, code);
        // 21610: the recipient replied STOP to this sender; never retry, opt them out.
        if (code == "21610") result.opt_out = true;
        co_return result;
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        auto params = form_params(request.body);
        if (!verified(request, params))
            return WebhookError{403, "X-Twilio-Signature missing or wrong"};
        auto id = field(params, "MessageSid");
        if (id.empty()) id = field(params, "SmsSid");
        if (id.empty() || field(params, "From").empty())
            return WebhookError{400, "MessageSid and From: required"};
        return std::vector<InboundReply>{{id, field(params, "From"), field(params, "Body")}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        auto params = form_params(request.body);
        if (!verified(request, params))
            return WebhookError{403, "X-Twilio-Signature missing or wrong"};
        auto id = field(params, "MessageSid");
        auto status = field(params, "MessageStatus");
        if (id.empty() || status.empty())
            return WebhookError{400, "MessageSid and MessageStatus: required"};
        // queued/accepted/sending produce no change; sent, delivered, undelivered, failed do.
        if (status == "queued" || status == "accepted" || status == "sending" ||
            status == "scheduled")
            return std::vector<StatusReport>{};
        if (status == "read") status = "delivered";
        return std::vector<StatusReport>{
            {id, status, field(params, "ErrorMessage"), field(params, "ErrorCode")}};
    }

    // Twilio sends any text in the answer back to the customer as an SMS: empty TwiML.
    WebhookReply webhook_reply() const override {
        return {"text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"};
    }

  private:
    bool verified(const WebhookRequest& request, const signatures::Params& params) const {
        const auto& signature = header(request, "x-twilio-signature");
        if (signature.empty()) return false;
        // The URL Twilio signed is the public one configured there, not what we see
        // behind a proxy: rebuild it from server.public_url.
        std::string url = context_.config->server.public_url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        url += request.path;
        if (!request.query.empty()) url += "?" + request.query;
        return signatures::twilio_verify(channel_.setting("auth_token"), url, params, signature);
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
    std::string base_url_;
};

}  // namespace

std::unique_ptr<Channel> make_twilio_channel(const config::ChannelConfig& channel,
                                             const ChannelContext& context) {
    return std::make_unique<TwilioChannel>(channel, context);
}

}  // namespace cxgate::channels
