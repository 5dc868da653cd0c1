"""Outbound events for a CRM on the real binary, against a stand-in receiver
(peers/crm_receiver.py) that verifies each post as docs/crm-events.md tells a receiver to:

- survey.answered arrives signed and verified; the receiver's 500 makes cxgate try it again,
  with the same X-Cxgate-Event-Id, and it is delivered once;
- a survey's events arrive in its order: the comment given while survey.answered waited for
  its retry is not posted before it (answered, commented, alert.opened);
- alert.resolved follows the resolution through POST /v1/alerts/{id};
- nothing is lost across a kill -9 and a restart while the receiver is down, and nothing
  delivered before the restart is posted again;
- /metrics counts the outbox."""
import json
import signal
import time

from harness import SANDBOX_CHANNELS, check, eventually, run, write_config
from peers.crm_receiver import CrmReceiver

SECRET = "crm-events-test-secret-0123456789"

FLOW = """flow: cx
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: sms
    follow_up: why
    alert: { when: "score <= 2", notify: [staff] }
"""


def survey_sent(d, n):
    phone = f"+35840555{n:04d}"
    status, body = d.event({"id": f"m-{n}", "type": "meeting.completed",
                            "contact": {"id": f"crm-person-{n}", "phone": phone, "name": "Maija"},
                            "staff": {"id": "s-7"}, "deal_id": f"deal-{n}"})
    check(status == 202 and body["scheduled"], f"event: {status} {body}")
    d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", "survey sent")
    return phone, body["scheduled"][0]["id"]


def metric(d, name):
    status, text = d.request("GET", "/metrics", token=None)
    check(status == 200, f"/metrics: {status}")
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    raise AssertionError(f"/metrics has no {name}:\n{text}")


def test(make_daemon, workdir):
    receiver = CrmReceiver(SECRET).start()
    extra = f"""outbound_events:
  crm:
    url: {receiver.url}
    secret: ${{CRM_EVENTS_SECRET}}
"""
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW}, extra=extra)
    d = make_daemon(config=config, now="2026-11-30T10:00:00+02:00")
    d.env["CRM_EVENTS_SECRET"] = SECRET
    d.start()
    try:
        run_scenario(d, receiver)
    finally:
        receiver.stop()


def run_scenario(d, receiver):
    # 1. survey.answered: refused once with 500, then delivered, signed and verified.
    receiver.script([500])
    phone, survey = survey_sent(d, 1)
    check(d.reply(phone, "1")["outcome"] == "score", "the low score is recorded")
    eventually(lambda: receiver.attempts, "the first attempt")
    first_id, first_type, first_status = receiver.attempts[0]
    check(first_type == "survey.answered" and first_status == 500, f"first attempt: {receiver.attempts}")

    # 2. The reason comes while survey.answered waits for its retry (10 s of the daemon's
    #    clock): survey.commented and alert.opened are recorded but wait behind it.
    check(d.reply(phone, "Liian hidas palvelu")["outcome"] == "comment", "the comment is recorded")
    time.sleep(1.5)
    check(len(receiver.attempts) == 1 and not receiver.accepted,
          f"nothing overtakes the waiting survey.answered: {receiver.attempts}")
    check(metric(d, "cxgate_outbound_events_pending") == 3, "three events wait")
    d.advance("15s")
    eventually(lambda: len(receiver.accepted) == 3, "answered, commented and opened delivered")
    check(receiver.accepted_types() == ["survey.answered", "survey.commented", "alert.opened"],
          f"in the survey's order: {receiver.accepted_types()}")
    answered = receiver.accepted[0]
    check(answered["id"] == first_id, "the retry carries the first attempt's event id")
    check([a for a in receiver.attempts if a[0] == first_id] == [(first_id, "survey.answered", 500),
                                                                  (first_id, "survey.answered", 200)],
          f"tried twice, delivered once: {receiver.attempts}")
    s = answered["survey"]
    check(s["id"] == survey and s["score"] == 1 and s["flow"] == "cx" and s["step"] == "meeting"
          and s["contact"] == {"id": "crm-person-1", "name": "Maija", "phone": phone}
          and s["deal_id"] == "deal-1" and s["staff"]["id"] == "s-7" and "comment" not in s,
          f"survey.answered payload: {json.dumps(answered)}")
    commented = receiver.accepted[1]
    check(commented["survey"]["comment"] == "Liian hidas palvelu", f"survey.commented: {commented}")
    opened = receiver.accepted[2]
    check(opened["alert"]["state"] == "open", f"alert.opened: {opened}")

    # 3. Resolved through the API: alert.resolved with what was done.
    status, a = d.request("POST", f"/v1/alerts/{opened['alert']['id']}",
                          {"action": "resolve", "by": "Lead", "resolution": "called_back",
                           "note": "Soitettu ja sovittu uusi aika"})
    check(status == 200 and a["state"] == "resolved", f"resolve: {status} {a}")
    eventually(lambda: len(receiver.accepted) == 4, "alert.resolved delivered")
    resolved = receiver.accepted[3]
    check(resolved["type"] == "alert.resolved" and resolved["alert"]["resolution"] == "called_back"
          and resolved["alert"]["note"] == "Soitettu ja sovittu uusi aika"
          and resolved["alert"]["resolved_by"] == "Lead" and resolved["survey"]["id"] == survey,
          f"alert.resolved: {resolved}")
    # The counters move once the outcome is durable, a moment after the receiver's answer.
    eventually(lambda: metric(d, "cxgate_outbound_events_posted_total") == 4, "four posted")
    check(metric(d, "cxgate_outbound_events_retried_total") == 1, "one retried")
    eventually(lambda: metric(d, "cxgate_outbound_events_pending") == 0, "nothing pending")

    # 4. The receiver goes down; a second survey's answer fails to reach it, the daemon is
    #    killed, restarted while the receiver is still down, then the receiver comes back.
    receiver.stop()
    phone2, survey2 = survey_sent(d, 2)
    check(d.reply(phone2, "5")["outcome"] == "score", "the second score is recorded")
    eventually(lambda: "outbound event" in d.read_log() and "network:" in d.read_log(),
               "the failed attempt is logged")
    status, health = d.request("GET", "/healthz")
    d.stop(signal.SIGKILL)
    d.now = health["now"]
    d.start()
    d.advance("1m")
    time.sleep(1.5)
    check(metric(d, "cxgate_outbound_events_pending") == 1, "the event survived the kill")
    receiver.start()
    d.advance("5m")
    eventually(lambda: len(receiver.accepted) == 5, "the second survey's answer delivered after the restart")
    late = receiver.accepted[4]
    check(late["type"] == "survey.answered" and late["survey"]["id"] == survey2 and late["survey"]["score"] == 5,
          f"the event kept across the restart: {late}")
    # Nothing delivered before the kill is posted again, however long the daemon runs.
    d.advance("2h")
    time.sleep(1.5)
    check(len(receiver.attempts) == 5 + 1, f"attempts: {receiver.attempts}")
    check(receiver.duplicates == [], f"no event delivered twice: {receiver.duplicates}")
    check(receiver.refused == [], f"every post verified: {receiver.refused}")
    eventually(lambda: metric(d, "cxgate_outbound_events_pending") == 0, "nothing pending at the end")
    check(metric(d, "cxgate_outbound_events_failed_total") == 0, "nothing given up")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
