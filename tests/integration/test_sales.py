"""Customer experience beside sales through the real binary: events carry a deal's value
and currency; GET /v1/sales gives leads, deals won and lost, the win rate with its margin
and the value won beside the experience of the same cell; GET /v1/sales/win-rates gives the
win rate of closed deals by the booking answer given earlier in the deal. Every figure is
worked out by hand:

  deal  staff  booking CES  outcome  value
  D1    s-1    5 (easy)     won      1000 EUR
  D2    s-1    4 (easy)     won      2000 EUR
  D3    s-2    5 (easy)     lost
  D4    s-2    2 (hard)     lost
  D5    s-1    1 (hard)     lost
  D6    s-2    2 (hard)     won       500 EUR
  D7    s-1    (no answer)  (open)
"""
import json
import math

from harness import CX_FLOW, SANDBOX_CHANNELS, check, free_port, run, set_public_port, set_staff, write_config


STAFF = """staff:
  - { id: s-1, name: Anna, email: anna@example.com }
  - { id: s-2, name: Ben, email: ben@example.com }
"""

DEALS = [("D1", "s-1", 5, "won", 1000), ("D2", "s-1", 4, "won", 2000), ("D3", "s-2", 5, "lost", None),
         ("D4", "s-2", 2, "lost", None), ("D5", "s-1", 1, "lost", None), ("D6", "s-2", 2, "won", 500),
         ("D7", "s-1", None, None, None)]


def share(count, n):
    p = count / n
    return {"value": round(100 * p, 1), "margin": round(1.96 * math.sqrt(p * (1 - p) / n) * 100, 1)}


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    set_staff(config, STAFF)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)

    def phone(deal):
        return f"+35840300{int(deal[1:]):04d}"

    for deal, staff, score, _, _ in DEALS:
        status, body = d.event({"id": f"b-{deal}", "type": "booking.created", "deal_id": deal,
                                "contact": {"phone": phone(deal)}, "staff": {"id": staff}})
        check(status == 202, f"booking {deal}: {body}")
        if score is not None:
            d.wait_outbox(lambda m: m["to"] == phone(deal) and m["kind"] == "survey" and m["state"] == "sent",
                          f"booking survey {deal}")
            check(d.reply(phone(deal), str(score))["outcome"] == "score", f"CES {score} for {deal}")
    d.advance("1d")
    for deal, staff, _, outcome, value in DEALS:
        if outcome is None:
            continue
        body = {"id": f"c-{deal}", "type": f"deal.{outcome}", "deal_id": deal,
                "contact": {"phone": phone(deal)}, "staff": {"id": staff}}
        if value is not None:
            body.update(value=value, currency="EUR")
        status, answer = d.event(body)
        check(status == 202, f"{outcome} {deal}: {answer}")

    # --- everything in one cell
    status, sales = d.request("GET", "/v1/sales")
    check(status == 200 and len(sales["rows"]) == 1, f"GET /v1/sales: {status} {sales}")
    all_ = sales["rows"][0]
    check((all_["leads"], all_["won"], all_["lost"]) == (7, 3, 3), f"7 leads, 3 won, 3 lost: {all_}")
    check(all_["win_rate"] == share(3, 6) and all_["value_won"] == {"EUR": 3500.0}, f"50% and 3500 EUR: {all_}")
    ces = [e for e in all_["experience"] if e["metric"] == "ces"]
    check(len(ces) == 1 and ces[0]["n"] == 6 and ces[0]["figure"]["value"] == round(19 / 6, 1),
          f"beside it, the CES mean 19/6: {all_['experience']}")

    # --- per staff member, by name
    status, sales = d.request("GET", "/v1/sales?by=staff")
    rows = {r["staff"]: r for r in sales["rows"]}
    anna, ben = rows["s-1"], rows["s-2"]
    check(anna["staff_name"] == "Anna" and (anna["leads"], anna["won"], anna["lost"]) == (4, 2, 1)
          and anna["win_rate"] == share(2, 3) and anna["value_won"] == {"EUR": 3000.0}, f"Anna: {anna}")
    check(ben["staff_name"] == "Ben" and (ben["leads"], ben["won"], ben["lost"]) == (3, 1, 2)
          and ben["win_rate"] == share(1, 3) and ben["value_won"] == {"EUR": 500.0}, f"Ben: {ben}")
    anna_ces = [e for e in anna["experience"] if e["metric"] == "ces"][0]
    ben_ces = [e for e in ben["experience"] if e["metric"] == "ces"][0]
    check(anna_ces["n"] == 3 and anna_ces["figure"]["value"] == round(10 / 3, 1), f"Anna's CES 10/3: {anna_ces}")
    check(ben_ces["n"] == 3 and ben_ces["figure"]["value"] == 3.0, f"Ben's CES 9/3: {ben_ces}")

    # --- the funnel link: win rate by the booking answer given earlier in the deal
    status, rates = d.request("GET", "/v1/sales/win-rates?flow=cx")
    check(status == 200, f"win rates: {status} {rates}")
    booking = [s for s in rates["steps"] if s["step"] == "booking"]
    check(len(booking) == 1, f"one booking split: {rates}")
    easy, hard = booking[0]["answers"]
    check(easy["answer"] == "easy" and easy["deals"] == 3 and easy["won"] == 2 and easy["win_rate"] == share(2, 3),
          f"easy bookings won 2 of 3: {easy}")
    check(hard["answer"] == "hard" and hard["deals"] == 3 and hard["won"] == 1 and hard["win_rate"] == share(1, 3),
          f"hard bookings won 1 of 3: {hard}")
    m = 1.96 * math.sqrt((2 / 3) * (1 / 3) / 3) * 100
    diff = booking[0]["difference"]
    check(diff["value"] == -33.3 and diff["margin"] == round(math.sqrt(2) * m, 1) and not diff["distinguishable"]
          and diff["verdict"] == "not distinguishable from noise at this n", f"the difference: {diff}")

    # --- the same as CSV
    rows = d.csv("/v1/sales?by=staff&format=csv")
    check([(r["staff"], r["staff_name"], r["won"], r["win_rate_value"]) for r in rows]
          == [("s-1", "Anna", "2", str(share(2, 3)["value"])), ("s-2", "Ben", "1", str(share(1, 3)["value"]))],
          f"sales as CSV: {rows}")
    rows = d.csv("/v1/sales/win-rates?flow=cx&format=csv")
    check([(r["step"], r["answer"], r["deals"], r["won"]) for r in rows]
          == [("booking", "easy", "3", "2"), ("booking", "hard", "3", "1")], f"win rates as CSV: {rows}")

    # --- the CLI gives the same JSON
    res = d.cli("sales", "--config", config, "--db", d.db, "--by", "staff", "--json")
    check(json.loads(res.stdout) == sales, "cxgate sales --by staff")
    res = d.cli("sales", "--config", config, "--db", d.db, "--win-rates", "--flow", "cx", "--json")
    check(json.loads(res.stdout) == rates, "cxgate sales --win-rates")

    # --- bad input names the field
    for body, field in (({"value": 10}, "currency"), ({"value": 10, "currency": "eur"}, "currency"),
                        ({"value": -1, "currency": "EUR"}, "value"), ({"value": "10", "currency": "EUR"}, "value")):
        event = {"id": "bad", "type": "deal.won", "contact": {"phone": "+358403009999"}, **body}
        status, answer = d.event(event)
        check(status == 400 and answer.get("field") == field, f"{body}: {status} {answer}")
    for query, field in (("by=colour", "by"), ("until=soon", "until"), ("flow=cx", "flow")):
        status, answer = d.request("GET", "/v1/sales?" + query)
        check(status == 400 and answer.get("field") == field, f"{query}: {status} {answer}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
