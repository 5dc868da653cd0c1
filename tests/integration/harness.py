"""Shared helpers for integration tests: run the real cxgate binary on a free loopback
port with a temporary database, talk to it over HTTP, and stop it by PID."""
import argparse
import base64
import hashlib
import hmac
import csv
import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

TOKEN = "integration-test-token-0123456789"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.source = os.path.abspath(args.source)
    return args


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def eventually(fn, what, timeout=10.0):
    """Polls fn until it returns a truthy value; the daemon works asynchronously."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    raise Failure(f"timed out waiting for {what}; last value: {last!r}")


class Daemon:
    def __init__(self, binary, source, workdir, config=None, now=None, manual_clock=True):
        self.binary = binary
        self.source = source
        self.workdir = workdir
        self.config = config or os.path.join(source, "cxgate.yaml")
        self.db = os.path.join(workdir, "cxgate.db")
        self.now = now
        self.manual_clock = manual_clock
        self.port = None
        self.proc = None
        self.env = dict(os.environ, CXGATE_API_TOKEN=TOKEN)
        self.extra_args = []  # more options of `serve` (e.g. --log-format json)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, port=None):
        self.port = port or self.port or free_port()
        args = [self.binary, "serve", "--config", self.config, "--listen", f"127.0.0.1:{self.port}",
                "--db", self.db]
        if self.now:
            args += ["--now", self.now]
        if self.manual_clock:
            args.append("--manual-clock")
        args += self.extra_args
        self.log = open(os.path.join(self.workdir, "daemon.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure(f"daemon exited with {self.proc.returncode}; log:\n{self.read_log()}")
            try:
                status, _ = self.request("GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise Failure("daemon did not become ready")

    def read_log(self):
        with open(os.path.join(self.workdir, "daemon.log"), "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        """Stops the daemon by PID. A SIGTERM must end it cleanly: exit 0 and no
        sanitizer report in its log."""
        proc, self.proc = self.proc, None
        if not proc or proc.poll() is not None:
            return
        os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            raise Failure("daemon did not stop within 15 s of SIGTERM")
        if sig == signal.SIGTERM:
            log = self.read_log()
            check(proc.returncode == 0, f"daemon exited {proc.returncode} on SIGTERM")
            check("Sanitizer" not in log and "runtime error:" not in log, "sanitizer report in daemon log")

    def request(self, method, path, body=None, token=TOKEN, content_type="application/json", raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                text = res.read().decode()
                return res.status, parse_maybe_json(text)
        except urllib.error.HTTPError as e:
            return e.code, parse_maybe_json(e.read().decode())

    def csv(self, path):
        """GET path (a report with format=csv): its rows as dicts, after checking the type."""
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            check(res.headers["Content-Type"].startswith("text/csv"), f"{path}: CSV content type")
            return list(csv.DictReader(io.StringIO(res.read().decode(), newline="")))

    def event(self, body):
        return self.request("POST", "/v1/events", body)

    def advance(self, duration):
        status, body = self.request("POST", "/v1/clock", {"advance": duration})
        check(status == 200, f"clock advance failed: {status} {body}")
        return body["now"]

    def cli(self, *args, check_rc=True):
        cmd = [self.binary, *args]
        res = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=30)
        if check_rc and res.returncode != 0:
            raise Failure(f"{' '.join(cmd)} exited {res.returncode}: {res.stdout}{res.stderr}")
        return res

    def reply(self, address, text, **kw):
        args = ["reply", "--config", self.config, "--url", self.url, address, text]
        for k, v in kw.items():
            args += [f"--{k}", v]
        res = self.cli(*args)
        return json.loads(res.stdout)

    def outbox(self, **filters):
        args = ["outbox", "--config", self.config, "--db", self.db, "--json", "--limit", "1000"]
        for k, v in filters.items():
            args += [f"--{k}", v]
        return json.loads(self.cli(*args).stdout)

    def wait_outbox(self, predicate, what, timeout=10.0):
        return eventually(lambda: [m for m in self.outbox() if predicate(m)], what, timeout)

    def report(self, flow, by="step"):
        res = self.cli("report", "--config", self.config, "--db", self.db, "--flow", flow, "--by", by, "--json")
        return json.loads(res.stdout)

    def survey(self, survey_id):
        status, body = self.request("GET", f"/v1/surveys/{survey_id}")
        check(status == 200, f"GET survey {survey_id}: {status} {body}")
        return body


def _base64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def link_secret(db_path):
    """The install's link secret, which the daemon keeps in its database."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return db.execute("SELECT value FROM settings WHERE key = 'link_secret'").fetchone()[0]


def answer_url(daemon, survey_id, expires_at, nonce="00112233445566778899aabb"):
    """An answer link (GET /r/{token}) as util/links.cpp signs it, for surveys on channels
    whose emails a test cannot read (the sandbox keeps only the text)."""
    payload = f"{survey_id}:{expires_at}:{nonce}"
    mac = hmac.new(link_secret(daemon.db).encode(), b"answer:" + payload.encode(), hashlib.sha256)
    return f"{daemon.url}/r/{_base64url(payload.encode())}.{mac.hexdigest()[:32]}"


def unsubscribe_url(daemon, address):
    """The one-click unsubscribe link (/u/{token}) of an address."""
    mac = hmac.new(link_secret(daemon.db).encode(), b"unsubscribe:" + address.encode(), hashlib.sha256)
    return f"{daemon.url}/u/{_base64url(address.encode())}.{mac.hexdigest()[:32]}"


def parse_maybe_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def run(test_fn):
    """Runs one integration test with a fresh work directory; prints a closing line."""
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="cxgate-it-")
    daemons = []

    def make_daemon(**kw):
        d = Daemon(args.binary, args.source, workdir, **kw)
        daemons.append(d)
        return d

    ok = False
    try:
        test_fn(make_daemon, workdir)
        ok = True
    except Exception as e:  # noqa: BLE001 - report every failure the same way
        print(f"FAILED: {type(e).__name__}: {e}")
        for d in daemons:
            if os.path.exists(os.path.join(workdir, "daemon.log")):
                print("---- daemon log (tail) ----")
                print(d.read_log()[-6000:])
                break
    finally:
        for d in daemons:
            try:
                d.stop()
            except Failure as e:
                print(f"FAILED at shutdown: {e}")
                ok = False
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"work directory kept: {workdir}")
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    sys.exit(0 if ok else 1)


def write_config(workdir, source, channels_yaml, flows=None, alerts_channel="email", extra=""):
    """A cxgate.yaml in workdir using the project's templates, with the given channels
    block (YAML text, indented two spaces) and flows {name: yaml text}."""
    flows_dir = os.path.join(workdir, "flows")
    os.makedirs(flows_dir, exist_ok=True)
    for name, text in (flows or {}).items():
        with open(os.path.join(flows_dir, f"{name}.yaml"), "w") as f:
            f.write(text)
    path = os.path.join(workdir, "cxgate.yaml")
    with open(path, "w") as f:
        f.write(f"""server:
  listen: 127.0.0.1:0
  public_url: http://127.0.0.1:{{PORT}}
database:
  path: cxgate.db
api_tokens: ["${{CXGATE_API_TOKEN}}"]
defaults:
  timezone: Europe/Helsinki
  locale: fi
  send_window: {{ days: mon-sun, from: "00:00", to: "24:00" }}
channels:
{channels_yaml}
alerts:
  channel: {alerts_channel}
staff:
  - {{ id: s-7, name: Advisor, email: advisor@example.com }}
flows_dir: flows
templates_dir: {os.path.join(source, 'templates')}
{extra}""")
    return path


# Sandbox SMS and email channels, for write_config.
SANDBOX_CHANNELS = """  sms: { type: sandbox, kind: sms, from: "+358500000001" }
  email: { type: sandbox, kind: email, from: "palaute@example.com" }"""

# A funnel of a booking CES (1-5) and a deal's NPS, both by SMS, as the report tests use it.
CX_FLOW = """flow: cx
timezone: Europe/Helsinki
steps:
  - id: booking
    on: booking.created
    survey: { metric: ces, scale: 1-5 }
    channel: sms
  - id: close
    on: [deal.won, deal.lost]
    survey: { metric: nps }
    channel: sms
"""


def twilio_channels(twilio, sms_extra=""):
    """A `channels:` block for write_config: `sms` on the fake Twilio (peers/fake_providers.py),
    its auth token as the ${TWILIO_AUTH_TOKEN} secret (set here), plus `sms_extra` lines
    (e.g. "rate: 100"); `email` on the sandbox."""
    settings = twilio.settings()
    os.environ["TWILIO_AUTH_TOKEN"] = settings["auth_token"]
    extra = f"\n    {sms_extra}" if sms_extra else ""
    return f"""  sms:
    type: twilio
    from: "+358500000001"
    base_url: {settings["base_url"]}
    account_sid: {settings["account_sid"]}
    auth_token: ${{TWILIO_AUTH_TOKEN}}{extra}
  email: {{ type: sandbox, kind: email }}"""


def without_per_address_bound(config_path):
    """Every client of a load test is 127.0.0.1, as behind a reverse proxy: no bound per
    client address (server.max_connections_per_address: 0)."""
    with open(config_path) as f:
        text = f.read()
    with open(config_path, "w") as f:
        f.write(text.replace("server:\n", "server:\n  max_connections_per_address: 0\n", 1))


def set_staff(config_path, staff_yaml):
    """Replaces write_config's one-person staff directory with `staff_yaml` (a `staff:` block)."""
    with open(config_path) as f:
        text = f.read()
    default = "staff:\n  - { id: s-7, name: Advisor, email: advisor@example.com }\n"
    check(default in text, "write_config's staff block")
    with open(config_path, "w") as f:
        f.write(text.replace(default, staff_yaml))


def set_public_port(config_path, port):
    """The public URL must name the daemon's port (webhook URLs, signatures)."""
    with open(config_path) as f:
        text = f.read()
    with open(config_path, "w") as f:
        f.write(text.replace("{PORT}", str(port)))


class NotifySocket:
    """What systemd listens on: a Unix datagram socket; each datagram is one notification
    of newline-separated KEY=VALUE lines."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.lock = threading.Lock()
        self.seen = []  # (monotonic time of arrival, {key: value})
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self):
        while not self.done.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            with self.lock:
                self.seen.append((time.monotonic(), fields))

    def close(self):
        self.done.set()
        self.thread.join()
        self.sock.close()

    def drain(self):
        time.sleep(0.05)

    def wait_for(self, key, value, after=0, timeout=15.0):
        """The first notification after index `after` with key=value; returns its index."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            with self.lock:
                for i in range(after, len(self.seen)):
                    if self.seen[i][1].get(key) == value:
                        return i
        raise AssertionError(f"no {key}={value} within {timeout} s; heard {[f for _, f in self.seen[after:]]}")
