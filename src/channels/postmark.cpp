// Postmark Email API.
// Send: POST {base_url}/email with X-Postmark-Server-Token, Accept and Content-Type
// application/json; JSON {From ("Name <addr>"), To, Subject, TextBody, HtmlBody, ReplyTo,
// Headers: [{Name, Value}], MessageStream ("outbound" unless configured), Metadata}.
// Success 200 {"To", "SubmittedAt", "MessageID", "ErrorCode": 0, "Message": "OK"}; a
// refusal is 422 {"ErrorCode", "Message"}, where ErrorCode 406 means the recipient is
// inactive (hard bounce, spam complaint or unsubscribe): never retried, and an opt-out;
// 401 bad token, 429 rate limit, 500 Postmark error:
// https://postmarkapp.com/developer/user-guide/send-email-with-api and
// https://postmarkapp.com/developer/api/overview#error-codes
// Inbound: the inbound webhook posts JSON {From, FromName, FromFull: {Email, Name},
// Subject, MessageID, TextBody, HtmlBody, StrippedTextReply, Headers, ...}:
// https://postmarkapp.com/developer/webhooks/inbound-webhook
// Status: delivery, bounce and spam complaint webhooks post JSON with RecordType
// "Delivery" | "Bounce" | "SpamComplaint" (and Open, Click, SubscriptionChange, which
// change nothing here), MessageID, and for bounces Type ("HardBounce", "SoftBounce",
// "Transient", ...), Description, Details, Inactive:
// https://postmarkapp.com/developer/webhooks/bounce-webhook
// Postmark does not sign webhooks, so both URLs must carry ?secret=<the channel's secret>
// (Postmark's basic-auth-in-URL option is not used).
// A bounce counts when the address is dead for good (HardBounce, BadEmailAddress,
// ManuallyDeactivated, or any bounce after which Postmark marked it Inactive); a
// SpamComplaint bounce type is a complaint; soft and transient bounces, auto-replies and
// the rest are retried or meaningless to Postmark and change nothing here.
#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/email_reply.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/json_input.hpp"

namespace cxgate::channels {

namespace {

using json = nlohmann::json;

using json_input::dump;

std::string text_of(const json& object, const char* key) {
    if (!object.is_object()) return "";
    auto it = object.find(key);
    if (it == object.end() || it->is_null() || it->is_structured()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

class PostmarkChannel final : public Channel {
  public:
    PostmarkChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {
        base_url_ = channel.setting("base_url").empty() ? "https://api.postmarkapp.com"
                                                        : channel.setting("base_url");
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto email = format_email(*context_.config, channel_, context_.link_secret, message);
        json headers = json::array();
        for (const auto& h : email.headers) {
            const auto colon = h.find(':');
            if (colon == std::string::npos) continue;
            const auto name = h.substr(0, colon);
            // Postmark sets its own Message-ID; Reply-To has its own field.
            if (name == "Message-ID" || name == "Reply-To") continue;
            auto value = h.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.erase(0, 1);
            headers.push_back({{"Name", name}, {"Value", value}});
        }
        const auto& stream = channel_.setting("message_stream");
        json body = {{"From", format_mailbox(channel_.from_name, channel_.from)},
                     {"To", message.address},
                     {"Subject", message.subject},
                     {"TextBody", email.text},
                     {"HtmlBody", email.html},
                     {"MessageStream", stream.empty() ? "outbound" : stream},
                     {"Metadata", {{"cx_message_id", std::to_string(message.id)}}}};
        if (!channel_.reply_to.empty()) body["ReplyTo"] = channel_.reply_to;
        if (!headers.empty()) body["Headers"] = headers;

        HttpRequest request;
        request.url = base_url_ + "/email";
        request.headers = {"X-Postmark-Server-Token: " + channel_.setting("server_token"),
                           "Accept: application/json", "Content-Type: application/json"};
        request.body = dump(body);
        auto response = co_await context_.http->request(std::move(request));

        json answer = json_input::parse_or_discarded(response.body);
        const auto code = text_of(answer, "ErrorCode");
        if (response.curl_code == 0 && response.status == 200 && (code.empty() || code == "0") &&
            !text_of(answer, "MessageID").empty()) {
            SendResult ok;
            ok.provider_id = text_of(answer, "MessageID");
            co_return ok;
        }
        auto result = classify_http(response, text_of(answer, "Message"), code);
        // 406: inactive recipient. Postmark will not send to it until reactivated.
        if (code == "406") result.opt_out = true;
        co_return result;
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        if (!query_secret_matches(request, channel_.setting("secret")))
            return WebhookError{403, "secret missing or wrong in the inbound webhook URL"};
        auto body = read(request);
        if (auto* error = std::get_if<WebhookError>(&body)) return *error;
        const auto& mail = std::get<json>(body);
        std::string from;
        if (auto it = mail.find("FromFull"); it != mail.end() && it->is_object())
            from = text_of(*it, "Email");
        if (from.empty()) from = extract_address(text_of(mail, "From"));
        if (from.empty()) return WebhookError{400, "FromFull.Email or From: required"};
        const auto id = text_of(mail, "MessageID");
        if (id.empty()) return WebhookError{400, "MessageID: required"};
        std::string text = text_of(mail, "StrippedTextReply");
        if (text.empty()) text = text_of(mail, "TextBody");
        if (text.empty()) text = html_to_text(text_of(mail, "HtmlBody"));
        // StrippedTextReply is Postmark's own cut; ours also knows the fi/sv phrases.
        return std::vector<InboundReply>{{id, from, strip_quoted_reply(text)}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        if (!query_secret_matches(request, channel_.setting("secret")))
            return WebhookError{403, "secret missing or wrong in the status webhook URL"};
        auto body = read(request);
        if (auto* error = std::get_if<WebhookError>(&body)) return *error;
        const auto& record = std::get<json>(body);
        const auto record_type = text_of(record, "RecordType");
        if (record_type.empty()) return WebhookError{400, "RecordType: required"};
        std::string status;
        if (record_type == "Delivery") {
            status = "delivered";
        } else if (record_type == "SpamComplaint") {
            status = "complained";
        } else if (record_type == "Bounce") {
            const auto type = text_of(record, "Type");
            const bool inactive = record.contains("Inactive") && record["Inactive"].is_boolean() &&
                                  record["Inactive"].get<bool>();
            if (type == "SpamComplaint")
                status = "complained";
            else if (type == "HardBounce" || type == "BadEmailAddress" ||
                     type == "ManuallyDeactivated" || inactive)
                status = "bounced";
            else
                return std::vector<StatusReport>{};  // SoftBounce, Transient, AutoResponder...
        } else {
            return std::vector<StatusReport>{};  // Open, Click, SubscriptionChange
        }
        const auto id = text_of(record, "MessageID");
        if (id.empty()) return WebhookError{400, "MessageID: required"};
        StatusReport report{id, status, "", ""};
        if (record_type == "Bounce") {
            report.error = text_of(record, "Description");
            if (const auto details = text_of(record, "Details"); !details.empty())
                report.error += report.error.empty() ? details : " (" + details + ")";
            report.error_code = text_of(record, "Type");
        }
        return std::vector<StatusReport>{std::move(report)};
    }

  private:
    static std::variant<json, WebhookError> read(const WebhookRequest& request) {
        auto parsed = json_input::parse(request.body);
        if (!parsed.value) return WebhookError{400, parsed.message()};
        json body = std::move(*parsed.value);
        if (!body.is_object()) return WebhookError{400, "body: must be a JSON object"};
        return body;
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
    std::string base_url_;
};

}  // namespace

std::unique_ptr<Channel> make_postmark_channel(const config::ChannelConfig& channel,
                                               const ChannelContext& context) {
    return std::make_unique<PostmarkChannel>(channel, context);
}

}  // namespace cxgate::channels
