#include <stdexcept>

#include "cxgate/channels/adapters.hpp"

namespace cxgate::channels {

std::unique_ptr<Channel> make_channel(const config::ChannelConfig& channel,
                                      const ChannelContext& context) {
    using Factory =
        std::unique_ptr<Channel> (*)(const config::ChannelConfig&, const ChannelContext&);
    static const std::map<std::string, Factory> factories = {
        {"sandbox", make_sandbox_channel},   {"twilio", make_twilio_channel},
        {"kannel", make_kannel_channel},     {"smtp", make_smtp_channel},
        {"vonage", make_vonage_channel},     {"http", make_http_channel},
        {"sendgrid", make_sendgrid_channel}, {"mailgun", make_mailgun_channel},
        {"postmark", make_postmark_channel}, {"slack", make_slack_channel},
        {"teams", make_teams_channel},       {"webhook", make_webhook_channel},
    };
    auto it = factories.find(channel.type);
    if (it == factories.end())
        throw std::runtime_error("channel " + channel.name + ": unsupported type " + channel.type);
    if (channel.type != "sandbox" && !context.http)
        throw std::runtime_error("channel " + channel.name + ": needs the HTTP client");
    return it->second(channel, context);
}

std::optional<int> retry_after_seconds(const HttpResponse& response) {
    auto it = response.headers.find("retry-after");
    if (it == response.headers.end()) return std::nullopt;
    try {
        int seconds = std::stoi(it->second);
        if (seconds >= 0) return seconds;
    } catch (const std::exception&) {
        // An HTTP-date Retry-After is rare from these APIs; fall back to our backoff.
    }
    return std::nullopt;
}

SendResult classify_http(const HttpResponse& response, const std::string& error_text,
                         const std::string& error_code) {
    SendResult r;
    r.error = error_text;
    r.error_code = error_code;
    if (response.curl_code != 0 || response.status == 0) {
        r.status = response.request_sent ? SendResult::Status::unknown
                                         : SendResult::Status::temporary_failure;
        r.error =
            response.timed_out ? "timeout: " + response.error : "transport: " + response.error;
        r.error_code = response.timed_out ? "timeout" : "transport";
        return r;
    }
    if (r.error_code.empty()) r.error_code = "HTTP " + std::to_string(response.status);
    if (r.error.empty()) r.error = response.body.substr(0, 300);
    if (response.status == 429 || response.status >= 500) {
        r.status = SendResult::Status::temporary_failure;
        r.retry_after = retry_after_seconds(response);
    } else {
        r.status = SendResult::Status::permanent_failure;
    }
    return r;
}

std::string webhook_url(const config::Config& config, const std::string& channel,
                        const std::string& kind) {
    std::string base = config.server.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/webhooks/" + channel + "/" + kind;
}

}  // namespace cxgate::channels
