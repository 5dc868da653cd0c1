"""What bench/events, bench/scale and bench/kannel share: ports, a daemon on a manual clock
with a configuration of the bench's own, wrk with its latency percentiles, a process's RSS."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
TOKEN = "bench-token-0123456789abcdef"
# A Saturday: the surveys of events taken in now wait for Monday 09:00 (send window mon-fri).
SATURDAY = "2026-11-21T10:00:00+02:00"
MONDAY = "2026-11-23T10:00:00+02:00"

BOOKING_FLOW = """flow: bench
timezone: Europe/Helsinki
send_window: { days: mon-fri, from: "09:00", to: "20:00" }
steps:
  - id: booking
    on: appointment.booked
    survey: { metric: ces, scale: 1-5, low_is_good: true }
    channel: sms
    delay: 10m
    follow_up: why
"""

# wrk posting unique appointment.booked events: ids and phones unique per thread and request,
# and per run through %PREFIX% (a run never repeats another's events).
EVENTS_WRK = r"""
local counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  local body = string.format('{"id":"%PREFIX%-%d-%d","type":"appointment.booked",' ..
                             '"contact":{"id":"%PREFIX%-c%d-%d","phone":"+3584%08d"}}',
                             tid, counter, tid, counter, (%BASE% + tid * 5000000 + counter) % 100000000)
  return wrk.format("POST", "/v1/events",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %TOKEN%"}, body)
end
"""


def need(*paths):
    for path in paths:
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build with cmake --build build/release")


def need_wrk():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")


def commit():
    """The commit of the source tree being measured (short), printed with every figure."""
    try:
        return subprocess.run(["git", "-C", SOURCE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited: {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(interval)
    sys.exit(f"{url} not ready")


def events_script(work, prefix, base=0):
    path = os.path.join(work, f"events-{prefix}.lua")
    with open(path, "w") as f:
        f.write(EVENTS_WRK.replace("%PREFIX%", prefix).replace("%BASE%", str(base)).replace("%TOKEN%", TOKEN))
    return path


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url, script, seconds, connections, threads=2):
    """wrk's figures: {'rps', 'accepted_per_s', 'p50', 'p99' (ms), 'non2xx', 'total', 'errors'}."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                          url], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))
    took = re.search(r"requests in ([\d.]+)(ms|s|m)\b", out)
    duration = float(took.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[took.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    bad = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "accepted_per_s": (total - bad) / duration, "total": total, "non2xx": bad,
            "errors": sum(int(x) for x in errors.groups()) if errors else 0,
            "p50": _ms(*p50.groups()), "p99": _ms(*p99.groups()), "raw": out}


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far, all its threads (/proc/PID/stat).
    CPU per request is steadier than requests per second on a shared machine: another
    tenant's load takes wall time from a run, not CPU time from each request."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Pipeline:
    """How the daemon's two busy threads share a run, measured between start() and stop():
    group commits a second and jobs per commit (the writer's counters from /metrics), and
    for the event loop (the process's main thread) and the writer (the thread named
    db-writer) the share of the wall time each ran and waited for a core
    (/proc/PID/task/TID/schedstat). A thread neither running nor waiting for a core waits
    for the other one, or the writer for its fdatasync."""

    def __init__(self, url, pid):
        self.url, self.pid = url, pid

    def _threads(self):
        out = {}
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{tid}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/{self.pid}/task/{tid}/schedstat") as f:
                    ran, waited, _ = (int(x) for x in f.read().split())
            except OSError:
                continue
            role = "loop" if tid == str(self.pid) else "writer" if name == "db-writer" else None
            if role:
                out[role] = (ran, waited)
        return out

    def _counters(self):
        req = urllib.request.Request(self.url + "/metrics", headers={"Authorization": "Bearer " + TOKEN})
        text = urllib.request.urlopen(req, timeout=10).read().decode()
        return tuple(int(re.search(rf"^{name} (\d+)", text, re.M).group(1))
                     for name in ("cxgate_db_write_batches_total", "cxgate_db_write_jobs_total"))

    def start(self):
        self.t0, self.threads0, self.counters0 = time.monotonic(), self._threads(), self._counters()

    def stop(self):
        took = time.monotonic() - self.t0
        threads, counters = self._threads(), self._counters()
        commits = counters[0] - self.counters0[0]
        jobs = counters[1] - self.counters0[1]
        out = self.unmeasured()
        out.update(commits_per_s=commits / took, jobs_per_commit=jobs / max(1, commits))
        for role in ("loop", "writer"):
            # A build from before the threads had names has no db-writer: nan, not a failed bench.
            if role not in threads or role not in self.threads0:
                continue
            (ran, waited), (ran0, waited0) = threads[role], self.threads0[role]
            out[f"{role}_ran"] = (ran - ran0) / 1e9 / took
            out[f"{role}_waited"] = (waited - waited0) / 1e9 / took
        return out

    @staticmethod
    def unmeasured():
        return dict.fromkeys(("commits_per_s", "jobs_per_commit", "loop_ran", "loop_waited", "writer_ran",
                              "writer_waited"), float("nan"))


def run_wrk_sampled(url, script, seconds, connections, pipeline):
    """run_wrk, with `pipeline` (a Pipeline) measured over the middle of the run: from 2 s in
    to 1 s before the end, away from the connections' set-up and wrk's last requests."""
    sampled = Pipeline.unmeasured()

    def sample():
        try:
            time.sleep(2)
            pipeline.start()
            time.sleep(max(1, seconds - 3))
            sampled.update(pipeline.stop())
        except (OSError, AttributeError) as e:  # the daemon gone, or /metrics without the counters
            print(f"  (how the threads shared the run is not measured: {e})", file=sys.stderr)

    sampler = threading.Thread(target=sample)
    sampler.start()
    result = run_wrk(url, script, seconds, connections)
    sampler.join()
    result["pipeline"] = sampled
    return result


def rss_mb(pid):
    """(VmRSS, VmHWM) of a process in MB (10^6 bytes)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) * 1024 / 1e6
    return fields["VmRSS"], fields["VmHWM"]


def write_config(work, flows, channels=None, extra=""):
    """cxgate.yaml in `work` with the given flow files ({name: text}); sandbox channels unless
    `channels` (YAML lines under channels:) is given."""
    os.makedirs(os.path.join(work, "flows"), exist_ok=True)
    for name, text in flows.items():
        with open(os.path.join(work, "flows", f"{name}.yaml"), "w") as f:
            f.write(text)
    channels = channels or """  sms:
    type: sandbox
    kind: sms
  email:
    type: sandbox
    kind: email
    from: bench@example.com"""
    path = os.path.join(work, "cxgate.yaml")
    with open(path, "w") as f:
        f.write(f"""server:
  listen: 127.0.0.1:0
  public_url: https://cx.example.com
database:
  path: bench.db
api_tokens: ["${{CXGATE_API_TOKEN}}"]
defaults:
  timezone: Europe/Helsinki
  locale: fi
channels:
{channels}
alerts:
  channel: email
flows_dir: flows
templates_dir: {os.path.join(SOURCE, "templates")}
{extra}""")
    return path


def bench_env(**extra):
    return dict(os.environ, CXGATE_API_TOKEN=TOKEN, **extra)


class Daemon:
    """cxgate serve on a free port and a manual clock; stop() by its pid."""

    def __init__(self, build, config, db, now=SATURDAY, env=None, log_level="warn"):
        self.binary = os.path.join(build, "cxgate")
        self.config, self.db, self.now = config, db, now
        self.env = env or bench_env()
        self.log_level = log_level
        self.proc = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait=True):
        self.port = free_port()
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config, "--listen",
                                      f"127.0.0.1:{self.port}", "--db", self.db, "--now", self.now,
                                      "--manual-clock", "--log-level", self.log_level],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env)
        if wait:
            wait_ready(self.url + "/healthz", self.proc, timeout=120)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def stop_all(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


def fill(build, config, db, count, first, now=SATURDAY):
    """bench_fill_pending: `count` more events from fill-`first` on; returns the pending count."""
    if count <= 0:
        return pending(db), "nothing to fill"
    out = subprocess.run([os.path.join(build, "bench", "bench_fill_pending"), config, db, str(count), now,
                          str(first)], capture_output=True, text=True, env=bench_env())
    if out.returncode != 0:
        sys.exit(f"bench_fill_pending failed: {out.stdout}{out.stderr}")
    return int(re.search(r"(\d+) pending surveys", out.stdout).group(1)), out.stdout.strip()


def pending(db):
    import sqlite3
    if not os.path.exists(db):
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute("SELECT COUNT(*) FROM surveys INDEXED BY surveys_due "
                            "WHERE state = 'scheduled' AND held_by IS NULL").fetchone()[0]


def copy_db(source, destination):
    """A closed database with its WAL checkpointed is one file; copy it (and any -wal)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(destination + suffix):
            os.remove(destination + suffix)
        if os.path.exists(source + suffix):
            shutil.copyfile(source + suffix, destination + suffix)
    # The copy's dirty pages would otherwise be written back while the bench runs, and every
    # fsync of the daemon would wait behind them (p99 220 ms in the first run after a 700 MB
    # copy, 30 ms without).
    os.sync()
