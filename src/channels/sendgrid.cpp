// SendGrid (Twilio SendGrid) Mail Send v3.
// Send: POST {base_url}/v3/mail/send, Authorization: Bearer <api_key>, JSON
// {personalizations: [{to: [{email}], custom_args}], from: {email, name}, reply_to,
// subject, content: [text/plain first, then text/html], headers}. Success is 202 with an
// empty body and the message's id in the X-Message-Id response header; errors are JSON
// {"errors": [{"message", "field", "help"}]} (400, 401, 403, 413, 429, 5xx):
// https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
// `headers` may not hold the reserved x-sg-id, x-sg-eid, received, dkim-signature,
// Content-Type, Content-Transfer-Encoding, To, From, Subject, Reply-To, CC, BCC (a 400
// otherwise), so Reply-To goes in reply_to; Message-ID and List-Unsubscribe(-Post) are
// allowed. The provider id is X-Message-Id (our Message-ID only if that header is
// missing), because the events below identify the message by it.
// Inbound: Inbound Parse posts multipart/form-data (from, to, subject, text, html,
// headers, envelope, charsets, attachments...) and signs nothing, so the webhook URL
// must carry ?secret=<the channel's secret>. The raw-MIME option ("POST the raw, full
// MIME message", field `email`) is not supported:
// https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook
// Status: the Event Webhook posts a JSON array of events {email, event, sg_message_id
// ("<X-Message-Id>.filter..."), reason, status, type, timestamp, custom_args...}:
// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
// With the Signed Event Webhook enabled and its verification key (base64 DER public key)
// in the setting webhook_public_key, each post must carry a valid ECDSA P-256/SHA-256
// signature (X-Twilio-Email-Event-Webhook-Signature, base64 DER) over the
// X-Twilio-Email-Event-Webhook-Timestamp value followed by the raw body:
// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
// The timestamp is not checked for age (SendGrid retries failed posts for up to 24
// hours), so a captured signed post can be replayed; status updates are idempotent.
// Without webhook_public_key the Event Webhook URL must carry ?secret= like Inbound Parse.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/email_reply.hpp"
#include "cxgate/channels/multipart.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/utf8.hpp"

namespace cxgate::channels {

namespace {

using json = nlohmann::json;

using json_input::dump;

// RFC 4648 base64; whitespace is skipped, padding optional; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    size_t padding = 0;
    for (char c : text) {
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else if (c == '=') {
            ++padding;
            continue;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        else
            return std::nullopt;
        if (padding) return std::nullopt;  // data after '='
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (padding > 2) return std::nullopt;
    return out;
}

// ECDSA signature (DER, base64) by the key (SubjectPublicKeyInfo DER, base64, PEM armour
// allowed) over data, with SHA-256. False for anything malformed.
bool ecdsa_sha256_verify(const std::string& public_key, std::string_view data,
                         std::string_view signature_b64) {
    std::string key_text = public_key;
    for (const char* armour : {"-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"})
        if (auto at = key_text.find(armour); at != std::string::npos)
            key_text.erase(at, std::string_view(armour).size());
    const auto der = base64_decode(key_text);
    const auto signature = base64_decode(signature_b64);
    if (!der || der->empty() || !signature || signature->empty()) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())), &EVP_PKEY_free);
    if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_EC) return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                            signature->size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

// Inbound Parse posts each field in the charset the sender used (named in `charsets`).
// Finnish and Swedish mail still comes as ISO-8859-1/-15 or Windows-1252 from older
// clients; those become UTF-8 here (ISO-8859-1 read as Windows-1252, as browsers do).
// Other charsets are passed on unchanged.
std::string to_utf8(const std::string& data, std::string charset) {
    for (char& c : charset)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool latin1 = charset == "iso-8859-1" || charset == "latin1" ||
                        charset == "windows-1252" || charset == "cp1252" || charset == "us-ascii" ||
                        charset == "ascii";
    const bool latin9 = charset == "iso-8859-15" || charset == "latin9";
    if (!latin1 && !latin9) return data;
    static const uint16_t cp1252[32] = {
        0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021, 0x2C6,  0x2030, 0x160,
        0x2039, 0x152,  0x8D,   0x17D,  0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
    std::string out;
    for (char ch : data) {
        uint32_t b = static_cast<unsigned char>(ch);
        if (b >= 0x80 && b < 0xA0 && !latin9) b = cp1252[b - 0x80];
        if (latin9) {
            switch (b) {
                case 0xA4:
                    b = 0x20AC;
                    break;
                case 0xA6:
                    b = 0x160;
                    break;
                case 0xA8:
                    b = 0x161;
                    break;
                case 0xB4:
                    b = 0x17D;
                    break;
                case 0xB8:
                    b = 0x17E;
                    break;
                case 0xBC:
                    b = 0x152;
                    break;
                case 0xBD:
                    b = 0x153;
                    break;
                case 0xBE:
                    b = 0x178;
                    break;
                default:
                    break;
            }
        }
        utf8::append(out, b);
    }
    return out;
}

// sg_message_id is the X-Message-Id followed by ".filter..." (older form: ".filterNNNN").
std::string message_id_of_event(const std::string& sg_message_id) {
    size_t cut = sg_message_id.find(".filter");
    if (cut == std::string::npos) cut = sg_message_id.find('.');
    return sg_message_id.substr(0, cut);
}

std::string string_field(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : dump(*it);
}

class SendgridChannel final : public Channel {
  public:
    SendgridChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {
        base_url_ = channel.setting("base_url").empty() ? "https://api.sendgrid.com"
                                                        : channel.setting("base_url");
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto email = format_email(*context_.config, channel_, context_.link_secret, message);
        json personalization = {{"to", json::array({{{"email", message.address}}})},
                                {"custom_args", {{"cx_message_id", std::to_string(message.id)}}}};
        json from = {{"email", channel_.from}};
        if (!channel_.from_name.empty()) from["name"] = channel_.from_name;
        json headers = json::object();
        for (const auto& h : email.headers) {
            const auto colon = h.find(':');
            if (colon == std::string::npos) continue;
            const auto name = h.substr(0, colon);
            if (name == "Reply-To") continue;  // reserved in `headers`; sent as reply_to
            headers[name] =
                h.substr(colon + 1 + (h.size() > colon + 1 && h[colon + 1] == ' ' ? 1 : 0));
        }
        json body = {{"personalizations", json::array({personalization})},
                     {"from", from},
                     {"subject", message.subject},
                     {"content", json::array({{{"type", "text/plain"}, {"value", email.text}},
                                              {{"type", "text/html"}, {"value", email.html}}})}};
        if (!channel_.reply_to.empty()) body["reply_to"] = {{"email", channel_.reply_to}};
        if (!headers.empty()) body["headers"] = headers;

        HttpRequest request;
        request.url = base_url_ + "/v3/mail/send";
        request.headers = {"Authorization: Bearer " + channel_.setting("api_key"),
                           "Content-Type: application/json", "Accept: application/json"};
        request.body = dump(body);
        auto response = co_await context_.http->request(std::move(request));

        if (response.curl_code == 0 && response.status >= 200 && response.status < 300) {
            SendResult ok;
            auto it = response.headers.find("x-message-id");
            ok.provider_id = it != response.headers.end() && !it->second.empty()
                                 ? it->second
                                 : strip_angle_brackets(email.message_id);
            co_return ok;
        }
        std::string text;
        json answer = json_input::parse_or_discarded(response.body);
        if (answer.is_object() && answer.contains("errors") && answer["errors"].is_array()) {
            for (const auto& e : answer["errors"]) {
                if (!e.is_object()) continue;
                if (!text.empty()) text += "; ";
                const auto field_name = string_field(e, "field");
                text += field_name.empty() ? string_field(e, "message")
                                           : field_name + ": " + string_field(e, "message");
            }
        }
        co_return classify_http(response, text, "");
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        if (!query_secret_matches(request, channel_.setting("secret")))
            return WebhookError{403, "secret missing or wrong in the Inbound Parse URL"};
        signatures::Params fields;
        if (auto boundary = multipart_boundary(header(request, "content-type"))) {
            auto parsed = parse_multipart(request.body, *boundary);
            if (auto* error = std::get_if<std::string>(&parsed))
                return WebhookError{400, "body: " + *error};
            fields = multipart_fields(std::get<std::vector<MultipartPart>>(parsed));
        } else if (is_form(request)) {
            fields = form_params(request.body);
        } else {
            return WebhookError{400, "body: multipart/form-data expected"};
        }
        json charsets = json_input::parse_or_discarded(field(fields, "charsets"));
        auto get = [&](const char* name) {
            std::string charset;
            if (charsets.is_object()) charset = string_field(charsets, name);
            return to_utf8(field(fields, name), charset);
        };
        const auto from = extract_address(get("from"));
        if (from.empty()) return WebhookError{400, "from: required"};
        std::string text = get("text");
        if (text.empty()) text = html_to_text(get("html"));
        if (text.empty() && !field(fields, "email").empty())
            return WebhookError{
                400,
                "text: missing; turn off \"POST the raw, full MIME message\" in Inbound Parse"};
        text = strip_quoted_reply(text);
        std::string id = strip_angle_brackets(header_field(field(fields, "headers"), "Message-ID"));
        // Without a Message-ID, a hash keeps a repeated post of the same mail one reply.
        if (id.empty())
            id = "sha256:" + crypto::sha256_hex(from + "\n" + get("subject") + "\n" + text);
        return std::vector<InboundReply>{{id, from, text}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        if (const auto& key = channel_.setting("webhook_public_key"); !key.empty()) {
            const auto& signature = header(request, "x-twilio-email-event-webhook-signature");
            const auto& timestamp = header(request, "x-twilio-email-event-webhook-timestamp");
            if (signature.empty() || timestamp.empty())
                return WebhookError{403,
                                    "X-Twilio-Email-Event-Webhook-Signature/-Timestamp: missing"};
            if (!ecdsa_sha256_verify(key, timestamp + request.body, signature))
                return WebhookError{403, "X-Twilio-Email-Event-Webhook-Signature: wrong signature"};
        } else if (!query_secret_matches(request, channel_.setting("secret"))) {
            return WebhookError{403, "secret missing or wrong in the Event Webhook URL"};
        }
        auto parsed = json_input::parse(request.body);
        if (!parsed.value) return WebhookError{400, parsed.message()};
        json body = std::move(*parsed.value);
        if (body.is_object()) body = json::array({body});
        if (!body.is_array()) return WebhookError{400, "body: must be a JSON array of events"};
        std::vector<StatusReport> out;
        for (const auto& event : body) {
            if (!event.is_object()) return WebhookError{400, "body: events must be JSON objects"};
            const auto type = string_field(event, "event");
            if (type.empty()) return WebhookError{400, "event: required"};
            std::string status;
            if (type == "delivered")
                status = "delivered";
            else if (type == "bounce" || type == "dropped")
                status = "bounced";
            else if (type == "spamreport")
                status = "complained";
            else
                continue;  // processed, deferred, open, click, unsubscribe...: no change
            const auto sg_id = string_field(event, "sg_message_id");
            if (sg_id.empty()) return WebhookError{400, "sg_message_id: required for " + type};
            StatusReport report{message_id_of_event(sg_id), status, "", ""};
            if (status == "bounced") {
                report.error = string_field(event, "reason");
                // bounce: the SMTP status ("5.1.1") and type (bounce or blocked).
                report.error_code = string_field(event, "status");
                if (report.error_code.empty()) report.error_code = type;
                if (const auto bounce_type = string_field(event, "type"); !bounce_type.empty())
                    report.error_code += " " + bounce_type;
            }
            out.push_back(std::move(report));
        }
        return out;
    }

  private:
    config::ChannelConfig channel_;
    ChannelContext context_;
    std::string base_url_;
};

}  // namespace

std::unique_ptr<Channel> make_sendgrid_channel(const config::ChannelConfig& channel,
                                               const ChannelContext& context) {
    return std::make_unique<SendgridChannel>(channel, context);
}

}  // namespace cxgate::channels
