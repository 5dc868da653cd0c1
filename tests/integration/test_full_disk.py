"""A full database: 503 with Retry-After and a clear log line, nothing corrupted, and writes
again as soon as there is room.

The database is bounded with `database.max_size` (SQLite's max_page_count), which fails a
write exactly as a full disk does (SQLITE_FULL). Events of about 2 KB are posted until the
answer is 503. Then: the 503 says the database is full and carries Retry-After; the log
says so in one line, not once per request; reads and /healthz still answer; every event
answered 202 is in the database. The bound is raised by a reload (SIGHUP), as an operator
would after freeing space, and the next event is accepted without a restart. After a clean
stop, `PRAGMA integrity_check` is ok.

Then the same on a real full filesystem, where the machine allows it: the database on a
4 MB tmpfs (mounting needs CAP_SYS_ADMIN; without it this part says it is skipped), filled
until the disk refuses (ENOSPC), then the tmpfs grown to 64 MB with `mount -o remount`."""
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import time

from harness import SANDBOX_CHANNELS, TOKEN, check, eventually, free_port, run, set_public_port, write_config


FLOWS = {"disk": """flow: disk
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    delay: 1d
"""}


def event(i):
    return {"id": f"fill-{i}", "type": "visit.done", "contact": {"phone": f"+35840{i:07d}"},
            "attributes": {f"note_{k}": f"{i:06d}-{k}-" + "x" * 180 for k in range(10)}}


def set_max_size(config, size):
    with open(config) as f:
        text = f.read()
    start = text.index("  max_size: ")
    end = text.index("\n", start)
    with open(config, "w") as f:
        f.write(text[:start] + f"  max_size: {size}" + text[end:])


def fill_until_refused(d, start):
    accepted = []
    for i in range(start, start + 20000):
        status, body = d.request("POST", "/v1/events", event(i))
        if status == 202:
            accepted.append((f"fill-{i}", body["scheduled"][0]["id"]))
            continue
        return accepted, (i, status, body)
    return accepted, None


def intact_and_complete(db_path, accepted):
    """After the stop: integrity_check is ok and every acknowledged (event, survey) is there.
    Returns what is missing (checked to be nothing)."""
    db = sqlite3.connect(db_path)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        events = {row[0] for row in db.execute("SELECT id FROM events")}
        surveys = {row[0] for row in db.execute("SELECT id FROM surveys")}
    finally:
        db.close()
    check(integrity == "ok", f"integrity_check: {integrity}")
    lost = [e for e, s in accepted if e not in events or s not in surveys]
    check(not lost, f"acknowledged events missing: {lost[:5]}")
    return lost


def real_disk(make_daemon, workdir, source):
    mountpoint = os.path.join(workdir, "small-disk")
    os.makedirs(mountpoint)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountpoint],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"real full disk: skipped, cannot mount a tmpfs here ({mounted.stderr.strip()})")
        return
    try:
        config = write_config(workdir, source, SANDBOX_CHANNELS, FLOWS)
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
        d.db = os.path.join(mountpoint, "cxgate.db")
        d.start(port=port)
        accepted, full = fill_until_refused(d, 100000)
        check(full is not None and full[1] == 503 and "full" in full[2].get("error", ""),
              f"on a full filesystem: {full}")
        status, _ = d.request("GET", "/healthz")
        check(status == 200, f"/healthz on a full disk: {status}")
        check("is full (disk full or database.max_size reached)" in d.read_log(), "the log says the disk is full")
        subprocess.run(["mount", "-o", "remount,size=64m", mountpoint], check=True)
        status, body = d.request("POST", "/v1/events", event(full[0]))
        check(status == 202, f"an event once the disk has room: {status} {body}")
        accepted.append((f"fill-{full[0]}", body["scheduled"][0]["id"]))
        d.stop()
        lost = intact_and_complete(d.db, accepted)
        print(f"real full disk (4 MB tmpfs): {len(accepted) - 1} events, then 503; grown to 64 MB, accepted "
              f"again; integrity ok; {len(lost)} lost")
    finally:
        subprocess.run(["umount", "-l", mountpoint], capture_output=True)


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, FLOWS)
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("database:\n  path: cxgate.db\n", "database:\n  path: cxgate.db\n  max_size: 2MB\n"))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
    d.start(port=port)

    accepted, full = fill_until_refused(d, 0)
    check(full is not None, "20,000 events of 2 KB fitted in 2 MB")
    i, status, body = full
    check(status == 503, f"event {i} when full: {status} {body}")
    check("full" in body.get("error", ""), f"the 503 says why: {body}")
    check(len(accepted) > 50, f"only {len(accepted)} events before the bound")

    # Still full: refused the same way, with Retry-After; reads and health still answer.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/v1/events", body=json.dumps(event(i)),
                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    res = conn.getresponse()
    res.read()
    conn.close()
    check(res.status == 503 and res.getheader("Retry-After"), f"{res.status} Retry-After={res.getheader('Retry-After')}")
    status, _ = d.request("GET", "/healthz")
    check(status == 200, f"/healthz while full: {status}")
    status, survey = d.request("GET", f"/v1/surveys/{accepted[-1][1]}")
    check(status == 200 and survey["state"] == "scheduled", f"a read while full: {status} {survey}")
    status, metrics = d.request("GET", "/metrics")
    check("cxgate_storage_full_rejections_total 2" in str(metrics), "the refusals are counted on /metrics")
    log = d.read_log()
    lines = [line for line in log.splitlines() if "is full (disk full or database.max_size reached)" in line]
    check(len(lines) == 1, f"one log line for the full database, not one per request: {lines}")

    # Space returns: a larger bound, reloaded.
    set_max_size(config, "64MB")
    os.kill(d.proc.pid, signal.SIGHUP)
    eventually(lambda: "database size bounded at 67108864 bytes" in d.read_log(), "the new bound to apply")
    status, body = d.request("POST", "/v1/events", event(i))
    check(status == 202, f"an event once there is room again: {status} {body}")
    accepted.append((f"fill-{i}", body["scheduled"][0]["id"]))
    d.stop()
    lost = intact_and_complete(d.db, accepted)
    print(f"{len(accepted) - 1} events of ~2 KB in 2 MB, then 503 + Retry-After; after a reload "
          f"to 64 MB accepted again; integrity ok; {len(lost)} lost")

    real_disk(make_daemon, workdir, source)


if __name__ == "__main__":
    run(test)
