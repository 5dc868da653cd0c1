#pragma once
// Private to src/channels/: what the chat channels (slack.cpp, teams.cpp,
// signed_webhook.cpp) share. A room sends nothing back, so their webhook routes answer 404;
// a send is one POST of JSON.
#include <string>
#include <vector>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/chat.hpp"

namespace cxgate::channels::detail {

// classify_http, and 408 Request Timeout temporary as well: the receiver did not get the
// whole request, so it did not act on it.
SendResult classify_chat(const HttpResponse& response, const std::string& error_text,
                         const std::string& error_code);

class ChatChannel : public Channel {
  public:
    ChatChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {}

    // A room or a receiver acts on what it gets: a request in flight at a crash may have
    // posted the alert, so it is never sent again.
    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest&, long long) override {
        return WebhookError{404, "a " + channel_.type + " channel takes no replies"};
    }
    StatusResult parse_status(const WebhookRequest&, long long) override {
        return WebhookError{404, "a " + channel_.type + " channel takes no status reports"};
    }

  protected:
    static HttpRequest json_post(const std::string& url, std::string body) {
        HttpRequest request;
        request.url = url;
        request.headers = {"Content-Type: application/json; charset=utf-8"};
        request.body = std::move(body);
        return request;
    }
    // Ours, for the outbox, when the service names no id of its own.
    static std::string own_id(const store::MessageRow& message) {
        return "cx-" + std::to_string(message.id);
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
};

}  // namespace cxgate::channels::detail
