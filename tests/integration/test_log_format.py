"""The daemon's log is one line per event with UTC times, as docs/operations.md ("Logs")
says, in both formats. The daemon runs with TZ=America/New_York, so a local time would be
hours off: every line's time must be within seconds of the real UTC time and end in Z.
- text (the default): `2026-12-01T10:00:00.123Z info ...`;
- `serve --log-format json`, and CXGATE_LOG_FORMAT=json: each line a JSON object with
  exactly ts, level and msg; a rejected reload's errors (with quotes in them) arrive intact;
- any other format is refused before anything starts."""
import datetime
import json
import os
import re
import signal
import subprocess

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config

LEVELS = {"trace", "debug", "info", "warning", "error", "critical"}
TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
TEXT_LINE = re.compile(r"(\S+) (\w+) (.+)")
BROKEN_FLOW = CX_FLOW.replace("channel: sms\n  - id: close", "channel: nope\n  - id: close")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def parse_ts(ts):
    check(TS.fullmatch(ts), f"a UTC timestamp with milliseconds and Z: {ts!r}")
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


def session(d, flow_file, broken_reload):
    """Starts the daemon, does a little (an event; a rejected reload if asked), stops it.
    Returns (the log it wrote, the UTC time before, the UTC time after)."""
    log_path = os.path.join(d.workdir, "daemon.log")
    offset = os.path.getsize(log_path) if os.path.exists(log_path) else 0
    before = utc_now()
    d.start()
    status, body = d.event({"id": f"log-{before.timestamp()}", "type": "booking.created",
                            "contact": {"phone": "+358401230002"}})
    check(status == 202, f"event: {status} {body}")
    if broken_reload:
        with open(flow_file) as f:
            good = f.read()
        with open(flow_file, "w") as f:
            f.write(BROKEN_FLOW)
        os.kill(d.proc.pid, signal.SIGHUP)
        eventually(lambda: d.request("GET", "/healthz")[1]["reload"]["result"] == "failed", "the rejected reload")
        with open(flow_file, "w") as f:
            f.write(good)
    d.stop()
    after = utc_now()
    with open(log_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode()
    check(text.endswith("\n") and text.count("\n") >= 3, f"the log: {text!r}")
    return text.splitlines(), before, after


def check_time(ts, before, after, line):
    t = parse_ts(ts)
    check(before - datetime.timedelta(seconds=2) <= t <= after + datetime.timedelta(seconds=2),
          f"UTC, not New York time: {t.isoformat()} outside {before.isoformat()}..{after.isoformat()}: {line}")


def check_json_lines(lines, before, after):
    messages = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}")
        check(isinstance(entry, dict) and list(entry) == ["ts", "level", "msg"], f"ts, level, msg: {line}")
        check(entry["level"] in LEVELS and isinstance(entry["msg"], str), f"level and msg: {line}")
        check_time(entry["ts"], before, after, line)
        messages.append(entry)
    return messages


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    flow_file = os.path.join(workdir, "flows", "cx.yaml")
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00")
    d.port = port
    d.env["TZ"] = "America/New_York"
    d.env.pop("CXGATE_LOG_FORMAT", None)

    # --- text
    lines, before, after = session(d, flow_file, broken_reload=True)
    for line in lines:
        m = TEXT_LINE.fullmatch(line)
        check(m and m.group(2) in LEVELS, f"a text line: {line!r}")
        check_time(m.group(1), before, after, line)
    check(any(" info cxgate " in line and "listening on" in line for line in lines), "the start line")
    check(any(" error " in line and 'undefined channel "nope"' in line for line in lines), "the reload's error")

    # --- json by option
    d.extra_args = ["--log-format", "json"]
    lines, before, after = session(d, flow_file, broken_reload=True)
    messages = check_json_lines(lines, before, after)
    check(any(m["level"] == "info" and "listening on" in m["msg"] for m in messages), "the start line")
    check(any(m["level"] == "error" and m["msg"].startswith("reload rejected") for m in messages), "the rejection")
    check(any(m["level"] == "error" and 'undefined channel "nope"' in m["msg"] for m in messages),
          "the reload's error with its quotes")
    check(any(m["msg"] == "cxgate stopped" for m in messages), "the stop line")

    # --- json by the environment (what a unit's EnvironmentFile sets)
    d.extra_args = []
    d.env["CXGATE_LOG_FORMAT"] = "json"
    lines, before, after = session(d, flow_file, broken_reload=False)
    check(any("listening on" in m["msg"] for m in check_json_lines(lines, before, after)), "json from the environment")

    # --- anything else is refused before the daemon starts
    for args, env in (([d.binary, "serve", "--config", config, "--log-format", "xml"], {}),
                      ([d.binary, "serve", "--config", config], {"CXGATE_LOG_FORMAT": "xml"})):
        res = subprocess.run(args, capture_output=True, text=True, timeout=30, env=dict(d.env, **env))
        check(res.returncode != 0 and "--log-format" in res.stdout + res.stderr and "xml" in res.stdout + res.stderr,
              f"a bad format refused: {res.returncode} {res.stdout}{res.stderr}")
    print("text and json logs: one line per event, UTC times, in America/New_York")


if __name__ == "__main__":
    run(test)
