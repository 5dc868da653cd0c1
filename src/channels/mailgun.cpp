// Mailgun Messages API.
// Send: POST {base_url}/v3/{domain}/messages (https://api.eu.mailgun.net for EU domains),
// HTTP Basic "api:<API key>", form-encoded from, to, subject, text, html, h:<Header> for
// extra headers (Reply-To, List-Unsubscribe, List-Unsubscribe-Post), v:<name> for custom
// variables (v:cx_message_id, echoed in events as user-variables). Mailgun sets the
// Message-Id itself and answers 200 {"id": "<...@domain>", "message": "Queued. Thank
// you."}; errors are 400 {"message"}, 401 (bad key, plain text), 404 (unknown domain),
// 429, 5xx: https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages
// Its webhooks give the same id without angle brackets (event-data.message.headers.
// message-id), so the provider id is stored without them.
// Inbound: a route's forward() action posts the parsed mail as a form (multipart/form-data
// when there are attachments): recipient, sender, from, subject, body-plain,
// stripped-text, stripped-signature, body-html, message-headers, Message-Id, timestamp,
// token, signature:
// https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/receive-http
// Status: event webhooks post JSON {"signature": {timestamp, token, signature},
// "event-data": {event, severity, reason, message: {headers: {message-id}},
// delivery-status: {code, message, description}, ...}}:
// https://documentation.mailgun.com/docs/mailgun/user-manual/events/webhooks
// Both are verified with the Webhook Signing Key (HMAC-SHA256 of timestamp + token, the
// timestamp within 5 minutes of now) and a token may be used only once (process-wide
// memory of recently seen tokens): a replay is refused with 403.
#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/email_reply.hpp"
#include "cxgate/channels/multipart.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::channels {

namespace {

using json = nlohmann::json;

// Shared by every Mailgun channel object, so that a configuration reload (which builds
// new channel objects) does not forget the tokens already seen.
signatures::ReplayCache& replay_cache() {
    static signatures::ReplayCache cache;
    return cache;
}

std::string text_of(const json* value) {
    if (!value || value->is_null() || value->is_structured()) return "";
    return value->is_string() ? value->get<std::string>() : value->dump();
}

const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

class MailgunChannel final : public Channel {
  public:
    MailgunChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context), replays_(replay_cache()) {
        base_url_ = channel.setting("base_url").empty() ? "https://api.mailgun.net"
                                                        : channel.setting("base_url");
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto email = format_email(*context_.config, channel_, context_.link_secret, message);
        std::string body =
            "from=" + url::encode(format_mailbox(channel_.from_name, channel_.from)) +
            "&to=" + url::encode(message.address) + "&subject=" + url::encode(message.subject) +
            "&text=" + url::encode(email.text) + "&html=" + url::encode(email.html) +
            "&v:cx_message_id=" + std::to_string(message.id);
        for (const auto& h : email.headers) {
            const auto colon = h.find(':');
            if (colon == std::string::npos) continue;
            const auto name = h.substr(0, colon);
            if (name == "Message-ID") continue;  // Mailgun's own id is the one its events report
            auto value = h.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.erase(0, 1);
            body += "&" + url::encode("h:" + name) + "=" + url::encode(value);
        }
        HttpRequest request;
        request.url = base_url_ + "/v3/" + url::encode(channel_.setting("domain")) + "/messages";
        request.basic_auth = "api:" + channel_.setting("api_key");
        request.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                           "Accept: application/json"};
        request.body = std::move(body);
        auto response = co_await context_.http->request(std::move(request));

        json answer = json_input::parse_or_discarded(response.body);
        if (response.curl_code == 0 && response.status == 200) {
            const auto id = strip_angle_brackets(text_of(member(answer, "id")));
            if (!id.empty()) {
                SendResult ok;
                ok.provider_id = id;
                co_return ok;
            }
        }
        co_return classify_http(response, text_of(member(answer, "message")), "");
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long now) override {
        signatures::Params fields;
        if (auto boundary = multipart_boundary(header(request, "content-type"))) {
            auto parsed = parse_multipart(request.body, *boundary);
            if (auto* error = std::get_if<std::string>(&parsed))
                return WebhookError{400, "body: " + *error};
            fields = multipart_fields(std::get<std::vector<MultipartPart>>(parsed));
        } else if (is_form(request)) {
            fields = form_params(request.body);
        } else {
            return WebhookError{400, "body: a form or multipart/form-data expected"};
        }
        if (auto error = verify(field(fields, "timestamp"), field(fields, "token"),
                                field(fields, "signature"), now))
            return *error;
        std::string from = extract_address(field(fields, "sender"));
        if (from.empty()) from = extract_address(field(fields, "from"));
        if (from.empty()) return WebhookError{400, "sender: required"};
        // stripped-text is Mailgun's own cut of quotes and signature; ours runs over it too
        // for the Finnish and Swedish client phrases Mailgun does not know.
        std::string text = field(fields, "stripped-text");
        if (text.empty()) text = field(fields, "body-plain");
        if (text.empty()) text = html_to_text(field(fields, "body-html"));
        text = strip_quoted_reply(text);
        std::string id = strip_angle_brackets(field(fields, "Message-Id"));
        if (id.empty()) id = message_id_from_headers(field(fields, "message-headers"));
        if (id.empty()) id = "token:" + field(fields, "token");
        return std::vector<InboundReply>{{id, from, text}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long now) override {
        auto parsed = json_input::parse(request.body);
        if (!parsed.value) return WebhookError{400, parsed.message()};
        json body = std::move(*parsed.value);
        if (!body.is_object()) return WebhookError{400, "body: must be a JSON object"};
        const json* signature = member(body, "signature");
        if (!signature || !signature->is_object()) return WebhookError{403, "signature: missing"};
        if (auto error = verify(text_of(member(*signature, "timestamp")),
                                text_of(member(*signature, "token")),
                                text_of(member(*signature, "signature")), now))
            return *error;
        const json* data = member(body, "event-data");
        if (!data || !data->is_object()) return WebhookError{400, "event-data: required"};
        const auto event = text_of(member(*data, "event"));
        if (event.empty()) return WebhookError{400, "event-data.event: required"};
        std::string status;
        if (event == "delivered") {
            status = "delivered";
        } else if (event == "failed") {
            // A temporary failure is retried by Mailgun; only its final verdict counts.
            if (text_of(member(*data, "severity")) != "permanent")
                return std::vector<StatusReport>{};
            status = "bounced";
        } else if (event == "complained") {
            status = "complained";
        } else if (event == "rejected") {
            status = "failed";  // Mailgun refused to send it at all
        } else {
            return std::vector<StatusReport>{};  // accepted, opened, clicked, unsubscribed, stored
        }
        const json* message = member(*data, "message");
        const json* headers = message ? member(*message, "headers") : nullptr;
        const auto id =
            strip_angle_brackets(text_of(headers ? member(*headers, "message-id") : nullptr));
        if (id.empty()) return WebhookError{400, "event-data.message.headers.message-id: required"};
        StatusReport report{id, status, "", ""};
        if (status != "delivered") {
            const json* delivery = member(*data, "delivery-status");
            if (delivery) {
                report.error = text_of(member(*delivery, "description"));
                if (report.error.empty()) report.error = text_of(member(*delivery, "message"));
                const auto code = text_of(member(*delivery, "code"));
                if (!code.empty() && code != "0") report.error_code = "SMTP " + code;
            }
            if (report.error.empty()) report.error = text_of(member(*data, "reason"));
            if (report.error_code.empty()) report.error_code = text_of(member(*data, "reason"));
        }
        return std::vector<StatusReport>{std::move(report)};
    }

  private:
    std::optional<WebhookError> verify(const std::string& timestamp, const std::string& token,
                                       const std::string& signature, long long now) {
        const auto& key = channel_.setting("webhook_signing_key");
        if (key.empty()) return WebhookError{403, "webhook_signing_key is not configured"};
        if (timestamp.empty() || token.empty() || signature.empty())
            return WebhookError{403, "timestamp, token and signature: missing"};
        if (!signatures::mailgun_verify(key, timestamp, token, signature, now))
            return WebhookError{403, "signature: wrong signature or stale timestamp"};
        // Only after the signature holds, so that forgeries cannot use up real tokens.
        if (!replays_.first_use(token, now))
            return WebhookError{403, "token: already used (replay)"};
        return std::nullopt;
    }

    // message-headers is a JSON list of [name, value] pairs.
    static std::string message_id_from_headers(const std::string& text) {
        json headers = json_input::parse_or_discarded(text);
        if (!headers.is_array()) return "";
        for (const auto& pair : headers) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                !pair[1].is_string())
                continue;
            std::string name = pair[0].get<std::string>();
            for (char& c : name)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (name == "message-id") return strip_angle_brackets(pair[1].get<std::string>());
        }
        return "";
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
    signatures::ReplayCache& replays_;
    std::string base_url_;
};

}  // namespace

std::unique_ptr<Channel> make_mailgun_channel(const config::ChannelConfig& channel,
                                              const ChannelContext& context) {
    return std::make_unique<MailgunChannel>(channel, context);
}

}  // namespace cxgate::channels
