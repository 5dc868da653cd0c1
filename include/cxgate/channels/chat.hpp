#pragma once
// The chat channels, where sales staff read alerts: Slack incoming webhooks, Microsoft
// Teams through a Workflows webhook, and cxgate's own signed webhook for anything else.
// Each turns an alert card (templates/alert_card.hpp) into its service's payload and reads
// the service's answer; both halves are pure functions, here so that they are tested apart
// from sending. The send itself goes through the shared dispatcher and HTTP client like
// every other channel's (rate, retries, the outbox, never twice).
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/http_client.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/alert_card.hpp"

namespace cxgate::channels::chat {

// The card a message carries: its body's, or for a plain message (a weekly target alert
// to a chat target) one made of its subject and body, its event "<kind>.message".
templates::AlertCard card_of(const store::MessageRow& message);

// At most max code points of UTF-8 text, the last one "…" when it was cut.
std::string clip(std::string_view text, std::size_t max);

// ---- Slack incoming webhooks -----------------------------------------------------------

// Slack's mrkdwn control characters as entities: & < > (Slack, "Formatting text for app
// surfaces", escaping). Nothing else: * _ ~ ` have no escape in mrkdwn, and html::escape's
// &quot; would show in Slack as it is written.
std::string slack_escape(std::string_view text);
// {"text": fallback, "blocks": [header, section (text), section (fields), actions, context]}
nlohmann::json slack_payload(const templates::AlertCard& card);
// 200 with the body "ok": sent. 4xx: permanent, Slack's reason (channel_is_archived, ...)
// kept as error and error_code; 429 (Retry-After) and 5xx: temporary; 408: temporary.
SendResult slack_result(const HttpResponse& response);

// ---- Microsoft Teams (Workflows: "When a Teams webhook request is received") -----------

// {"type": "message", "attachments": [{"contentType":
//  "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <card 1.4>}]}
nlohmann::json teams_payload(const templates::AlertCard& card);
// Any 2xx (Workflows answers 202 Accepted): sent. 408, 429 and 5xx: temporary; other 4xx
// permanent, with the error's code and message when the body is Azure's {"error": {...}}.
SendResult teams_result(const HttpResponse& response);

// ---- cxgate's signed webhook -----------------------------------------------------------

// {"type": card.event, "id": event_id, "created_at": card.created_at, "data": <card>}
nlohmann::json webhook_payload(const templates::AlertCard& card, const std::string& event_id);
// The event's id: the same for every attempt of one message (a receiver that stores ids
// acts once), "evt_" + 32 hex digits of an HMAC of the message's id and creation time
// keyed with the channel's secret, so two installations do not collide.
std::string webhook_event_id(const std::string& secret, const store::MessageRow& message);
// The POST: the JSON body, X-Cxgate-Timestamp (timestamp, Unix seconds), X-Cxgate-Signature
// (signatures::sign_cxgate_webhook) and X-Cxgate-Event-Id.
HttpRequest webhook_request(const std::string& url, const std::string& secret,
                            const std::string& body, const std::string& event_id,
                            long long timestamp);
// Any 2xx: sent. 408, 429 and 5xx: temporary; other 4xx permanent.
SendResult webhook_result(const HttpResponse& response);

}  // namespace cxgate::channels::chat
