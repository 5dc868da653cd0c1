// The sandbox channel: the message row in the database is the delivery. Operators read
// it with `cxgate outbox`. An email channel's message is built as every email provider's
// is (format_email: text and HTML parts, score links signed for this daemon, unsubscribe
// headers) and handed back with the result, for the dispatcher to keep beside the row, so
// `cxgate outbox --html ID` opens the very email a customer would get. Replies come in
// through the same webhook route as a real provider's (see `cxgate reply`), authenticated
// with an API token in an `Authorization: Bearer` header only. A token in a form field or
// the JSON body is not read: bodies end up in logs, proxies' dumps and replayed requests,
// headers less so.
#include <nlohmann/json.hpp>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/json_input.hpp"

namespace cxgate::channels {

namespace {

// Said to a caller who put the token in the form (the old docs said so) as to any other.
constexpr const char* kUnauthorized =
    "missing or wrong bearer token (send the API token as \"Authorization: Bearer <token>\"; "
    "a token in the form or the JSON body is not read)";

class SandboxChannel final : public Channel {
  public:
    SandboxChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), config_(context.config), link_secret_(context.link_secret) {}

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        SendResult result;
        result.provider_id = "sandbox-" + std::to_string(message.id);
        if (channel_.kind == config::ChannelKind::email) {
            auto email = format_email(*config_, channel_, link_secret_, message);
            result.delivered_email =
                store::DeliveredEmail{channel_.from, channel_.from_name, std::move(email.headers),
                                      std::move(email.text), std::move(email.html)};
        }
        co_return result;
    }
    bool has_outside_effect() const override { return false; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        if (!authorized(request)) return WebhookError{403, kUnauthorized};
        auto fields = read(request);
        if (auto* error = std::get_if<WebhookError>(&fields)) return *error;
        auto& f = std::get<std::map<std::string, std::string>>(fields);
        if (f["from"].empty()) return WebhookError{400, "from: required"};
        return std::vector<InboundReply>{{f["id"], f["from"], f["text"]}};
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        if (!authorized(request)) return WebhookError{403, kUnauthorized};
        auto fields = read(request);
        if (auto* error = std::get_if<WebhookError>(&fields)) return *error;
        auto& f = std::get<std::map<std::string, std::string>>(fields);
        if (f["id"].empty()) return WebhookError{400, "id: required"};
        static const std::set<std::string> known{"delivered", "failed",     "undelivered",
                                                 "bounced",   "complained", "sent"};
        if (!known.count(f["status"]))
            return WebhookError{
                400, "status: must be delivered, failed, undelivered, bounced, complained or sent"};
        return std::vector<StatusReport>{{f["id"], f["status"], f["error"], f["error_code"]}};
    }

  private:
    bool authorized(const WebhookRequest& request) const {
        auto token = bearer_token(request);
        if (token.empty()) return false;
        const auto digest = crypto::sha256_hex(token);
        bool ok = false;
        for (const auto& t : config_->api_tokens)
            ok |= t.allows(config::Scope::ingest) && crypto::constant_time_equals(digest, t.sha256);
        return ok;
    }

    // JSON or form with string fields.
    static std::variant<std::map<std::string, std::string>, WebhookError> read(
        const WebhookRequest& request) {
        std::map<std::string, std::string> out;
        if (is_form(request)) {
            for (auto& [k, v] : form_params(request.body)) out[k] = v;
            return out;
        }
        auto parsed = json_input::parse(request.body);
        if (!parsed.value) return WebhookError{400, parsed.message()};
        nlohmann::json body = std::move(*parsed.value);
        if (!body.is_object()) return WebhookError{400, "body: must be a JSON object"};
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it->is_null()) continue;
            if (!it->is_string()) return WebhookError{400, it.key() + ": must be a string"};
            out[it.key()] = it->get<std::string>();
        }
        return out;
    }

    config::ChannelConfig channel_;
    std::shared_ptr<const config::Config> config_;
    std::string link_secret_;
};

}  // namespace

std::unique_ptr<Channel> make_sandbox_channel(const config::ChannelConfig& channel,
                                              const ChannelContext& context) {
    return std::make_unique<SandboxChannel>(channel, context);
}

}  // namespace cxgate::channels
