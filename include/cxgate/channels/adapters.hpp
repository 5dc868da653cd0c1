#pragma once
// One factory per provider adapter; make_channel picks by type. Internal to channels/.
#include <memory>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/http_client.hpp"

namespace cxgate::channels {

std::unique_ptr<Channel> make_sandbox_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_twilio_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_kannel_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_smtp_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_vonage_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_http_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_sendgrid_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_mailgun_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_postmark_channel(const config::ChannelConfig&, const ChannelContext&);
// Chat channels (staff alerts): chat.hpp.
std::unique_ptr<Channel> make_slack_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_teams_channel(const config::ChannelConfig&, const ChannelContext&);
std::unique_ptr<Channel> make_webhook_channel(const config::ChannelConfig&, const ChannelContext&);

// Shared reading of HTTP answers: 429 and 5xx and transport errors are temporary (429
// honours Retry-After), other 4xx permanent. Adapters add their provider's codes.
SendResult classify_http(const HttpResponse& response, const std::string& error_text,
                         const std::string& error_code);
std::optional<int> retry_after_seconds(const HttpResponse& response);
// The public URL of one of this channel's webhooks, as the provider will call it.
std::string webhook_url(const config::Config& config, const std::string& channel,
                        const std::string& kind);

}  // namespace cxgate::channels
