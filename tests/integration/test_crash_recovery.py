"""kill -9 between a score and its comment, and in the middle of a burst of sends:
after a restart on the same database the comment lands on the right survey and no
customer gets any message twice."""
import signal

from harness import check, eventually, run

MAIJA = "+358401234567"
STAFF = {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    status, body = d.event({"id": "evt-1", "type": "appointment.booked",
                            "contact": {"phone": "040 123 4567", "name": "Maija"}, "staff": STAFF})
    survey_id = body["scheduled"][0]["id"]
    d.advance("10m")
    eventually(lambda: [m for m in d.outbox() if m["kind"] == "survey" and m["state"] == "sent"], "survey sent")

    out = d.reply(MAIJA, "5", id="SM-score")
    check(out["outcome"] == "score", f"score: {out}")
    # The 200 means the score is durable: kill the daemon before anything else happens.
    d.stop(signal.SIGKILL)

    d.now = "2026-11-16T10:12:00+02:00"
    d.start()
    # The provider retries its webhook after our crash: recognised, not counted twice.
    check(d.reply(MAIJA, "5", id="SM-score")["duplicate"] is True, "replayed webhook is a duplicate")
    out = d.reply(MAIJA, "Liian monta vaihetta", id="SM-comment")
    check(out["outcome"] == "comment" and out["survey"] == survey_id, f"comment after restart: {out}")
    s = eventually(lambda: (lambda x: x if x["state"] == "closed" else None)(d.survey(survey_id)), "closed")
    check(s["score"] == 5 and s["comment"] == "Liian monta vaihetta", f"survey: {s}")
    alerts = eventually(lambda: [m for m in d.outbox() if m["kind"] == "alert" and m["state"] == "sent"], "alert")
    check(len(alerts) == 1 and "Liian monta vaihetta" in alerts[0]["body"], f"one alert with comment: {alerts}")
    kinds = sorted(m["kind"] for m in d.outbox() if m["to"] == MAIJA)
    check(kinds == ["survey", "thanks", "why"], f"each message once: {kinds}")

    # A burst of surveys, killed while the scheduler and dispatcher are busy.
    ids = []
    for i in range(60):
        status, body = d.event({"id": f"burst-{i}", "type": "meeting.completed",
                                "contact": {"phone": f"+35840{5000000 + i}"}, "staff": STAFF})
        check(status == 202, f"burst {i}: {status} {body}")
        ids.append(body["scheduled"][0]["id"])
    d.stop(signal.SIGKILL)
    d.start()
    def all_sent():
        rows = [m for m in d.outbox() if m["kind"] == "survey" and m["survey"] in ids]
        return rows if len(rows) >= 60 and all(m["state"] == "sent" for m in rows) else None
    rows = eventually(all_sent, "all 60 burst surveys sent after restart", timeout=20)
    check(len(rows) == 60 and len({m["survey"] for m in rows}) == 60, f"each survey sent once: {len(rows)}")
    for sid in ids[:5]:
        check(d.survey(sid)["state"] == "sent", f"survey {sid} state")


if __name__ == "__main__":
    run(test)
