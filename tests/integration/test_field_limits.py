"""Text fields of an event (and a webhook's ids) are capped at ingest, with a 400 naming
the field and the limit: a 30,000-character contact name used to be accepted and became a
197-segment SMS. Limits are in README ("Limits")."""
from harness import check, run


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    base = {"type": "meeting.completed", "contact": {"phone": "0401234567"}}
    status, body = d.event(dict(base, id="long", contact={"phone": "0401234567", "name": "x" * 30000}))
    check(status == 400 and body["field"] == "contact.name" and "200 characters" in body["error"],
          f"30,000-character name: {status} {body}")
    status, body = d.event(dict(base, id="seg", contact={"phone": "0401234567", "segment": "s" * 5000}))
    check(status == 400 and body["field"] == "contact.segment" and "100 characters" in body["error"],
          f"long segment: {status} {body}")
    status, body = d.event(dict(base, id="staff", staff={"id": "s-7", "name": "n" * 5000}))
    check(status == 400 and body["field"] == "staff.name", f"long staff name: {status} {body}")
    # A webhook's message id and sender have limits too (200 and 320 characters).
    status, body = d.request("POST", "/webhooks/sms/inbound", {"from": "+358401234567", "text": "9", "id": "i" * 5000})
    check(status == 400 and body["error"] == "id: longer than 200 characters", f"long webhook id: {status} {body}")
    status, body = d.request("POST", "/webhooks/sms/inbound", {"from": "f" * 5000, "text": "9", "id": "in-1"})
    check(status == 400 and body["error"] == "from: longer than 320 characters", f"long sender: {status} {body}")
    check(d.outbox() == [], "nothing was recorded")

    # At the limit: accepted, and the SMS stays a few segments long.
    status, body = d.event(dict(base, id="ok", contact={"phone": "0401234567", "name": "Å" * 200}))
    check(status == 202 and body["scheduled"], f"200-character name: {status} {body}")
    sms = d.wait_outbox(lambda m: m["kind"] == "survey" and m["state"] == "sent", "the survey SMS")[0]
    check(len(sms["body"]) < 600, f"the SMS: {len(sms['body'])} characters")


run(test)
