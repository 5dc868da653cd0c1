"""Before and after a change, through the real binary on a manual clock: a change marker
(`cxgate mark add` through the daemon, listed by `cxgate mark list` and GET /v1/marks), and
the comparison of equal windows either side of it (GET /v1/compare, `cxgate compare`), with
the difference, its 95% confidence interval and the verdict, each worked out by hand below.

The close NPS moves from -66.7 (1 promoter, 5 detractors of 6) to 83.3 (5 promoters, 0
detractors of 6): significant. The booking CES mean moves from 3.0 (3, 4, 2) to 3.3 (4, 3,
3): not distinguishable from noise at n = 3.
"""
import json
import math

from harness import CX_FLOW, SANDBOX_CHANNELS, check, free_port, run, set_public_port, write_config


Z = 1.96


def nps_figure(scores):
    n = len(scores)
    p = sum(s >= 9 for s in scores) / n
    d = sum(s <= 6 for s in scores) / n
    return 100 * (p - d), Z * 100 * math.sqrt((p + d - (p - d) ** 2) / n)


def mean_figure(scores):
    n = len(scores)
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    return mean, Z * sd / math.sqrt(n)


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)
    counter = [0]

    def answered(event_type, score):
        counter[0] += 1
        phone = f"+3584020{counter[0]:05d}"
        status, body = d.event({"id": f"e-{counter[0]}", "type": event_type, "contact": {"phone": phone}})
        check(status == 202 and len(body["scheduled"]) == 1, f"event: {body}")
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", "survey")
        check(d.reply(phone, str(score))["outcome"] == "score", f"reply from {phone}")

    nps_before, nps_after = [2, 3, 4, 9, 5, 6], [9, 10, 9, 10, 9, 8]
    ces_before, ces_after = [3, 4, 2], [4, 3, 3]
    for s in nps_before:
        answered("deal.won", s)
    for s in ces_before:
        answered("booking.created", s)
    d.advance("5d")  # Saturday 21 Nov: after the change
    for s in nps_after:
        answered("deal.won", s)
    for s in ces_after:
        answered("booking.created", s)

    # --- the marker, through the daemon, then listed
    res = d.cli("mark", "add", "new booking script", "--config", config, "--url", d.url,
                "--flow", "cx", "--at", "2026-11-20")
    mark = json.loads(res.stdout)
    check(mark["label"] == "new booking script" and mark["flow"] == "cx"
          and mark["at"] == "2026-11-19T22:00:00Z", f"the marker, at Helsinki midnight: {mark}")
    status, marks = d.request("GET", "/v1/marks?flow=cx")
    check(status == 200 and marks == [mark], f"GET /v1/marks: {marks}")
    listed = json.loads(d.cli("mark", "list", "--config", config, "--db", d.db, "--json").stdout)
    check(listed == [mark], f"cxgate mark list: {listed}")

    # --- 7 days either side of it
    status, cmp = d.request("GET", f"/v1/compare?mark={mark['id']}&days=7")
    check(status == 200, f"compare: {status} {cmp}")
    check(cmp["before"] == {"since": "2026-11-12T22:00:00Z", "until": "2026-11-19T22:00:00Z"}
          and cmp["after"] == {"since": "2026-11-19T22:00:00Z", "until": "2026-11-26T22:00:00Z"}
          and cmp["mark"]["id"] == mark["id"] and cmp["flow"] == "cx", f"the windows: {cmp}")
    rows = {r["step"]: r for r in cmp["rows"]}
    check(set(rows) == {"booking", "close"}, f"steps: {cmp['rows']}")

    close = rows["close"]
    b, mb = nps_figure(nps_before)
    a, ma = nps_figure(nps_after)
    diff, margin = a - b, math.sqrt(mb ** 2 + ma ** 2)
    check(round(b, 1) == -66.7 and round(a, 1) == 83.3 and round(diff, 1) == 150.0, "hand-worked NPS")
    check(close["figure"] == "nps" and close["n_before"] == 6 and close["n_after"] == 6
          and close["before"] == {"value": -66.7, "margin": round(mb, 1)}
          and close["after"] == {"value": 83.3, "margin": round(ma, 1)}, f"close figures: {close}")
    check(close["difference"] == {"value": 150.0, "margin": round(margin, 1), "distinguishable": True},
          f"close difference 150.0 ± {margin:.1f}: {close['difference']}")
    check(close["verdict"] == f"improved by 150.0 ± {margin:.1f} points", f"verdict: {close['verdict']}")

    booking = rows["booking"]
    b, mb = mean_figure(ces_before)
    a, ma = mean_figure(ces_after)
    margin = math.sqrt(mb ** 2 + ma ** 2)
    check(booking["figure"] == "mean" and booking["before"]["value"] == 3.0
          and booking["after"]["value"] == 3.3, f"booking means: {booking}")
    check(booking["difference"] == {"value": 0.3, "margin": round(margin, 1), "distinguishable": False},
          f"booking difference 0.3 ± {margin:.1f}: {booking['difference']}")
    check(booking["verdict"] == "not distinguishable from noise at this n", f"verdict: {booking}")

    # --- any two periods give the same; the CLI reads the same parameters
    status, periods = d.request("GET", "/v1/compare?flow=cx&before=2026-11-13..2026-11-20&after=2026-11-20..2026-11-27")
    check(status == 200 and periods["rows"] == cmp["rows"], f"two periods: {periods}")
    rows = d.csv(f"/v1/compare?mark={mark['id']}&days=7&format=csv")
    check([(r["step"], r["verdict"]) for r in rows] == [(r["step"], r["verdict"]) for r in cmp["rows"]],
          f"the comparison as CSV: {rows}")
    res = d.cli("compare", "--config", config, "--db", d.db, "--mark", str(mark["id"]), "--days", "7", "--json")
    check(json.loads(res.stdout) == cmp, "cxgate compare --json is the API's answer")
    res = d.cli("compare", "--config", config, "--db", d.db, "--mark", str(mark["id"]), "--days", "7")
    check("improved by 150.0" in res.stdout and "not distinguishable from noise" in res.stdout,
          f"the table:\n{res.stdout}")

    # --- bad input names the field
    for query, code, field in (("mark=99", 404, "mark"), ("before=2026-11-13..2026-11-20", 400, "after"),
                               ("mark=1&days=0", 400, "days"), ("mark=1&after=2026-11-20..2026-11-27", 400, "mark"),
                               ("colour=red", 400, "colour")):
        status, body = d.request("GET", "/v1/compare?" + query)
        check(status == code and body.get("field") == field, f"{query}: {status} {body}")
    for body, field in (({}, "label"), ({"label": "x", "flow": "nope"}, "flow"),
                        ({"label": "x", "at": "soon"}, "at"), ({"label": "x", "colour": 1}, "colour")):
        status, answer = d.request("POST", "/v1/marks", body)
        check(status == 400 and answer.get("field") == field, f"POST /v1/marks {body}: {status} {answer}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
