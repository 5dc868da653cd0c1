"""One customer through every touchpoint of the bundled mortgage funnel, on the real binary
with its bundled configuration and a manual clock: booking on Monday, the meeting (and the
offer) on Wednesday, follow-up calls three and five business days later, the deal won within
seven. Replies arrive through the sandbox channels' inbound webhooks (POST
/webhooks/{channel}/inbound, as a provider would post them), some surveys are answered and
some are not: each touchpoint is surveyed right after it with its own question, an
unanswered survey is superseded by the next one (a later reply goes to the newest), every
score is followed by "why?", every reply lands on the right survey, and the advisor is
alerted as the flow says."""
import itertools

from harness import check, eventually, run

PHONE = "+358401234567"
EMAIL = "maija.virtanen@example.com"
CONTACT = {"id": "c-1001", "phone": "040 123 4567", "email": EMAIL, "name": "Maija Virtanen",
           "locale": "fi", "segment": "first-home"}
STAFF = {"id": "s-7", "name": "Anna Laine"}  # the directory adds advisor@example.com, lead s-1
_ids = itertools.count(1)


def event(d, event_id, event_type):
    status, body = d.event({"id": event_id, "type": event_type, "deal_id": "D-1001",
                            "contact": CONTACT, "staff": STAFF})
    check(status == 202, f"{event_id}: {status} {body}")
    return body


def reply(d, channel, address, text):
    """A customer's reply exactly as the sandbox provider posts it to the webhook."""
    status, body = d.request("POST", f"/webhooks/{channel}/inbound",
                             {"from": address, "text": text, "id": f"in-{next(_ids)}"})
    check(status == 200, f"webhook {channel}: {status} {body}")
    return body


def set_clock(d, instant):
    status, body = d.request("POST", "/v1/clock", {"set": instant})
    check(status == 200, f"clock: {status} {body}")


def messages(d, to, kind):
    return [m for m in d.outbox() if m["to"] == to and m["kind"] == kind and m["state"] == "sent"]


def sent(d, to, kind, count):
    return eventually(lambda: (lambda rows: rows if len(rows) >= count else None)(messages(d, to, kind)),
                      f"{count} sent {kind} message(s) to {to}")


def survey_of(d, body, step):
    found = [s for s in body["scheduled"] if s["step"] == step]
    check(len(found) == 1, f"one {step} survey scheduled: {body}")
    return found[0]


def test(make_daemon, workdir):
    # Monday 23 Nov 2026, 10:00 Helsinki: the customer books a meeting through the chat.
    d = make_daemon(now="2026-11-23T10:00:00+02:00").start()

    # --- booking -> CES by SMS ten minutes later; answered: 1 (very easy), then why
    booking = survey_of(d, event(d, "book-1", "appointment.booked"), "booking")
    check(booking["due_at"] == "2026-11-23T08:10:00Z" and booking["template"] == "booking-ces", f"{booking}")
    d.advance("10m")
    ces = sent(d, PHONE, "survey", 1)[0]
    check("ajan varaaminen" in ces["body"] and ces["body"].startswith("Hei Maija!"), f"booking question: {ces['body']}")
    out = reply(d, "sms", PHONE, "1")
    check(out["outcome"] == "score" and out["survey"] == booking["id"] and out["score"] == 1, f"{out}")
    sent(d, PHONE, "why", 1)
    out = reply(d, "sms", PHONE, "Chatissa sai ajan heti")
    check(out["outcome"] == "comment" and out["survey"] == booking["id"], f"booking comment: {out}")

    # --- Wednesday 14:00: the meeting -> CSAT right after it, about the meeting and the advisor
    set_clock(d, "2026-11-25T14:00:00+02:00")
    meeting = survey_of(d, event(d, "meet-1", "meeting.completed"), "meeting")
    check(meeting["due_at"] == "2026-11-25T12:00:00Z", f"right after the meeting: {meeting}")
    csat = sent(d, PHONE, "survey", 2)[-1]
    check("tapaamiseen" in csat["body"] and "Anna Laine" in csat["body"], f"meeting question: {csat['body']}")
    # Not answered.

    # --- Monday 30 Nov 11:00 (three business days after the offer): a follow-up call
    set_clock(d, "2026-11-30T11:00:00+02:00")
    body = event(d, "call-1", "call.completed")
    call1 = survey_of(d, body, "follow-up-call")
    check(f"survey {meeting['id']} (meeting) awaits its answer on {PHONE}" in call1["waiting"]
          and "superseded" in call1["waiting"], f"the 202 says the meeting CSAT will be superseded: {call1}")
    call_question = sent(d, PHONE, "survey", 3)[-1]
    check("puhelusta" in call_question["body"] and "tapaamiseen" not in call_question["body"],
          f"the call survey asks about the call: {call_question['body']}")
    old = eventually(lambda: (lambda s: s if s["state"] == "superseded" else None)(d.survey(meeting["id"])),
                     "the unanswered meeting CSAT superseded")
    check(old["superseded_by"] == call1["id"] and old["reason"] == "superseded"
          and "went to " + PHONE in old["detail"], f"superseded with its reason: {old}")
    # The reply goes to the call survey, not to the superseded meeting survey. 2: an alert.
    out = reply(d, "sms", PHONE, "kakkonen")
    check(out["outcome"] == "score" and out["survey"] == call1["id"] and out["score"] == 2, f"{out}")
    sent(d, PHONE, "why", 2)
    out = reply(d, "sms", PHONE, "Tarjous oli vielä kesken")
    check(out["outcome"] == "comment" and out["survey"] == call1["id"], f"{out}")
    alert = sent(d, "advisor@example.com", "alert", 1)[0]
    for needle in ("Maija Virtanen", "follow-up-call", "2", "Tarjous oli vielä kesken"):
        check(needle in alert["body"] or needle in alert.get("subject", ""), f"alert names {needle}: {alert}")
    check(messages(d, "lead@example.com", "alert") == [], "the call's alert goes to the advisor only")

    # --- Wednesday 2 Dec 11:00 (five business days after the offer): another call, answered 4
    set_clock(d, "2026-12-02T11:00:00+02:00")
    call2 = survey_of(d, event(d, "call-2", "call.completed"), "follow-up-call")
    check("waiting" not in call2, f"nothing awaits an answer: {call2}")
    sent(d, PHONE, "survey", 4)
    d.advance("40m")
    out = reply(d, "sms", PHONE, "4, nyt asiat etenivät")
    check(out["outcome"] == "score" and out["survey"] == call2["id"] and out["score"] == 4, f"{out}")
    # The reason came with the score: no "why?" is asked again, and it is kept as the comment.
    check(d.survey(call2["id"])["comment"] == "nyt asiat etenivät", "comment with the score")

    # --- Friday 4 Dec 15:00 (within seven business days): the deal is won -> NPS by email,
    # one business day later; answered 6 by email: why, then the advisor and #sales-alerts
    set_clock(d, "2026-12-04T15:00:00+02:00")
    close = survey_of(d, event(d, "won-1", "deal.won"), "close")
    check(close["channel"] == "email" and close["address"] == EMAIL
          and close["due_at"] == "2026-12-07T13:00:00Z", f"NPS by email on Monday: {close}")
    d.advance("3d")
    nps = sent(d, EMAIL, "survey", 1)[0]
    check("suosittelisit" in nps["body"] and nps.get("subject"), f"NPS email: {nps}")
    out = reply(d, "email", EMAIL, "6")
    check(out["outcome"] == "score" and out["survey"] == close["id"], f"{out}")
    sent(d, EMAIL, "why", 1)
    out = reply(d, "email", EMAIL, "Hinta ratkaisi lopulta")
    check(out["outcome"] == "comment" and out["survey"] == close["id"], f"{out}")
    sales = sent(d, "sales-alerts@example.com", "alert", 1)[0]
    check("Hinta ratkaisi lopulta" in sales["body"] and "close" in sales["body"], f"#sales-alerts: {sales}")
    sent(d, "advisor@example.com", "alert", 2)

    # --- what was recorded: five surveys, each sent once, each with its own answer or none
    surveys = [m for m in d.outbox() if m["kind"] == "survey"]
    check(len(surveys) == 5 and len({m["survey"] for m in surveys}) == 5, f"five surveys, once each: {surveys}")
    records = {sid: d.survey(sid) for sid in (booking["id"], meeting["id"], call1["id"], call2["id"], close["id"])}
    expect = {booking["id"]: (1, "Chatissa sai ajan heti"), meeting["id"]: (None, None),
              call1["id"]: (2, "Tarjous oli vielä kesken"), call2["id"]: (4, "nyt asiat etenivät"),
              close["id"]: (6, "Hinta ratkaisi lopulta")}
    for sid, (score, comment) in expect.items():
        s = records[sid]
        check(s.get("score") == score and s.get("comment") == comment, f"survey {sid}: {s}")
        if score is not None:
            check([a["score"] for a in s["answers"]] == [score], f"answers of {sid}: {s['answers']}")
    rep = d.report("mortgage-funnel")
    n = {(r["step"], r.get("question")): r["n"] for r in rep["rows"]}
    check(n == {("booking", "q1"): 1, ("follow-up-call", "q1"): 2, ("close", "q1"): 1}, f"report: {rep}")


if __name__ == "__main__":
    run(test)
