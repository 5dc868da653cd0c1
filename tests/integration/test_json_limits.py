"""JSON from outside, at every place the daemon parses it: deeply nested bodies are refused
with a 400 that names the limit (they used to overflow the stack: depth 100,000 killed the
daemon with SIGSEGV once max_body_bytes was raised), and numbers a double cannot hold
("1e999") are a 400 naming the field (they used to be a 500). Entry points: POST
/v1/events, a CRM source (POST /v1/events/{source}), a sandbox webhook, a signed generic
`http` webhook, POST /v1/clock. After all of it the daemon still answers."""
import hashlib
import hmac
import urllib.error
import urllib.request

from harness import TOKEN, check, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }
  hooks: { type: http, kind: sms, from: "+358500000002", url: "http://127.0.0.1:9/send", hmac_secret: "${HOOK_SECRET}" }"""

FLOW = """flow: crm
steps:
  - id: close
    on: [deal.won]
    survey: { metric: nps }
    channel: sms
"""

SOURCE_SECRET = "crm-secret-0123456789abcdef"
HOOK_SECRET = "hook-secret-0123456789abcdef"

SOURCES = """sources:
  crm:
    secret: ${CRM_SECRET}
    types:
      - { type: deal.won }
    fields:
      id: "crm-{id}"
      contact.phone: phone
      attributes.extra: extra?
"""


def post(d, path, body, headers=None):
    req = urllib.request.Request(d.url + path, data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def nested(depth):
    return b"[" * depth + b"]" * depth


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"crm": FLOW}, extra=SOURCES)
    with open(config) as f:
        text = f.read()
    # A large body limit, as an operator importing big CRM payloads might set: the depth
    # limit must hold on its own, not thanks to the body limit.
    with open(config, "w") as f:
        f.write(text.replace("server:\n", "server:\n  max_body_bytes: 4194304\n", 1))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.env["CRM_SECRET"] = SOURCE_SECRET
    d.env["HOOK_SECRET"] = HOOK_SECRET
    d.start(port=port)
    bearer = {"Authorization": f"Bearer {TOKEN}"}

    def event_with(attributes_json):
        return (b'{"id": "deep", "type": "deal.won", "contact": {"phone": "0401234567"}, '
                b'"attributes": {"a": ' + attributes_json + b'}}')

    def refused_for_depth(status, body, what):
        check(status == 400 and "nested deeper than 64 levels" in body, f"{what}: {status} {body[:300]}")

    # Depth 5,000 (10 KB, under the default body limit) and 100,000.
    for depth in (5000, 100000):
        status, body = post(d, "/v1/events", event_with(nested(depth)), bearer)
        refused_for_depth(status, body, f"event at depth {depth}")
    # The limit itself: 64 levels in all are fine, 65 are not.
    status, body = post(d, "/v1/events", event_with(nested(62)), bearer)
    check(status == 202, f"62 levels under attributes.a (64 in all): {status} {body[:300]}")
    status, body = post(d, "/v1/events", b'{"x": ' * 65 + b"1" + b"}" * 65, bearer)
    refused_for_depth(status, body, "65 levels of objects")

    crm = b'{"id": 1, "phone": "0401234567", "extra": ' + nested(100000) + b"}"
    status, body = post(d, "/v1/events/crm", crm, {"X-Cxgate-Secret": SOURCE_SECRET})
    refused_for_depth(status, body, "CRM source")

    sandbox = b'{"from": "+358401234567", "text": "9", "id": "in-1", "x": ' + nested(100000) + b"}"
    status, body = post(d, "/webhooks/sms/inbound", sandbox, bearer)
    refused_for_depth(status, body, "sandbox webhook")

    hook = b'{"from": "+358401234567", "text": "9", "id": "in-2", "x": ' + nested(100000) + b"}"
    mac = hmac.new(HOOK_SECRET.encode(), hook, hashlib.sha256).hexdigest()
    status, body = post(d, "/webhooks/hooks/inbound", hook, {"X-Signature": mac})
    refused_for_depth(status, body, "generic http webhook")

    status, body = post(d, "/v1/clock", b'{"advance": ' + nested(100000) + b"}", bearer)
    refused_for_depth(status, body, "/v1/clock")

    # Numbers out of a double's range: a 400 naming the field, everywhere.
    status, body = post(d, "/v1/events", b'{"id": "n1", "type": "deal.won", "contact": '
                        b'{"phone": "0401234567"}, "deal_id": 1e999}', bearer)
    check(status == 400 and '"field":"deal_id"' in body, f"deal_id 1e999: {status} {body}")
    status, body = post(d, "/v1/events", b'{"id": "n2", "type": "deal.won", "contact": '
                        b'{"phone": "0401234567"}, "attributes": {"deal_id": -1e999}}', bearer)
    check(status == 400 and '"field":"attributes.deal_id"' in body, f"attributes.deal_id: {status} {body}")
    status, body = post(d, "/webhooks/sms/inbound",
                        b'{"from": "+358401234567", "text": "9", "id": 1e999}', bearer)
    check(status == 400 and "id: number out of range" in body, f"sandbox id 1e999: {status} {body}")
    status, body = post(d, "/v1/events/crm", b'{"id": 1e999, "phone": "0401234567"}',
                        {"X-Cxgate-Secret": SOURCE_SECRET})
    check(status == 400 and '"field":"id"' in body, f"CRM id 1e999: {status} {body}")
    status, body = post(d, "/v1/clock", b'{"advance": 1e999}', bearer)
    check(status == 400 and '"field":"advance"' in body, f"clock 1e999: {status} {body}")

    # Nothing of it was recorded, and the daemon is fine.
    status, body = post(d, "/v1/events", b'{"id": "ok", "type": "deal.won", "contact": '
                        b'{"phone": "0401234567"}}', bearer)
    check(status == 202 and '"event":"ok"' in body, f"a normal event afterwards: {status} {body}")
    check(d.request("GET", "/healthz")[0] == 200, "healthz")
    check("request failed" not in d.read_log(), "no request ended in an exception (500)")


run(test)
