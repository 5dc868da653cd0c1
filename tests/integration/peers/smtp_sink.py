"""A real SMTP server on 127.0.0.1 for cxgate's email tests: aiosmtpd (Debian package
python3-aiosmtpd, installed into /usr/bin/python3) run as a child process, with a handler
that writes every message it accepts into a folder:

    000001.json   the envelope: mail_from, rcpt_tos, mail_options, rcpt_options, peer,
                  smtputf8, auth_login, received_at (written first)
    000001.eml    the message bytes exactly as received in DATA (after dot-unstuffing),
                  written to a temp name and renamed, so a visible .eml is always complete

The server binds port 0 and reports the port it got in a file, so there is no race for a
"free" port; readiness is polled with a real SMTP NOOP. It is stopped by PID (SIGTERM).

    with SmtpSink() as sink:                       # sink.host, sink.port, sink.url
        ... cxgate sends to smtp://127.0.0.1:{sink.port} ...
        m = sink.wait_messages(1)[0]               # SinkMessage
        m.envelope_to, m.subject (decoded), m.header("List-Unsubscribe"), m.text, m.html,
        m.links, m.list_unsubscribe, m.msg (email.message.EmailMessage, policy default)

Options: auth=("user", "password") requires AUTH PLAIN/LOGIN (allowed without TLS here);
reject_rcpt / tempfail_rcpt are regexes of recipients answered 550 / 451 at RCPT TO.
No STARTTLS: the sink is plain SMTP on loopback.

The client side (this module imported by a test) is standard library only and runs under
any Python 3.11; the server side runs under an interpreter that has aiosmtpd (the current
one if it can import it, else /usr/bin/python3).
"""
import atexit
import email.parser
import email.policy
import glob
import html.parser
import importlib.util
import json
import os
import re
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time

if __package__ in (None, ""):  # run as a script: `python3 peers/smtp_sink.py` or the server child
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "peers"  # noqa: A001

from .common import LOOPBACK, PeerError, orphan_safe, stop_process, tail, wait_until

DEBIAN_PYTHON = "/usr/bin/python3"


def server_python():
    """An interpreter that can import aiosmtpd: this one, else Debian's /usr/bin/python3."""
    if importlib.util.find_spec("aiosmtpd") is not None:
        return sys.executable
    if os.access(DEBIAN_PYTHON, os.X_OK):
        return DEBIAN_PYTHON
    raise PeerError("aiosmtpd not found: apt-get install python3-aiosmtpd (for /usr/bin/python3)")


# ---- reading messages back -----------------------------------------------------------------

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


_URL = re.compile(r"https?://[^\s<>\"')\]]+")


class SinkMessage:
    """One received message.

    path (.eml), seq, raw (bytes as received), msg (email.message.EmailMessage parsed with
    email.policy.default: decoded headers, iter_parts(), get_body(), get_content()),
    envelope (dict from the .json), envelope_from, envelope_to (list)."""

    def __init__(self, path):
        self.path = path
        self.seq = int(os.path.basename(path).split(".")[0])
        with open(path, "rb") as f:
            self.raw = f.read()
        meta = os.path.splitext(path)[0] + ".json"
        with open(meta) as f:
            self.envelope = json.load(f)
        self.envelope_from = self.envelope["mail_from"]
        self.envelope_to = self.envelope["rcpt_tos"]
        self.msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(self.raw)

    # headers
    def header(self, name, default=None):
        """A header's decoded value (RFC 2047 words decoded) as a str; None if absent."""
        value = self.msg.get(name)
        return default if value is None else str(value)

    def headers(self, name):
        """Every occurrence of a header, decoded."""
        return [str(v) for v in self.msg.get_all(name, [])]

    @property
    def subject(self):
        return self.header("Subject")

    @property
    def message_id(self):
        return self.header("Message-ID")

    @property
    def list_unsubscribe(self):
        """The URIs inside <...> of List-Unsubscribe (RFC 2369), in order."""
        return re.findall(r"<([^>]+)>", self.header("List-Unsubscribe", ""))

    # bodies
    def part(self, content_type):
        """The first leaf part of this content type (e.g. 'text/plain'), or None."""
        for p in self.msg.walk():
            if not p.is_multipart() and p.get_content_type() == content_type:
                return p
        return None

    def parts(self):
        """The leaf parts: [(content_type, charset, EmailMessage)]."""
        return [(p.get_content_type(), p.get_content_charset(), p) for p in self.msg.walk() if not p.is_multipart()]

    @property
    def text(self):
        """The text/plain body decoded to str (charset and transfer encoding undone, CRLF line
        ends as sent over SMTP turned into "\n"), or None. part("text/plain") has it as is."""
        p = self.part("text/plain")
        return p.get_content().replace("\r\n", "\n") if p is not None else None

    @property
    def html(self):
        """The text/html body decoded, like text."""
        p = self.part("text/html")
        return p.get_content().replace("\r\n", "\n") if p is not None else None

    @property
    def links(self):
        """URLs from the HTML part's href/src attributes, then http(s) URLs in the text part
        not already listed; in order, without duplicates."""
        found = []
        if self.html:
            parser = _Links()
            parser.feed(self.html)
            found += parser.links
        if self.text:
            found += _URL.findall(self.text)
        return list(dict.fromkeys(found))

    def __repr__(self):
        return f"<SinkMessage {self.seq} {self.envelope_from} -> {self.envelope_to} {self.subject!r}>"


def load_messages(maildir):
    """Every complete message in a sink folder (SinkMessage), in arrival order."""
    return [SinkMessage(p) for p in sorted(glob.glob(os.path.join(maildir, "[0-9]*.eml")))]


def load_message(path):
    return SinkMessage(path)


# ---- the sink ------------------------------------------------------------------------------

class SmtpSink:
    """The aiosmtpd child process and its folder. maildir: where messages go (default a new
    temp dir, removed by stop() unless keep or a failure kept it)."""

    def __init__(self, maildir=None, *, auth=None, reject_rcpt=None, tempfail_rcpt=None,
                 hostname="sink.cxgate.test", python=None, keep=False):
        self._own_dir = maildir is None
        self.maildir = maildir or tempfile.mkdtemp(prefix="cxgate-smtp-")
        os.makedirs(self.maildir, exist_ok=True)
        self.auth, self.reject_rcpt, self.tempfail_rcpt = auth, reject_rcpt, tempfail_rcpt
        self.hostname, self.python, self.keep = hostname, python, keep
        self.host, self.port, self.proc = LOOPBACK, None, None
        self.state_dir = tempfile.mkdtemp(prefix="cxgate-smtp-state-")
        self.log_path = os.path.join(self.state_dir, "sink.log")

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"

    def start(self, timeout=20.0):
        port_file = os.path.join(self.state_dir, "port")
        args = [self.python or server_python(), os.path.abspath(__file__), "--serve", "--host", self.host,
                "--maildir", self.maildir, "--port-file", port_file, "--hostname", self.hostname]
        if self.auth:
            args += ["--auth", f"{self.auth[0]}:{self.auth[1]}"]
        if self.reject_rcpt:
            args += ["--reject-rcpt", self.reject_rcpt]
        if self.tempfail_rcpt:
            args += ["--tempfail-rcpt", self.tempfail_rcpt]
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(orphan_safe(args), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            atexit.register(self._kill)  # a test that forgets stop() leaves no server behind
        finally:
            log.close()

        def port_known():
            self._check_alive()
            try:
                with open(port_file) as f:
                    text = f.read()
                return int(text) if text.endswith("\n") else None
            except (OSError, ValueError):
                return None
        try:
            self.port = wait_until(port_known, "the SMTP sink to report its port", timeout=timeout)
            wait_until(self._noop, f"SMTP NOOP on {self.host}:{self.port}", timeout=timeout)
        except PeerError:
            self.keep = True
            stop_process(self.proc)
            raise
        return self

    def _kill(self):
        stop_process(self.proc)

    def _check_alive(self):
        if self.proc.poll() is not None:
            raise PeerError(f"SMTP sink exited with {self.proc.returncode}; log:\n{tail(self.log_path)}")

    def _noop(self):
        self._check_alive()
        try:
            with smtplib.SMTP(self.host, self.port, timeout=2) as s:
                return s.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def stop(self):
        """SIGTERM by PID (SIGKILL after 10 s); removes the temp folders unless kept."""
        if self.proc:
            rc = stop_process(self.proc)
            atexit.unregister(self._kill)
            self.proc = None
            if rc not in (0, None):
                self.keep = True
                print(f"SMTP sink exited {rc}; log:\n{tail(self.log_path)}", file=sys.stderr)
        if not self.keep:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            if self._own_dir:
                shutil.rmtree(self.maildir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *rest):
        if exc_type:
            self.keep = True
        self.stop()

    def messages(self):
        return load_messages(self.maildir)

    def wait_messages(self, count=1, predicate=lambda m: True, timeout=10.0, what=None):
        """Polls the folder until at least `count` messages satisfy predicate; returns them."""
        def ready():
            matches = [m for m in self.messages() if predicate(m)]
            return matches if len(matches) >= count else None
        try:
            return wait_until(ready, what or f"{count} message(s) in the SMTP sink", timeout=timeout)
        except PeerError as e:
            raise PeerError(f"{e}; have: {self.messages()}; sink log:\n{tail(self.log_path, 2000)}") from None

    def clear(self):
        for path in glob.glob(os.path.join(self.maildir, "[0-9]*.*")):
            os.remove(path)


# ---- server side (child process; needs aiosmtpd) ---------------------------------------------

def _serve(argv):
    import argparse
    import asyncio
    import signal

    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

    ap = argparse.ArgumentParser(prog="smtp_sink --serve")
    ap.add_argument("--host", default=LOOPBACK)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--hostname", default="sink.cxgate.test")
    ap.add_argument("--auth")
    ap.add_argument("--reject-rcpt")
    ap.add_argument("--tempfail-rcpt")
    opts = ap.parse_args(argv)
    existing = [int(os.path.basename(p).split(".")[0]) for p in glob.glob(os.path.join(opts.maildir, "[0-9]*.eml"))]
    counter = [max(existing, default=0)]

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if opts.reject_rcpt and re.search(opts.reject_rcpt, address):
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            if opts.tempfail_rcpt and re.search(opts.tempfail_rcpt, address):
                return "451 4.3.0 <%s>: Temporary failure, try again later" % address
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            counter[0] += 1
            seq = counter[0]
            base = os.path.join(opts.maildir, f"{seq:06d}")
            content = envelope.original_content if envelope.original_content is not None else envelope.content
            if isinstance(content, str):
                content = content.encode("utf-8", "surrogateescape")
            login = getattr(session, "sink_login", None) if session.authenticated else None
            meta = {
                "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                "mail_options": list(envelope.mail_options), "rcpt_options": list(envelope.rcpt_options),
                "smtputf8": envelope.smtp_utf8, "peer": list(session.peer) if session.peer else None,
                "helo": session.host_name, "auth_login": login,
                "received_at": time.time(), "size": len(content),
            }
            with open(base + ".json", "w") as f:
                json.dump(meta, f)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(content)
            os.replace(base + ".eml.tmp", base + ".eml")
            print(f"stored {seq:06d}.eml from {envelope.mail_from} to {envelope.rcpt_tos} ({len(content)} bytes)",
                  flush=True)
            return "250 2.0.0 OK: queued as %06d" % seq

    def authenticator(server, session, envelope, mechanism, auth_data):
        user, _, password = opts.auth.partition(":")
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
            and auth_data.password == password.encode()
        if ok:
            session.sink_login = user
        return AuthResult(success=ok)

    def factory():
        kwargs = dict(hostname=opts.hostname, enable_SMTPUTF8=True, decode_data=False)
        if opts.auth:
            kwargs.update(auth_required=True, auth_require_tls=False, authenticator=authenticator)
        return SMTP(Handler(), **kwargs)

    async def main():
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        server = await loop.create_server(factory, host=opts.host, port=0)
        port = server.sockets[0].getsockname()[1]
        with open(opts.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(opts.port_file + ".tmp", opts.port_file)
        print(f"listening on {opts.host}:{port}, writing to {opts.maildir}", flush=True)
        await stop.wait()
        server.close()
        await server.wait_closed()
        print("stopped", flush=True)

    asyncio.run(main())
    return 0


# ---- self-test -----------------------------------------------------------------------------

def _self_test():
    """python3 -m peers.smtp_sink: a UTF-8 multipart/alternative message sent with smtplib
    round-trips (decoded subject, parts, List-Unsubscribe headers, Message-ID, links); AUTH
    and recipient rejection work; libcurl (curl) delivers too when installed."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    passed, failures = [], []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        (passed if cond else failures).append(what)

    subject = "Miten onnistuimme? Arvioi 0–10 ✨ äöå"
    text = "Hei Pekka,\n\nkuinka todennäköisesti suosittelisit meitä? – 😀\nhttps://cx.example/s/abc?score=10\n"
    link = "https://cx.example/s/abc?score=10&amp=1"
    html_body = f'<p>Hei Pekka – <a href="{link.replace("&", "&amp;")}">10</a> 😀</p>'
    unsub = "https://cx.example/u/tok123"

    with SmtpSink() as sink:
        print(f"sink on {sink.url} (pid {sink.proc.pid}), folder {sink.maildir}")
        msg = EmailMessage()
        msg["From"] = "Acme Kyselyt <surveys@cx.example>"
        msg["To"] = "Pekka Päivärinta <pekka@example.com>"
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="cx.example")
        msg["List-Unsubscribe"] = f"<{unsub}>, <mailto:unsub@cx.example?subject=tok123>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(text)
        msg.add_alternative(html_body, subtype="html")
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as s:
            s.send_message(msg, from_addr="bounces+tok123@cx.example", to_addrs=["pekka@example.com"])
        got = sink.wait_messages(1)[0]
        check(got.envelope_from == "bounces+tok123@cx.example" and got.envelope_to == ["pekka@example.com"],
              f"envelope {got.envelope_from} -> {got.envelope_to}")
        check(got.subject == subject and b"=?utf-8?" in got.raw.lower(), f"subject decoded: {got.subject!r}")
        check(got.msg.get_content_type() == "multipart/alternative"
              and [t for t, _, _ in got.parts()] == ["text/plain", "text/html"], f"parts {got.parts()}")
        check(got.text == text, "text/plain decoded intact")
        check(got.html.strip() == html_body, "text/html decoded intact")
        check(got.list_unsubscribe[0] == unsub and got.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click",
              f"List-Unsubscribe {got.list_unsubscribe}")
        check(got.message_id == msg["Message-ID"], f"Message-ID {got.message_id}")
        check(link in got.links and "https://cx.example/s/abc?score=10" in got.links, f"links {got.links}")
        check(got.header("To") == "Pekka Päivärinta <pekka@example.com>", f"To decoded: {got.header('To')!r}")

        if shutil.which("curl"):
            raw = (f"From: surveys@cx.example\r\nTo: maija@example.com\r\nSubject: =?UTF-8?B?S2lpdG9zIOKAkyDwn5iA?=\r\n"
                   f"Message-ID: <curl-1@cx.example>\r\nList-Unsubscribe: <{unsub}>\r\n"
                   f"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nMIME-Version: 1.0\r\n"
                   f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                   f"Kiitos – 😀\r\n.leading dot\r\n").encode()
            res = subprocess.run(["curl", "-sS", f"smtp://{sink.host}:{sink.port}", "--mail-from", "surveys@cx.example",
                                  "--mail-rcpt", "maija@example.com", "--upload-file", "-"],
                                 input=raw, capture_output=True, timeout=20)
            got = sink.wait_messages(1, lambda m: m.envelope_to == ["maija@example.com"])[0]
            check(res.returncode == 0 and got.subject == "Kiitos – 😀"
                  and got.text == "Kiitos – 😀\n.leading dot\n",
                  f"libcurl delivered, dot-stuffing undone: {got.subject!r} {got.text!r}")

    check(not os.path.exists(sink.maildir), "stopped by PID, temp folder removed")

    with SmtpSink(auth=("cx", "pw"), reject_rcpt=r"^bounce@", tempfail_rcpt=r"^later@") as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as s:
            try:
                s.sendmail("a@cx.example", ["pekka@example.com"], b"Subject: x\r\n\r\nx\r\n")
                check(False, "AUTH required")
            except smtplib.SMTPException as e:
                check("530" in str(e) or "Authentication required" in str(e), "AUTH required without login")
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as s:
            s.login("cx", "pw")
            refused = s.sendmail("a@cx.example", ["pekka@example.com", "bounce@example.com", "later@example.com"],
                                 b"Subject: partial\r\n\r\nx\r\n")
            check(refused.get("bounce@example.com", (0,))[0] == 550
                  and refused.get("later@example.com", (0,))[0] == 451,
                  f"RCPT refusals {refused}")
        got = sink.wait_messages(1)[0]
        check(got.envelope_to == ["pekka@example.com"] and got.envelope["auth_login"] == "cx",
              f"accepted recipient only, login recorded: {got.envelope_to}")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return not failures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        sys.exit(_serve(sys.argv[2:]))
    try:
        ok = _self_test()
    except Exception as e:  # noqa: BLE001 - one closing line for any failure
        import traceback
        traceback.print_exc()
        print(f"FAILED: {type(e).__name__}: {e}")
        print("0 passed, 1 failed")
        ok = False
    sys.exit(0 if ok else 1)
