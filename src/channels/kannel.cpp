// Kannel (1.4.5) as an SMS gateway. Send: the smsbox sendsms CGI (GET with username,
// password, to, from, text; coding=2&charset=UTF-8 for anything that is not GSM-7, or
// Kannel replaces it with '?'); success "0: Accepted for delivery" (HTTP 202) or "3:
// Queued for later delivery". Delivery reports come to the dlr-url we pass, for the
// dlr-mask events; MO messages come from an sms-service get-url pointing at our
// inbound webhook. Kannel signs nothing, so both webhook URLs carry a shared secret.
// Reference: Kannel 1.4 User's Guide, "Sending SMS messages" and "Delivery reports".
#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/sms_encoding.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/util/url.hpp"

namespace cxgate::channels {

namespace {

class KannelChannel final : public Channel {
  public:
    KannelChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {}

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        // Kannel accepts an empty text and sends an empty SMS: refuse it here.
        if (message.body.empty())
            co_return SendResult{
                SendResult::Status::permanent_failure, "", "empty text", "empty", {}, false};
        // Kannel gives no message id back, so ours goes into the DLR URL and is the id.
        const std::string provider_id = "cx-" + std::to_string(message.id);
        // Delivered (1), failed (2), submitted to SMSC (8), rejected by SMSC (16).
        const std::string mask =
            channel_.setting("dlr_mask").empty() ? "27" : channel_.setting("dlr_mask");
        std::string dlr_url = webhook_url(*context_.config, channel_.name, "status") +
                              "?secret=" + url::encode(channel_.setting("secret")) +
                              "&id=" + provider_id + "&status=%d&smsc=%i&answer=%A";
        std::string url = channel_.setting("sendsms_url") +
                          "?username=" + url::encode(channel_.setting("username")) +
                          "&password=" + url::encode(channel_.setting("password")) +
                          "&to=" + url::encode(message.address) +
                          "&from=" + url::encode(channel_.from) +
                          "&text=" + url::encode(message.body) + "&dlr-mask=" + mask +
                          "&dlr-url=" + url::encode(dlr_url);
        if (!sms::is_gsm7(message.body)) url += "&coding=2&charset=UTF-8";
        if (!channel_.setting("smsc").empty())
            url += "&smsc=" + url::encode(channel_.setting("smsc"));
        HttpRequest request;
        request.method = "GET";
        request.url = std::move(url);
        auto response = co_await context_.http->request(std::move(request));
        if ((response.status == 200 || response.status == 202) &&
            (response.body.rfind("0:", 0) == 0 || response.body.rfind("3:", 0) == 0)) {
            SendResult ok;
            ok.provider_id = provider_id;
            co_return ok;
        }
        co_return classify_http(response, response.body.substr(0, 200), "");
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        if (!query_secret_matches(request, channel_.setting("secret")))
            return WebhookError{403, "secret missing or wrong"};
        auto params = form_params(request.query);
        if (request.method == "POST" && is_form(request))
            for (auto& p : form_params(request.body)) params.push_back(p);
        auto from = field(params, "from");
        auto id = field(params, "id");
        if (from.empty() || id.empty())
            return WebhookError{400, "from and id: required (get-url ...&from=%p&text=%b&id=%I)"};
        return std::vector<InboundReply>{{id, from, field(params, "text")}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        if (!query_secret_matches(request, channel_.setting("secret")))
            return WebhookError{403, "secret missing or wrong"};
        auto params = form_params(request.query);
        auto id = field(params, "id");
        auto status = field(params, "status");
        if (id.empty() || status.empty()) return WebhookError{400, "id and status: required"};
        std::string mapped;
        if (status == "1")
            mapped = "delivered";
        else if (status == "2")
            mapped = "undelivered";
        else if (status == "16")
            mapped = "failed";
        else if (status == "8")
            mapped = "sent";
        else
            return std::vector<StatusReport>{};  // 4 = buffered: nothing to record
        return std::vector<StatusReport>{{id, mapped, field(params, "answer"), "DLR " + status}};
    }

    WebhookReply webhook_reply() const override { return {"text/plain", ""}; }

  private:
    config::ChannelConfig channel_;
    ChannelContext context_;
};

}  // namespace

std::unique_ptr<Channel> make_kannel_channel(const config::ChannelConfig& channel,
                                             const ChannelContext& context) {
    return std::make_unique<KannelChannel>(channel, context);
}

}  // namespace cxgate::channels
