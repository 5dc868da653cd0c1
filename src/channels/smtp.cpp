// Email over SMTP/SMTPS with libcurl (STARTTLS when required, AUTH when a username is
// set), multipart/alternative text + HTML in UTF-8 built with libcurl's MIME API.
// Headers: From, Reply-To, Message-ID, and one-click unsubscribe (RFC 8058):
// List-Unsubscribe with an https and a mailto URL, List-Unsubscribe-Post.
// SMTP has no inbound webhook: replies to these emails arrive through a mailgun or
// sendgrid channel's inbound route and are matched by the sender's address.
#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/mime_message.hpp"

namespace cxgate::channels {

namespace {

class SmtpChannel final : public Channel {
  public:
    SmtpChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {}

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto email = format_email(*context_.config, channel_, context_.link_secret, message);
        MailMessage mail;
        mail.url = channel_.setting("url");
        mail.require_tls = channel_.setting("require_tls") == "true";
        mail.username = channel_.setting("username");
        mail.password = channel_.setting("password");
        mail.from = channel_.from;
        mail.from_name = channel_.from_name;
        mail.to = {message.address};
        mail.subject = message.subject;
        mail.text = email.text;
        mail.html = email.html;
        mail.headers = email.headers;
        auto result = co_await context_.http->send_mail(std::move(mail));
        SendResult r;
        if (result.curl_code == 0) {
            r.provider_id = email.message_id;
            co_return r;
        }
        r.error = result.error;
        r.error_code = result.smtp_code ? "SMTP " + std::to_string(result.smtp_code) : "transport";
        // 5xx from the server is final (unknown user, rejected); 4xx and transport
        // errors may pass on a later attempt.
        r.status = result.smtp_code >= 500 ? SendResult::Status::permanent_failure
                                           : SendResult::Status::temporary_failure;
        co_return r;
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest&, long long) override {
        return WebhookError{404,
                            "an smtp channel has no inbound webhook; route replies through a "
                            "mailgun or sendgrid channel"};
    }
    StatusResult parse_status(const WebhookRequest&, long long) override {
        return WebhookError{404, "an smtp channel has no status webhook"};
    }

  private:
    config::ChannelConfig channel_;
    ChannelContext context_;
};

}  // namespace

std::unique_ptr<Channel> make_smtp_channel(const config::ChannelConfig& channel,
                                           const ChannelContext& context) {
    return std::make_unique<SmtpChannel>(channel, context);
}

}  // namespace cxgate::channels
