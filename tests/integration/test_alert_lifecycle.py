"""An alert's life on the real binary: a low score alerts the advisor with a link; the link's
page shows the alert without changing it (mail scanners open links), refuses forged links
and forms from other sites, and acknowledges and resolves with who and what was done; an
alert nobody acknowledges escalates to the lead after alerts.escalate_after of business
time, not on a Saturday, then to the next level; the API and /metrics show the times.

On a manual clock from Friday 2026-11-27 14:00 (Helsinki) with the flow's window 09-17 on
weekdays and escalate_after 4h: 3 hours on Friday, 1 on Monday, so the lead hears of it on
Monday 2026-11-30 at 10:00, the lead's lead (s-2) 4 business hours later at 14:00."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from harness import SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, set_staff, write_config

FLOW = """flow: cx
timezone: Europe/Helsinki
send_window: { days: mon-fri, from: "09:00", to: "17:00" }
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: sms
    follow_up: none
    alert: { when: "score <= 2", notify: [staff] }
"""

STAFF = """staff:
  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }
  - { id: s-1, name: Lead, email: lead@example.com, lead: s-2 }
  - { id: s-2, name: Director, email: director@example.com }
"""


def fetch(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, dict(res.headers), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def form(**fields):
    return urllib.parse.urlencode(fields).encode()


def low_score(d, n, score="1"):
    phone = f"+35840123{n:04d}"
    status, body = d.event({"id": f"m-{n}", "type": "meeting.completed", "contact": {"phone": phone, "name": "Maija"},
                            "staff": {"id": "s-7"}})
    check(status == 202 and body["scheduled"], f"event: {status} {body}")
    d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", "survey sent")
    check(d.reply(phone, score)["outcome"] == "score", "the low score is recorded")
    alert = d.wait_outbox(lambda m: m["kind"] == "alert" and m["to"] == "advisor@example.com"
                          and m.get("survey") == body["scheduled"][0]["id"], "the advisor's alert")[0]
    link = re.search(r"(http://\S+/a/\S+)", alert["body"])
    check(link, f"the alert carries its link:\n{alert['body']}")
    return alert, link.group(1)


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW})
    set_staff(config, STAFF)
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("alerts:\n  channel: email\n", "alerts:\n  channel: email\n  escalate_after: 4h\n"))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-27T14:00:00+02:00").start(port=port)

    alert, link = low_score(d, 1)
    # The page: the alert, a form to acknowledge and one to resolve; nothing changes on GET.
    status, headers, page = fetch(link)
    check(status == 200 and "Maija" in page and 'value="acknowledge"' in page and 'value="resolve"' in page,
          f"GET {link}: {status}\n{page[:2000]}")
    check(headers.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""),
          f"the page cannot be framed: {headers}")
    status, alerts = d.request("GET", "/v1/alerts")
    check(status == 200 and len(alerts) == 1 and alerts[0]["state"] == "open", f"after GET: {alerts}")
    alert_id = alerts[0]["id"]
    check(alerts[0]["escalates_at"] == "2026-11-30T08:00:00Z", f"escalates Monday 10:00 local: {alerts[0]}")

    # A forged link and a form posted from another site do nothing.
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    check(fetch(forged)[0] == 404, "a forged link is refused")
    status, _, _ = fetch(link, form(action="acknowledge", by="Mallory"),
                         {"Origin": "https://evil.example.com", "Content-Type": "application/x-www-form-urlencoded"})
    check(status == 403, f"a form from another site: {status}")

    # Saturday: no escalation. Monday 10:00: the lead.
    d.request("POST", "/v1/clock", {"set": "2026-11-28T12:00:00+02:00"})
    d.request("POST", "/v1/clock", {"set": "2026-11-29T23:00:00+02:00"})
    check(not [m for m in d.outbox() if m["to"] == "lead@example.com"], "nothing reaches the lead over the weekend")
    d.request("POST", "/v1/clock", {"set": "2026-11-30T09:59:00+02:00"})
    check(not [m for m in d.outbox() if m["to"] == "lead@example.com"], "nor before Monday 10:00")
    d.request("POST", "/v1/clock", {"set": "2026-11-30T10:00:00+02:00"})
    escalated = d.wait_outbox(lambda m: m["kind"] == "alert" and m["to"] == "lead@example.com", "the lead's alert")[0]
    check("/a/" in escalated["body"], f"the escalation carries the link: {escalated['body']}")
    status, a = d.request("GET", f"/v1/alerts/{alert_id}")
    check(a["level"] == 1 and a["escalates_at"] == "2026-11-30T12:00:00Z", f"level 1, next Monday 14:00: {a}")

    # The lead acknowledges from the page: no more escalation.
    status, _, page = fetch(link, form(action="acknowledge", by="Lead"),
                            {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 200 and "Lead" in page and 'value="acknowledge"' not in page, f"acknowledged: {status}\n{page[:1500]}")
    d.request("POST", "/v1/clock", {"set": "2026-12-01T16:00:00+02:00"})
    check(not [m for m in d.outbox() if m["to"] == "director@example.com"], "an acknowledged alert does not escalate")

    # Resolved through the API with what was done.
    status, a = d.request("POST", f"/v1/alerts/{alert_id}",
                          {"action": "resolve", "by": "Lead", "resolution": "called_back", "note": "Rebooked the meeting"})
    check(status == 200 and a["state"] == "resolved" and a["note"] == "Rebooked the meeting"
          and a["acknowledged_by"] == "Lead" and a["seconds_to_acknowledge"] == 3 * 86400 - 4 * 3600,
          f"resolved: {status} {a}")
    status, a = d.request("POST", f"/v1/alerts/{alert_id}", {"action": "acknowledge", "by": "Late"})
    check(status == 409, f"acknowledging a resolved alert: {status} {a}")
    status, a = d.request("POST", f"/v1/alerts/{alert_id}", {"action": "resolve", "by": "x", "resolution": "maybe"})
    check(status == 200, "resolving twice changes nothing")

    # A second alert, resolved straight from its page; nobody above acknowledges it.
    _, link2 = low_score(d, 2)
    status, _, page = fetch(link2, form(action="resolve", by="Advisor", resolution="solved", note="Sorted on the phone"),
                            {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 200 and "Sorted on the phone" in page and 'value="resolve"' not in page,
          f"resolved on the page: {page[:1500]}")

    status, metrics = d.request("GET", "/metrics", token=None)
    for line in ("cxgate_alerts_opened_total 2", "cxgate_alerts_acknowledged_total 2",
                 "cxgate_alerts_resolved_total 2", "cxgate_alerts_escalated_total 1", "cxgate_alerts_unresolved 0",
                 "cxgate_alert_time_to_resolve_seconds_count 2"):
        check(line in metrics, f"/metrics: {line}")
    status, open_ones = d.request("GET", "/v1/alerts?state=open")
    check(status == 200 and open_ones == [], f"none open: {open_ones}")

    # The report of how alerts were handled: the first took 3 days less 4 hours to acknowledge
    # (Friday 14:00 to Monday 10:00), the second was resolved at once.
    res = d.cli("alerts", "--config", d.config, "--db", d.db, "--by", "staff", "--json")
    rows = json.loads(res.stdout)["rows"]
    check(len(rows) == 1 and rows[0]["staff"] == "s-7" and rows[0]["opened"] == 2 and rows[0]["resolved"] == 2
          and rows[0]["escalated"] == 1 and rows[0]["resolutions"] == {"called_back": 1, "solved": 1},
          f"cxgate alerts: {rows}")
    check(rows[0]["median_seconds_to_acknowledge"] == (3 * 86400 - 4 * 3600) / 2, f"median to acknowledge: {rows}")
    text = d.cli("alerts", "--config", d.config, "--db", d.db).stdout
    check("all" in text and "1d 10h" in text, f"cxgate alerts as a table:\n{text}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
