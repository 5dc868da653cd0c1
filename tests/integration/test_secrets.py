"""Only `serve` and `check` need the service's secrets. On a server they sit in the unit's
EnvironmentFile (root's); an operator runs `report`, `outbox`, `simulate` and `reply`
without them. Here the daemon runs with every secret set (an API token, a provider's
auth token, a CRM source's secret), and each other command runs with none of them set."""
import json
import os
import subprocess

from harness import TOKEN, check, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }
  twilio:
    type: twilio
    from: "+358450000001"
    account_sid: AC0123456789abcdef0123456789abcdef
    auth_token: ${CXGATE_IT_TWILIO_AUTH_TOKEN}
    base_url: http://127.0.0.1:9"""

FLOW = """flow: secrets
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
"""

SOURCES = """sources:
  crm:
    secret: ${CXGATE_IT_CRM_SECRET}
    types: [{ type: meeting.completed }]
    fields: { id: "crm-{id}", contact.phone: phone }
"""

SECRETS = {"CXGATE_API_TOKEN": TOKEN, "CXGATE_IT_TWILIO_AUTH_TOKEN": "twilio-auth-token-0123456789",
           "CXGATE_IT_CRM_SECRET": "crm-secret-0123456789"}


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"secrets": FLOW}, extra=SOURCES)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.env.update(SECRETS)
    d.start(port=port)
    status, body = d.event({"id": "e1", "type": "meeting.completed", "contact": {"phone": "040 123 4567"}})
    check(status == 202 and body["scheduled"], f"event: {body}")
    d.wait_outbox(lambda m: m["kind"] == "survey" and m["state"] == "sent", "the survey sent")

    bare = {k: v for k, v in os.environ.items() if k not in SECRETS}

    def cli(*args, env=bare):
        return subprocess.run([d.binary, *args], capture_output=True, text=True, env=env, timeout=60)

    # serve and check still require every secret.
    res = cli("check", "--config", config)
    check(res.returncode == 1 and "CXGATE_IT_TWILIO_AUTH_TOKEN is not set" in res.stdout
          and "CXGATE_API_TOKEN is not set" in res.stdout, f"check without secrets: {res.stdout}")

    res = cli("report", "--config", config, "--db", d.db, "--flow", "secrets")
    check(res.returncode == 0 and "(no answers yet)" in res.stdout, f"report: {res.returncode} {res.stdout}{res.stderr}")
    res = cli("outbox", "--config", config, "--db", d.db, "--json")
    check(res.returncode == 0 and json.loads(res.stdout)[0]["kind"] == "survey",
          f"outbox: {res.returncode} {res.stdout}{res.stderr}")

    events = os.path.join(workdir, "events.jsonl")
    with open(events, "w") as f:
        f.write(json.dumps({"id": "s1", "type": "meeting.completed", "occurred_at": "2026-11-23T10:00:00+02:00",
                            "contact": {"phone": "040 123 4567"}}) + "\n")
    res = cli("simulate", "--config", config, "--flow", "secrets", "--events", events)
    check(res.returncode == 0 and "meeting #1 (csat) via sms" in res.stdout,
          f"simulate: {res.returncode} {res.stdout}{res.stderr}")

    # reply needs the API token only: --token, or CXGATE_API_TOKEN alone.
    res = cli("reply", "--config", config, "--url", d.url, "+358401234567", "5", "--token", TOKEN)
    check(res.returncode == 0 and json.loads(res.stdout)["score"] == 5, f"reply --token: {res.stdout}{res.stderr}")
    res = cli("reply", "--config", config, "--url", d.url, "+358401234567", "hyvä", env=dict(bare, CXGATE_API_TOKEN=TOKEN))
    check(res.returncode == 0, f"reply with CXGATE_API_TOKEN only: {res.stdout}{res.stderr}")
    res = cli("reply", "--config", config, "--url", d.url, "+358401234567", "5")
    check(res.returncode == 2 and "no API token" in res.stderr, f"reply without a token: {res.returncode} {res.stderr}")

    res = cli("report", "--config", config, "--db", d.db, "--flow", "secrets")
    check(res.returncode == 0 and "meeting" in res.stdout, f"report after the reply: {res.stdout}{res.stderr}")


if __name__ == "__main__":
    run(test)
