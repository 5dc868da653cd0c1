"""Anonymous surveys (eNPS) through the real binary. The flow says `anonymous: true`. Five
employees answer by SMS with a score and a reason; the first one's low score alerts their
lead. Checked: the alert names nobody; a report and the comments of the themes page show
nothing while fewer than five answers are in, and the five once they are; once each survey has closed, nothing in the database
leads from an employee to their answer (cxgate export-person finds no survey, the answer's
row holds no contact, address or event), while the contact directory still knows the
employee for the next quarter.
"""
import json

from harness import SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config

ENPS = """flow: enps
anonymous: true
timezone: Europe/Helsinki
steps:
  - id: quarterly
    on: enps.quarterly
    survey: { metric: enps }
    channel: sms
    follow_up: why
    alert: { when: "score <= 6", notify: [staff] }
"""


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"enps": ENPS})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)

    surveys = []
    for i in range(1, 6):
        phone = f"+35840777000{i}"
        status, body = d.event({"id": f"enps-2026q4-emp-{i}", "type": "enps.quarterly",
                                "contact": {"id": f"emp-{i}", "phone": phone, "name": f"Työntekijä Numero{i}"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        check(status == 202 and body["scheduled"], f"event {i}: {status} {body}")
        surveys.append(body["scheduled"][0]["id"])
        d.wait_outbox(lambda m, p=phone: m["to"] == p and m["kind"] == "survey" and m["state"] == "sent",
                      f"survey to employee {i}")
        check(d.reply(phone, "3" if i == 1 else "9")["outcome"] == "score", f"employee {i} scores")
        if i < 5:
            report = d.report("enps")
            check(report["rows"] == [], f"{i} answers: nothing shown: {report}")
        check(d.reply(phone, f"Syy numero {i}: liian kiire")["outcome"] == "comment", f"employee {i} says why")
        status, themes = d.request("GET", "/v1/themes?flow=enps")
        shown = [c for c in themes["unmatched"]] if status == 200 else None
        check(status == 200 and (shown == [] if i < 5 else len(shown) == 5),
              f"{i} comments: the comments are shown only among five: {status} {shown}")

    d.advance("20m")  # past the alert's wait for the reason
    alert = d.wait_outbox(lambda m: m["kind"] == "alert", "the low score's alert")[0]
    check("Numero1" not in json.dumps(alert) and "+358407770001" not in json.dumps(alert),
          f"the alert names nobody: {alert}")
    check("3" in alert["body"], f"the alert says the score: {alert['body']}")

    rows = d.report("enps")["rows"]
    check(len(rows) == 1 and rows[0]["n"] == 5, f"five answers are shown: {rows}")

    for i, survey_id in enumerate(surveys, 1):
        s = eventually(lambda sid=survey_id: (lambda s: s if s["contact"] == "anonymous" else None)(d.survey(sid)),
                       f"survey of employee {i} unlinked")
        check("address" not in s and s["event"] == "anonymous", f"no address, no event: {s}")
        check(s["score"] in (3, 9) and "liian kiire" in s.get("comment", ""), f"the answer stays: {s}")
        res = d.cli("export-person", "--config", config, "--db", d.db, "--contact", f"emp-{i}")
        held = json.loads(res.stdout)
        check(held["contacts"] and held["surveys"] == [] and held["replies"] == [],
              f"employee {i}: known as a contact, linked to no answer: {held}")
        check(not any("liian kiire" in json.dumps(m) for m in held["messages"]), "no reply text under their name")


if __name__ == "__main__":
    from harness import parse_args
    SOURCE = parse_args().source
    run(test)
