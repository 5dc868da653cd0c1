"""Running as a systemd service (systemd/cxgate.service, Type=notify):
- the daemon speaks the notify protocol to the socket in NOTIFY_SOCKET, as systemd would
  hear it: READY=1 once it serves, WATCHDOG=1 at half of WATCHDOG_USEC, RELOADING=1 then
  READY=1 around a SIGHUP (a rejected reload too: the last good configuration serves),
  STOPPING=1 on SIGTERM;
- the unit file is valid (`systemd-analyze verify`, with ExecStart pointing at this build)
  and its hardening scores at most 1.5 on `systemd-analyze security` (printed)."""
import os
import re
import shutil
import signal
import subprocess
import time

from harness import CX_FLOW, SANDBOX_CHANNELS, NotifySocket, check, free_port, run, set_public_port, write_config

WATCHDOG_USEC = 400_000


def notify_protocol(binary, source, workdir):
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    notify = NotifySocket(os.path.join(workdir, "notify.sock"))
    env = dict(os.environ, CXGATE_API_TOKEN="it-token-0123456789abcdef",
               NOTIFY_SOCKET=notify.path, WATCHDOG_USEC=str(WATCHDOG_USEC))
    log = open(os.path.join(workdir, "systemd-daemon.log"), "wb")
    proc = subprocess.Popen([binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}",
                             "--db", os.path.join(workdir, "notify.db"), "--manual-clock"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    try:
        ready = notify.wait_for("READY", "1")
        check("serving config" in notify.seen[ready][1].get("STATUS", ""), f"STATUS: {notify.seen[ready][1]}")

        # Pings keep coming at about WATCHDOG_USEC / 2 while it is healthy.
        time.sleep(1.2)
        notify.drain()
        pings = [t for t, f in notify.seen if f.get("WATCHDOG") == "1"]
        check(len(pings) >= 3, f"{len(pings)} watchdog pings in 1.2 s at WATCHDOG_USEC={WATCHDOG_USEC}")
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        check(max(gaps) < WATCHDOG_USEC / 1e6, f"a gap between pings reached the watchdog's limit: {gaps}")
        print(f"watchdog: {len(pings)} pings, gaps {min(gaps) * 1000:.0f}-{max(gaps) * 1000:.0f} ms "
              f"(limit {WATCHDOG_USEC // 1000} ms)")

        # A good reload: RELOADING=1 (with the monotonic time systemd matches), then READY=1.
        mark = len(notify.seen)
        os.kill(proc.pid, signal.SIGHUP)
        i = notify.wait_for("RELOADING", "1", after=mark)
        check(notify.seen[i][1].get("MONOTONIC_USEC", "").isdigit(), f"RELOADING without MONOTONIC_USEC: {notify.seen[i][1]}")
        notify.wait_for("READY", "1", after=i + 1)

        # A rejected reload ends in READY=1 as well: the service goes on with the last good one.
        with open(config, "a") as f:
            f.write("\nnot_a_key: 1\n")
        mark = len(notify.seen)
        os.kill(proc.pid, signal.SIGHUP)
        i = notify.wait_for("RELOADING", "1", after=mark)
        j = notify.wait_for("READY", "1", after=i + 1)
        check("rejected" in notify.seen[j][1].get("STATUS", ""), f"STATUS after a rejected reload: {notify.seen[j][1]}")

        mark = len(notify.seen)
        os.kill(proc.pid, signal.SIGTERM)
        notify.wait_for("STOPPING", "1", after=mark)
        check(proc.wait(timeout=20) == 0, f"exit {proc.returncode} on SIGTERM")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        notify.close()
    text = open(os.path.join(workdir, "systemd-daemon.log"), errors="replace").read()
    check("Sanitizer" not in text and "runtime error:" not in text, "sanitizer report in the daemon log")


def unit_file(binary, source, workdir):
    analyze = shutil.which("systemd-analyze")
    check(analyze, "systemd-analyze not found (package systemd; scripts/install-deps --test)")
    with open(os.path.join(source, "systemd", "cxgate.service")) as f:
        unit = f.read().replace("/usr/bin/cxgate", os.path.abspath(binary))
    path = os.path.join(workdir, "cxgate.service")
    with open(path, "w") as f:
        f.write(unit)
    verify = subprocess.run([analyze, "verify", path], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (verify.stdout + verify.stderr).splitlines()
                  if "cxgate.service" in line and ("Unknown" in line or "Invalid" in line
                                                   or "Failed" in line or "not executable" in line)]
    check(not complaints, "systemd-analyze verify:\n" + "\n".join(complaints))

    security = subprocess.run([analyze, "security", "--offline=true", "--threshold=15", path],
                              capture_output=True, text=True, timeout=60)
    score = re.search(r"Overall exposure level for cxgate.service: ([0-9.]+) (\w+)", security.stdout)
    check(score, f"no overall score in:\n{security.stdout[-2000:]}{security.stderr}")
    print(f"systemd-analyze security: {score.group(1)} {score.group(2)}")
    check(security.returncode == 0, f"exposure {score.group(1)} is above 1.5:\n{security.stdout}")


def test(make_daemon, workdir):
    d = make_daemon()
    notify_protocol(d.binary, d.source, workdir)
    unit_file(d.binary, d.source, workdir)


if __name__ == "__main__":
    run(test)
