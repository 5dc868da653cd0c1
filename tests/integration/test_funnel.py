"""The whole mortgage funnel through the real binary: events over HTTP, surveys in the
sandbox outbox, replies through `cxgate reply` (the inbound webhook), "why?" after every
score, alerts, opt-out, recontact of a repeated step, reminders, expiry and the report.
test_journey.py follows one customer through every touchpoint of one deal."""
from harness import check, eventually, run

MAIJA = "+358401234567"
PEKKA_EMAIL = "pekka@example.com"
STAFF = {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}


def sent(d, to, kind, count=1, timeout=10.0):
    """Waits until `count` messages of `kind` to `to` are sent; returns them."""
    def ready():
        rows = [m for m in d.outbox() if m["to"] == to and m["kind"] == kind and m["state"] == "sent"]
        return rows if len(rows) >= count else None
    return eventually(ready, f"{count} sent {kind} message(s) to {to}", timeout)


def bad_input(d):
    status, body = d.request("POST", "/v1/events", {"id": "e"}, token=None)
    check(status == 401, f"no token: {status}")
    status, body = d.request("POST", "/v1/events", {"id": "e"}, token="wrong-token-wrong-token")
    check(status == 401, f"wrong token: {status}")
    status, body = d.request("POST", "/v1/events", raw=b"{not json")
    check(status == 400 and body["field"] == "body" and "malformed JSON" in body["error"], f"bad json: {body}")
    status, body = d.event({"id": "e1", "type": "meeting.completed"})
    check(status == 400 and body["field"] == "contact", f"no contact: {body}")
    status, body = d.event({"id": "e1", "type": "meeting.completed", "contact": {"phone": "040 123"}})
    check(status == 400 and body["field"] == "contact.phone", f"bad phone: {body}")
    status, body = d.event({"type": "meeting.completed", "contact": {"phone": "0401234567"}})
    check(status == 400 and body["field"] == "id", f"no id: {body}")
    status, body = d.event({"id": "e1", "type": "meeting.completed", "contact": {"phone": "0401234567"}, "colour": 1})
    check(status == 400 and body["field"] == "colour", f"unknown field: {body}")
    status, body = d.event({"id": "e1", "type": 5, "contact": {"phone": "0401234567"}})
    check(status == 400 and body["field"] == "type", f"type not a string: {body}")
    # Nothing of the above was recorded.
    check(d.outbox() == [], "bad input must record nothing")


def test(make_daemon, workdir):
    # Monday 16 Nov 2026, 10:00 in Helsinki; time moves only when the test says so.
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    bad_input(d)

    # --- booking: CES 1-5 (low is good) after 10 minutes, "why?", alert on >= 4
    booking = {"id": "evt-booking-1", "type": "appointment.booked",
               "contact": {"phone": "040 123 4567", "name": "Maija Virtanen", "locale": "fi"},
               "staff": STAFF}
    status, body = d.event(booking)
    check(status == 202, f"booking: {status} {body}")
    check(len(body["scheduled"]) == 1 and body["suppressed"] == [], f"booking: {body}")
    survey = body["scheduled"][0]
    check(survey["address"] == MAIJA, f"phone stored as E.164: {survey}")
    check(survey["step"] == "booking" and survey["due_at"] == "2026-11-16T08:10:00Z", f"booking due: {survey}")
    status, again = d.event(booking)
    check(status == 202 and again["duplicate"] and again["scheduled"][0]["id"] == survey["id"], f"dup: {again}")

    check(d.outbox() == [], "nothing is sent before the delay")
    d.advance("10m")
    ces = sent(d, MAIJA, "survey")[0]
    check("Kuinka helppoa" in ces["body"] and "1-5" in ces["body"], f"Finnish CES text: {ces['body']}")

    out = d.reply(MAIJA, "5")
    check(out["outcome"] == "score" and out["score"] == 5 and out["survey"] == survey["id"], f"score: {out}")
    why = sent(d, MAIJA, "why")[0]
    check("miksi" in why["body"], f"why in Finnish: {why['body']}")
    out = d.reply(MAIJA, "Sivusto kaatui kahdesti")
    check(out["outcome"] == "comment", f"comment: {out}")
    sent(d, MAIJA, "thanks")
    alert = sent(d, "advisor@example.com", "alert")[0]
    for needle in ("Maija Virtanen", "mortgage-funnel", "booking", "5", "Sivusto kaatui kahdesti"):
        check(needle in alert["body"] or needle in alert.get("subject", ""), f"alert names {needle}: {alert}")
    s = eventually(lambda: (lambda x: x if x["state"] == "closed" else None)(d.survey(survey["id"])), "closed")
    check(s["score"] == 5 and s["comment"] == "Sivusto kaatui kahdesti", f"survey record: {s}")

    # --- recontact: a second booking right after is a repeat of the step, suppressed with its
    # reason (the journey's other steps are not: see test_journey.py)
    status, body = d.event({"id": "evt-booking-0", "type": "appointment.booked",
                            "contact": {"phone": "+358401234567", "name": "Maija Virtanen"}, "staff": STAFF})
    check(status == 202 and body["scheduled"] == [] and body["suppressed"][0]["reason"] == "recontact"
          and "at step booking" in body["suppressed"][0]["detail"], f"recontact: {body}")

    # --- meeting a week later: CSAT, score 1 alerts staff and team lead at once
    d.advance("8d")
    status, body = d.event({"id": "evt-meeting-1", "type": "meeting.completed",
                            "contact": {"phone": "040 123 4567", "name": "Maija Virtanen"}, "staff": STAFF})
    check(status == 202 and len(body["scheduled"]) == 1, f"meeting: {body}")
    meeting_id = body["scheduled"][0]["id"]
    sent(d, MAIJA, "survey", count=2)
    out = d.reply(MAIJA, "1")
    check(out["outcome"] == "score" and out["survey"] == meeting_id, f"meeting score: {out}")
    sent(d, MAIJA, "why", count=2)
    check(d.reply(MAIJA, "Neuvoja myöhästyi")["outcome"] == "comment", "meeting comment")
    sent(d, MAIJA, "thanks", count=2)
    sent(d, "advisor@example.com", "alert", count=2)
    lead_alert = sent(d, "lead@example.com", "alert")[0]
    check("meeting" in lead_alert["body"] and "1" in lead_alert["body"], f"lead alert: {lead_alert}")

    # --- follow-up call
    d.advance("8d")
    status, body = d.event({"id": "evt-call-1", "type": "call.completed",
                            "contact": {"phone": "040 123 4567"}, "staff": STAFF})
    check(status == 202 and len(body["scheduled"]) == 1, f"call: {body}")
    call = sent(d, MAIJA, "survey", count=3)[-1]
    check("puhelu" in call["body"], f"the call survey asks about the call: {call['body']}")
    check(d.reply(MAIJA, "4")["outcome"] == "score", "call score")
    sent(d, MAIJA, "why", count=3)
    check(d.reply(MAIJA, "Hyödyllinen")["outcome"] == "comment", "call comment")
    sent(d, MAIJA, "thanks", count=3)

    # --- deals close: won for Maija (SMS: no email), lost for Pekka (email first, English)
    d.advance("8d")  # Thursday 10 Dec 10:10
    status, won = d.event({"id": "evt-won-1", "type": "deal.won", "contact": {"phone": "040 123 4567"},
                           "staff": STAFF})
    check(status == 202 and won["scheduled"][0]["channel"] == "sms", f"won: {won}")
    check(won["scheduled"][0]["due_at"] == "2026-12-11T08:10:00Z", f"1 business day: {won}")
    status, lost = d.event({"id": "evt-lost-1", "type": "deal.lost",
                            "contact": {"phone": "050 123 4567", "email": "Pekka@Example.com", "name": "Pekka",
                                        "locale": "en", "segment": "premium"}, "staff": STAFF})
    check(status == 202 and lost["scheduled"][0]["channel"] == "email", f"lost: {lost}")
    check(lost["scheduled"][0]["address"] == PEKKA_EMAIL, f"email lower-cased: {lost}")
    # An event whose surveys would already have expired is suppressed, with the reason.
    status, late = d.event({"id": "evt-won-late", "type": "deal.won", "occurred_at": "2026-10-01T12:00:00+03:00",
                            "contact": {"phone": "040 999 8888"}, "staff": STAFF})
    check(status == 202 and late["suppressed"][0]["reason"] == "expired", f"late: {late}")

    d.advance("1d")  # Friday 11 Dec 10:10: both NPS go out
    nps_sms = sent(d, MAIJA, "survey", count=4)[-1]
    check("0-10" in nps_sms["body"] and "suosittelisit" in nps_sms["body"], f"Finnish NPS: {nps_sms}")
    nps_mail = sent(d, PEKKA_EMAIL, "survey")[0]
    check("recommend" in nps_mail["body"] and nps_mail.get("subject"), f"English NPS email: {nps_mail}")

    # Reminders after 2 business days (Tuesday 15 Dec 10:10), once.
    d.advance("3d")
    check([m for m in d.outbox() if m["kind"] == "reminder"] == [], "no reminder before 2 business days")
    d.advance("2d")
    sent(d, MAIJA, "reminder")
    sent(d, PEKKA_EMAIL, "reminder")
    d.advance("1d")  # Thursday 17 Dec: still open (expires Friday 18 Dec 10:10)
    check(len([m for m in d.outbox() if m["kind"] == "reminder"]) == 2, "max 1 reminder each")

    check(d.reply(MAIJA, "9")["score"] == 9, "Maija NPS 9")
    out = d.reply(PEKKA_EMAIL, "3")
    check(out["score"] == 3, f"Pekka NPS 3: {out}")
    check(d.reply(PEKKA_EMAIL, "Too slow")["outcome"] == "comment", "Pekka's reason")
    sales = sent(d, "sales-alerts@example.com", "alert")[0]
    check("Pekka" in sales["body"] and "close" in sales["body"] and "Too slow" in sales["body"],
          f"#sales-alerts: {sales}")

    # --- opt-out: LOPETA, confirmed once, and later events are suppressed
    status, body = d.event({"id": "evt-liisa-1", "type": "meeting.completed",
                            "contact": {"phone": "040 765 4321", "name": "Liisa"}, "staff": STAFF})
    sent(d, "+358407654321", "survey")
    check(d.reply("+358407654321", "LOPETA")["outcome"] == "opted_out", "LOPETA")
    confirm = sent(d, "+358407654321", "optout")[0]
    check("ALOITA" in confirm["body"], f"opt-out confirmation: {confirm}")
    d.reply("+358407654321", "STOP")
    check(len([m for m in d.outbox() if m["kind"] == "optout"]) == 1, "confirmed once")
    d.advance("8d")
    status, body = d.event({"id": "evt-liisa-2", "type": "call.completed", "contact": {"phone": "0407654321"}})
    check(body["scheduled"] == [] and body["suppressed"][0]["reason"] == "opted_out", f"opted out: {body}")

    # --- a survey nobody answers expires
    # Friday 25 Dec is Christmas Day in calendars/fi.yaml: the window stays closed until Monday.
    status, body = d.event({"id": "evt-olli", "type": "call.completed", "contact": {"phone": "040 111 2222"}})
    olli = body["scheduled"][0]["id"]
    check(body["scheduled"][0]["due_at"] == "2026-12-28T07:00:00Z", f"after Christmas: {body}")
    d.advance("3d")
    sent(d, "+358401112222", "survey")
    d.advance("8d")
    eventually(lambda: d.survey(olli)["state"] == "expired", "expiry")

    # --- report: n, metric and margin per step
    rep = d.report("mortgage-funnel")
    rows = {r["step"]: r for r in rep["rows"]}
    check(rows["booking"]["metric"] == "ces" and rows["booking"]["n"] == 1 and rows["booking"]["mean"]["value"] == 5.0,
          f"booking row: {rows['booking']}")
    check(rows["booking"]["easy_pct"]["value"] == 0.0 and rows["booking"]["mean"]["margin"] is None, "n=1: no margin")
    check(rows["meeting"]["satisfied_pct"]["value"] == 0.0 and rows["meeting"]["mean"]["value"] == 1.0, f"{rows['meeting']}")
    check(rows["follow-up-call"]["satisfied_pct"]["value"] == 100.0, f"{rows['follow-up-call']}")
    close = rows["close"]
    check(close["n"] == 2 and close["nps"]["value"] == 0.0 and close["promoters_pct"] == 50.0, f"close: {close}")
    # 95% margin for one promoter and one detractor of two: 1.96*100*sqrt(1/2) = 138.6
    check(abs(close["nps"]["margin"] - 138.6) < 0.05, f"close margin: {close}")
    status, api = d.request("GET", "/v1/reports?flow=mortgage-funnel&by=step")
    check(status == 200 and api == rep, f"GET /v1/reports matches the CLI: {api}")
    status, by_segment = d.request("GET", "/v1/reports?flow=mortgage-funnel&by=segment")
    check(any(r["segment"] == "premium" and r["n"] == 1 for r in by_segment["rows"]), f"segment: {by_segment}")
    status, csv = d.request("GET", "/v1/responses?flow=mortgage-funnel&format=csv")
    check(status == 200 and csv.count("\n") == 6 and "Sivusto kaatui kahdesti" in csv, f"csv: {csv}")
    status, body = d.request("GET", "/v1/reports?by=colour")
    check(status == 400 and body["field"] == "by", f"bad by: {body}")

    # Every survey message went out exactly once.
    surveys = [m for m in d.outbox() if m["kind"] == "survey"]
    check(len({m["survey"] for m in surveys}) == len(surveys), "no survey sent twice")
    d.stop()

    # --- a Friday 19:55 booking waits for Monday 09:00 (Mon-Fri 09-20 window, Helsinki)
    d2 = make_daemon(now="2026-11-20T19:55:00+02:00")
    d2.db = d2.db.replace("cxgate.db", "friday.db")
    d2.start()
    status, body = d2.event({"id": "fri", "type": "appointment.booked", "contact": {"phone": "0401234567"}})
    check(body["scheduled"][0]["due_at"] == "2026-11-23T07:00:00Z", f"Friday evening: {body}")


if __name__ == "__main__":
    run(test)
