"""Alert routing and answering the customer, on the real binary.

Routes in cxgate.yaml add recipients by segment, team, flow/step and score (a route with
`when` raises an alert of its own), each recipient reads the alert in their own language
(staff `locale:`), and the link's page speaks it too. From the alert's page a staff member
answers the customer on the survey's channel with a reply template: the answer reaches the
customer's phone, shows on the page, and counts as acknowledging the alert. The API does the
same (POST /v1/alerts/{id}/answer), and refuses an opted-out customer."""
import re
import urllib.error
import urllib.parse
import urllib.request

from harness import SANDBOX_CHANNELS, check, free_port, run, set_public_port, set_staff, write_config

FLOW = """flow: cx
timezone: Europe/Helsinki
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: sms
    follow_up: none
    alert: { when: "score <= 2", notify: [staff] }
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: sms
    follow_up: none
"""

STAFF = """staff:
  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }
  - { id: s-1, name: Lena Lead, email: lead@example.com, locale: sv }
  - { id: s-3, name: Other, email: other@example.com }
"""

ROUTES = """  targets:
    "#premium": { channel: email, address: premium@example.com, locale: en }
    "#detractors": { channel: email, address: detractors@example.com }
  routes:
    - { segment: premium, notify: ["#premium"] }
    - { team: s-1, when: "score == 1", notify: [team-lead] }
    - { step: close, when: "score <= 6", notify: ["#detractors", staff] }
"""


def fetch(url, data=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if data else {}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def answered(d, n, event_type, score, staff="s-7", segment=None):
    phone = f"+35840555{n:04d}"
    contact = {"phone": phone, "name": "Maija Virtanen", "locale": "fi"}
    if segment:
        contact["segment"] = segment
    status, body = d.event({"id": f"e-{n}", "type": event_type, "contact": contact, "staff": {"id": staff}})
    check(status == 202 and body["scheduled"], f"event: {status} {body}")
    survey = body["scheduled"][0]["id"]
    d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", "survey sent")
    check(d.reply(phone, str(score))["outcome"] == "score", "the score is recorded")
    return phone, survey


def alerts_of(d, survey, expected):
    msgs = d.wait_outbox(lambda m: m["kind"] == "alert" and m.get("survey") == survey
                         and len([x for x in d.outbox() if x["kind"] == "alert" and x.get("survey") == survey]) >= expected,
                         f"{expected} alert messages of survey {survey}")
    return {m["to"]: m for m in msgs}


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW})
    set_staff(config, STAFF)
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("alerts:\n  channel: email\n", "alerts:\n  channel: email\n" + ROUTES))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-30T10:00:00+02:00").start(port=port)

    # A premium customer's 2: the advisor (Finnish, the default) and the premium desk (English).
    _, premium = answered(d, 1, "meeting.completed", 2, segment="premium")
    to = alerts_of(d, premium, 2)
    check(set(to) == {"advisor@example.com", "premium@example.com"}, f"premium 2 reaches: {sorted(to)}")
    check("Asiakas" in to["advisor@example.com"]["body"], f"Finnish for the advisor: {to['advisor@example.com']['body']}")
    check("Customer" in to["premium@example.com"]["body"], f"English for the desk: {to['premium@example.com']['body']}")
    check("?l=en" in to["premium@example.com"]["body"], "the desk's link opens the page in English")

    # A 1 in Lena's team also reaches Lena, in Swedish, and her link's page is Swedish.
    phone, worst = answered(d, 2, "meeting.completed", 1)
    to = alerts_of(d, worst, 2)
    check(set(to) == {"advisor@example.com", "lead@example.com"}, f"a 1 reaches: {sorted(to)}")
    lena = to["lead@example.com"]
    check("Kund" in lena["body"], f"Swedish for Lena: {lena['body']}")
    link = re.search(r"(http://\S+/a/\S+)", lena["body"]).group(1)
    check(link.endswith("?l=sv"), f"Lena's link: {link}")
    status, page = fetch(link)
    check(status == 200 and 'lang="sv"' in page and "Svara kunden" in page, f"Swedish page: {status}\n{page[:1500]}")

    # A route with `when` alerts where the step has none: an NPS detractor at close.
    _, detractor = answered(d, 3, "deal.won", 4)
    to = alerts_of(d, detractor, 2)
    check(set(to) == {"detractors@example.com", "advisor@example.com"}, f"a detractor reaches: {sorted(to)}")
    _, promoter = answered(d, 4, "deal.won", 9)
    status, alerts = d.request("GET", "/v1/alerts")
    check(len(alerts) == 3, f"a promoter raises no alert: {alerts}")

    # Answering the customer from Lena's page, with the callback template in Finnish (the
    # customer's language), not Lena's.
    status, page = fetch(link)
    check("Soitan sinulle" in page and 'value="callback"' in page, f"the drafts are Finnish: {page[:3000]}")
    status, page = fetch(link, urllib.parse.urlencode({"action": "answer", "by": "Lena", "draft": "callback",
                                                       "text": ""}).encode())
    check(status == 200 and "kö" in page, f"answer queued: {status}\n{page[:2000]}")
    answer = d.wait_outbox(lambda m: m["kind"] == "reply" and m["to"] == phone and m["state"] == "sent",
                           "the answer reaches the customer")[0]
    check(answer["body"].startswith("Hei Maija") and "Soitan sinulle" in answer["body"], f"answer: {answer}")
    check(answer.get("survey") == worst, f"on the survey's thread: {answer}")
    status, page = fetch(link)
    check("Soitan sinulle" in page.split("Skickade svar")[1], "the page shows the answer sent")
    status, alerts = d.request("GET", "/v1/alerts")
    a = [x for x in alerts if x["survey"] == worst][0]
    check(a["state"] == "acknowledged" and a["acknowledged_by"] == "Lena", f"answering acknowledges: {a}")

    # The API: own words to the premium customer; then an opted-out customer is refused.
    premium_alert = [x for x in alerts if x["survey"] == premium][0]
    status, body = d.request("POST", f"/v1/alerts/{premium_alert['id']}/answer",
                             {"by": "Desk", "text": "Hei Maija, soitamme huomenna."})
    check(status == 201 and body["answer_message"] and body["state"] == "acknowledged", f"API answer: {status} {body}")
    status, body = d.request("POST", f"/v1/alerts/{premium_alert['id']}/answer", {"by": "Desk"})
    check(status == 400 and body.get("field") == "text", f"no text: {status} {body}")
    detractor_phone = "+35840555" + "0003"
    check(d.reply(detractor_phone, "STOP")["outcome"] in ("opted_out", "optout"), "the detractor opts out")
    detractor_alert = [x for x in alerts if x["survey"] == detractor][0]
    status, body = d.request("POST", f"/v1/alerts/{detractor_alert['id']}/answer", {"by": "Desk", "text": "Hei"})
    check(status == 409 and "opted out" in body.get("error", ""), f"opted out: {status} {body}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
