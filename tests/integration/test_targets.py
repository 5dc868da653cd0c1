"""Targets per flow step and the weekly check, through the real binary. The flow's close
step has `target: { nps: 40 }` (its alert goes to alerts.managers: the advisor s-7, by
email), the booking step `target: { ces: 4, min_answers: 2 }`. On a manual clock from
Monday 2026-11-02 (ISO week 2026-W45), worked out by hand:

  weeks W45..W48   two closing NPS answers of 10 a week: 8 promoters, NPS 100 ± 0
  week W49         closing NPS 0, 0, 0, 10, 10, 10: NPS 0, margin 1.96 * sqrt(1 / 6) * 100
                   = 80.0; booking CES 5 and 5: mean 5.0

W49 judged on Monday 2026-12-07 from 08:00: close missed its target (0 < 40) and dropped
against the four weeks before (-100.0, margin sqrt(0^2 + 80.0^2) = 80.0 < 100):
"missed+dropped", one message to the advisor; booking met its target (5.0 >= 4; no earlier
answers, so no change). Each week before W49 was judged on its own Monday with fewer
answers than min_answers: "too few answers", no message. A week is judged once: later passes
add nothing.
"""
import math

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config

FLOW = CX_FLOW.replace("""    survey: { metric: ces, scale: 1-5 }
    channel: sms
""", """    survey: { metric: ces, scale: 1-5 }
    channel: sms
    target: { ces: 4, min_answers: 2 }
""").replace("""    survey: { metric: nps }
    channel: sms
""", """    survey: { metric: nps }
    channel: sms
    target: { nps: 40 }
""")


def test(make_daemon, workdir):
    check("target: { nps: 40 }" in FLOW and "target: { ces: 4" in FLOW, "the targets are in the flow")
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW})
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("alerts:\n  channel: email\n", "alerts:\n  channel: email\n  managers: [s-7]\n"))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)

    counter = [0]

    def answer(kind, score):
        counter[0] += 1
        phone = f"+35840500{counter[0]:04d}"
        event = {"id": f"e-{counter[0]}", "type": "deal.won" if kind == "close" else "booking.created",
                 "deal_id": f"D{counter[0]}", "contact": {"phone": phone}}
        status, body = d.event(event)
        check(status == 202, f"event {event}: {body}")
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", f"survey to {phone}")
        check(d.reply(phone, str(score))["outcome"] == "score", f"{kind} {score} from {phone}")

    for week in range(4):
        if week:
            d.advance("7d")
        answer("close", 10)
        answer("close", 10)
    d.advance("7d")  # Monday 2026-11-30 10:00, week W49
    for score in (0, 0, 0, 10, 10, 10):
        answer("close", score)
    answer("booking", 5)
    answer("booking", 5)

    # The weeks before were judged on their Mondays: too few answers each, no message.
    status, w48 = d.request("GET", "/v1/targets?week=2026-W48")
    check(status == 200 and [t["outcome"] for t in w48["flows"][0]["targets"]] == ["too few answers"] * 2,
          f"W48: {status} {w48}")
    check(not [m for m in d.outbox() if m["kind"] == "target"], "no target message for a week of too few answers")

    # W49 as it stands (the API judges any week on request; the alert waits for Monday).
    status, w49 = d.request("GET", "/v1/targets?week=2026-W49&flow=cx")
    check(status == 200 and len(w49["flows"]) == 1, f"W49: {status} {w49}")
    checks = {t["step"]: t for t in w49["flows"][0]["targets"]}
    booking, close = checks["booking"], checks["close"]
    check(booking["metric"] == "ces" and booking["target"] == 4 and booking["n"] == 2
          and booking["figure"]["value"] == 5.0 and booking["previous"] is None and booking["outcome"] == "met",
          f"booking met its target: {booking}")
    margin = round(1.96 * math.sqrt(1 / 6) * 100, 1)
    check(close["metric"] == "nps" and close["target"] == 40 and close["n"] == 6
          and close["figure"] == {"value": 0.0, "margin": margin}
          and close["n_previous"] == 8 and close["previous"] == {"value": 100.0, "margin": 0.0},
          f"close: NPS 0 ± {margin} against 100 over 8: {close}")
    check(close["change"] == {"value": -100.0, "margin": margin, "distinguishable": True}
          and close["outcome"] == "missed+dropped", f"close missed and dropped: {close}")
    check(close["summary"] == f"cx / close nps in 2026-W49: 0.0 ± {margin} points (n 6), short of the target of "
          f"40.0 points; and down by 100.0 ± {margin} points from 100.0 over the four weeks before (n 8)",
          f"the sentence the alert carries: {close['summary']!r}")
    check("summary" not in booking, f"a met target needs no sentence: {booking}")
    check(not [m for m in d.outbox() if m["kind"] == "target"], "no message before the week is over")

    # The report by step shows each figure against its target.
    rows = {r["step"]: r for r in d.report("cx")["rows"]}
    check(rows["close"]["target"] == {"value": 40, "met": True} and rows["booking"]["target"] == {"value": 4, "met": True},
          f"targets beside the figures (all weeks pooled: NPS 50, CES 5): {rows}")

    # Monday 2026-12-07 10:00: W49 is judged and the advisor hears of it, once.
    d.advance("7d")
    alerts = d.wait_outbox(lambda m: m["kind"] == "target", "the weekly target alert", timeout=40)
    check(len(alerts) == 1 and alerts[0]["to"] == "advisor@example.com", f"one alert to the manager: {alerts}")
    subject, body = alerts[0]["subject"], alerts[0]["body"]
    check(subject == f"cx / close: nps 0.0 ± {margin} viikolla 2026-W49 (tavoite 40.0)", f"the subject: {subject!r}")
    check("Neljä edellistä viikkoa: 100.0 ± 0.0 (n 8)" in body and f"Muutos: -100.0 ± {margin}" in body
          and "Tämä viikko: 0.0 ± " in body, f"the body (fi, the default locale): {body!r}")
    d.advance("1h")
    d.advance("1h")
    status, _ = d.request("GET", "/healthz")
    check(status == 200, "still healthy")
    eventually(lambda: "weekly targets: 2 judged, 1 missed or dropped" in d.read_log(), "the pass's log line")
    check(len([m for m in d.outbox() if m["kind"] == "target"]) == 1, "judged once: no second alert")

    for query, field in (("week=2026-W60", "week"), ("flow=nope", "flow"), ("colour=red", "colour")):
        status, answer_ = d.request("GET", "/v1/targets?" + query)
        check(status == 400 and answer_.get("field") == field, f"{query}: {status} {answer_}")
    rows = d.csv("/v1/targets?week=2026-W49&format=csv")
    check([(r["week"], r["step"], r["outcome"], r["figure_value"]) for r in rows]
          == [("2026-W49", "booking", "met", "5.0"), ("2026-W49", "close", "missed+dropped", "0.0")],
          f"targets as CSV: {rows}")
    res = d.cli("targets", "--config", config, "--db", d.db, "--week", "2026-W49")
    check("missed+dropped" in res.stdout and "met" in res.stdout, f"cxgate targets: {res.stdout}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
