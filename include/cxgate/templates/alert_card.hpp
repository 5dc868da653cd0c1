#pragma once
// The card a chat channel shows (Slack, Teams, a signed webhook): an alert in parts (a
// title, its text, facts, links) instead of one text, so that each service lays it out its
// own way. alerts/ builds it (alerts/card.hpp) and stores its JSON as the message's body;
// the chat channels read it back when they send. It lives here, below both, because the
// layer order lets alerts/ and channels/ share templates/ but not include each other.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cxgate::templates {

struct AlertCard {
    struct Action {
        std::string label;  // "Acknowledge"
        std::string url;    // opened in the browser
    };
    std::string title;  // one line: "Low score 2/5: Maija Virtanen (mortgage / meeting)"
    std::string text;   // plain text with its newlines: the alert template's body
    std::vector<std::pair<std::string, std::string>> facts;  // label and value, in order
    std::vector<Action> actions;                             // links the reader may open
    std::string event = "alert.opened";                      // what happened
    std::int64_t survey_id = 0;
    std::optional<std::int64_t> alert_id;
    std::string created_at;  // ISO 8601 UTC, "2026-11-20T17:55:00Z"
};

// {"event", "survey_id", "alert_id" (only when set), "created_at", "title", "text",
//  "facts": [{"label", "value"}], "actions": [{"label", "url"}]}: the message body of a chat
// channel, and the `data` of a signed webhook (docs/providers.md).
void to_json(nlohmann::json& j, const AlertCard& card);
// Throws nlohmann::json::exception when a member has the wrong type or title is missing.
void from_json(const nlohmann::json& j, AlertCard& card);

// The card a message body holds, or nullopt when the body is not one (a plain message,
// such as a weekly target alert, sent to a chat target).
std::optional<AlertCard> parse_alert_card(std::string_view body);

}  // namespace cxgate::templates
