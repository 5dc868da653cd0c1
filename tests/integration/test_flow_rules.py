"""Flow rules through the real binary on a manual clock: arbitration stated in the 202,
cancel_on by deal, and one survey awaiting an answer per address with `on_waiting: wait`
(a CSAT due while the deal's NPS is open waits; the reply goes to the NPS; then the CSAT is
sent). The default, `supersede`, is in test_journey.py."""
import os

from harness import check, eventually, free_port, run, set_public_port, write_config

FLOW = """flow: deals
timezone: Europe/Helsinki
calendar: fi
send_window: { mon-fri: "08:00-20:00", sat: "10:00-14:00" }
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    delay: 1d
    priority: 5
    cancel_on: [deal.lost]
  - id: close
    on: [deal.won, deal.lost]
    survey: { metric: nps }
    channel: sms
    priority: 10
    arbitration: 48h
  - id: call
    on: call.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    on_waiting: { wait: 7d }
"""

CHANNELS = """  sms: { type: sandbox, kind: sms, from: "+358500000001" }
  email: { type: sandbox, kind: email, from: "palaute@example.com" }"""


def surveys_to(d, address):
    return [m for m in d.outbox() if m["to"] == address and m["kind"] == "survey" and m["state"] == "sent"]


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, CHANNELS, {"deals": FLOW},
                          extra=f"calendars_dir: {SOURCE}/calendars\n")
    port = free_port()
    set_public_port(config, port)
    # Monday 16 Nov 2026, 10:00 in Helsinki.
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)

    # --- arbitration: the meeting CSAT (due tomorrow) loses to the deal's NPS within 48h
    status, meeting = d.event({"id": "m-a", "type": "meeting.completed", "contact": {"phone": "0401111111"}})
    check(status == 202 and len(meeting["scheduled"]) == 1, f"meeting: {meeting}")
    meeting_id = meeting["scheduled"][0]["id"]
    check(meeting["scheduled"][0]["due_at"] == "2026-11-17T08:00:00Z", f"meeting + 1d: {meeting}")
    won_body = {"id": "won-a", "type": "deal.won", "deal_id": "D-1", "contact": {"phone": "0401111111"}}
    status, won = d.event(won_body)
    check(status == 202 and [s["step"] for s in won["scheduled"]] == ["close"], f"won: {won}")
    check(len(won["suppressed"]) == 1, f"won suppresses the meeting: {won}")
    lost_meeting = won["suppressed"][0]
    check(lost_meeting["id"] == meeting_id and lost_meeting["step"] == "meeting"
          and lost_meeting["event"] == "m-a" and lost_meeting["reason"] == "arbitration"
          and lost_meeting["detail"].startswith("close (priority 10) wins within 48h over meeting (priority 5)")
          and lost_meeting["suppressed_by"] == "won-a", f"arbitration reason: {lost_meeting}")
    status, again = d.event(won_body)
    check(again["duplicate"] and again["suppressed"] == won["suppressed"], f"duplicate answer: {again}")
    check(d.survey(meeting_id)["state"] == "suppressed", "meeting survey is suppressed")

    # --- cancel_on: a lost deal cancels the pending meeting CSAT of the same deal
    status, meeting_b = d.event({"id": "m-b", "type": "meeting.completed", "deal_id": "D-2",
                                 "contact": {"phone": "0402222222"}})
    check(status == 202 and len(meeting_b["scheduled"]) == 1, f"meeting b: {meeting_b}")
    status, lost = d.event({"id": "lost-b", "type": "deal.lost", "attributes": {"deal_id": "D-2"},
                            "contact": {"phone": "0402222229"}})
    check(status == 202 and len(lost["scheduled"]) == 1, f"lost: {lost}")
    cancelled = [s for s in lost["suppressed"] if s["step"] == "meeting"]
    check(len(cancelled) == 1 and cancelled[0]["reason"] == "cancelled"
          and "deal.lost event lost-b (deal D-2) cancels pending step meeting" in cancelled[0]["detail"],
          f"cancel_on in the 202: {lost}")

    # --- one survey at a time per address
    maija = "+358403333333"
    status, won_c = d.event({"id": "won-c", "type": "deal.won", "contact": {"phone": "0403333333"}})
    nps_id = won_c["scheduled"][0]["id"]
    eventually(lambda: len(surveys_to(d, maija)) == 1, "the NPS sent")
    d.advance("3d")  # Thursday: the NPS (expires in 7 days) is still open, and 72 h > 48 h
    status, call = d.event({"id": "call-c", "type": "call.completed", "contact": {"phone": "0403333333"}})
    check(status == 202 and len(call["scheduled"]) == 1, f"call: {call}")
    csat_id = call["scheduled"][0]["id"]
    check(f"survey {nps_id} (close) awaits its answer on {maija}" in call["scheduled"][0]["waiting"]
          and "waits up to 7d" in call["scheduled"][0]["waiting"], f"the 202 says what will happen: {call}")

    def waiting():
        s = d.survey(csat_id)
        return s if s["state"] == "scheduled" and s.get("reason") == "waiting" else None
    s = eventually(waiting, "the CSAT waiting for the NPS")
    check(s["waiting_for"] == nps_id and f"survey {nps_id} (deals/close)" in s["detail"], f"waiting: {s}")
    check(len(surveys_to(d, maija)) == 1, "only the NPS went out")

    out = d.reply(maija, "9")
    check(out["outcome"] == "score" and out["survey"] == nps_id, f"the reply goes to the NPS: {out}")
    eventually(lambda: len(surveys_to(d, maija)) == 2, "the CSAT sent after the NPS answer")
    csat = d.survey(csat_id)
    check(csat["state"] in ("sent", "delivered") and "reason" not in csat, f"csat: {csat}")
    out = d.reply(maija, "4")
    check(out["outcome"] == "score" and out["survey"] == csat_id, f"the next reply goes to the CSAT: {out}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
