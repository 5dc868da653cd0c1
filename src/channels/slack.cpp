// Slack incoming webhooks: a POST of JSON to the webhook's URL, which decides the channel.
// https://api.slack.com/messaging/webhooks ("Sending messages using incoming webhooks")
// Payload: Block Kit blocks with a top-level `text`, which Slack shows in notifications and
// where blocks cannot be shown, so it is always there. Limits (Block Kit reference): a
// header's plain_text 150 characters, a section's text 3000, at most 10 fields of 2000
// each, a button's text 75 and its url 3000, up to 25 elements in an actions block.
// mrkdwn text escapes &, < and > (https://api.slack.com/reference/surfaces/formatting,
// "Escaping text").
// Answers: 200 with the body "ok". Errors are a plain-text reason in the body ("Handling
// errors" on the first page; https://api.slack.com/changelog/2016-05-17-changes-to-errors-
// for-incoming-webhooks): 400 invalid_payload, no_text, user_not_found; 403
// action_prohibited, invalid_token; 404 channel_not_found, no_service (the webhook was
// removed or disabled); 410 channel_is_archived; 500 rollup_error. Rate limits: 429 with
// Retry-After (https://api.slack.com/apis/rate-limits).
#include <algorithm>
#include <cctype>

#include "chat_channel.hpp"
#include "cxgate/foundation/text.hpp"

namespace cxgate::channels {

namespace chat {

std::string slack_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

nlohmann::json slack_payload(const templates::AlertCard& card) {
    using json = nlohmann::json;
    auto blocks = json::array();
    blocks.push_back(
        {{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", clip(card.title, 150)}}}});
    if (!card.text.empty())
        blocks.push_back(
            {{"type", "section"},
             {"text", {{"type", "mrkdwn"}, {"text", clip(slack_escape(card.text), 3000)}}}});
    auto fields = json::array();
    for (const auto& [label, value] : card.facts) {
        if (fields.size() == 10) break;
        fields.push_back(
            {{"type", "mrkdwn"},
             {"text", clip("*" + slack_escape(label) + "*\n" + slack_escape(value), 2000)}});
    }
    if (!fields.empty()) blocks.push_back({{"type", "section"}, {"fields", std::move(fields)}});
    auto buttons = json::array();
    for (const auto& action : card.actions) {
        // A longer URL would make Slack refuse the whole message (invalid_blocks).
        if (buttons.size() == 25 || action.url.empty() || action.url.size() > 3000) continue;
        buttons.push_back({{"type", "button"},
                           {"text", {{"type", "plain_text"}, {"text", clip(action.label, 75)}}},
                           {"url", action.url},
                           {"action_id", "cx-" + std::to_string(buttons.size())}});
    }
    if (!buttons.empty()) blocks.push_back({{"type", "actions"}, {"elements", std::move(buttons)}});
    std::string context = "cxgate";
    if (card.survey_id) context += " \u00b7 survey " + std::to_string(card.survey_id);
    if (!card.created_at.empty()) context += " \u00b7 " + card.created_at;
    blocks.push_back({{"type", "context"},
                      {"elements", json::array({{{"type", "mrkdwn"}, {"text", context}}})}});
    std::string fallback = slack_escape(card.title);
    if (!card.text.empty()) fallback += "\n" + slack_escape(card.text);
    return {{"text", clip(fallback, 3000)}, {"blocks", std::move(blocks)}};
}

SendResult slack_result(const HttpResponse& response) {
    const std::string reason = text::trimmed(response.body.substr(0, 300));
    if (response.curl_code == 0 && response.status == 200) {
        if (reason == "ok") return SendResult{};
        // Slack's only success answer is "ok"; something else in front of it (a proxy)
        // answered. Slack may have posted it, so it is not sent again.
        SendResult r;
        r.status = SendResult::Status::unknown;
        r.error = "200 without \"ok\": " + reason;
        r.error_code = "HTTP 200";
        return r;
    }
    // The reason is one word (channel_is_archived); keep it as the code too, so that
    // `cxgate outbox --json` can be filtered on it.
    const bool word = !reason.empty() && std::all_of(reason.begin(), reason.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || c == '_';
    });
    return detail::classify_chat(response, reason, word ? reason : "");
}

}  // namespace chat

namespace {

class SlackChannel final : public detail::ChatChannel {
  public:
    using ChatChannel::ChatChannel;

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto request =
            json_post(channel_.setting("url"),
                      chat::slack_payload(chat::card_of(message))
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        auto response = co_await context_.http->request(std::move(request));
        auto result = chat::slack_result(response);
        if (result.status == SendResult::Status::sent) result.provider_id = own_id(message);
        co_return result;
    }
};

}  // namespace

std::unique_ptr<Channel> make_slack_channel(const config::ChannelConfig& channel,
                                            const ChannelContext& context) {
    return std::make_unique<SlackChannel>(channel, context);
}

}  // namespace cxgate::channels
