"""Why the figures move: the themes of "why?" comments through the real binary. Customers
answer the CSAT and give their reason in Finnish, Swedish or English; Finnish words are
matched on their base forms (Voikko), so "odotin", "odotusaika" and "jonossa" all count for
the theme `waiting`. GET /v1/themes and `cxgate themes` give the mentions, their share, the
CSAT among the answers that mention the theme, the weeks, and the comments of no theme.

  phone  locale  score  reason                                   themes
  1      fi      2      Odotin puhelimessa puoli tuntia          waiting
  2      fi      1      Odotusaika oli liian pitkä               waiting
  3      fi      3      Jonossa meni ikuisuus ja hinnat kalliit  waiting, price
  4      sv      4      Jag väntade lite, men bra                waiting
  5      en      5      Friendly advisor                         (none)
"""
import json
import math

from harness import SANDBOX_CHANNELS, check, free_port, run, set_public_port, write_config

FLOW = """flow: cx
timezone: Europe/Helsinki
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    follow_up: why
"""


THEMES = """themes:
  waiting: { fi: [odottaa, jono], sv: [vänta, kö], en: [wait, queue] }
  price: { fi: [hinta, kallis], sv: [pris, dyr], en: [price, expensive] }
  noise: { en: [noisy] }
"""

ANSWERS = [("fi", 2, "Odotin puhelimessa puoli tuntia"), ("fi", 1, "Odotusaika oli liian pitkä"),
           ("fi", 3, "Jonossa meni ikuisuus ja hinnat kalliit"), ("sv", 4, "Jag väntade lite, men bra"),
           ("en", 5, "Friendly advisor")]


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW}, extra=THEMES)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)
    for i, (locale, score, reason) in enumerate(ANSWERS, 1):
        phone = f"+3584040{i:05d}"
        status, body = d.event({"id": f"m-{i}", "type": "meeting.completed",
                                "contact": {"phone": phone, "locale": locale}})
        check(status == 202 and len(body["scheduled"]) == 1, f"event {i}: {body}")
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", "survey")
        check(d.reply(phone, str(score))["outcome"] == "score", f"score from {phone}")
        check(d.reply(phone, reason)["outcome"] == "comment", f"reason from {phone}")

    status, themes = d.request("GET", "/v1/themes?flow=cx")
    check(status == 200 and themes["comments"] == 5, f"GET /v1/themes: {status} {themes}")
    by_name = {t["theme"]: t for t in themes["themes"]}
    check([t["theme"] for t in themes["themes"]] == ["waiting", "price", "noise"], f"most mentioned first: {themes}")
    waiting = by_name["waiting"]
    p = 4 / 5
    check(waiting["mentions"] == 4 and waiting["share"] == {"value": 80.0, "margin": round(1.96 * math.sqrt(p * (1 - p) / 5) * 100, 1)},
          f"waiting: 4 of 5 comments (odotin, odotusaika, jonossa, väntade): {waiting}")
    figure = waiting["figures"][0]
    # CSAT % satisfied (4-5) among the four: only the Swedish 4: 25.0
    check(figure["metric"] == "csat" and figure["n"] == 4 and figure["figure"]["value"] == 25.0,
          f"CSAT among comments on waiting: {figure}")
    check(waiting["weeks"] == {"2026-W47": 4}, f"weeks: {waiting['weeks']}")
    price = by_name["price"]
    check(price["mentions"] == 1 and price["figures"][0]["figure"]["value"] == 0.0, f"price (hinnat kalliit): {price}")
    check(by_name["noise"]["mentions"] == 0 and by_name["noise"]["figures"] == [], "a theme nobody mentioned")
    check(themes["unmatched_total"] == 1 and themes["unmatched"][0]["comment"] == "Friendly advisor"
          and themes["unmatched"][0]["score"] == 5, f"the comment of no theme, for review: {themes['unmatched']}")

    rows = d.csv("/v1/themes?flow=cx&format=csv")
    check([(r["theme"], r["mentions"]) for r in rows] == [(t["theme"], str(t["mentions"])) for t in themes["themes"]],
          f"themes as CSV: {rows}")
    res = d.cli("themes", "--config", config, "--db", d.db, "--flow", "cx", "--json")
    check(json.loads(res.stdout) == themes, "cxgate themes --json prints the API's answer")
    res = d.cli("themes", "--config", config, "--db", d.db, "--flow", "cx")
    lines = res.stdout.splitlines()
    check(lines[1].split() == ["theme", "mentions", "share", "%", "among", "them"]
          and lines[2].split()[:2] == ["waiting", str(by_name["waiting"]["mentions"])]
          and "1 comment matches no theme, the latest:" in res.stdout
          and "Friendly advisor" in res.stdout, f"cxgate themes prints a table: {res.stdout}")
    status, body = d.request("GET", "/v1/themes?colour=red")
    check(status == 400 and body.get("field") == "colour", f"unknown parameter: {status} {body}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
