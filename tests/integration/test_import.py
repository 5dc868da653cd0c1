"""`cxgate import` of a CSV and a JSON-lines file into the running daemon: bad rows are
reported with their line and do not stop it; the summary line is printed; it is throttled;
an interrupted import resumes after the last acknowledged row, and a replay of rows
already imported is harmless (idempotent on the event id)."""
import json
import os
import signal
import subprocess
import sqlite3
import time

from harness import check, eventually, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }"""

FLOW = """flow: imp
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: [sms, email]
"""


def event_ids(d):
    con = sqlite3.connect(f"file:{d.db}?mode=ro", uri=True)
    ids = {row[0] for row in con.execute("SELECT id FROM events")}
    con.close()
    return ids


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"imp": FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.start(port=port)

    csv_path = os.path.join(workdir, "events.csv")
    with open(csv_path, "w") as f:
        f.write("id,type,occurred_at,contact.phone,contact.email,contact.name,contact.locale,staff.id,attributes.amount,attributes.branch\n")
        f.write('r1,meeting.completed,2026-11-23T09:00:00+02:00,040 123 4567,,"Virtanen, Maija",fi,s-7,250000,Helsinki\n')
        f.write("r2,meeting.completed,,,erik@example.com,Erik,sv,,,\n")
        f.write("r3,meeting.completed,,040 123,,,,,,\n")                      # line 4: bad phone
        f.write("r4,meeting.completed,,0401112222,,Too,Many,Fields,1,2,3\n")   # line 5: 11 fields
        f.write('r5,meeting.completed,,0403334444,,"Multi\nline name",fi,,,\n')  # lines 6-7
        f.write(",meeting.completed,,0405556666,,,,,,\n")                    # line 8: no id
    res = d.cli("import", "--config", config, "--url", d.url, csv_path, "--rate", "20", check_rc=False)
    check(res.returncode == 1, f"bad rows -> exit 1: {res.returncode} {res.stdout} {res.stderr}")
    err = res.stderr
    check("events.csv:4: HTTP 400: contact.phone:" in err, err)
    check("events.csv:5: 11 fields, the header has 10" in err, err)
    check("events.csv:8: id: required" in err, err)
    check("\r" not in err and "[#" not in err, f"no progress bar without a TTY: {err!r}")
    check(res.stdout.startswith("cxgate import: 6 row(s): 3 accepted (0 duplicate), 3 bad"), res.stdout)
    check({"r1", "r2", "r5"} <= event_ids(d), f"rows stored: {event_ids(d)}")
    status, survey = d.request("GET", "/v1/surveys/1")
    check(status == 200 and survey["contact"] == "+358401234567", f"r1: {survey}")

    # The state file remembers the end: running again posts nothing, but the bad rows it
    # remembers are reported again and the exit status is still 1 (rows are missing).
    res = d.cli("import", "--config", config, "--url", d.url, csv_path, check_rc=False)
    check("0 accepted (0 duplicate), 3 bad (3 in an earlier run), 3 skipped" in res.stdout, res.stdout)
    check(res.returncode == 1, f"rerun with bad rows -> exit 1: {res.returncode} {res.stdout} {res.stderr}")
    check("events.csv:4: HTTP 400: contact.phone:" in res.stderr and "(in an earlier run)" in res.stderr
          and "events.csv:8: id: required" in res.stderr, res.stderr)
    res = d.cli("import", "--config", config, "--url", d.url, csv_path, check_rc=False)
    check(res.returncode == 1, f"and again: {res.returncode} {res.stdout}")
    # --restart posts everything again: the good rows are duplicates.
    res = d.cli("import", "--config", config, "--url", d.url, csv_path, "--restart", check_rc=False)
    check("3 accepted (3 duplicate), 3 bad, " in res.stdout and res.returncode == 1, res.stdout)

    # JSON lines, throttled at 10/s, interrupted with Ctrl-C, then resumed.
    jsonl = os.path.join(workdir, "events.jsonl")
    with open(jsonl, "w") as f:
        for i in range(40):
            f.write(json.dumps({"id": f"j{i}", "type": "meeting.completed",
                                "contact": {"phone": f"+35840{3000000 + i}"}}) + "\n")
    started = time.time()
    proc = subprocess.Popen([d.binary, "import", "--config", config, "--url", d.url, jsonl, "--rate", "10"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=d.env)
    eventually(lambda: len([i for i in event_ids(d) if i.startswith("j")]) >= 8, "some rows imported", 20)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    check(proc.returncode == 130 and "interrupted, run again to resume" in out, f"{proc.returncode} {out} {err}")
    first = len([i for i in event_ids(d) if i.startswith("j")])
    check(first < 40, f"interrupted before the end: {first}")
    check(time.time() - started >= 0.7, "throttled")
    state = json.load(open(jsonl + ".import-state"))
    check(state["acknowledged_line"] >= first - 1, f"state: {state} vs {first}")

    res = d.cli("import", "--config", config, "--url", d.url, jsonl, "--rate", "200")
    check(res.returncode == 0, res.stdout + res.stderr)
    skipped = int(res.stdout.split(" bad, ")[1].split(" skipped")[0])
    check(skipped == state["acknowledged_line"], f"resumed after the acknowledged rows: {res.stdout} {state}")
    check(len([i for i in event_ids(d) if i.startswith("j")]) == 40, "every row imported once")
    check(not os.path.exists(jsonl + ".import-state"), "a finished import removes its state file")


if __name__ == "__main__":
    run(test)
