"""A real Kannel 1.4.5 on free loopback ports for cxgate's integration tests.

Three processes, started in this order and stopped (by PID) in the reverse one:

    bearerbox   the core; admin status on admin_port, fake SMSC listener on smsc_port
    smsbox      the HTTP side: /cgi-bin/sendsms on sendsms_port (MT in), and the sms-service
                that fetches the MO URL (get-url or post-url) for every mobile-originated SMS
    fakesmsc    /usr/lib/kannel/test/fakesmsc, ONE long-lived instance in interactive mode
                (no message arguments): it prints every MT that bearerbox hands it, and sends
                as MO every line written to its stdin. That is how this peer captures MTs and
                injects MOs at any time with a single connection (the fake SMSC in bearerbox
                serves one client at a time, so a second fakesmsc could not connect while the
                capturing one is connected).

A test sees (cxgate needs sendsms_url in its config, Kannel needs cxgate's port for the MO
URL, so the ports are chosen when the object is made and the MO URL is given at start):

    k = Kannel()                             # ports chosen, nothing running yet
    k.sendsms_url          -> put this in cxgate's channel settings (a recording proxy)
    d.start()                                # cxgate, with that config
    k.start(mo_url=mo_get_url(d.url, "sms", secret="s"))   -> returns when all three are up
    k.wait_mt(lambda m: m.receiver == "+358401234567")   -> [Sms], text decoded
    k.send_mo("+358401234567", "12345", "9 kiitos")       -> smsbox fetches the MO URL
    k.sendsms_calls        -> every sendsms request cxgate made (query: to, text, dlr-url...)
    k.send_dlr(call, 16)   -> a failure DLR to the call's dlr-url (fakesmsc makes only 8 and 1)
    k.set_mo_url(url)      -> restarts smsbox alone with a new MO URL (e.g. cxgate restarted)
    k.stop()

Facts checked on Debian 12 (kannel 1.4.5-12), see also shared/recipes/kannel.md:

- sendsms answers 202 "0: Accepted for delivery". With the sendsms-user's default
  max-messages = 1 a long text is silently TRUNCATED to one SMS; this peer sets
  max-messages = 10 and concatenation = true, so long texts arrive as parts with a
  concatenation UDH (05 00 03 ref total seq), which wait_mt() reassembles.
- MT as fakesmsc prints it: "FROM TO text <raw UTF-8>" for the default coding (characters
  outside GSM-7 such as – “ … 😀 arrive as '?' unless cxgate sends coding=2&charset=UTF-8),
  "FROM TO ucs-2 <url-encoded UTF-16BE>" for coding=2, "FROM TO data <url-encoded>" for
  coding=1, and "FROM TO udh <url-encoded UDH> data <url-encoded bytes>" for every part of a
  concatenated message whatever its coding (1.4.5 does not say which: the peer infers it,
  see _guess_coding). A 7-bit MT containing a newline comes out as two lines (the fakesmsc
  protocol is line based); the peer joins such continuation lines back with "\\n".
- fakesmsc in interactive mode reads stdin with a 1 s select timeout between polls of the
  bearerbox connection: an MT is captured up to ~1 s after smsbox accepted it. Wait for it
  with wait_mt(), never with a fixed sleep. Its stdin lines are read with a 256-byte buffer,
  so one MO line is at most 255 bytes (send_mo raises ValueError beyond that), and lines are
  written one at a time, each acknowledged by fakesmsc's "sent message N" before the next.
- MO: a line "FROM TO text 9 kymppi" makes smsbox fetch the MO URL once. In the URL template
  %p is the sender (handset), %P the receiver (our number), %I Kannel's message id (a UUID),
  %b the message as received (url-encoded; newlines and repeated spaces kept), %a the
  message's WORDS joined by single spaces (newlines and double spaces collapse, a leading
  space is dropped: do not use it for replies), %c the coding (0 7-bit, 1 8-bit, 2 UCS-2),
  %C the charset, %t/%T the time, %i the smsc-id. With mo-recode = true (set here) a UCS-2
  MO (emoji, dashes) reaches the URL as UTF-8 with %c = 0 and %C = UTF-8. post-url sends the
  raw text as the body (Content-Type text/plain; charset="UTF-8", or application/octet-stream
  for 8-bit) with X-Kannel-To, X-Kannel-Time, X-Kannel-Coding, X-Kannel-SMSC,
  X-Kannel-Service headers, and X-Kannel-From because this peer sets send-sender = true.
  If the MO URL does not answer, smsbox logs "Couldn't fetch <url>" and the MO is lost
  (http-request-retry defaults to 0).
- DLRs need dlr-mask and dlr-url on the sendsms call. fakesmsc produces only 8 (SMSC
  accepted; when 8 is in the mask) and 1 (delivered; when 1 or 2 is in the mask), fetched by
  smsbox with GET. In the dlr-url, %d is the type, %p the handset (the MT's "to") and %P our
  sender (the MT's "from"): swapped relative to the MO URL. %I is a new UUID in each DLR
  (different for the 8 and the 1) and %F was empty in some 8s: neither identifies the
  message, so cxgate must put its own message id into the dlr-url. A message sent in 3
  parts produced ONE 8 and ONE 1. smsbox fetches DLR and MO URLs concurrently: the 1 can
  arrive BEFORE the 8, and a burst of MOs arrives out of order.
- In get-url/post-url/dlr-url templates '%' + a letter is a placeholder (Kannel leaves '%'
  + a digit, e.g. %2F, alone): a url-encoded value in the fixed part such as %C3%A4 or %AB
  would be expanded (%C charset, %A SMSC reply). Double such '%' (kannel_escape()).
"""
import atexit
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

if __package__ in (None, ""):  # `python3 peers/kannel.py` as well as `python3 -m peers.kannel`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "peers"  # noqa: A001

from .common import (LOOPBACK, PeerError, RecordingServer, free_port, orphan_safe, port_open, stop_process, tail,
                     wait_until)

BEARERBOX = os.environ.get("KANNEL_BEARERBOX", "/usr/sbin/bearerbox")
SMSBOX = os.environ.get("KANNEL_SMSBOX", "/usr/sbin/smsbox")
FAKESMSC = os.environ.get("KANNEL_FAKESMSC", "/usr/lib/kannel/test/fakesmsc")

MAX_MO_LINE = 255  # fakesmsc reads stdin with fgets(buffer, 256, stdin)

# DLR types (Kannel user guide, "Delivery reports"): bits of dlr-mask and values of %d.
DLR_DELIVERED, DLR_FAILED, DLR_BUFFERED, DLR_SMSC_ACCEPTED, DLR_SMSC_REJECTED = 1, 2, 4, 8, 16

# GSM 03.38 default alphabet and its extension table (characters that need an escape).
GSM7_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = "^{}\\[~]|€\f"


def available():
    """True when the Kannel binaries this peer needs are installed (packages kannel and
    kannel-extras); a test can skip itself otherwise."""
    return all(os.access(p, os.X_OK) for p in (BEARERBOX, SMSBOX, FAKESMSC))


def is_gsm7(text):
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def kannel_escape(static_text):
    """Escapes '%' in the fixed parts of a Kannel URL template ('%%' is a literal '%'), so a
    url-encoded secret such as 'a%2Fb' is not taken for placeholders."""
    return static_text.replace("%", "%%")


def mo_get_url(base_url, channel="kannel", secret=None, path=None, params=None):
    """A get-url template for cxgate's inbound webhook:

        {base_url}/webhooks/{channel}/inbound?secret=S&from=%p&to=%P&text=%b&id=%I&coding=%c&charset=%C

    text is %b, not %a (see the module doc: %a collapses whitespace). `params` adds fixed
    query parameters; `path` replaces /webhooks/{channel}/inbound."""
    path = path or f"/webhooks/{urllib.parse.quote(channel, safe='')}/inbound"
    fixed = {}
    if secret is not None:
        fixed["secret"] = secret
    fixed.update(params or {})
    query = kannel_escape(urllib.parse.urlencode(fixed))
    placeholders = "from=%p&to=%P&text=%b&id=%I&coding=%c&charset=%C"
    return f"{base_url}{kannel_escape(path)}?{query + '&' if query else ''}{placeholders}"


def mo_post_url(base_url, channel="kannel", secret=None, path=None, params=None):
    """A post-url template (the text travels as the body): ...?secret=S&from=%p&to=%P&id=%I"""
    path = path or f"/webhooks/{urllib.parse.quote(channel, safe='')}/inbound"
    fixed = {}
    if secret is not None:
        fixed["secret"] = secret
    fixed.update(params or {})
    query = kannel_escape(urllib.parse.urlencode(fixed))
    return f"{base_url}{kannel_escape(path)}?{query + '&' if query else ''}from=%p&to=%P&id=%I"


def expand_url_template(template, values):
    """Expands Kannel %x placeholders in a URL template the way smsbox does: each value is
    url-encoded; '%%' is a literal '%'; unknown placeholders are left as they are."""
    out, i = [], 0
    while i < len(template):
        c = template[i]
        if c == "%" and i + 1 < len(template):
            key = template[i + 1]
            if key == "%":
                out.append("%")
            elif key in values:
                out.append(urllib.parse.quote_plus(str(values[key]), safe=""))
            else:
                out.append(template[i:i + 2])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ---- what fakesmsc prints ----------------------------------------------------------------

def _decode_fake(encoded):
    """fakesmsc/smsc_fake url-encoding: %XX escapes and '+' for space."""
    return urllib.parse.unquote_to_bytes(encoded.replace(b"+", b" "))


def _guess_coding(data):
    """Kannel 1.4.5's fake SMSC prints every concatenated part as 'udh ... data ...' without
    its coding. UTF-16BE text (UCS-2 coding) has even length and, for Latin, Greek, Cyrillic,
    Arabic and most other scripts, high bytes below 0x20 (NUL for ASCII) or surrogates
    (emoji), which 7-bit text (carried as UTF-8 inside Kannel) never has. CJK-only UCS-2 text
    can fool this; use Sms.data for exact bytes."""
    if len(data) % 2 == 0 and data:
        try:
            data.decode("utf-8")
            valid_utf8 = True
        except UnicodeDecodeError:
            valid_utf8 = False
        controls = any(b < 0x20 and b not in (0x0A, 0x0D) for b in data[0::2])
        if not valid_utf8 or controls:
            return "ucs2"
    return "7bit"


def _decode_text(data, coding):
    if coding == "ucs2":
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


class MtPart:
    """One SMS as fakesmsc received it from bearerbox (one line, or several joined when a
    7-bit text contained newlines).

    seq (fakesmsc's counter of received lines), sender, receiver, kind ('text', 'data',
    'ucs-2' or 'udh'), udh (bytes, b'' if none), data (the message bytes: UTF-8 for 7-bit,
    UTF-16BE for UCS-2), coding ('7bit', '8bit' or 'ucs2'), text (decoded), raw (the line's
    bytes), at (time.time() when captured), concat (ref, total, index) or None."""

    def __init__(self, seq, sender, receiver, kind, udh, data, coding, raw):
        self.seq, self.sender, self.receiver, self.kind = seq, sender, receiver, kind
        self.udh, self.data, self.coding, self.raw = udh, data, coding, raw
        self.at = time.time()
        self.concat = _parse_concat(udh)

    @property
    def text(self):
        return _decode_text(self.data, self.coding)

    def __repr__(self):
        return f"<MtPart {self.seq} {self.sender}->{self.receiver} {self.coding} {self.text!r}>"


def _parse_concat(udh):
    """(ref, total, index) from a concatenation information element (IEI 0x00 with an 8-bit
    reference or 0x08 with a 16-bit one), else None."""
    if not udh:
        return None
    i, end = 1, min(len(udh), 1 + udh[0])
    while i + 1 < end:
        iei, length = udh[i], udh[i + 1]
        body = udh[i + 2:i + 2 + length]
        if iei == 0x00 and length == 3:
            return body[0], body[1], body[2]
        if iei == 0x08 and length == 4:
            return (body[0] << 8) | body[1], body[2], body[3]
        i += 2 + length
    return None


class Sms:
    """An MT as the handset would show it: the parts of a concatenated message joined in
    order (bytes first, then decoded, so a character split across parts survives).

    sender, receiver, text, coding, parts (list of MtPart), complete (all parts seen),
    data (joined bytes), at (time of the last part)."""

    def __init__(self, parts):
        self.parts = sorted(parts, key=lambda p: p.concat[2] if p.concat else 0)
        first = self.parts[0]
        self.sender, self.receiver = first.sender, first.receiver
        self.data = b"".join(p.data for p in self.parts)
        self.coding = first.coding if first.kind != "udh" else _guess_coding(self.data)
        self.complete = not first.concat or len({p.concat[2] for p in self.parts}) == first.concat[1]
        self.at = max(p.at for p in self.parts)

    @property
    def text(self):
        return _decode_text(self.data, self.coding)

    def __repr__(self):
        state = "" if self.complete else f" (incomplete {len(self.parts)} parts)"
        return f"<Sms {self.sender}->{self.receiver} {self.coding} {self.text!r}{state}>"


_GOT = re.compile(rb"Got message (\d+): <(.*)>\s*$")
_SENT = re.compile(rb"fakesmsc: sent message (\d+)")
_LINE = re.compile(rb"^(\S+) (\S+) (text|data|ucs-2|ucs2|udh) (.*)$", re.S)


class Kannel:
    """bearerbox + smsbox + one interactive fakesmsc on 127.0.0.1, configured in a temp dir.

    Ports are chosen when the object is made (admin_port, box_port, smsc_port,
    sendsms_port) so that cxgate's config can name sendsms_url before Kannel starts.

    mo_url           get-url/post-url template (Kannel placeholders, see module doc), e.g.
                     mo_get_url(daemon.url, "sms", secret=...). None: a placeholder URL on a
                     closed port until set_mo_url() is called.
    mo_method        "get" (get-url) or "post" (post-url).
    username/password  the sendsms-user.
    max_messages     sendsms-user max-messages: how many parts a long MT may become.
    proxy_sendsms    True: sendsms_url points at an in-process pass-through proxy that records
                     each call (sendsms_calls) and forwards it unchanged to smsbox, answering
                     with smsbox's own status, headers and body. False: smsbox directly.
    workdir          where kannel.conf and the logs go (default: a new temp dir, removed by
                     stop() unless keep_workdir or a start failed).
    extra_config     {"core"|"smsc"|"smsbox"|"sendsms-user"|"sms-service": {key: value}}
                     added to (or overriding) the generated groups.
    """

    def __init__(self, mo_url=None, *, mo_method="get", username="cx", password="secret",
                 admin_password="adm", max_messages=10, proxy_sendsms=True, workdir=None,
                 keep_workdir=False, extra_config=None, log_level=0):
        if mo_method not in ("get", "post"):
            raise ValueError("mo_method: get or post")
        self.mo_method = mo_method
        self.username, self.password, self.admin_password = username, password, admin_password
        self.max_messages = max_messages
        self.proxy_sendsms = proxy_sendsms
        self.extra_config = extra_config or {}
        self.log_level = log_level
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="cxgate-kannel-")
        self.keep_workdir = keep_workdir
        self.conf = os.path.join(self.workdir, "kannel.conf")
        self._pick_ports()
        self.mo_url = mo_url or f"http://{LOOPBACK}:{self.closed_port}/no-mo-url-set?from=%p&text=%b"
        self.bearerbox = self.smsbox = self.fakesmsc = None
        self._proxy = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._parts = []        # MtPart in arrival order
        self._mo_sent = 0       # fakesmsc's "sent message N"
        self._mo_written = 0
        self._mo_lock = threading.Lock()
        self._reader = None
        self._fake_log = None
        self._started = False

    def _pick_ports(self):
        ports = set()
        while len(ports) < 5:
            ports.add(free_port())
        (self.admin_port, self.box_port, self.smsc_port, self.sendsms_port,
         self.closed_port) = sorted(ports)

    # ---- URLs
    @property
    def admin_url(self):
        return f"http://{LOOPBACK}:{self.admin_port}"

    @property
    def direct_sendsms_url(self):
        """smsbox's own /cgi-bin/sendsms."""
        return f"http://{LOOPBACK}:{self.sendsms_port}/cgi-bin/sendsms"

    @property
    def sendsms_url(self):
        """The URL to give cxgate: the recording proxy (when enabled; started on first use, so
        the URL is known before Kannel starts) or smsbox itself. Until smsbox is up the proxy
        closes connections without an answer, as a refused connection would fail."""
        if self.proxy_sendsms:
            self._ensure_proxy()
            return f"{self._proxy.url}/cgi-bin/sendsms"
        return self.direct_sendsms_url

    def _ensure_proxy(self):
        if self.proxy_sendsms and not self._proxy:
            self._proxy = RecordingServer(self._forward_sendsms, name="kannel-sendsms-proxy").start()

    @property
    def sendsms_calls(self):
        """Every request cxgate made to sendsms_url (RecordedRequest: .query['to'], .field('text'),
        .field('dlr-url'), .status, .response_body), in arrival order."""
        return self._proxy.snapshot() if self._proxy else []

    def wait_sendsms_call(self, predicate=lambda r: True, what="a sendsms call", count=1, timeout=10.0):
        if not self._proxy:
            raise PeerError("sendsms calls are recorded only with proxy_sendsms=True")
        return self._proxy.wait_for(predicate, what, count, timeout)

    # ---- configuration
    def _config_text(self):
        d = self.workdir
        groups = [
            ("core", {
                "admin-port": self.admin_port,
                "admin-interface": LOOPBACK,
                "admin-password": self.admin_password,
                "status-password": self.admin_password,
                "smsbox-port": self.box_port,
                "smsbox-interface": LOOPBACK,
                "box-allow-ip": '"127.0.0.1"',
                "log-file": f'"{d}/bearerbox.log"',
                "log-level": self.log_level,
                "access-log": f'"{d}/access.log"',
                "dlr-storage": "internal",
            }),
            ("smsc", {
                "smsc": "fake",
                "smsc-id": "fake",
                "port": self.smsc_port,
                "our-host": LOOPBACK,
                "connect-allow-ip": LOOPBACK,
            }),
            ("smsbox", {
                "bearerbox-host": LOOPBACK,
                "sendsms-port": self.sendsms_port,
                "sendsms-interface": LOOPBACK,
                "log-file": f'"{d}/smsbox.log"',
                "log-level": self.log_level,
                "access-log": f'"{d}/smsbox-access.log"',
                "mo-recode": "true",
            }),
            ("sendsms-user", {
                "username": self.username,
                "password": self.password,
                "max-messages": self.max_messages,
                "concatenation": "true",
            }),
            ("sms-service", {
                "keyword": "default",
                "catch-all": "true",
                "max-messages": 0,  # smsbox must not answer the customer itself
                ("get-url" if self.mo_method == "get" else "post-url"): self._quoted(self.mo_url),
                **({"send-sender": "true"} if self.mo_method == "post" else {}),
            }),
        ]
        lines = []
        for name, settings in groups:
            settings = dict(settings)
            for key, value in self.extra_config.get(name, {}).items():
                settings[key] = value
            lines.append(f"group = {name}")
            lines += [f"{k} = {v}" for k, v in settings.items()]
            lines.append("")
        return "\n".join(lines)

    @staticmethod
    def _quoted(url):
        if '"' in url or "\n" in url:
            raise ValueError(f"Kannel URL template must not contain quotes or newlines: {url!r}")
        return f'"{url}"'

    def _write_config(self):
        with open(self.conf, "w") as f:
            f.write(self._config_text())

    # ---- lifecycle
    def start(self, mo_url=None, timeout=30.0):
        """Starts bearerbox, smsbox, the sendsms proxy and fakesmsc; returns self when all are
        ready (admin status shows the smsbox connected and the fake SMSC online, and sendsms
        answers). Retries with new ports if a port was taken in the meantime."""
        if not available():
            raise PeerError("Kannel is not installed: apt-get install kannel kannel-extras")
        if mo_url:
            self.mo_url = mo_url
        last = None
        atexit.register(self._stop_processes)  # a test that forgets stop() leaves no Kannel behind
        for attempt in range(3):
            try:
                self._start_once(timeout)
                self._started = True
                return self
            except PeerError as e:
                last = e
                self._stop_processes()
                if "exited" not in str(e):  # a timeout is not a port clash: do not hide it
                    break
                self._pick_ports()
        self.keep_workdir = True
        raise PeerError(f"Kannel did not start: {last}\nconfig and logs kept in {self.workdir}")

    def _start_once(self, timeout):
        self._write_config()
        self.bearerbox = self._spawn("bearerbox", [BEARERBOX, "-v", "1", self.conf])
        self._wait(lambda: self._status_text() is not None, "bearerbox admin status", self.bearerbox, timeout)
        self._start_smsbox(timeout)
        self._ensure_proxy()
        self._start_fakesmsc(timeout)

    def _start_smsbox(self, timeout):
        self.smsbox = self._spawn("smsbox", [SMSBOX, "-v", "1", self.conf])
        self._wait(lambda: port_open(self.sendsms_port), f"smsbox sendsms port {self.sendsms_port}",
                   self.smsbox, timeout)
        self._wait(lambda: re.search(r"smsbox:\S*, IP 127\.0\.0\.1", self._status_text() or ""),
                   "smsbox connected to bearerbox (admin status)", self.smsbox, timeout)

    def _start_fakesmsc(self, timeout):
        self._fake_log = open(os.path.join(self.workdir, "fakesmsc.log"), "ab")
        # No message arguments = interactive mode: stdin lines are sent as MO.
        # -i 0: no pacing between MOs; -v 0: debug output, which carries "Got message N".
        self.fakesmsc = subprocess.Popen(
            orphan_safe([FAKESMSC, "-H", LOOPBACK, "-r", str(self.smsc_port), "-i", "0", "-v", "0"]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.workdir)
        self._reader = threading.Thread(target=self._read_fakesmsc, args=(self.fakesmsc,),
                                        name="fakesmsc-reader", daemon=True)
        self._reader.start()
        self._wait(lambda: re.search(rf"FAKE:{self.smsc_port} \(online", self._status_text() or ""),
                   "fake SMSC online (admin status)", self.fakesmsc, timeout)

    def _spawn(self, name, args):
        log = open(os.path.join(self.workdir, f"{name}.out"), "ab")
        try:
            return subprocess.Popen(orphan_safe(args), stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, cwd=self.workdir)
        finally:
            log.close()

    def _wait(self, fn, what, proc, timeout):
        def ready():
            if proc.poll() is not None:
                name = next((os.path.basename(a) for a in proc.args if a in (BEARERBOX, SMSBOX, FAKESMSC)), "?")
                raise PeerError(f"{name} exited with {proc.returncode} while waiting for"
                                f" {what}; log tail:\n{self.log_tail()}")
            return fn()
        wait_until(ready, what, timeout=timeout)

    def stop(self):
        """Stops fakesmsc, smsbox and bearerbox by PID (SIGTERM, then SIGKILL after 10 s) and
        the proxy; removes the temp dir unless keep_workdir."""
        self._stop_processes()
        atexit.unregister(self._stop_processes)
        if self._proxy:
            self._proxy.stop()
            self._proxy = None
        self._started = False
        if self._own_workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop_processes(self):
        for attr in ("fakesmsc", "smsbox", "bearerbox"):
            proc = getattr(self, attr)
            stop_process(proc)
            setattr(self, attr, None)
        if self._reader:
            self._reader.join(timeout=5)
            self._reader = None
        if self._fake_log:
            self._fake_log.close()
            self._fake_log = None

    def __enter__(self):
        return self if self._started else self.start()

    def __exit__(self, exc_type, *rest):
        if exc_type:
            self.keep_workdir = True
        self.stop()

    def alive(self):
        return all(p is not None and p.poll() is None for p in (self.bearerbox, self.smsbox, self.fakesmsc))

    def set_mo_url(self, mo_url, method=None, timeout=30.0):
        """Points the sms-service at a new MO URL template (say, cxgate restarted on another
        port): rewrites kannel.conf and restarts smsbox alone; bearerbox and fakesmsc keep
        running, so captured MTs and queued messages are not lost."""
        if method:
            self.mo_method = method
        self.mo_url = mo_url
        self._write_config()
        stop_process(self.smsbox)
        wait_until(lambda: not re.search(r"smsbox:\S*, IP 127\.0\.0\.1", self._status_text() or ""),
                   "bearerbox to notice smsbox left", timeout=timeout)
        self._start_smsbox(timeout)

    # ---- observation
    def _status_text(self):
        try:
            url = f"{self.admin_url}/status.txt?password={urllib.parse.quote(self.admin_password)}"
            with urllib.request.urlopen(url, timeout=2) as res:
                return res.read().decode("utf-8", "replace")
        except (OSError, urllib.error.URLError):
            return None

    def status(self):
        """bearerbox's admin status page as text (None if it does not answer)."""
        return self._status_text()

    def log_tail(self, limit=3000):
        out = []
        for name in ("bearerbox.log", "smsbox.log", "fakesmsc.log", "bearerbox.out", "smsbox.out"):
            path = os.path.join(self.workdir, name)
            if os.path.exists(path):
                out.append(f"---- {name} ----\n{tail(path, limit)}")
        return "\n".join(out)

    # ---- MT capture
    def _read_fakesmsc(self, proc):
        """Reads fakesmsc's output: "Got message N: <line>" is an MT, "sent message N"
        acknowledges an MO. A 7-bit MT with a newline comes as two lines written back to
        back, so a 'text' part is published only after 50 ms without more output."""
        fd = proc.stdout.fileno()
        buffer, pending, last_text = b"", [], None
        while True:
            wait = 0.05 if pending else None
            readable, _, _ = select.select([fd], [], [], wait)
            if not readable:
                self._publish(pending)
                pending, last_text = [], None
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            if self._fake_log:
                try:
                    self._fake_log.write(chunk)
                    self._fake_log.flush()
                except (OSError, ValueError):
                    pass
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                got = _GOT.search(raw)
                if got:
                    part = self._parse_mt(int(got.group(1)), got.group(2), last_text)
                    if part is not last_text:
                        pending.append(part)
                    last_text = part if part.kind == "text" else None
                    continue
                sent = _SENT.search(raw)
                if sent:
                    with self._changed:
                        self._mo_sent = max(self._mo_sent, int(sent.group(1)))
                        self._changed.notify_all()
            if pending and pending[-1].kind != "text":
                self._publish(pending)
                pending, last_text = [], None
        self._publish(pending)

    def _publish(self, parts):
        with self._changed:
            self._parts.extend(parts)
            self._changed.notify_all()

    @staticmethod
    def _parse_mt(seq, line, last_text):
        m = _LINE.match(line)
        if not m:
            if last_text is not None:  # the rest of a 7-bit MT that contained a newline
                last_text.data += b"\n" + line
                last_text.raw += b"\n" + line
                return last_text
            return MtPart(seq, "?", "?", "unknown", b"", line, "8bit", line)
        sender, receiver, kind, rest = (g.decode("utf-8", "replace") if i < 3 else g
                                        for i, g in enumerate(m.groups()))
        udh = b""
        if kind == "text":
            data, coding = rest, "7bit"
        elif kind in ("ucs-2", "ucs2"):
            data, coding = _decode_fake(rest), "ucs2"
        elif kind == "data":
            data, coding = _decode_fake(rest), "8bit"
        else:  # "udh <udh> data <msg>" (older builds: "udh <udh> <msg>")
            fields = rest.split(b" ")
            udh = _decode_fake(fields[0])
            payload = fields[2] if len(fields) >= 3 and fields[1] in (b"data", b"text") else fields[-1]
            data = _decode_fake(payload)
            coding = _guess_coding(data)
        return MtPart(seq, sender, receiver, kind, udh, data, coding, line)

    def parts(self):
        """Every SMS part captured so far (MtPart), in arrival order."""
        with self._lock:
            return list(self._parts)

    def messages(self):
        """Captured MTs as the handset shows them (Sms), concatenated parts joined, ordered by
        first arrival. Incomplete concatenations are included with complete = False."""
        with self._lock:
            return self._messages_locked()

    def _messages_locked(self):
        groups, order = {}, []
        for p in self._parts:
            key = (p.sender, p.receiver, p.concat[0], p.concat[1]) if p.concat else ("single", p.seq)
            while key in groups and p.concat and p.concat[2] in {q.concat[2] for q in groups[key]}:
                key = key + (p.seq,)  # the reference number was reused: a new message
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(p)
        return [Sms(groups[k]) for k in order]

    def wait_mt(self, predicate=lambda sms: True, what="an MT", count=1, timeout=15.0):
        """Waits until at least `count` complete captured MTs (Sms) satisfy predicate; returns
        all that do. MTs reach fakesmsc up to ~1 s after smsbox accepted them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                messages = self._messages_locked()
                matches = [m for m in messages if m.complete and predicate(m)]
                if len(matches) >= count:
                    return matches
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PeerError(f"timed out after {timeout:g}s waiting for {count} x {what};"
                                    f" captured: {messages[-5:]}")
                self._changed.wait(min(remaining, 0.25))

    def clear(self):
        """Forgets captured MTs (and recorded sendsms calls)."""
        with self._lock:
            self._parts.clear()
        if self._proxy:
            self._proxy.clear()

    # ---- MO injection
    def send_mo(self, sender, receiver, text, coding="auto", timeout=10.0):
        """Injects a mobile-originated SMS from `sender` (the handset) to `receiver` (our
        number) through the running fakesmsc; smsbox then fetches the MO URL once.

        coding: "auto" (7-bit 'text' when the text is GSM-7 without line breaks, otherwise
        'ucs2' as a handset would send it), "text", "ucs2", or "data" (8-bit; `text` may be
        bytes). Returns when fakesmsc has written the line to bearerbox (its "sent message N"),
        not when the MO URL was fetched: wait for that on the receiving side."""
        if not self.fakesmsc or self.fakesmsc.poll() is not None:
            raise PeerError("fakesmsc is not running")
        for name, value in (("sender", sender), ("receiver", receiver)):
            if not value or any(c.isspace() for c in value):
                raise ValueError(f"{name} must be non-empty without spaces: {value!r}")
        if coding == "auto":
            coding = "text" if isinstance(text, str) and is_gsm7(text) and not set(text) & set("\r\n\x00") \
                else "ucs2"
        if coding == "text":
            if set(text) & set("\r\n\x00"):
                raise ValueError("coding='text' cannot carry line breaks or NUL; use 'ucs2'")
            payload = text.encode("utf-8")
        elif coding == "ucs2":
            payload = urllib.parse.quote_from_bytes(text.encode("utf-16-be"), safe="").encode("ascii")
        elif coding == "data":
            raw = text if isinstance(text, bytes) else text.encode("utf-8")
            payload = urllib.parse.quote_from_bytes(raw, safe="").encode("ascii")
        else:
            raise ValueError("coding: auto, text, ucs2 or data")
        line = f"{sender} {receiver} {coding} ".encode("utf-8") + payload + b"\n"
        if len(line) > MAX_MO_LINE:
            raise ValueError(f"MO line is {len(line)} bytes; fakesmsc reads at most {MAX_MO_LINE}"
                             f" (UCS-2 costs 4-6 bytes a character): shorten the text")
        with self._mo_lock:  # one line in the pipe at a time, see the module doc
            self._mo_written += 1
            seq = self._mo_written
            try:
                self.fakesmsc.stdin.write(line)
                self.fakesmsc.stdin.flush()
            except OSError as e:
                raise PeerError(f"cannot write to fakesmsc: {e}") from e
            deadline = time.monotonic() + timeout
            with self._changed:
                while self._mo_sent < seq:
                    if self.fakesmsc.poll() is not None:
                        raise PeerError(f"fakesmsc exited; log tail:\n{self.log_tail()}")
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise PeerError(f"fakesmsc did not send MO {seq} within {timeout:g}s")
                    self._changed.wait(min(remaining, 0.25))
        return seq

    # ---- sendsms and DLRs
    def _forward_sendsms(self, request):
        url = f"http://{LOOPBACK}:{self.sendsms_port}{request.target}"
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length", "connection", "transfer-encoding", "expect")}
        forward = urllib.request.Request(url, data=request.body if request.method != "GET" else None,
                                         headers=headers, method=request.method)
        try:
            with urllib.request.urlopen(forward, timeout=30) as res:
                return res.status, self._pass_headers(res.headers), res.read()
        except urllib.error.HTTPError as e:
            return e.code, self._pass_headers(e.headers), e.read()
        except (urllib.error.URLError, OSError):
            return None  # smsbox is down: the caller sees the connection close

    @staticmethod
    def _pass_headers(headers):
        return {k: v for k, v in headers.items()
                if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive")}

    def send_mt(self, to, text, sender="12345", dlr_url=None, dlr_mask=None, coding=None, **params):
        """Calls sendsms as cxgate would (GET with the text url-encoded). coding=None picks
        coding=2&charset=UTF-8 when the text is not GSM-7. Returns (status, body text)."""
        query = {"username": self.username, "password": self.password, "to": to, "from": sender, "text": text}
        if coding is None and not is_gsm7(text):
            coding = 2
        if coding is not None:
            query["coding"] = coding
            if int(coding) == 2:
                query["charset"] = "UTF-8"
        if dlr_url:
            query["dlr-url"] = dlr_url
            query["dlr-mask"] = DLR_DELIVERED | DLR_FAILED if dlr_mask is None else dlr_mask
        query.update(params)
        base = self.sendsms_url if self._proxy else self.direct_sendsms_url
        url = base + "?" + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(url, timeout=30) as res:
                return res.status, res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def send_dlr(self, call, dlr_type, smsc_reply=None, timeout=10.0):
        """Sends a delivery report to the dlr-url of a recorded sendsms call, expanded the way
        smsbox expands it (%d type, %p the handset = the call's 'to', %P our sender = the
        call's 'from', %I/%F fresh UUIDs, %A the SMSC reply, %T/%t time, %i smsc-id,
        %n the sendsms user). For the failure types fakesmsc never produces (2, 16).
        Returns (status, body)."""
        template = call.field("dlr-url")
        if not template:
            raise PeerError(f"sendsms call has no dlr-url: {call.target}")
        now = time.time()
        to, sender = call.field("to", ""), call.field("from", "")
        values = {
            "d": int(dlr_type), "p": to, "P": sender, "q": to, "Q": sender,
            "I": str(uuid.uuid4()), "F": str(uuid.uuid4()), "i": "fake", "n": call.field("username", ""),
            "A": smsc_reply if smsc_reply is not None else ("NACK/0x0000000b/Invalid Destination Address"
                                                           if int(dlr_type) in (DLR_FAILED, DLR_SMSC_REJECTED)
                                                           else ""),
            "T": int(now), "t": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)),
            "a": "", "b": "", "c": 0, "C": "UTF-8",
        }
        url = expand_url_template(template, values)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as res:
                return res.status, res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")


# ---- self-test ---------------------------------------------------------------------------

def _self_test():
    """python3 -m peers.kannel (from tests/integration): an MT with UTF-8 through sendsms is
    captured intact, a long one arrives as reassembled parts, MOs reach the get-url with the
    text intact, DLRs 8 and 1 arrive at the dlr-url, and set_mo_url moves the MO URL."""
    passed, failures = [], []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        (passed if cond else failures).append(what)

    handset, short = "+358401234567", "12345"
    with RecordingServer(name="mo+dlr receiver") as rec:
        kannel = Kannel()  # the order a cxgate test uses: sendsms_url first, MO URL at start
        early_url = kannel.sendsms_url
        try:
            urllib.request.urlopen(early_url + "?username=cx", timeout=5)
            check(False, "before start, sendsms_url closes the connection")
        except (urllib.error.URLError, OSError):
            check(True, "before start, sendsms_url closes the connection")
        t0 = time.monotonic()
        with kannel.start(mo_url=mo_get_url(rec.url, "kannel", secret="s3cr%t/x")) as k:
            print(f"kannel up in {time.monotonic() - t0:.1f}s: admin {k.admin_port}, sendsms {k.sendsms_port},"
                  f" smsc {k.smsc_port}, workdir {k.workdir}")
            check(k.sendsms_url == early_url, "sendsms_url unchanged by start()")
            dlr_url = rec.url + "/dlr?type=%d&handset=%p&ours=%P&msg=42"

            # 1. MT with characters outside GSM-7, coding=2, dlr-mask=3
            text = "Kuinka todennäköisesti suosittelisit meitä? Vastaa 0–10 😀"
            status, body = k.send_mt(handset, text, sender=short, dlr_url=dlr_url, dlr_mask=3)
            check(status == 202 and body.startswith("0: Accepted"), f"sendsms accepted: {status} {body!r}")
            check(k.sendsms_calls[0].status == "dropped", "the call made before start() is recorded as dropped")
            call = k.wait_sendsms_call(lambda r: r.field("to") == handset, what="the sendsms call")[0]
            check(call.field("coding") == "2" and call.field("charset") == "UTF-8", "proxy recorded the call")
            sms = k.wait_mt(lambda m: m.receiver == handset and m.text == text, "the UCS-2 MT")[0]
            check(sms.sender == short and sms.coding == "ucs2", f"captured {sms!r}")
            dlr = rec.wait_for(lambda r: r.path == "/dlr" and r.field("msg") == "42", "DLR 1")[0]
            check(dlr.field("type") == "1" and dlr.field("handset") == handset and dlr.field("ours") == short,
                  f"DLR for mask 3: {dlr.target}")

            # 2. a long GSM-7 MT: concatenated parts, reassembled; DLR 8 and 1 for mask 11
            long_text = "Hei! " + "Kiitos että asioit kanssamme tänään. " * 6 + "Vastaa 0-10."
            status, body = k.send_mt(handset, long_text, sender=short, coding=0,
                                     dlr_url=rec.url + "/dlr?type=%d&msg=43", dlr_mask=11)
            check(status == 202, f"long sendsms accepted: {status} {body!r}")
            sms = k.wait_mt(lambda m: m.text == long_text, "the long MT")[0]
            check(len(sms.parts) == 2 and sms.coding == "7bit", f"long MT in {len(sms.parts)} parts: {sms!r}")
            dlrs = rec.wait_for(lambda r: r.path == "/dlr" and r.field("msg") == "43", "DLRs 8 and 1", count=2)
            check(sorted(r.field("type") for r in dlrs) == ["1", "8"], f"DLR types {[r.field('type') for r in dlrs]}")

            # 3. a 7-bit MT with a newline comes back joined
            status, _ = k.send_mt(handset, "Rivi 1\nRivi 2 ÄÖ", sender=short, coding=0)
            sms = k.wait_mt(lambda m: m.text.startswith("Rivi 1"), "the two-line MT")[0]
            check(sms.text == "Rivi 1\nRivi 2 ÄÖ", f"two-line MT: {sms.text!r}")

            # 4. MOs: GSM-7 as 'text', then emoji + newline as 'ucs2'; the get-url gets the text
            for mo in ("9 kymppi  äö", "10 – loistavaa 😀\nkiitos"):
                k.send_mo(handset, short, mo)
                got = rec.wait_for(lambda r: r.path == "/webhooks/kannel/inbound" and r.field("text") == mo,
                                   f"MO {mo!r}")[0]
                check(got.field("from") == handset and got.field("to") == short and got.field("secret") == "s3cr%t/x"
                      and got.field("coding") == "0" and got.field("charset") == "UTF-8" and got.field("id"),
                      f"MO URL fetched: {got.target}")

            # 5. a failure DLR the test sends itself, expanded from the recorded dlr-url
            status, _ = k.send_dlr(call, DLR_FAILED)
            failed = rec.wait_for(lambda r: r.path == "/dlr" and r.field("type") == "2", "DLR 2")[0]
            check(status == 200 and failed.field("handset") == handset, f"send_dlr: {failed.target}")

            # 6. the MO URL can move (cxgate restarted): only smsbox restarts
            k.set_mo_url(mo_post_url(rec.url, "kannel", secret="s2"), method="post")
            k.send_mo(handset, short, "8 ok")
            got = rec.wait_for(lambda r: r.method == "POST" and r.body == "8 ok".encode(), "POSTed MO")[0]
            check(got.field("from") == handset and got.headers.get("X-Kannel-From") == handset
                  and got.headers.get("Content-Type", "").startswith("text/plain"), f"post-url MO: {got.target}")
            status, _ = k.send_mt(handset, "still here", sender=short)
            check(status == 202 and k.wait_mt(lambda m: m.text == "still here", "MT after smsbox restart"),
                  "MT after smsbox restart")

            # 7. an over-long MO line is refused before it can be split by fakesmsc
            try:
                k.send_mo(handset, short, "😀" * 60)
                check(False, "over-long MO refused")
            except ValueError:
                check(True, "over-long MO refused")
            pids = [p.pid for p in (k.bearerbox, k.smsbox, k.fakesmsc)]
        check(not any(_pid_alive(p) for p in pids), "all Kannel processes stopped")
        check(not os.path.exists(kannel.workdir), "temp dir removed")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return not failures


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (not yet reaped) counts as stopped
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    try:
        ok = _self_test()
    except Exception as e:  # noqa: BLE001 - one closing line for any failure
        import traceback
        traceback.print_exc()
        print(f"FAILED: {type(e).__name__}: {e}")
        print("0 passed, 1 failed")
        ok = False
    sys.exit(0 if ok else 1)
