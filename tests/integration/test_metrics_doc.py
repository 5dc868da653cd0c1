"""docs/operations.md's /metrics reference is what the daemon serves: every metric a running
daemon exposes is in the doc's table with the same type (and labels), every metric of the
table is served, and the example alerting rules name only served metrics (or `up`), with
rate()/increase() only over counters. The daemon is exercised lightly first (an event, its
survey sent, a reply, a wrong token, a reload) so that nothing is served only once used."""
import os
import re
import signal

import yaml

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config


def served(text):
    """{name: (type, label names)} from the Prometheus text format."""
    types, labels = {}, {}
    for line in text.splitlines():
        m = re.fullmatch(r"# TYPE (\w+) (\w+)", line)
        if m:
            types[m.group(1)] = m.group(2)
            continue
        if line and not line.startswith("#"):
            m = re.fullmatch(r"(\w+)(?:\{(.*)\})? \S+", line)
            check(m, f"a sample line: {line!r}")
            names = re.findall(r'(\w+)="', m.group(2) or "")
            name = m.group(1)
            # A summary's samples are <name>_sum and <name>_count.
            base = re.sub(r"_(sum|count)$", "", name)
            if base != name and types.get(base) == "summary":
                name = base
            labels.setdefault(name, set()).update(names)
    check(set(types) == set(labels), f"every metric has a TYPE and samples: {set(types) ^ set(labels)}")
    return {name: (types[name], labels[name]) for name in types}


def documented(doc):
    """{name: (type, label names)} from the table of the "/metrics" section."""
    section = re.search(r"^## `/metrics`\n(.*?)^## ", doc, re.S | re.M)
    check(section, 'docs/operations.md has a "## `/metrics`" section')
    rows = re.findall(r"^\| `(cxgate_\w+)` \| (\w+) \|([^|]*)\|", section.group(1), re.M)
    check(rows, "the metrics table")
    out = {}
    for name, kind, label_cell in rows:
        check(name not in out, f"{name} is listed twice")
        out[name] = (kind, set(re.findall(r"`(\w+)`", label_cell)))
    return out, section.group(1)


def alert_rules(section):
    blocks = [b for b in re.findall(r"^```yaml\n(.*?)^```", section, re.S | re.M) if "groups:" in b]
    check(len(blocks) == 1, "one block of alerting rules")
    rules = yaml.safe_load(blocks[0])["groups"][0]["rules"]
    check(rules and all({"alert", "expr"} <= set(r) for r in rules), f"rules: {rules}")
    return rules


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)

    status, body = d.event({"id": "m-1", "type": "booking.created", "contact": {"phone": "+358401230001"}})
    check(status == 202, f"event: {status} {body}")
    d.wait_outbox(lambda m: m["kind"] == "survey" and m["state"] == "sent", "the survey sent")
    d.reply("+358401230001", "2")
    check(d.request("GET", "/v1/surveys/1", token="wrong-token-0123456789")[0] == 401, "a wrong token")
    os.kill(d.proc.pid, signal.SIGHUP)
    eventually(lambda: "cxgate_config_reloads_total 1" in d.request("GET", "/metrics")[1], "the reload counted")

    status, text = d.request("GET", "/metrics")
    check(status == 200, f"/metrics: {status}")
    served_metrics = served(text)
    for name in ("cxgate_events_accepted_total", "cxgate_messages_sent_total", "cxgate_inbound_accepted_total",
                 "cxgate_auth_failures_total", "cxgate_config_reloads_total"):
        m = re.search(rf"^{name} (\d+)$", text, re.M)
        check(m and int(m.group(1)) >= 1, f"{name} counted what the test did")

    with open(os.path.join(source, "docs", "operations.md")) as f:
        doc = f.read()
    table, section = documented(doc)
    missing = sorted(set(served_metrics) - set(table))
    stale = sorted(set(table) - set(served_metrics))
    check(not missing, f"served but not in docs/operations.md's metrics table: {missing}")
    check(not stale, f"in docs/operations.md's metrics table but not served: {stale}")
    for name, (kind, labels) in served_metrics.items():
        check(table[name] == (kind, labels),
              f"{name}: served as {kind} with labels {sorted(labels)}, documented as "
              f"{table[name][0]} with {sorted(table[name][1])}")

    rules = alert_rules(section)
    for rule in rules:
        expr = rule["expr"]
        for name in re.findall(r"\b(cxgate_\w+)", expr):
            check(name in served_metrics, f"alert {rule['alert']} names {name}, which is not served")
        for name in re.findall(r"\b(?:rate|increase|irate|resets)\((cxgate_\w+)", expr):
            check(served_metrics[name][0] == "counter", f"alert {rule['alert']}: rate/increase over gauge {name}")
        for name in re.findall(r"\b(?!cxgate_)([a-z_]+)\{", expr):
            check(name == "up", f"alert {rule['alert']}: {name} is not cxgate's")
    print(f"{len(served_metrics)} metrics served and documented; {len(rules)} alerting rules name only served metrics")


if __name__ == "__main__":
    run(test)
