"""CRM webhooks as they are: POST /v1/events/{source} with Pipedrive (v1 current/previous/
meta) and HubSpot bodies, mapped by `sources:` in cxgate.yaml, authenticated by the
source's secret, recorded through the normal ingest path (idempotent on the mapped id)."""
import base64
import json
import os
import re
import urllib.request

from harness import TOKEN, check, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }"""

FLOW = """flow: crm
steps:
  - id: close
    on: [deal.won, deal.lost]
    survey: { metric: nps }
    channel: [sms, email]
"""

SECRET = "pipedrive-secret-0123456789"

SOURCES = """sources:
  pipedrive:
    secret: ${PIPEDRIVE_WEBHOOK_SECRET}
    types:
      - { type: deal.won,  when: 'meta.object == "deal" && current.status == "won" && previous.status != "won"' }
      - { type: deal.lost, when: 'meta.object == "deal" && current.status == "lost" && previous.status != "lost"' }
    fields:
      id: "pipedrive-deal-{current.id}-{current.status}"
      occurred_at: meta.timestamp
      contact.id: "pipedrive-person-{current.person_id}"
      contact.phone: current.9dc80c8d4b1a7e6f3c2b1a0d9e8f7a6b5c4d3e2f?
      contact.email: current.5e8f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f?
      contact.name: current.person_name?
      contact.locale: { const: fi }
      staff.id: "pd-user-{current.user_id}"
      staff.name: current.owner_name?
      attributes.deal_value: current.value?
  hubspot:
    secret: ${PIPEDRIVE_WEBHOOK_SECRET}
    type_from: { path: propertyValue, map: { closedwon: deal.won, closedlost: deal.lost } }
    fields:
      id: "hubspot-{eventId}"
      occurred_at: occurredAt
      contact.id: "hubspot-deal-{objectId}"
      contact.email: properties.email.value
"""


def post(d, path, body, headers):
    req = urllib.request.Request(d.url + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    for k, v in headers.items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, json.loads(res.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode())


def data(d, name):
    with open(os.path.join(d.source, "tests", "data", "sources", name)) as f:
        return json.load(f)


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"crm": FLOW}, extra=SOURCES)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.env["PIPEDRIVE_WEBHOOK_SECRET"] = SECRET
    d.start(port=port)
    won = data(d, "pipedrive-deal-won.json")

    # Authentication: no secret, a wrong one -> 401 and nothing recorded.
    status, body = post(d, "/v1/events/pipedrive", won, {})
    check(status == 401, f"no secret: {status} {body}")
    status, body = post(d, "/v1/events/pipedrive", won, {"X-Cxgate-Secret": "wrong-wrong-wrong-wrong"})
    check(status == 401, f"wrong secret: {status} {body}")
    status, body = post(d, "/v1/events/nosuch", won, {"Authorization": f"Bearer {TOKEN}"})
    check(status == 404, f"unknown source: {status} {body}")

    # Pipedrive's webhook settings offer HTTP Basic auth: the password is the secret.
    basic = base64.b64encode(f"pipedrive:{SECRET}".encode()).decode()
    status, body = post(d, "/v1/events/pipedrive", won, {"Authorization": f"Basic {basic}"})
    check(status == 202, f"won: {status} {body}")
    check(len(body["events"]) == 1, f"one event: {body}")
    ev = body["events"][0]
    check(ev["event"] == "pipedrive-deal-4242-won" and not ev["duplicate"], f"event: {ev}")
    check(ev["scheduled"][0]["address"] == "+358401234567" and ev["scheduled"][0]["step"] == "close", f"{ev}")

    # Pipedrive retries a webhook it thinks failed: the same mapped id is a duplicate.
    status, body = post(d, "/v1/events/pipedrive?secret=" + SECRET, won, {})
    check(status == 202 and body["events"][0]["duplicate"], f"retry: {body}")

    # A later update of the won deal (previous.status is won) matches no rule: 202, ignored.
    noted = json.loads(json.dumps(won))
    noted["previous"] = {"status": "won", "notes_count": 1}
    status, body = post(d, "/v1/events/pipedrive", noted, {"X-Cxgate-Secret": SECRET})
    check(status == 202 and body["events"] == [] and body["ignored"] == ["no type rule of source pipedrive matched"],
          f"ignored: {body}")

    # A mapping error names the missing path and the event field.
    broken = json.loads(json.dumps(won))
    broken["current"]["status"] = "lost"
    del broken["current"]["user_id"]
    status, body = post(d, "/v1/events/pipedrive", broken, {"X-Cxgate-Secret": SECRET})
    check(status == 422 and body["path"] == "current.user_id" and body["field"] == "staff.id"
          and "missing path current.user_id" in body["error"], f"missing path: {status} {body}")

    # A mapped event that the ingest path refuses: the field is named as for /v1/events.
    bad_phone = json.loads(json.dumps(won))
    bad_phone["current"]["id"] = 4243
    bad_phone["current"]["9dc80c8d4b1a7e6f3c2b1a0d9e8f7a6b5c4d3e2f"] = "040 123"
    status, body = post(d, "/v1/events/pipedrive", bad_phone, {"X-Cxgate-Secret": SECRET})
    check(status == 400 and body["field"] == "contact.phone", f"bad phone: {status} {body}")

    # HubSpot: a batch of subscription events; the closedwon one becomes an event, the
    # other stage is ignored; a missing email is named with the element's index.
    batch = data(d, "hubspot-deal-batch.json")
    status, body = post(d, "/v1/events/hubspot", batch, {"Authorization": f"Bearer {SECRET}"})
    check(status == 422 and body["path"] == "properties.email.value" and body["error"].startswith("source hubspot: [0]:"),
          f"hubspot missing: {status} {body}")
    check(status == 422 and len(body["rejected"]) == 1 and body["rejected"][0]["index"] == 0, f"{body}")
    # One bad element does not hold back the others (the CRM retries the whole request):
    # the good one is recorded, the bad one listed under "rejected" with its index.
    mixed = json.loads(json.dumps(batch))
    mixed[0]["properties"] = {"email": {"value": "buyer@example.com"}}
    mixed[1]["propertyValue"] = "closedlost"
    status, body = post(d, "/v1/events/hubspot", mixed, {"Authorization": f"Bearer {SECRET}"})
    check(status == 202 and [e["event"] for e in body["events"]] == ["hubspot-3816279340"], f"mixed: {status} {body}")
    check([(r["index"], r["path"], r["status"]) for r in body["rejected"]] == [(1, "properties.email.value", 422)],
          f"mixed rejected: {body}")
    mixed[1]["properties"] = {"email": {"value": "not-an-email"}}
    mixed[1]["eventId"] = 3816279342
    status, body = post(d, "/v1/events/hubspot", mixed, {"Authorization": f"Bearer {SECRET}"})
    check(status == 202 and body["events"][0]["duplicate"] and body["rejected"][0]["status"] == 400
          and body["rejected"][0]["field"] == "contact.email", f"invalid mapped element: {status} {body}")
    for item in batch:
        item["properties"] = {"email": {"value": "buyer@example.com"}}
    status, body = post(d, "/v1/events/hubspot", batch, {"Authorization": f"Bearer {SECRET}"})
    check(status == 202 and [e["event"] for e in body["events"]] == ["hubspot-3816279340"] and len(body["ignored"]) == 1,
          f"hubspot batch: {status} {body}")
    check(body["events"][0]["duplicate"] and body["rejected"] == [], f"{body}")

    # The API token is accepted too (an operator replaying a body by hand).
    status, body = post(d, "/v1/events/hubspot", batch, {"Authorization": f"Bearer {TOKEN}"})
    check(status == 202 and body["events"][0]["duplicate"], f"token: {body}")
    d.stop()

    # The sources block of docs/flow-tools.md, as written, on the repository's own samples.
    with open(os.path.join(source, "docs", "flow-tools.md")) as f:
        doc = f.read()
    block = re.search(r"```yaml\n(sources:\n.*?)```", doc, re.S).group(1)
    docdir = os.path.join(workdir, "doc-config")
    os.makedirs(docdir)
    config = write_config(docdir, source, CHANNELS, {"crm": FLOW}, extra=block)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.db = os.path.join(docdir, "cxgate.db")
    d.env["PIPEDRIVE_WEBHOOK_SECRET"] = SECRET
    d.env["HUBSPOT_WEBHOOK_SECRET"] = "hubspot-secret-0123456789"
    d.start(port=port)
    status, body = post(d, "/v1/events/pipedrive", won, {"X-Cxgate-Secret": SECRET})
    check(status == 202 and body["events"][0]["scheduled"][0]["address"] == "+358401234567",
          f"documented pipedrive mapping: {status} {body}")
    status, body = post(d, "/v1/events/hubspot", data(d, "hubspot-contact-workflow.json"),
                        {"X-Cxgate-Secret": "hubspot-secret-0123456789"})
    check(status == 202 and [e["event"] for e in body["events"]] == ["hubspot-951-customer"]
          and body["events"][0]["scheduled"][0]["address"] == "+358401234567",
          f"documented hubspot mapping, workflow sample: {status} {body}")


if __name__ == "__main__":
    run(test)
