"""Reload under load: while a thread posts events without pause, the daemon gets SIGHUP
with a changed configuration (a new step, a changed reminder) and then with a broken one.
No request fails and none is lost; the broken one is rejected and shown in /healthz and
/metrics; the change takes effect for new events; a survey scheduled before the change
keeps its flow version (its reminder follows the old definition)."""
import json
import os
import re
import signal
import sqlite3
import threading
import time

from harness import TOKEN, check, eventually, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }"""

FLOW_V1 = """flow: reload-funnel
steps:
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: sms
    delay: 1h
    reminder: { after: 1d, max: 1 }
    expires: 10d
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: sms
    delay: 30d
"""

# v2: the reminder waits 3 days, and calls get a survey.
FLOW_V2 = FLOW_V1.replace("after: 1d", "after: 3d") + """  - id: call
    on: call.completed
    survey: { metric: csat }
    channel: sms
"""

# Broken: an undefined channel on line 18, column 14.
FLOW_BROKEN = FLOW_V2.replace("  - id: call\n    on: call.completed\n    survey: { metric: csat }\n    channel: sms",
                              "  - id: call\n    on: call.completed\n    survey: { metric: csat }\n    channel: nope")


class Poster(threading.Thread):
    """Posts meeting.completed events back to back until stopped."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d = d
        self.stop_flag = threading.Event()
        self.ids = []
        self.failures = []

    def run(self):
        n = 0
        while not self.stop_flag.is_set():
            n += 1
            event_id = f"bg-{n}"
            body = {"id": event_id, "type": "meeting.completed",
                    "contact": {"phone": f"+35840{2000000 + n}"}}
            try:
                status, reply = self.d.event(body)
            except OSError as e:  # a refused or reset connection is a failure too
                status, reply = 0, str(e)
            self.ids.append(event_id)
            if status != 202:
                self.failures.append((event_id, status, reply))


def health(d):
    status, body = d.request("GET", "/healthz")
    check(status == 200, f"healthz: {status}")
    return body


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"reload-funnel": FLOW_V1})
    flow_file = os.path.join(workdir, "flows", "reload-funnel.yaml")
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.start(port=port)
    v1 = health(d)["config_version"]

    # A survey scheduled (not yet sent) under v1.
    status, body = d.event({"id": "before", "type": "deal.won", "contact": {"phone": "+358401111111"}})
    check(status == 202 and len(body["scheduled"]) == 1, f"before: {status} {body}")
    before = body["scheduled"][0]
    check(before["flow_version"], f"flow_version on the survey: {before}")
    flow_v1 = before["flow_version"]

    poster = Poster(d)
    poster.start()
    eventually(lambda: len(poster.ids) > 20, "events posted before the first reload", 30)

    # --- a changed configuration
    with open(flow_file, "w") as f:
        f.write(FLOW_V2)
    os.kill(d.proc.pid, signal.SIGHUP)
    h = eventually(lambda: (lambda b: b if b["config_version"] != v1 else None)(health(d)),
                   "the new configuration", 15)
    check(h["reload"]["result"] == "ok" and h["reload"]["succeeded"] == 1, f"reload ok: {h}")
    check(h["reload"]["retired_flow_versions"] == 1, f"v1 kept for its surveys: {h}")
    v2 = h["config_version"]
    n_after_first = len(poster.ids)

    status, body = d.event({"id": "call-1", "type": "call.completed", "contact": {"phone": "+358401333333"}})
    check(status == 202 and [s["step"] for s in body["scheduled"]] == ["call"], f"new step in effect: {body}")
    status, body = d.event({"id": "after", "type": "deal.won", "contact": {"phone": "+358402222222"}})
    check(status == 202 and len(body["scheduled"]) == 1, f"after: {body}")
    after = body["scheduled"][0]
    check(after["flow_version"] != flow_v1, f"new surveys take the new version: {after} vs {flow_v1}")

    # --- a broken configuration: rejected, reported, the last good one keeps running
    eventually(lambda: len(poster.ids) > n_after_first + 20, "events posted between reloads", 30)
    with open(flow_file, "w") as f:
        f.write(FLOW_BROKEN)
    os.kill(d.proc.pid, signal.SIGHUP)
    h = eventually(lambda: (lambda b: b if b["reload"]["result"] == "failed" else None)(health(d)),
                   "the rejected reload", 15)
    check(h["config_version"] == v2, f"still running v2: {h}")
    errors = h["reload"]["errors"]
    check(any(e.startswith(flow_file + ":18:14: error:") and 'undefined channel "nope"' in e for e in errors),
          f"the error with its position: {errors}")
    check(h["last_reload"] == "failed", f"last_reload: {h}")
    # The example of docs/flow-tools.md: same keys, same values where it shows a result.
    with open(os.path.join(d.source, "docs", "flow-tools.md")) as f:
        doc = f.read()
    example = re.search(r"`GET /healthz`.*?```json\n(.*?)```", doc, re.S).group(1)
    example = json.loads(example.replace(", ...}", "}"))
    check(set(example) <= set(h) and set(example["reload"]) <= set(h["reload"]), f"doc keys {example} vs {h}")
    check(example["last_reload"] == h["last_reload"] and example["reload"]["result"] == h["reload"]["result"],
          f"doc example {example} vs {h}")
    status, metrics = d.request("GET", "/metrics")
    check("cxgate_config_reload_failures_total 1" in metrics and "cxgate_config_reloads_total 1" in metrics
          and "cxgate_config_last_reload_success 0" in metrics and f'version="{v2}"' in metrics,
          f"metrics: {metrics[-900:]}")
    log = d.read_log()
    check("reload rejected" in log and 'undefined channel "nope"' in log, "the errors are logged")
    status, body = d.event({"id": "call-2", "type": "call.completed", "contact": {"phone": "+358401444444"}})
    check(status == 202 and [s["step"] for s in body["scheduled"]] == ["call"], f"v2 still runs: {body}")

    n_after_second = len(poster.ids)
    eventually(lambda: len(poster.ids) > n_after_second + 20, "events posted after the broken reload", 30)
    poster.stop_flag.set()
    poster.join(15)
    check(poster.failures == [], f"no request may fail during reloads: {poster.failures[:5]}")

    # None lost: every posted id is in the database.
    con = sqlite3.connect(f"file:{d.db}?mode=ro", uri=True)
    stored = {row[0] for row in con.execute("SELECT id FROM events")}
    missing = [i for i in poster.ids if i not in stored]
    check(not missing, f"{len(missing)} posted event(s) missing from the database: {missing[:5]}")
    versions = dict(con.execute("SELECT event_id, flow_version FROM surveys WHERE event_id IN ('before', 'after')"))
    con.close()
    check(versions["before"] == flow_v1 and versions["after"] != flow_v1, f"stored versions: {versions}")

    # Put the good file back (without a reload) so the CLI tools below can read it.
    with open(flow_file, "w") as f:
        f.write(FLOW_V2)

    # The survey scheduled under v1 is sent after the reload and follows v1: its reminder
    # comes after 1 day; the one created under v2 waits 3 days.
    d.advance("1h")
    eventually(lambda: [m for m in d.outbox(kind="survey") if m["to"] == "+358401111111" and m["state"] == "sent"],
               "the v1 survey sent", 15)
    eventually(lambda: [m for m in d.outbox(kind="survey") if m["to"] == "+358402222222" and m["state"] == "sent"],
               "the v2 survey sent", 15)
    d.advance("1d")
    d.advance("1m")
    eventually(lambda: [m for m in d.outbox(kind="reminder") if m["to"] == "+358401111111"],
               "the v1 reminder after 1 day", 15)
    time.sleep(0.5)
    check(not [m for m in d.outbox(kind="reminder") if m["to"] == "+358402222222"],
          "the v2 survey's reminder waits 3 days")
    d.advance("2d")
    eventually(lambda: [m for m in d.outbox(kind="reminder") if m["to"] == "+358402222222"],
               "the v2 reminder after 3 days", 15)
    survey = d.survey(before["id"])
    check(survey["flow_version"] == flow_v1, f"survey keeps its version: {survey}")

    # Two SIGHUPs back to back (the good file is back): both are handled, the last wins.
    os.kill(d.proc.pid, signal.SIGHUP)
    os.kill(d.proc.pid, signal.SIGHUP)
    h = eventually(lambda: (lambda b: b if b["reload"]["result"] == "ok" and b["reload"]["succeeded"] >= 2 else None)(health(d)),
                   "the good configuration again", 15)
    check(h["config_version"] == v2 and h["reload"]["errors"] == [], f"after recovery: {h}")


if __name__ == "__main__":
    run(test)
