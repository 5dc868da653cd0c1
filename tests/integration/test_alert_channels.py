"""Alert channels on the real binary: a low score reaches a Slack incoming webhook, a Teams
Workflows webhook and a receiver of cxgate's signed webhook (local stand-ins in
peers/chat_stubs.py that check each payload's required fields and answer with the services'
own success and error bodies), through the dispatcher like any other message.

Checked: each payload passes its stand-in's checks and shows the score, the comment and the
step; Slack's first answer is 429 with Retry-After: 30, and the alert goes again only once
the (manual) clock has passed those 30 s, then once; an archived Slack channel (410
channel_is_archived) fails the message for good with Slack's reason kept as its error and
error_code, never retried; the signed webhook verifies with an independent implementation
of the documented scheme; nothing arrives twice. `cxgate check` refuses a chat channel as a
step's survey channel, at its file:line:column.
"""
import os
import subprocess
import time

from harness import check, eventually, free_port, run, set_public_port, write_config
from peers.chat_stubs import ChatStubs, SlackWebhook, TeamsWorkflow, verify_cxgate

PHONE = "+358401000001"
FLOW = """flow: sales
timezone: Europe/Helsinki
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    follow_up: why
    alert: { when: "score <= 2", notify: ["#sales-alerts", teams-room, crm, "#old-room"] }
"""
COMMENT = "Odotin 40 min & <jono> ei liikkunut"


def channels_yaml(c):
    os.environ.update(SLACK_WEBHOOK_URL=c.slack.webhook_url, SLACK_ARCHIVED_URL=c.archived.webhook_url,
                      TEAMS_WORKFLOW_URL=c.teams.webhook_url, CX_WEBHOOK_URL=c.webhook.endpoint,
                      CX_WEBHOOK_SECRET=c.webhook.secret)
    return """  sms: { type: sandbox, kind: sms, from: "+358500000001" }
  email: { type: sandbox, kind: email, from: "palaute@example.com" }
  slack:
    type: slack
    url: ${SLACK_WEBHOOK_URL}
    retry: { max_attempts: 4, base_delay: 1s, max_delay: 2s }
  slack-old:
    type: slack
    url: ${SLACK_ARCHIVED_URL}
  teams:
    type: teams
    url: ${TEAMS_WORKFLOW_URL}
  hook:
    type: webhook
    url: ${CX_WEBHOOK_URL}
    secret: ${CX_WEBHOOK_SECRET}"""


TARGETS = """alerts:
  channel: email
  targets:
    "#sales-alerts": { channel: slack }
    "#old-room": { channel: slack-old }
    teams-room: { channel: teams }
    crm: { channel: hook }
"""


def test(make_daemon, workdir):
    with ChatStubs(archived=SlackWebhook(always="410:channel_is_archived")) as c:
        source = make_daemon().source
        config = write_config(workdir, source, channels_yaml(c), {"sales": FLOW})
        with open(config) as f:
            text = f.read()
        check("alerts:\n  channel: email\n" in text, "write_config's alerts block")
        with open(config, "w") as f:
            f.write(text.replace("alerts:\n  channel: email\n", TARGETS))
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
        res = d.cli("check", "--config", config, check_rc=False)
        check(res.returncode == 0, f"cxgate check: {res.stdout}{res.stderr}")
        d.start(port=port)

        c.slack.script(["429:30"])
        status, body = d.event({"id": "m-1", "type": "meeting.completed",
                                "contact": {"phone": "040 100 0001", "name": "Maija Virtanen"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        check(status == 202 and len(body["scheduled"]) == 1, f"event: {status} {body}")
        survey_id = body["scheduled"][0]["id"]
        d.wait_outbox(lambda m: m["to"] == PHONE and m["kind"] == "survey" and m["state"] == "sent", "the survey")
        check(d.reply(PHONE, "2")["outcome"] == "score", "score 2")
        check(d.reply(PHONE, COMMENT)["outcome"] == "comment", "the comment")

        # --- Teams: one Adaptive Card in the Workflows envelope, accepted with 202
        post = c.teams.wait_sent(what="the Teams alert")[0]
        check(post.status == 202, f"Teams answered {post.status}")
        card = TeamsWorkflow.card(post)
        check(card["type"] == "AdaptiveCard" and card["version"] == "1.4"
              and card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json", f"the card: {card}")
        texts = [b.get("text", "") for b in card["body"] if b["type"] == "TextBlock"]
        facts = {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]}
        check(texts[0] == "Matala arvio 2/5: Maija Virtanen (sales / meeting)", f"the title: {texts}")
        check(facts.get("Arvio") == "2 (1-5)" and facts.get("Vaihe") == "meeting" and facts.get("Kommentti") == COMMENT
              and facts.get("Asiakas") == "Maija Virtanen" and facts.get("Vastuuhenkilö") == "Advisor",
              f"the facts (fi, the default locale): {facts}")
        check(any(COMMENT in t for t in texts), f"the comment in the text: {texts}")

        # --- signed webhook: verified here with the documented scheme, the card as data
        post = c.webhook.wait_sent(what="the signed webhook")[0]
        ts, sig = post.headers["X-Cxgate-Timestamp"], post.headers["X-Cxgate-Signature"]
        check(verify_cxgate(c.webhook.secret, ts, post.body, sig), f"signature {sig} over {ts}")
        check(abs(int(ts) - time.time()) < 60, f"the timestamp is the real time, not the manual clock: {ts}")
        envelope = post.json
        check(envelope["type"] == "alert.opened" and envelope["id"] == post.headers["X-Cxgate-Event-Id"]
              and envelope["id"].startswith("evt_"), f"the envelope: {envelope}")
        data = envelope["data"]
        check(data["survey_id"] == survey_id and data["event"] == "alert.opened"
              and data["created_at"] == "2026-11-16T08:00:00Z", f"the card's ids and time: {data}")
        check({"label": "Kommentti", "value": COMMENT} in data["facts"]
              and {"label": "Arvio", "value": "2 (1-5)"} in data["facts"], f"the card's facts: {data['facts']}")
        # The alert's page is the card's one action: acknowledge or resolve it from the room.
        check(len(data["actions"]) == 1 and data["actions"][0]["label"] == "Kuittaa tai ratkaise"
              and "/a/" in data["actions"][0]["url"] and isinstance(data.get("alert_id"), int),
              f"the card's action: {data}")

        # --- Slack: 429 first; queued for Retry-After, not before
        first = c.slack.wait_for(lambda r: r.status == 429, "Slack's 429")[0]
        check(first.problems == [], f"the first Slack payload is clean: {first.problems}")

        def slack_alert():
            rows = [m for m in d.outbox() if m["kind"] == "alert" and m["channel"] == "slack"]
            return rows[0] if rows else None

        m = eventually(lambda: (lambda m: m if m and m["state"] == "queued" and m.get("next_attempt_at") else None)(
            slack_alert()), "the Slack alert queued for its retry")
        check(m["to"] == "#sales-alerts" and m["error_code"] == "rate_limited" and m["attempts"] == 1,
              f"queued after 429: {m}")
        check(m["next_attempt_at"] == "2026-11-16T08:00:30Z", f"Retry-After 30 s honoured: {m}")
        d.advance("20s")
        time.sleep(1.0)
        check(len(c.slack.snapshot()) == 1, f"not retried before Retry-After: {c.slack.snapshot()}")
        d.advance("11s")
        post = c.slack.wait_sent(what="the Slack alert after its retry")[0]
        eventually(lambda: (lambda m: m if m and m["state"] == "sent" else None)(slack_alert()), "the Slack alert sent")
        payload = post.json
        check(payload["text"].startswith("Matala arvio 2/5: Maija Virtanen (sales / meeting)"),
              f"the fallback text: {payload['text'][:200]}")
        check([b["type"] for b in payload["blocks"]] == ["header", "section", "section", "actions", "context"],
              f"the blocks: {payload['blocks']}")
        button = payload["blocks"][3]["elements"][0]
        check(button["type"] == "button" and "/a/" in button["url"], f"the alert's page as a button: {button}")
        escaped = "Odotin 40 min &amp; &lt;jono&gt; ei liikkunut"
        fields = [f["text"] for f in c.slack.blocks_of(post, "section")[1]["fields"]]
        check("*Kommentti*\n" + escaped in fields and "*Arvio*\n2 (1-5)" in fields
              and "*Vaihe*\nmeeting" in fields, f"the fields, escaped: {fields}")
        check(escaped in payload["blocks"][1]["text"]["text"], "the comment escaped in the text")

        # --- the archived channel: failed for good, Slack's reason kept, not retried
        def old_room():
            rows = [m for m in d.outbox() if m["kind"] == "alert" and m["channel"] == "slack-old"]
            return rows[0] if rows and rows[0]["state"] == "failed" else None

        m = eventually(old_room, "the archived channel's alert failed")
        check(m["error"] == "channel_is_archived" and m["error_code"] == "channel_is_archived"
              and m["attempts"] == 1 and "next_attempt_at" not in m, f"kept reason: {m}")
        d.advance("2h")
        time.sleep(1.0)
        check(len(c.archived.snapshot()) == 1, f"never retried: {c.archived.snapshot()}")
        check(c.archived.snapshot()[0].response_body == b"channel_is_archived", "Slack's body")

        # --- nothing twice; every payload passed its checks
        alerts = [m for m in d.outbox() if m["kind"] == "alert"]
        check(sorted((m["channel"], m["state"]) for m in alerts)
              == [("hook", "sent"), ("slack", "sent"), ("slack-old", "failed"), ("teams", "sent")],
              f"one alert per target: {[(m['channel'], m['to'], m['state']) for m in alerts]}")
        check(len(c.slack.sent()) == 1 and len(c.slack.snapshot()) == 2, f"Slack: {c.slack.snapshot()}")
        check(len(c.teams.snapshot()) == 1 and len(c.webhook.snapshot()) == 1,
              f"Teams {c.teams.snapshot()}, webhook {c.webhook.snapshot()}")
        c.assert_clean()
        hook = next(m for m in alerts if m["channel"] == "hook")
        check(hook["provider_id"] == envelope["id"], f"the event id is the outbox's provider id: {hook}")

    # --- a chat channel cannot carry a survey
    flow = os.path.join(workdir, "flows", "sales.yaml")
    with open(flow, "w") as f:
        f.write(FLOW.replace("    channel: sms\n", "    channel: [sms, slack]\n"))
    res = subprocess.run([d.binary, "check", "--config", config], capture_output=True, text=True, env=d.env,
                         timeout=30)
    check(res.returncode != 0 and f"{flow}:7:20: error: step \"meeting\": channel \"slack\" is a chat channel"
          in res.stdout + res.stderr, f"check refuses it: {res.stdout}{res.stderr}")


if __name__ == "__main__":
    run(test)
