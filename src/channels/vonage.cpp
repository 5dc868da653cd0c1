// Vonage (Nexmo) SMS API.
// Send: POST {base_url}/sms/json, form-encoded api_key, api_secret, from, to (E.164
// digits without '+'), text, type=unicode for anything that is not GSM-7 (else Vonage
// replaces it), callback (our status webhook), client-ref. The answer is HTTP 200 even
// for a refused message: JSON {"message-count", "messages": [{"status", "message-id",
// "error-text", ...}]}, one entry per SMS part; status "0" is success, "1" throttled
// (retry later), "5" an internal error at Vonage (retry later), anything else final
// ("2" missing parameter, "4" bad credentials, "9" out of credit, "15" sender not
// allowed, "29" destination not whitelisted on a trial account...):
// https://developer.vonage.com/en/api/sms#send-an-sms and
// https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms
// Webhooks: inbound SMS (msisdn, to, messageId, text, type, keyword, message-timestamp,
// timestamp, nonce, sig) and delivery receipts (messageId, msisdn, to, status, err-code,
// scts, client-ref, ...) arrive as GET query, POST form or POST JSON as set in the
// dashboard: https://developer.vonage.com/en/messaging/sms/guides/inbound-sms and
// .../delivery-receipts. They are authenticated only by Vonage's signed webhooks ("sig"
// over every parameter with the account's signature secret, method md5hash by default):
// https://developer.vonage.com/en/getting-started/concepts/signing-messages.
// signature_secret is optional for sending, but without it every webhook is refused
// with 403: enable signed webhooks for the account and configure the secret and the
// signature_method. A multipart inbound SMS arrives as one webhook per part (concat,
// concat-ref, concat-part); each part is passed on as its own reply.
#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/sms_encoding.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::channels {

namespace {

// "+358401234567" -> "358401234567": Vonage takes international numbers as digits only.
std::string digits_only(const std::string& number) {
    std::string out;
    for (char c : number)
        if (c >= '0' && c <= '9') out += c;
    return out;
}

// A sender that is a phone number goes as digits too; an alphanumeric sender ID as is.
std::string vonage_from(const std::string& from) {
    if (from.size() > 1 && from[0] == '+' && digits_only(from).size() == from.size() - 1)
        return from.substr(1);
    return from;
}

// Delivery receipt err-code values (the "DLR error codes" table of the SMS API).
std::string dlr_error_text(const std::string& code) {
    static const std::map<std::string, std::string> texts = {
        {"1", "unknown"},
        {"2", "absent subscriber (temporary)"},
        {"3", "absent subscriber (permanent)"},
        {"4", "call barred by user"},
        {"5", "portability error"},
        {"6", "anti-spam rejection"},
        {"7", "handset busy"},
        {"8", "network error"},
        {"9", "illegal number"},
        {"10", "illegal message"},
        {"11", "unroutable"},
        {"12", "destination unreachable"},
        {"13", "subscriber age restriction"},
        {"14", "number blocked by carrier"},
        {"15", "prepaid insufficient funds"},
        {"99", "general error"},
    };
    auto it = texts.find(code);
    return it == texts.end() ? std::string() : it->second;
}

class VonageChannel final : public Channel {
  public:
    VonageChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {
        base_url_ = channel.setting("base_url").empty() ? "https://rest.nexmo.com"
                                                        : channel.setting("base_url");
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
        method_ = channel.setting("signature_method").empty() ? "md5hash"
                                                              : channel.setting("signature_method");
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        if (message.body.empty())
            co_return SendResult{
                SendResult::Status::permanent_failure, "", "empty text", "empty", {}, false, {}};
        HttpRequest request;
        request.url = base_url_ + "/sms/json";
        request.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                           "Accept: application/json"};
        std::string body = "api_key=" + url::encode(channel_.setting("api_key")) +
                           "&api_secret=" + url::encode(channel_.setting("api_secret")) +
                           "&from=" + url::encode(vonage_from(channel_.from)) +
                           "&to=" + url::encode(digits_only(message.address)) +
                           "&text=" + url::encode(message.body) + "&callback=" +
                           url::encode(webhook_url(*context_.config, channel_.name, "status")) +
                           "&client-ref=" + url::encode("cx-" + std::to_string(message.id));
        if (!sms::is_gsm7(message.body)) body += "&type=unicode";
        request.body = std::move(body);
        auto response = co_await context_.http->request(std::move(request));

        nlohmann::json json = json_input::parse_or_discarded(response.body);
        const nlohmann::json* first = nullptr;
        if (response.status == 200 && json.is_object() && json.contains("messages") &&
            json["messages"].is_array() && !json["messages"].empty() &&
            json["messages"][0].is_object())
            first = &json["messages"][0];
        if (!first) co_return classify_http(response, "", "");

        auto text = [&](const char* key) {
            auto it = first->find(key);
            if (it == first->end()) return std::string();
            return it->is_string() ? it->get<std::string>() : it->dump();
        };
        const std::string status = text("status");
        if (status == "0" && !text("message-id").empty()) {
            SendResult ok;
            ok.provider_id = text("message-id");
            co_return ok;
        }
        SendResult r;
        r.error = text("error-text");
        if (r.error.empty()) r.error = "Vonage status " + status;
        r.error_code = status;
        // 1: throttled; 5: internal error at Vonage. Both say: try again later.
        r.status = (status == "1" || status == "5") ? SendResult::Status::temporary_failure
                                                    : SendResult::Status::permanent_failure;
        if (r.status == SendResult::Status::temporary_failure)
            r.retry_after = retry_after_seconds(response);
        co_return r;
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long now) override {
        auto read = read_params(request);
        if (auto* error = std::get_if<WebhookError>(&read)) return *error;
        const auto& params = std::get<signatures::Params>(read);
        if (auto error = verify(params, now)) return *error;
        const auto id = field(params, "messageId");
        const auto msisdn = field(params, "msisdn");
        if (id.empty() || msisdn.empty())
            return WebhookError{400, "messageId and msisdn: required"};
        // A binary SMS (type=binary: data and udh, no text) carries nothing to read.
        if (field(params, "type") == "binary") return std::vector<InboundReply>{};
        return std::vector<InboundReply>{{id, "+" + digits_only(msisdn), field(params, "text")}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long now) override {
        auto read = read_params(request);
        if (auto* error = std::get_if<WebhookError>(&read)) return *error;
        const auto& params = std::get<signatures::Params>(read);
        if (auto error = verify(params, now)) return *error;
        const auto id = field(params, "messageId");
        const auto status = field(params, "status");
        if (id.empty() || status.empty())
            return WebhookError{400, "messageId and status: required"};
        std::string mapped;
        if (status == "delivered")
            mapped = "delivered";
        else if (status == "expired")
            mapped = "undelivered";
        else if (status == "failed" || status == "rejected")
            mapped = "failed";
        else
            return std::vector<StatusReport>{};  // accepted, buffered, unknown: no change
        const auto code = field(params, "err-code");
        std::string error;
        if (mapped != "delivered") {
            error = status;
            if (auto text = dlr_error_text(code); !text.empty()) error += ": " + text;
        }
        return std::vector<StatusReport>{{id, mapped, error, code.empty() ? "" : "DLR " + code}};
    }

  private:
    // Every parameter Vonage sent, which is also what it signed.
    static std::variant<signatures::Params, WebhookError> read_params(
        const WebhookRequest& request) {
        if (request.method == "GET" || (request.body.empty() && !request.query.empty()))
            return form_params(request.query);
        if (is_form(request)) return form_params(request.body);
        auto parsed = json_input::parse(request.body);
        if (!parsed.value)
            return WebhookError{400, parsed.field == "body"
                                         ? "body: neither a form nor JSON (" + parsed.error + ")"
                                         : parsed.message()};
        nlohmann::json body = std::move(*parsed.value);
        if (!body.is_object()) return WebhookError{400, "body: must be a JSON object"};
        signatures::Params params;
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it->is_null()) continue;
            if (it->is_string())
                params.emplace_back(it.key(), it->get<std::string>());
            else if (it->is_primitive())
                params.emplace_back(it.key(), it->dump());
            else
                return WebhookError{400, it.key() + ": must be a string"};
        }
        return params;
    }

    std::optional<WebhookError> verify(const signatures::Params& params, long long now) const {
        const auto& secret = channel_.setting("signature_secret");
        if (secret.empty())
            return WebhookError{
                403, "signature_secret is not configured: Vonage webhooks must be signed"};
        if (field(params, "sig").empty()) return WebhookError{403, "sig: missing"};
        if (!signatures::vonage_verify(secret, method_, params, now))
            return WebhookError{403, "sig: wrong signature or stale timestamp"};
        return std::nullopt;
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
    std::string base_url_;
    std::string method_;
};

}  // namespace

std::unique_ptr<Channel> make_vonage_channel(const config::ChannelConfig& channel,
                                             const ChannelContext& context) {
    return std::make_unique<VonageChannel>(channel, context);
}

}  // namespace cxgate::channels
