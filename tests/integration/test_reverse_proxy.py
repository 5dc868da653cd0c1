"""HTTPS behind nginx, with the configuration docs/operations.md gives, word for word.

The test takes the one ```nginx block of docs/operations.md ("HTTPS behind a reverse
proxy"), replaces only what must differ on a test machine (PLACEHOLDERS below: ports,
certificate and log paths, each of which must occur in the block exactly as written there),
and runs a real nginx with it in the foreground: TLS with a certificate made here by
`openssl req`, proxying to cxgate on loopback whose server.public_url is the proxy's https
URL. So the guide cannot drift from what was tried. It shows:
- /healthz over https through the proxy (certificate verified), HSTS, http -> https, and
  /metrics kept off the outside;
- a Twilio-signed reply sent to the proxy's URL is taken (200, the score recorded) while
  the same reply signed for cxgate's own http URL is refused 403 with the log line the
  guide names: Twilio signs the URL it called, and cxgate checks against public_url;
- the provider's StatusCallback is the public URL too; a body over the limit is refused
  at the proxy; the access log has no query string (a webhook's ?secret=);
- behind the proxy every connection comes from 127.0.0.1: with the default
  max_connections_per_address one client's wrong tokens lock every client out (429),
  with 0 (what the guide says to set) cxgate counts guesses per X-Forwarded-For address,
  which the proxy sets, so a client cannot pick its own.
nginx runs as a child of this test and is stopped by its PID."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse

from harness import TOKEN, check, eventually, free_port, run, twilio_channels, write_config
from peers.fake_providers import Twilio, twilio_signature

FLOW = """flow: proxied
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
"""

CUSTOMER = "+358401234567"
BUSINESS = "+358500000001"


def nginx_block(source):
    """The one ```nginx block of docs/operations.md."""
    with open(os.path.join(source, "docs", "operations.md")) as f:
        blocks = re.findall(r"^```nginx\n(.*?)^```", f.read(), re.S | re.M)
    check(len(blocks) == 1, f"docs/operations.md has one ```nginx block, not {len(blocks)}")
    return blocks[0]


def placeholders(tls_port, http_port, daemon_port, tmp):
    """What the doc's block names that a test machine must replace: text as in the doc ->
    the test's value. Each must occur in the block exactly once."""
    return {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{tls_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{daemon_port};",
        "/etc/letsencrypt/live/cx.example.com/fullchain.pem": os.path.join(tmp, "cert.pem"),
        "/etc/letsencrypt/live/cx.example.com/privkey.pem": os.path.join(tmp, "key.pem"),
        "/var/log/nginx/cxgate.access.log": os.path.join(tmp, "access.log"),
    }


def nginx_conf(block, tmp):
    """Debian's /etc/nginx/nginx.conf includes conf.d/*.conf inside http { }: the same here,
    with everything nginx writes kept in tmp."""
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must write to tmp
    return f"""{user}worker_processes 1;
error_log {tmp}/error.log info;
events {{ worker_connections 512; }}
http {{
{temp_paths}
    access_log {tmp}/default-access.log;
# ---- docs/operations.md
{block}
# ----
}}
"""


class Nginx:
    def __init__(self, source, daemon_port, tmp):
        self.tmp = tmp  # the test's work directory: kept when the test fails
        os.makedirs(tmp)
        self.tls_port, self.http_port = free_port(), free_port()
        block = nginx_block(source)
        for written, value in placeholders(self.tls_port, self.http_port, daemon_port, self.tmp).items():
            n = block.count(written)
            check(n == 1, f"docs/operations.md's nginx block: {written!r} occurs {n} times, not once")
            block = block.replace(written, value)
        self.conf = os.path.join(self.tmp, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(nginx_conf(block, self.tmp))
        self.cert = os.path.join(self.tmp, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", os.path.join(self.tmp, "key.pem"), "-out", self.cert,
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        self.proc = None

    def command(self, *extra):
        return ["nginx", "-p", self.tmp, "-c", self.conf, "-e", os.path.join(self.tmp, "error.log"),
                "-g", f"daemon off; pid {self.tmp}/nginx.pid;", *extra]

    def start(self):
        res = subprocess.run(self.command("-t"), capture_output=True, text=True)
        check(res.returncode == 0, f"nginx -t: {res.stderr}\n{open(self.conf).read()}")
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

        def listening():
            check(self.proc.poll() is None, f"nginx exited {self.proc.returncode}: {self.error_log()}")
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.tls_port)) == 0
        eventually(listening, "nginx listening")
        return self

    def stop(self):
        proc, self.proc = self.proc, None
        if proc and proc.poll() is None:
            os.kill(proc.pid, signal.SIGQUIT)  # graceful: workers finish what they serve
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()

    def error_log(self):
        try:
            with open(os.path.join(self.tmp, "error.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def access_log(self):
        with open(os.path.join(self.tmp, "access.log")) as f:
            return f.read()

    @property
    def url(self):
        return f"https://127.0.0.1:{self.tls_port}"

    def request(self, method, path, body=None, headers=None, source="127.0.0.1", tls=True):
        """One request from a client at `source` (any 127.x address is this machine), the
        certificate checked against the one made for this test."""
        if tls:
            context = ssl.create_default_context(cafile=self.cert)
            conn = http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=10, context=context,
                                               source_address=(source, 0))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10,
                                              source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, dict(res.getheaders()), res.read()
        finally:
            conn.close()


def signed_reply(url, auth_token, text):
    """An incoming SMS as Twilio posts it, signed for `url` (X-Twilio-Signature)."""
    sid = "SM" + os.urandom(16).hex()
    fields = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0123456789abcdef" * 2,
              "From": CUSTOMER, "To": BUSINESS, "Body": text, "NumMedia": "0", "NumSegments": "1",
              "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    headers = {"X-Twilio-Signature": twilio_signature(auth_token, url, fields),
               "Content-Type": "application/x-www-form-urlencoded"}
    return urllib.parse.urlencode(fields).encode(), headers


def guesses_lock(nginx, guesser, other, expect_other, forged_for=None, counted_before=0):
    """Wrong tokens from `guesser` through the proxy up to the 20 failures that lock an
    address (counted_before: failures already counted for the address cxgate will see), then:
    the guesser is locked out (429), and `other` with the right token gets `expect_other`."""
    bad = {"Authorization": "Bearer wrong-token-wrong-token"}
    for i in range(20 - counted_before):
        status, _, _ = nginx.request("GET", "/v1/surveys/1", headers=bad, source=guesser)
        check(status == 401, f"wrong token {i + 1} from {guesser}: {status}")
    good = {"Authorization": f"Bearer {TOKEN}"}
    headers = dict(good, **({"X-Forwarded-For": forged_for} if forged_for else {}))
    status, response_headers, _ = nginx.request("GET", "/v1/surveys/1", headers=headers, source=guesser)
    check(status == 429 and "Retry-After" in response_headers, f"the guesser is locked out: {status}")
    status, _, _ = nginx.request("GET", "/v1/surveys/1", headers=good, source=other)
    check(status == expect_other, f"another client ({other}): {status}, expected {expect_other}")


def test(make_daemon, workdir):
    check(shutil.which("nginx"), "nginx not found (package nginx; scripts/install-deps --test)")
    check(shutil.which("openssl"), "openssl not found (package openssl)")
    source = make_daemon().source
    with Twilio() as twilio:
        daemon_port = free_port()
        nginx = Nginx(source, daemon_port, os.path.join(workdir, "nginx"))
        config = write_config(workdir, source, twilio_channels(twilio), {"proxied": FLOW})
        with open(config) as f:
            text = f.read()
        check("public_url: http://127.0.0.1:{PORT}" in text, "write_config's public_url")
        with open(config, "w") as f:
            f.write(text.replace("public_url: http://127.0.0.1:{PORT}", f"public_url: {nginx.url}"))
        d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00").start(port=daemon_port)
        try:
            nginx.start()
            run_checks(d, nginx, twilio, config)
        finally:
            nginx.stop()


def run_checks(d, nginx, twilio, config):
    # --- https through the proxy
    status, headers, body = nginx.request("GET", "/healthz")
    check(status == 200 and json.loads(body)["status"] == "ok", f"/healthz over https: {status} {body!r}")
    check(headers.get("Strict-Transport-Security", "").startswith("max-age="), f"HSTS: {headers}")
    status, headers, _ = nginx.request("GET", "/healthz", tls=False)
    check(status == 301 and headers.get("Location") == "https://127.0.0.1/healthz",
          f"http -> https: {status} {headers.get('Location')}")
    status, _, _ = nginx.request("GET", "/metrics")
    check(status == 404, f"/metrics is not served to the outside: {status}")
    status, metrics = d.request("GET", "/metrics")
    check(status == 200 and "cxgate_http_requests_total" in metrics, "/metrics on cxgate's own port")

    # --- an event through the proxy; the survey goes out with the public status URL
    status, headers, body = nginx.request(
        "POST", "/v1/events", json.dumps({"id": "e1", "type": "visit.done", "contact": {"phone": CUSTOMER}}),
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    check(status == 202, f"event through the proxy: {status} {body!r}")
    survey_id = json.loads(body)["scheduled"][0]["id"]
    sent = twilio.wait_sent(lambda r: r.field("To") == CUSTOMER, "the CSAT by Twilio")[0]
    check(sent.field("StatusCallback") == f"{nginx.url}/webhooks/sms/status",
          f"Twilio is told the public status URL: {sent.field('StatusCallback')}")

    # --- signatures: Twilio signs the URL it called, which must be public_url's
    auth_token = twilio.settings()["auth_token"]
    internal = f"{d.url}/webhooks/sms/inbound"
    body, headers = signed_reply(internal, auth_token, "1")
    status, _, answer = nginx.request("POST", "/webhooks/sms/inbound", body, headers)
    check(status == 403, f"signed for cxgate's own URL, through the proxy: {status} {answer!r}")
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("POST", "/webhooks/sms/inbound", body=body, headers=headers)
    direct = conn.getresponse()
    direct.read()
    conn.close()
    check(direct.status == 403, f"signed for cxgate's own URL, sent there: {direct.status}")
    line = "warning webhook /webhooks/sms/inbound on channel sms: 403 X-Twilio-Signature missing or wrong"
    eventually(lambda: line in d.read_log(), "the log line docs/operations.md names")
    check(d.survey(survey_id).get("score") is None, "nothing recorded from the refused reply")

    body, headers = signed_reply(f"{nginx.url}/webhooks/sms/inbound", auth_token, "4")
    status, _, answer = nginx.request("POST", "/webhooks/sms/inbound", body, headers)
    check(status == 200 and b"<Response>" in answer, f"signed for the public URL: {status} {answer!r}")
    eventually(lambda: d.survey(survey_id).get("score") == 4, "the score of the reply through the proxy")

    # --- the body limit is the proxy's too; the access log keeps no query string
    big = json.dumps({"id": "big", "type": "visit.done", "pad": "x" * 70000})
    status, _, _ = nginx.request("POST", "/v1/events", big,
                                 {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    check(status == 413, f"a body over client_max_body_size: {status}")
    status, _, _ = nginx.request("GET", "/healthz?secret=QUERY-SECRET-0123")
    check(status == 200, f"/healthz with a query: {status}")
    log = eventually(lambda: (lambda t: t if "GET /healthz HTTP" in t else None)(nginx.access_log()),
                     "the access log line")
    check("QUERY-SECRET" not in log, f"the access log holds no query string: {log[-500:]}")

    # --- who the client is. Default max_connections_per_address: every client is the
    # proxy's 127.0.0.1, so one guesser locks everyone out (and the two forged webhooks above,
    # from yet another client, already count against it).
    guesses_lock(nginx, "127.0.0.2", "127.0.0.3", expect_other=429, counted_before=2)
    status, _ = d.request("GET", "/metrics")
    check(status == 429, f"Prometheus, scraping from 127.0.0.1, is locked out too: {status}")
    # With 0 (the guide's setting, reloaded): guesses count per X-Forwarded-For address, the
    # one nginx sets, whatever the client claims.
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("server:\n", "server:\n  max_connections_per_address: 0\n", 1))
    version = d.request("GET", "/healthz")[1]["config_version"]
    os.kill(d.proc.pid, signal.SIGHUP)
    eventually(lambda: d.request("GET", "/healthz")[1]["config_version"] != version, "the reload")
    guesses_lock(nginx, "127.0.0.4", "127.0.0.5", expect_other=200, forged_for="127.0.0.9")
    check(not twilio.problems(hard=True), f"Twilio saw only valid requests: {twilio.problems(hard=True)}")
    print(f"nginx {nginx.tls_port} -> cxgate {d.port}: https, signatures, limits and client addresses as the guide says")


if __name__ == "__main__":
    run(test)
