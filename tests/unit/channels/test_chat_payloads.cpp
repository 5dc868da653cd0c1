#include <doctest/doctest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cxgate/channels/chat.hpp"
#include "cxgate/channels/signatures.hpp"
#include "cxgate/templates/alert_card.hpp"

using namespace cxgate;
namespace chat = cxgate::channels::chat;
using Status = channels::SendResult::Status;
using json = nlohmann::json;

// The chat channels' payloads and answers (chat.hpp), without sending: the integration test
// test_alert_channels.py sends them to local stand-ins of Slack, Teams and a receiver.

namespace {

templates::AlertCard sample_card() {
    templates::AlertCard card;
    card.title = "Low score 2/5: Maija <Oy> & Co (mortgage / meeting)";
    card.text = "A customer gave a low score.\n\nScore: 2 on 1-5\nComment: slow & <rude>";
    card.facts = {{"Score", "2 (1-5)"}, {"Metric", "CSAT"}, {"Comment", "slow & <rude>"}};
    card.survey_id = 12;
    card.created_at = "2026-11-20T17:55:00Z";
    return card;
}

channels::HttpResponse answer(long status, std::string body,
                              std::map<std::string, std::string> headers = {}) {
    channels::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.request_sent = true;
    return r;
}

}  // namespace

TEST_CASE("alert card: JSON both ways, and a body that is not a card") {
    auto card = sample_card();
    card.actions = {{"Acknowledge", "https://cx.example.com/a/1"}};
    card.alert_id = 7;
    const json j = card;
    CHECK(j["event"] == "alert.opened");
    CHECK(j["survey_id"] == 12);
    CHECK(j["alert_id"] == 7);
    CHECK(j["facts"][2] == json{{"label", "Comment"}, {"value", "slow & <rude>"}});
    CHECK(j["actions"][0] == json{{"label", "Acknowledge"}, {"url", "https://cx.example.com/a/1"}});
    auto back = templates::parse_alert_card(j.dump());
    REQUIRE(back);
    CHECK(back->title == card.title);
    CHECK(back->text == card.text);
    CHECK(back->facts == card.facts);
    CHECK(back->actions.size() == 1);
    CHECK(back->alert_id == 7);
    CHECK_FALSE(json(sample_card()).contains("alert_id"));
    CHECK_FALSE(templates::parse_alert_card("Low score from Maija"));
    CHECK_FALSE(templates::parse_alert_card(R"({"title": 3})"));
    CHECK_FALSE(templates::parse_alert_card(R"({"title": "t", "facts": [{"label": "x"}]})"));

    // A plain message (a weekly target alert to a chat target) becomes a card of its own.
    store::MessageRow m;
    m.kind = "target";
    m.subject = "cx / close: nps 0.0";
    m.body = "This week: 0.0";
    auto plain = chat::card_of(m);
    CHECK(plain.title == "cx / close: nps 0.0");
    CHECK(plain.text == "This week: 0.0");
    CHECK(plain.event == "target.message");
    m.body = json(card).dump();
    CHECK(chat::card_of(m).title == card.title);
}

TEST_CASE("chat: clip counts code points and marks a cut") {
    CHECK(chat::clip("abc", 3) == "abc");
    CHECK(chat::clip("abcd", 3) == "ab\u2026");
    CHECK(chat::clip("äöå", 3) == "äöå");
    CHECK(chat::clip("äöåx", 3) == "äö\u2026");
    CHECK(chat::clip("😀😀", 1) == "\u2026");
    CHECK(chat::clip("", 5).empty());
    CHECK(chat::clip("abc", 0).empty());
}

TEST_CASE("slack: Block Kit with a text fallback, mrkdwn escaped, within Slack's limits") {
    CHECK(chat::slack_escape("a & b <c> *d*") == "a &amp; b &lt;c&gt; *d*");
    auto card = sample_card();
    auto p = chat::slack_payload(card);
    REQUIRE(p["text"].is_string());
    CHECK(p["text"].get<std::string>().rfind(
              "Low score 2/5: Maija &lt;Oy&gt; &amp; Co (mortgage / meeting)\nA customer", 0) == 0);
    const auto& blocks = p["blocks"];
    REQUIRE(blocks.size() == 4);
    CHECK(blocks[0]["type"] == "header");
    // plain_text is shown as written: no entities.
    CHECK(blocks[0]["text"] == json{{"type", "plain_text"}, {"text", card.title}});
    CHECK(blocks[1]["type"] == "section");
    CHECK(blocks[1]["text"]["type"] == "mrkdwn");
    CHECK(blocks[1]["text"]["text"] ==
          "A customer gave a low score.\n\nScore: 2 on 1-5\nComment: slow &amp; &lt;rude&gt;");
    REQUIRE(blocks[2]["fields"].size() == 3);
    CHECK(blocks[2]["fields"][2] ==
          json{{"type", "mrkdwn"}, {"text", "*Comment*\nslow &amp; &lt;rude&gt;"}});
    CHECK(blocks[3]["type"] == "context");
    CHECK(blocks[3]["elements"][0]["text"] ==
          "cxgate \u00b7 survey 12 \u00b7 2026-11-20T17:55:00Z");

    // Buttons when there are links; limits: header 150, fields 10, button text 75.
    card.title = std::string(200, 'T');
    card.facts.clear();
    for (int i = 0; i < 12; ++i) card.facts.emplace_back("F" + std::to_string(i), "v");
    card.actions = {{"Acknowledge", "https://cx.example.com/a/1?t=x&y=z"},
                    {std::string(80, 'L'), "https://cx.example.com/r/1"},
                    {"Too long", "https://x.example/" + std::string(3000, 'a')}};
    p = chat::slack_payload(card);
    CHECK(p["blocks"][0]["text"]["text"].get<std::string>().size() == 149 + 3);
    CHECK(p["blocks"][2]["fields"].size() == 10);
    const auto& actions = p["blocks"][3];
    REQUIRE(actions["type"] == "actions");
    REQUIRE(actions["elements"].size() == 2);
    CHECK(actions["elements"][0] ==
          json{{"type", "button"},
               {"text", {{"type", "plain_text"}, {"text", "Acknowledge"}}},
               {"url", "https://cx.example.com/a/1?t=x&y=z"},
               {"action_id", "cx-0"}});
    CHECK(actions["elements"][1]["text"]["text"] == std::string(74, 'L') + "\u2026");

    // No text, no facts: a header and the context, and the fallback is the title.
    templates::AlertCard bare;
    bare.title = "t";
    p = chat::slack_payload(bare);
    CHECK(p["text"] == "t");
    CHECK(p["blocks"].size() == 2);
}

TEST_CASE("slack: answers — ok, a kept reason, 429 with Retry-After, 5xx, transport") {
    CHECK(chat::slack_result(answer(200, "ok")).status == Status::sent);
    auto r = chat::slack_result(answer(410, "channel_is_archived"));
    CHECK(r.status == Status::permanent_failure);
    CHECK(r.error == "channel_is_archived");
    CHECK(r.error_code == "channel_is_archived");
    for (auto [status, reason] : {std::pair{400L, "invalid_payload"},
                                  {400L, "no_text"},
                                  {403L, "action_prohibited"},
                                  {404L, "channel_not_found"},
                                  {404L, "no_service"}}) {
        CAPTURE(reason);
        r = chat::slack_result(answer(status, reason));
        CHECK(r.status == Status::permanent_failure);
        CHECK(r.error_code == reason);
    }
    r = chat::slack_result(answer(429, "rate_limited", {{"retry-after", "30"}}));
    CHECK(r.status == Status::temporary_failure);
    CHECK(r.retry_after == 30);
    r = chat::slack_result(answer(500, "rollup_error"));
    CHECK(r.status == Status::temporary_failure);
    CHECK(r.error_code == "rollup_error");
    r = chat::slack_result(answer(502, "<html>Bad Gateway</html>"));
    CHECK(r.status == Status::temporary_failure);
    CHECK(r.error_code == "HTTP 502");
    CHECK(chat::slack_result(answer(408, "")).status == Status::temporary_failure);
    // 200 from something that is not Slack: it may have posted; never again.
    CHECK(chat::slack_result(answer(200, "<html>portal</html>")).status == Status::unknown);
    channels::HttpResponse refused;
    refused.curl_code = 7;
    refused.error = "Connection refused";
    CHECK(chat::slack_result(refused).status == Status::temporary_failure);
    channels::HttpResponse timeout;
    timeout.curl_code = 28;
    timeout.timed_out = true;
    timeout.request_sent = true;
    CHECK(chat::slack_result(timeout).status == Status::unknown);
}

TEST_CASE("teams: an Adaptive Card 1.4 in the message envelope Workflows take") {
    auto card = sample_card();
    card.actions = {{"Acknowledge", "https://cx.example.com/a/1"}};
    const auto p = chat::teams_payload(card);
    CHECK(p["type"] == "message");
    REQUIRE(p["attachments"].size() == 1);
    const auto& attachment = p["attachments"][0];
    CHECK(attachment["contentType"] == "application/vnd.microsoft.card.adaptive");
    CHECK(attachment["contentUrl"].is_null());
    const auto& c = attachment["content"];
    CHECK(c["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json");
    CHECK(c["type"] == "AdaptiveCard");
    CHECK(c["version"] == "1.4");
    const auto& body = c["body"];
    // Title, then one block per line of text (no spacing inside a paragraph), then facts.
    REQUIRE(body.size() == 5);
    CHECK(body[0]["text"] == card.title);
    CHECK(body[0]["weight"] == "Bolder");
    CHECK(body[1] ==
          json{{"type", "TextBlock"}, {"text", "A customer gave a low score."}, {"wrap", true}});
    CHECK(body[2]["text"] == "Score: 2 on 1-5");
    CHECK_FALSE(body[2].contains("spacing"));
    CHECK(body[3]["text"] == "Comment: slow & <rude>");
    CHECK(body[3]["spacing"] == "None");
    CHECK(body[4]["type"] == "FactSet");
    CHECK(body[4]["facts"][0] == json{{"title", "Score"}, {"value", "2 (1-5)"}});
    CHECK(c["actions"] == json::array({{{"type", "Action.OpenUrl"},
                                        {"title", "Acknowledge"},
                                        {"url", "https://cx.example.com/a/1"}}}));
    CHECK_FALSE(
        chat::teams_payload(sample_card())["attachments"][0]["content"].contains("actions"));
}

TEST_CASE("teams: 202 sent; Azure's error kept; 408, 429 and 5xx temporary") {
    CHECK(chat::teams_result(answer(202, "")).status == Status::sent);
    CHECK(chat::teams_result(answer(200, "")).status == Status::sent);
    CHECK(chat::teams_result(answer(202, "", {{"x-ms-workflow-run-id", "0858"}})).provider_id ==
          "0858");
    auto r = chat::teams_result(answer(
        400, R"({"error":{"code":"TriggerInputSchemaMismatch","message":"The input body ..."}})"));
    CHECK(r.status == Status::permanent_failure);
    CHECK(r.error_code == "TriggerInputSchemaMismatch");
    CHECK(r.error == "The input body ...");
    CHECK(chat::teams_result(answer(404, "")).status == Status::permanent_failure);
    CHECK(chat::teams_result(answer(408, "")).status == Status::temporary_failure);
    r = chat::teams_result(answer(429, "", {{"retry-after", "12"}}));
    CHECK(r.status == Status::temporary_failure);
    CHECK(r.retry_after == 12);
    CHECK(chat::teams_result(answer(503, "")).status == Status::temporary_failure);
}

TEST_CASE("signed webhook: the envelope, its headers, and a signature a receiver verifies") {
    const std::string secret = "whsec-test-0123456789abcdef";
    store::MessageRow m;
    m.id = 42;
    m.created_at = 1'795'000'000;
    const auto id = chat::webhook_event_id(secret, m);
    // printf '%s' 'event-id:42:1795000000' | openssl dgst -sha256 -hmac 'whsec-test-...'
    CHECK(id == "evt_c95107425903d278d037e170fb418343");
    m.created_at += 1;
    CHECK(chat::webhook_event_id(secret, m) != id);

    const auto card = sample_card();
    const auto p = chat::webhook_payload(card, id);
    CHECK(p["type"] == "alert.opened");
    CHECK(p["id"] == id);
    CHECK(p["created_at"] == "2026-11-20T17:55:00Z");
    CHECK(p["data"] == json(card));

    const auto body = p.dump();
    const auto request =
        chat::webhook_request("https://hooks.example.com/cx", secret, body, id, 1'795'000'100);
    CHECK(request.method == "POST");
    CHECK(request.url == "https://hooks.example.com/cx");
    CHECK(request.body == body);
    std::map<std::string, std::string> headers;
    for (const auto& h : request.headers)
        headers[h.substr(0, h.find(':'))] = h.substr(h.find(':') + 2);
    CHECK(headers["Content-Type"] == "application/json");
    CHECK(headers["X-Cxgate-Timestamp"] == "1795000100");
    CHECK(headers["X-Cxgate-Event-Id"] == id);
    CHECK(headers["X-Cxgate-Signature"].rfind("v1=", 0) == 0);
    CHECK(signatures::verify_cxgate_webhook(secret, headers["X-Cxgate-Timestamp"], body,
                                            headers["X-Cxgate-Signature"], 1'795'000'200));
    CHECK_FALSE(signatures::verify_cxgate_webhook(secret, headers["X-Cxgate-Timestamp"], body + " ",
                                                  headers["X-Cxgate-Signature"], 1'795'000'200));

    CHECK(chat::webhook_result(answer(200, "")).status == Status::sent);
    CHECK(chat::webhook_result(answer(204, "")).status == Status::sent);
    CHECK(chat::webhook_result(answer(401, "bad signature")).status == Status::permanent_failure);
    CHECK(chat::webhook_result(answer(408, "")).status == Status::temporary_failure);
    CHECK(chat::webhook_result(answer(429, "")).status == Status::temporary_failure);
    CHECK(chat::webhook_result(answer(500, "")).status == Status::temporary_failure);
}
