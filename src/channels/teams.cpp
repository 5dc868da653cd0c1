// Microsoft Teams through the Workflows app: a workflow started by "When a Teams webhook
// request is received" posts the Adaptive Card it receives to a channel or chat.
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
// Workflows take Adaptive Cards only (not the old connectors' MessageCard), in a message
// envelope: {"type": "message", "attachments": [{"contentType":
// "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <card>}]}.
// The card (https://adaptivecards.io/explorer/): "$schema", type AdaptiveCard, version 1.4
// (what Teams renders on every client), body of TextBlock and FactSet elements, actions of
// Action.OpenUrl. The trigger answers 202 Accepted once the run is queued; errors are
// Azure's JSON {"error": {"code", "message"}} (400 TriggerInputSchemaMismatch, 401/403 on a
// bad or missing sig, 404 for a deleted workflow, 429 with Retry-After when throttled).
#include "chat_channel.hpp"
#include "cxgate/foundation/json_input.hpp"

namespace cxgate::channels {

namespace chat {

nlohmann::json teams_payload(const templates::AlertCard& card) {
    using json = nlohmann::json;
    auto body = json::array();
    body.push_back({{"type", "TextBlock"},
                    {"text", card.title},
                    {"size", "Medium"},
                    {"weight", "Bolder"},
                    {"wrap", true}});
    // One TextBlock per line: a TextBlock's markdown joins single line breaks, and the
    // alert's lines ("Customer: ...", "Score: ...") must stay lines. A blank line starts a
    // paragraph (default spacing); lines within one sit close together.
    bool paragraph = true;
    std::size_t start = 0;
    while (start <= card.text.size()) {
        const std::size_t end = card.text.find('\n', start);
        std::string line =
            card.text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            paragraph = true;
        } else {
            json block{{"type", "TextBlock"}, {"text", line}, {"wrap", true}};
            if (!paragraph) block["spacing"] = "None";
            body.push_back(std::move(block));
            paragraph = false;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (!card.facts.empty()) {
        auto facts = json::array();
        for (const auto& [label, value] : card.facts)
            facts.push_back({{"title", label}, {"value", value}});
        body.push_back({{"type", "FactSet"}, {"facts", std::move(facts)}});
    }
    json content{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                 {"type", "AdaptiveCard"},
                 {"version", "1.4"},
                 {"body", std::move(body)}};
    if (!card.actions.empty()) {
        auto actions = json::array();
        for (const auto& action : card.actions)
            actions.push_back(
                {{"type", "Action.OpenUrl"}, {"title", action.label}, {"url", action.url}});
        content["actions"] = std::move(actions);
    }
    return {
        {"type", "message"},
        {"attachments", json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                      {"contentUrl", nullptr},
                                      {"content", std::move(content)}}})}};
}

SendResult teams_result(const HttpResponse& response) {
    if (response.curl_code == 0 && response.status >= 200 && response.status < 300) {
        SendResult ok;
        // The run the request started, when the trigger names it.
        if (auto run = response.headers.find("x-ms-workflow-run-id"); run != response.headers.end())
            ok.provider_id = run->second;
        return ok;
    }
    std::string text, code;
    const auto json = json_input::parse_or_discarded(response.body);
    if (json.is_object() && json.contains("error") && json["error"].is_object()) {
        const auto& error = json["error"];
        if (error.contains("message") && error["message"].is_string()) text = error["message"];
        if (error.contains("code") && error["code"].is_string()) code = error["code"];
    }
    return detail::classify_chat(response, text, code);
}

}  // namespace chat

namespace {

class TeamsChannel final : public detail::ChatChannel {
  public:
    using ChatChannel::ChatChannel;

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        auto request =
            json_post(channel_.setting("url"),
                      chat::teams_payload(chat::card_of(message))
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        auto response = co_await context_.http->request(std::move(request));
        auto result = chat::teams_result(response);
        if (result.status == SendResult::Status::sent && result.provider_id.empty())
            result.provider_id = own_id(message);
        co_return result;
    }
};

}  // namespace

std::unique_ptr<Channel> make_teams_channel(const config::ChannelConfig& channel,
                                            const ChannelContext& context) {
    return std::make_unique<TeamsChannel>(channel, context);
}

}  // namespace cxgate::channels
