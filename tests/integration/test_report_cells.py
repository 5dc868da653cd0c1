"""Reports cut by one or two dimensions, filtered, bounded by since/until in the flow's zone,
with staff and teams by name and each cell's response rate, through the real binary on a
manual clock. Every figure is worked out by hand below from the scores the test sends.

Week 2026-W47 (Monday 16 Nov, Helsinki):
  booking (CES 1-5): Anna (s-1) 5, 4, 2; Ben (s-2) one sent, no answer
  close (NPS 0-10):  Anna 10, 9, 3 and one sent, no answer
Week 2026-W48 (Monday 23 Nov):
  booking: Anna 1, 2; Ben 5
Anna and Ben are in Lea's (s-9) team.
"""
import csv
import io
import json
import urllib.request

from harness import (CX_FLOW, SANDBOX_CHANNELS, TOKEN, check, free_port, run, set_public_port, set_staff,
                     write_config)


STAFF = """staff:
  - { id: s-1, name: Anna, email: anna@example.com, lead: s-9 }
  - { id: s-2, name: Ben, email: ben@example.com, lead: s-9 }
  - { id: s-9, name: Lea, email: lea@example.com }
"""


def margin(p, n):
    """The Wald 95% margin of a proportion, in percentage points, as the README gives it."""
    return round(1.96 * (p * (1 - p) / n) ** 0.5 * 100, 1)


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    set_staff(config, STAFF)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)

    counter = [0]

    def survey(step_type, staff, score):
        """One survey to a new customer; answered with `score` unless it is None."""
        counter[0] += 1
        phone = f"+3584010{counter[0]:05d}"
        status, body = d.event({"id": f"e-{counter[0]}", "type": step_type, "deal_id": f"D-{counter[0]}",
                                "contact": {"phone": phone}, "staff": {"id": staff}})
        check(status == 202 and len(body["scheduled"]) == 1, f"event {counter[0]}: {body}")
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent",
                      f"survey to {phone}")
        if score is not None:
            out = d.reply(phone, str(score))
            check(out["outcome"] == "score", f"reply {score} from {phone}: {out}")

    for score in (5, 4, 2):
        survey("booking.created", "s-1", score)
    survey("booking.created", "s-2", None)
    for score in (10, 9, 3, None):
        survey("deal.won", "s-1", score)
    d.advance("7d")  # Monday 23 Nov, 10:00
    for score in (1, 2):
        survey("booking.created", "s-1", score)
    survey("booking.created", "s-2", 5)

    def api(query):
        status, body = d.request("GET", "/v1/reports?" + query)
        check(status == 200, f"GET /v1/reports?{query}: {status} {body}")
        return body

    # --- two dimensions: step, then week
    rep = api("flow=cx&by=step,week")
    cells = [(r["step"], r["week"]) for r in rep["rows"]]
    check(rep["by"] == "step,week" and cells == [("booking", "2026-W47"), ("booking", "2026-W48"),
                                                 ("close", "2026-W47")], f"cells: {cells}")
    b47, b48, c47 = rep["rows"]
    check(b47["n"] == 3 and b47["mean"]["value"] == 3.7, f"booking W47: (5+4+2)/3 = 3.7: {b47}")
    check(b47["response_rate"] == {"value": 75.0, "margin": margin(0.75, 4), "sent": 4, "answered": 3},
          f"booking W47 response rate 3/4: {b47['response_rate']}")
    check(b48["n"] == 3 and b48["mean"]["value"] == 2.7, f"booking W48: (1+2+5)/3 = 2.7: {b48}")
    check(b48["response_rate"]["value"] == 100.0 and b48["response_rate"]["sent"] == 3, f"W48 rate: {b48}")
    check(c47["n"] == 3 and c47["nps"]["value"] == 33.3, f"close: (2 promoters - 1 detractor)/3: {c47}")
    check(c47["response_rate"]["value"] == 75.0 and c47["response_rate"]["sent"] == 4, f"close rate: {c47}")

    # The same table as CSV: one column per field, a figure as _value and _margin.
    req = urllib.request.Request(d.url + "/v1/reports?flow=cx&by=step,week&format=csv",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as res:
        check(res.headers["Content-Type"].startswith("text/csv"), "CSV content type")
        table = list(csv.DictReader(io.StringIO(res.read().decode(), newline="")))
    check([(r["step"], r["week"], r["n"], r["mean_value"], r["response_rate_value"]) for r in table]
          == [("booking", "2026-W47", "3", "3.7", "75.0"), ("booking", "2026-W48", "3", "2.7", "100.0"),
              ("close", "2026-W47", "3", "", "75.0")], f"the report as CSV: {table}")
    check(table[2]["nps_value"] == "33.3" and table[0]["response_rate_sent"] == "4", f"CSV figures: {table}")
    status, body = d.request("GET", "/v1/reports?format=xml")
    check(status == 400 and body.get("field") == "format", f"format=xml: {status} {body}")

    # The week first, then the step.
    rep = api("flow=cx&by=week,step")
    check([(r["week"], r["step"]) for r in rep["rows"]] == [("2026-W47", "booking"), ("2026-W47", "close"),
                                                             ("2026-W48", "booking")], f"week,step: {rep}")

    # --- staff by name, filtered to one step
    rep = api("flow=cx&by=staff&step=booking")
    rows = {r["staff"]: r for r in rep["rows"]}
    check(set(rows) == {"s-1", "s-2"}, f"staff: {rep}")
    check(rows["s-1"]["staff_name"] == "Anna" and rows["s-1"]["n"] == 5 and rows["s-1"]["mean"]["value"] == 2.8,
          f"Anna: (5+4+2+1+2)/5 = 2.8: {rows['s-1']}")
    check(rows["s-1"]["response_rate"]["value"] == 100.0, f"Anna answered 5/5: {rows['s-1']}")
    check(rows["s-2"]["staff_name"] == "Ben" and rows["s-2"]["n"] == 1, f"Ben: {rows['s-2']}")
    check(rows["s-2"]["response_rate"] == {"value": 50.0, "margin": margin(0.5, 2), "sent": 2, "answered": 1},
          f"Ben's rate 1/2: {rows['s-2']}")

    # --- teams: Anna and Ben are Lea's
    rep = api("flow=cx&by=team&step=booking")
    check(len(rep["rows"]) == 1, f"one team: {rep}")
    team = rep["rows"][0]
    check(team["team"] == "s-9" and team["team_name"] == "Lea" and team["n"] == 6
          and team["mean"]["value"] == 3.2, f"Lea's team: 19/6 = 3.2: {team}")
    check(team["response_rate"]["sent"] == 7 and team["response_rate"]["value"] == 85.7, f"6/7: {team}")
    rep = api("flow=cx&by=step&team=s-9&staff=s-2")
    check([(r["step"], r["n"]) for r in rep["rows"]] == [("booking", 1)], f"team and staff filters: {rep}")

    # --- until and since: bare dates are midnight in the flow's zone (Helsinki)
    rep = api("flow=cx&by=step&until=2026-11-23")
    check([(r["step"], r["n"]) for r in rep["rows"]] == [("booking", 3), ("close", 3)], f"until: {rep}")
    check(rep["until"] == "2026-11-22T22:00:00Z", f"until is Helsinki midnight: {rep['until']}")
    rep = api("flow=cx&by=step&since=2026-11-23")
    check([(r["step"], r["n"]) for r in rep["rows"]] == [("booking", 3)], f"since: {rep}")
    rep = api("flow=cx&by=outcome&since=2026-11-16&until=2026-11-23&step=close")
    check([(r["outcome"], r["n"]) for r in rep["rows"]] == [("deal.won", 3)], f"outcome: {rep}")

    # --- the CLI reads the same parameters the same way
    res = d.cli("report", "--config", config, "--db", d.db, "--flow", "cx", "--by", "step,week", "--json")
    check(json.loads(res.stdout) == api("flow=cx&by=step,week"), "CLI and API agree")
    res = d.cli("report", "--config", config, "--db", d.db, "--flow", "cx", "--by", "staff", "--step", "booking")
    check("Anna" in res.stdout and "100.0% ±0.0" in res.stdout and "50.0% ±" in res.stdout,
          f"the table shows names and response rates:\n{res.stdout}")

    # --- bad parameters: 400 naming the field
    for query, field in (("by=step,week,staff", "by"), ("by=colour", "by"), ("by=step,step", "by"),
                         ("since=2026-11-23&until=2026-11-16", "until"), ("until=yesterday", "until"),
                         ("stafff=s-1", "stafff")):
        status, body = d.request("GET", "/v1/reports?" + query)
        check(status == 400 and body.get("field") == field, f"{query}: {status} {body}")
    res = d.cli("report", "--config", config, "--db", d.db, "--by", "colour", check_rc=False)
    check(res.returncode == 2 and "by: \"colour\" is not one of" in res.stderr, f"CLI: {res.stderr}")

    # --- the responses, a page at a time: 9 answered, answered at two instants only (the
    # manual clock), so pages must break ties by id and lose or repeat nothing
    def get(path):
        req = urllib.request.Request(d.url + path, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.headers, res.read().decode()

    seen, path, pages = [], "/v1/responses?flow=cx&limit=4", 0
    while path:
        headers, text = get(path)
        pages += 1
        seen += [r["id"] for r in json.loads(text)]
        link = headers.get("Link")
        check((link is None) == (headers.get("X-Next-Cursor") is None), f"Link and cursor together: {headers}")
        path = link[1:link.index(">")] if link else None
    check(pages == 3 and len(seen) == 9 and len(set(seen)) == 9, f"3 pages of 4, 4, 1: {pages} {seen}")
    _, text = get("/v1/responses?flow=cx")
    check([r["id"] for r in json.loads(text)] == seen, "the pages read as one list, in order")

    headers, text = get("/v1/responses?flow=cx&format=csv&limit=5&until=2026-11-23")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    check(len(rows) == 5 and headers.get("X-Next-Cursor"), f"CSV page 1 of 6 rows until W48: {text}")
    check(rows[0]["staff_name"] == "Anna" and rows[0]["deal_id"].startswith("D-")
          and rows[0]["sent_at"].startswith("2026-11-16T") and rows[0]["step"] == "booking",
          f"staff name, deal id and sent time: {rows[0]}")
    link = headers["Link"]
    _, text = get(link[1:link.index(">")])
    rest = list(csv.DictReader(io.StringIO(text, newline="")))
    check(len(rest) == 1, f"the second CSV page has its own header and the last row: {text}")
    for query, field in (("limit=0", "limit"), ("limit=100001", "limit"), ("after=x", "after"),
                         ("until=soon", "until")):
        status, body = d.request("GET", "/v1/responses?" + query)
        check(status == 400 and body.get("field") == field, f"{query}: {status} {body}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
