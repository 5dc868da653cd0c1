"""Retention beside experience through the real binary: GET /v1/sales/retention gives the
share of won customers who came back (here a contract.renewed event within 30 days of the
win), for everyone and by the NPS group of the deal's closing survey, with each share's 95%
margin and the detractors-minus-promoters difference. Every figure is worked out by hand
(days after the first wins, which all come on day 0):

  deal  closing NPS      renewed   returned within 30 days
  W1    10 (promoter)    day 10    yes   (and a repeated deal.won for W1 on day 1: counted once)
  W2     9 (promoter)    day 20    yes
  W3     9 (promoter)    -         no
  W4     3 (detractor)   -         no
  W5     5 (detractor)   day 40    no    (after the window)
  W6     8 (passive)     day 5     yes
  W7     2 (detractor)   day 15    yes
  W8    (no answer)      day 10    yes
  W9    10 (promoter)    won on day 35: its window is still open on day 41 (pending)

Everyone: 5 of 8 (W1, W2, W6, W7, W8). Promoters 2 of 3, passives 1 of 1, detractors 1 of 3, no answer 1 of 1.
"""
import json
import math

from harness import CX_FLOW, SANDBOX_CHANNELS, check, free_port, run, set_public_port, write_config

WON = {"W1": 10, "W2": 9, "W3": 9, "W4": 3, "W5": 5, "W6": 8, "W7": 2, "W8": None}
RENEWED = {5: ["W6"], 10: ["W1", "W8"], 15: ["W7"], 20: ["W2"], 40: ["W5"]}


def share(count, n):
    p = count / n
    return {"value": round(100 * p, 1), "margin": round(1.96 * math.sqrt(p * (1 - p) / n) * 100, 1)}


def phone(deal):
    return f"+35840400{int(deal[1:]):04d}"


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text + "sales:\n  retention: { events: [contract.renewed], within: 30d }\n")
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)

    def won(deal, event_id, score):
        status, body = d.event({"id": event_id, "type": "deal.won", "deal_id": deal,
                                "contact": {"phone": phone(deal)}})
        check(status == 202, f"won {deal}: {body}")
        if score is not None:
            d.wait_outbox(lambda m: m["to"] == phone(deal) and m["kind"] == "survey" and m["state"] == "sent",
                          f"closing survey {deal}")
            check(d.reply(phone(deal), str(score))["outcome"] == "score", f"NPS {score} for {deal}")

    def renewed(deal, day):
        status, body = d.event({"id": f"r-{deal}", "type": "contract.renewed",
                                "contact": {"phone": phone(deal)}})
        check(status == 202, f"renewal {deal} on day {day}: {body}")

    status, answer = d.request("GET", "/v1/sales/retention")
    check(status == 200 and answer["everyone"]["customers"] == 0, f"nothing won yet: {status} {answer}")

    for deal, score in WON.items():
        won(deal, f"w-{deal}", score)
    day = 0
    for when in sorted(set(RENEWED) | {1, 35, 41}):
        d.advance(f"{when - day}d")
        day = when
        if day == 1:
            won("W1", "w-W1-again", None)
        if day == 35:
            won("W9", "w-W9", 10)
        for deal in RENEWED.get(day, []):
            renewed(deal, day)

    status, r = d.request("GET", "/v1/sales/retention")
    check(status == 200, f"GET /v1/sales/retention: {status} {r}")
    check(r["events"] == ["contract.renewed"] and r["within_days"] == 30 and r["pending"] == 1,
          f"30 days after contract.renewed; W9 pending: {r}")
    check(r["everyone"] == {"group": "everyone", "customers": 8, "returned": 5, "share": share(5, 8)},
          f"5 of 8 came back: {r['everyone']}")
    groups = {g["group"]: g for g in r["by_nps"]}
    check([g["group"] for g in r["by_nps"]] == ["promoter", "passive", "detractor", "no NPS answer"],
          f"the groups in order: {r['by_nps']}")
    check((groups["promoter"]["customers"], groups["promoter"]["returned"]) == (3, 2)
          and groups["promoter"]["share"] == share(2, 3), f"promoters 2 of 3: {groups['promoter']}")
    check((groups["passive"]["customers"], groups["passive"]["returned"]) == (1, 1)
          and groups["passive"]["share"] == {"value": 100.0, "margin": None}, f"passives 1 of 1: {groups['passive']}")
    check((groups["detractor"]["customers"], groups["detractor"]["returned"]) == (3, 1)
          and groups["detractor"]["share"] == share(1, 3), f"detractors 1 of 3: {groups['detractor']}")
    check((groups["no NPS answer"]["customers"], groups["no NPS answer"]["returned"]) == (1, 1),
          f"no answer 1 of 1: {groups['no NPS answer']}")
    m = 1.96 * math.sqrt((2 / 3) * (1 / 3) / 3) * 100  # the same for 2 of 3 and 1 of 3
    diff = r["difference"]
    check(diff["value"] == -33.3 and diff["margin"] == round(math.sqrt(2) * m, 1) and not diff["distinguishable"]
          and diff["verdict"] == "not distinguishable from noise at this n", f"the difference: {diff}")

    # Won in the first week only (day 0 and the repeat on day 1): the same eight deals.
    status, week = d.request("GET", "/v1/sales/retention?since=2026-11-16&until=2026-11-23")
    check(status == 200 and week["everyone"]["customers"] == 8 and week["pending"] == 0, f"first week: {week}")
    status, later = d.request("GET", "/v1/sales/retention?since=2026-11-23")
    check(later["everyone"]["customers"] == 0 and later["pending"] == 1, f"after it, W9 alone: {later}")

    # As of day 29 no window had closed: all nine pending. The CLI reads the same figures
    # (as of the daemon's day 41, since its own clock is the real one).
    status, early = d.request("GET", "/v1/sales/retention?as_of=2026-12-15")
    check(early["everyone"]["customers"] == 0 and early["pending"] == 9, f"as of day 29: {early}")
    res = d.cli("sales", "--config", config, "--db", d.db, "--retention", "--json", "--as-of",
                "2026-12-27T10:00:00+02:00")
    cli = json.loads(res.stdout)
    check({k: cli[k] for k in ("everyone", "by_nps", "difference", "pending")}
          == {k: r[k] for k in ("everyone", "by_nps", "difference", "pending")},
          f"cxgate sales --retention --json: {res.stdout}")
    res = d.cli("sales", "--config", config, "--db", d.db, "--retention", "--since", "2026-11-16",
                "--until", "2026-11-23", "--as-of", "2026-12-27")
    check("everyone              8 customers      5 returned  62.5 ± 33.5 %" in res.stdout
          and "not distinguishable from noise at this n" in res.stdout, f"the table: {res.stdout}")

    rows = d.csv("/v1/sales/retention?format=csv")
    check([(r["group"], r["customers"], r["returned"]) for r in rows]
          == [("everyone", "8", "5"), ("promoter", "3", "2"), ("passive", "1", "1"), ("detractor", "3", "1"),
              ("no NPS answer", "1", "1")], f"retention as CSV: {rows}")

    for query, field in (("by=staff", "by"), ("since=yesterday", "since"), ("as_of=soon", "as_of")):
        status, answer = d.request("GET", "/v1/sales/retention?" + query)
        check(status == 400 and answer.get("field") == field, f"{query}: {status} {answer}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
