// Kannel (1.4.5) as an SMS gateway. Send: the smsbox sendsms CGI (GET with username,
// password, to, from, text; coding=2&charset=UTF-8 for anything that is not GSM-7, or
// Kannel replaces it with '?'); success "0: Accepted for delivery" (HTTP 202) or "3:
// Queued for later delivery". Delivery reports come to the dlr-url we pass, for the
// dlr-mask events; MO messages come from an sms-service pointing at our inbound webhook,
// either a get-url (everything in the URL: from=%p&text=%b&id=%I) or a post-url: then the
// SMS text is the request body (Content-Type text/plain with the charset Kannel chose;
// application/octet-stream for 8-bit data), the sender is X-Kannel-From (with
// send-sender = true) or %p in the URL, and the rest are X-Kannel-* headers. Kannel signs
// nothing, so both webhook URLs carry a shared secret.
// Reference: Kannel 1.4 User's Guide, "Sending SMS messages", "Delivery reports" and
// "SMS service configurations" (get-url, post-url, X-Kannel headers).
#include <cctype>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/sms_encoding.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/foundation/utf8.hpp"

namespace cxgate::channels {

namespace {

// The charset parameter of a Content-Type, lower-case, without quotes ("" when absent).
std::string charset_of(const std::string& content_type) {
    std::string lower;
    for (char c : content_type)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto at = lower.find("charset=");
    if (at == std::string::npos) return "";
    std::string value = lower.substr(at + 8);
    value = value.substr(0, value.find(';'));
    std::string out;
    for (char c : value)
        if (c != '"' && c != '\'' && c != ' ') out += c;
    return out;
}

// A post-url body as UTF-8. With mo-recode Kannel sends UTF-8; without it a UCS-2 SMS
// arrives as UTF-16BE and a 7-bit one may be ISO-8859-1. Unpaired surrogates and an odd
// trailing byte become U+FFFD rather than failing the reply.
std::string body_text(const std::string& body, const std::string& charset) {
    if (charset == "utf-16be" || charset == "ucs-2" || charset == "ucs2" || charset == "utf-16") {
        std::string out;
        for (size_t i = 0; i < body.size(); i += 2) {
            if (i + 1 >= body.size()) {
                utf8::append(out, 0xFFFD);
                break;
            }
            char32_t unit = (static_cast<unsigned char>(body[i]) << 8) |
                            static_cast<unsigned char>(body[i + 1]);
            if (unit >= 0xD800 && unit < 0xDC00 && i + 3 < body.size()) {
                char32_t low = (static_cast<unsigned char>(body[i + 2]) << 8) |
                               static_cast<unsigned char>(body[i + 3]);
                if (low >= 0xDC00 && low < 0xE000) {
                    utf8::append(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                    i += 2;
                    continue;
                }
            }
            utf8::append(out, unit >= 0xD800 && unit < 0xE000 ? 0xFFFD : unit);
        }
        return out;
    }
    if (charset == "iso-8859-1" || charset == "latin1") {
        std::string out;
        for (char c : body) utf8::append(out, static_cast<unsigned char>(c));
        return out;
    }
    return body;
}

class KannelChannel final : public Channel {
  public:
    KannelChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {}

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        // Kannel accepts an empty text and sends an empty SMS: refuse it here.
        if (message.body.empty())
            co_return SendResult{
                SendResult::Status::permanent_failure, "", "empty text", "empty", {}, false, {}};
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
        const bool post_url = request.method == "POST" && !is_form(request);
        if (request.method == "POST" && is_form(request))
            for (auto& p : form_params(request.body)) params.push_back(p);
        auto from = field(params, "from");
        auto id = field(params, "id");
        if (!post_url) {
            if (from.empty() || id.empty())
                return WebhookError{400,
                                    "from and id: required (get-url ...&from=%p&text=%b&id=%I)"};
            return std::vector<InboundReply>{{id, from, field(params, "text")}};
        }
        // post-url: the body is the SMS. Without %I in the URL the reply has no id (the
        // router gives it one), so a repeated fetch could not be recognised.
        if (from.empty()) from = header(request, "x-kannel-from");
        if (from.empty())
            return WebhookError{400,
                                "from: required (post-url with send-sender = true for "
                                "X-Kannel-From, or ...&from=%p in the URL)"};
        const std::string& content_type = header(request, "content-type");
        if (content_type.find("application/octet-stream") != std::string::npos)
            return std::vector<InboundReply>{};  // 8-bit data (a binary SMS): no reply text
        return std::vector<InboundReply>{
            {id, from, body_text(request.body, charset_of(content_type))}};
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
