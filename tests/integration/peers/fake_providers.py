"""Local stand-ins for the provider send APIs cxgate calls: Twilio, Vonage (SMS API),
SendGrid (v3 mail send), Mailgun and Postmark. Each is an HTTP server on 127.0.0.1:<free
port> in a background thread of the test process (bound to port 0, so ready when started;
stopped with the server, no PID of its own).

Every server
- checks the auth scheme and every REQUIRED field the provider's API reference documents,
  and answers a broken request with the error that provider documents for it (a "hard"
  problem); deviations the real service tolerates (Postmark without Accept, Vonage non-GSM
  text without type=unicode) are recorded as "soft" problems and answered normally;
- records every request (RecordedRequest: method, path, query, headers, raw body, parsed
  form/json/files, plus .problems, .outcome and .provider_id) for assertions;
- answers valid requests from a per-server script, default success:

      twilio.script(["201", "429:2", "500", "400:21610", "drop", "hang:3"])

  one entry per valid send request, in order, then success again. An entry is
  "STATUS[:ARG]": 2xx = the provider's success body; 429:S = 429 with Retry-After: S; other
  codes = the provider's documented error body, ARG being the provider's error code where it
  has one (Twilio 400:21610, Postmark 422:406, Vonage status: "200:1" or just "1"), the
  field (SendGrid 400:from.email) or the message (Mailgun 400:text). "drop" closes the
  connection without answering; "hang:S" answers success after S seconds (for client
  timeouts). A dict {"status", "body", "headers", "delay"} answers exactly that.

    with ProviderServers() as p:           # all five on free ports
        config = {"twilio_base": p.twilio.url, ...}   # p.urls has them all
        ...
        msg = p.twilio.wait_sent()[0]      # an accepted send
        check(msg.field("To") == "+358401234567")
        p.assert_clean()                   # no request broke the documented contract

Helpers for the other direction (provider -> cxgate): Twilio.status_callback() and
Twilio.inbound() post signed webhooks (X-Twilio-Signature), Vonage.delivery_receipt() sends a
DLR to the callback URL, optionally signed.

The facts each check relies on are cited next to it; see also shared/recipes/providers.md.
"""
import base64
import binascii
import email.utils
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

if __package__ in (None, ""):  # `python3 peers/fake_providers.py` as well as `-m peers.fake_providers`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "peers"  # noqa: A001

from .common import PeerError, RecordingServer, content_type_param, media_type

JSON_TYPE = "application/json; charset=utf-8"

# ---- SMS segments (GSM 03.38 / UCS-2) ------------------------------------------------------
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                 "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def is_gsm7(text):
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def sms_segments(text):
    """How many SMS parts `text` needs: GSM-7 160 septets in one part, 153 per part when
    split; UCS-2 70 / 67 UTF-16 units. An escape pair or a surrogate pair never straddles two
    parts (providers.md: "SMS length")."""
    if is_gsm7(text):
        units, single, per_part = [2 if c in GSM7_EXTENSION else 1 for c in text], 160, 153
    else:
        units, single, per_part = [2 if ord(c) > 0xFFFF else 1 for c in text], 70, 67
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for u in units:
        if used + u > per_part:
            parts, used = parts + 1, 0
        used += u
    return parts


# ---- signatures (for webhooks a peer sends to cxgate) --------------------------------------

def twilio_signature(auth_token, url, params=None):
    """X-Twilio-Signature: Base64(HMAC-SHA1(auth_token, url + each POST field sorted by name,
    name+value concatenated)); a repeated name's values are sorted (and de-duplicated, as the
    twilio-python RequestValidator does). https://www.twilio.com/docs/usage/webhooks/webhooks-security"""
    data = url
    items = params.items() if isinstance(params, dict) else (params or [])
    grouped = {}
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        grouped.setdefault(key, set()).update(str(v) for v in values)
    for key in sorted(grouped):
        for value in sorted(grouped[key]):
            data += key + value
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def vonage_signature(secret, params, method="md5hash"):
    """Vonage signed request/webhook "sig": parameters (without sig) sorted by name, each as
    "&name=value" with '&' and '=' inside values replaced by '_', then for md5hash the secret
    appended and MD5 taken (lower-case hex); for md5/sha1/sha256/sha512 an HMAC keyed with the
    secret (upper-case hex). https://developer.vonage.com/en/getting-started/concepts/signing-messages"""
    text = "".join(f"&{k}={str(v).replace('&', '_').replace('=', '_')}"
                   for k, v in sorted(params.items()) if k != "sig")
    if method == "md5hash":
        return hashlib.md5((text + secret).encode("utf-8")).hexdigest()
    algo = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}[method]
    return hmac.new(secret.encode(), text.encode("utf-8"), algo).hexdigest().upper()


def post(url, fields=None, headers=None, json_body=None, method="POST", timeout=10):
    """A small HTTP client for sending webhooks to cxgate: form fields (dict or list of pairs)
    or a JSON body. Returns (status, headers, body bytes); never raises for HTTP errors."""
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif fields is not None and method != "GET":
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    else:
        data = None
        if fields:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(fields, doseq=True)
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# ---- shared machinery ----------------------------------------------------------------------

class Problem:
    """A way a request broke the provider's documented contract. hard: the real service would
    refuse it (and this server did, with the documented error); soft: accepted but wrong."""

    def __init__(self, message, hard=True):
        self.message, self.hard = message, hard

    def __repr__(self):
        return f"{'HARD' if self.hard else 'soft'}: {self.message}"


class Reject(Exception):
    """Raised by a validator: answer with this response and stop checking."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def parse_spec(spec):
    """'201' / '429:2' / '400:21610' / 'drop' / 'hang:3' / {dict} -> dict(kind, status, arg, ...)."""
    if isinstance(spec, dict):
        return {"kind": "raw", **spec}
    if isinstance(spec, int):
        spec = str(spec)
    text = spec.strip()
    if text == "drop":
        return {"kind": "drop"}
    if text.startswith("hang"):
        _, _, seconds = text.partition(":")
        return {"kind": "hang", "seconds": float(seconds or 30)}
    code, _, arg = text.partition(":")
    if not code.isdigit():
        raise ValueError(f"bad response spec {spec!r}: expected STATUS[:ARG], drop, hang:S or a dict")
    return {"kind": "status", "status": int(code), "arg": arg or None}


def basic_auth(request):
    """(user, password) from an Authorization: Basic header, or None."""
    value = request.headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def valid_email(address):
    """A bare addr-spec such as a@b.example (no display name)."""
    return bool(re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+", address or ""))


def parse_addresses(value):
    """'Name <a@b.c>, d@e.f' -> ['a@b.c', 'd@e.f']; raises ValueError on a bad address."""
    out = []
    for name, addr in email.utils.getaddresses([value]):
        if not valid_email(addr):
            raise ValueError(f"not a valid address: {addr or name!r}")
        out.append(addr)
    if not out:
        raise ValueError("no address")
    return out


def http_url(value):
    parts = urllib.parse.urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class ProviderServer(RecordingServer):
    """Base of the five fakes: dispatches a request to validate(), applies the script, and
    keeps problems and accepted sends. Subclasses implement validate(request) -> None (raise
    Reject for a hard problem; add soft ones with self.soft(request, ...)), success(request,
    status) and error(request, status, arg) -> (status, headers, body)."""

    name = "provider"

    def __init__(self):
        super().__init__(responder=self._respond, name=self.name)
        self._script = []
        self._script_lock = threading.Lock()

    # -- script
    def script(self, specs):
        """Queues responses for the next valid send requests (appends to what is queued)."""
        parsed = [parse_spec(s) for s in specs]
        with self._script_lock:
            self._script.extend(parsed)
        return self

    def clear_script(self):
        with self._script_lock:
            self._script.clear()

    def _next_spec(self):
        with self._script_lock:
            return self._script.pop(0) if self._script else None

    # -- views
    def sent(self):
        """Accepted send requests (answered with the provider's success), in order."""
        return [r for r in self.snapshot() if getattr(r, "outcome", None) == "accepted"]

    def wait_sent(self, predicate=lambda r: True, what=None, count=1, timeout=10.0):
        """Waits for `count` accepted sends satisfying predicate (same argument order as
        RecordingServer.wait_for); returns all that match."""
        return self.wait_for(lambda r: getattr(r, "outcome", None) == "accepted" and predicate(r),
                             what or f"{count} accepted {self.name} send(s)", count, timeout)

    def problems(self, hard=None):
        """[(request, Problem)] for every recorded request; hard=True/False filters."""
        out = []
        for r in self.snapshot():
            for p in getattr(r, "problems", []):
                if hard is None or p.hard == hard:
                    out.append((r, p))
        return out

    def assert_clean(self):
        """Raises PeerError listing every problem (hard or soft) seen so far."""
        problems = self.problems()
        if problems:
            lines = "\n".join(f"  {r.method} {r.target}: {p!r}" for r, p in problems)
            raise PeerError(f"{self.name}: {len(problems)} request problem(s):\n{lines}")

    # -- request handling
    def soft(self, request, message):
        request.problems.append(Problem(message, hard=False))

    def _respond(self, request):
        request.problems, request.outcome, request.provider_id, request.spec = [], None, None, None
        if request.parse_error:
            request.problems.append(Problem(f"body did not parse: {request.parse_error}"))
        try:
            self.validate(request)
        except Reject as r:
            request.problems.append(Problem(_describe(r.body) or f"HTTP {r.status}", hard=True))
            request.outcome = "rejected"
            return self._encode(r.status, r.headers, r.body)
        spec = self._next_spec()
        request.spec = spec
        if spec is None:
            spec = {"kind": "status", "status": self.success_status, "arg": None}
        if spec["kind"] == "drop":
            request.outcome = "dropped"
            return None
        if spec["kind"] == "hang":
            time.sleep(spec["seconds"])
            spec = {"kind": "status", "status": self.success_status, "arg": None}
        if spec["kind"] == "raw":
            if spec.get("delay"):
                time.sleep(spec["delay"])
            request.outcome = "scripted"
            return self._encode(spec.get("status", 200), spec.get("headers", {}), spec.get("body", b""))
        status, arg = spec["status"], spec["arg"]
        if 200 <= status < 300 and not self.status_is_error(status, arg):
            request.outcome = "accepted"
            return self._encode(*self.success(request, status))
        request.outcome = "scripted-error"
        return self._encode(*self.error(request, status, arg))

    success_status = 200

    def status_is_error(self, status, arg):
        return False

    @staticmethod
    def _encode(status, headers, body):
        headers = dict(headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", JSON_TYPE)
        elif isinstance(body, str):
            body = body.encode("utf-8")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return status, headers, body or b""

    def validate(self, request):
        raise NotImplementedError

    def success(self, request, status):
        raise NotImplementedError

    def error(self, request, status, arg):
        raise NotImplementedError


def _describe(body):
    if isinstance(body, dict):
        for key in ("message", "Message", "error-text"):
            if key in body:
                return str(body[key])
        if body.get("errors"):
            return "; ".join(f"{e.get('field')}: {e.get('message')}" for e in body["errors"])
        if body.get("messages"):
            return "; ".join(f"status {m.get('status')}: {m.get('error-text')}" for m in body["messages"])
    return str(body)[:200] if body else ""


def _rfc2822(ts=None):
    return email.utils.formatdate(ts, usegmt=False).replace("-0000", "+0000")


# ---- Twilio --------------------------------------------------------------------------------

class Twilio(ProviderServer):
    """Twilio Programmable Messaging, "Create a Message resource":
    https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic AccountSid:AuthToken
    (or an API key SID SK...:secret), application/x-www-form-urlencoded UTF-8. Required: To;
    one of From / MessagingServiceSid; one of Body / MediaUrl / ContentSid. Body at most 1600
    characters. Optional StatusCallback (absolute URL). Success 201 JSON Message resource
    (sid "SM"+32 hex, status "queued" — "accepted" with a Messaging Service and no From —,
    num_segments as a string, error_code null). Errors are JSON {code, message, more_info,
    status}: https://www.twilio.com/docs/api/errors (21604 To required, 21603 From required,
    21602 Body required, 21211 invalid To, 21610 unsubscribed recipient, 21617 body too long,
    20003 authenticate (401), 20404 not found, 20429 too many requests (429), 20500 (500))."""

    name = "twilio"
    success_status = 201
    ERRORS = {
        20003: "Authenticate",
        20004: "Method not allowed",
        20404: "The requested resource {path} was not found",
        20429: "Too Many Requests",
        20500: "An internal server error has occurred",
        20503: "Service is unavailable. Please try again",
        21211: "The 'To' number {to} is not a valid phone number.",
        21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.",
        21602: "Message body is required.",
        21603: "A 'From' phone number is required.",
        21604: "A 'To' phone number is required.",
        21606: "The 'From' phone number provided is not a valid message-capable Twilio phone number"
               " for this destination/account.",
        21609: "Invalid StatusCallback url",
        21610: "Attempt to send to unsubscribed recipient",
        21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone number:"
               " {from_} via SMS.",
        21614: "'To' number is not a valid mobile number",
        21617: "The concatenated message body exceeds the 1600 character limit.",
        21701: "The Messaging Service Sid {mss} is invalid.",
        30007: "Message filtered",
    }
    DEFAULT_CODE = {400: 21211, 401: 20003, 403: 20003, 404: 20404, 405: 20004, 429: 20429, 500: 20500,
                    503: 20503}

    def __init__(self, account_sid="AC" + "0123456789abcdef" * 2, auth_token="twilio-auth-token-0123456789",
                 api_key_sid=None, api_key_secret=None):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.api_key_sid, self.api_key_secret = api_key_sid, api_key_secret
        super().__init__()

    def settings(self):
        """Channel settings for cxgate (names as in src/channels/twilio.cpp)."""
        return {"base_url": self.url, "account_sid": self.account_sid, "auth_token": self.auth_token}

    @property
    def messages_path(self):
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    @property
    def messages_url(self):
        return self.url + self.messages_path

    def _body(self, request, status, code, **fmt):
        values = {"path": request.path, "to": request.field("To", ""), "from_": request.field("From", ""),
                  "mss": request.field("MessagingServiceSid", "")}
        values.update(fmt)
        message = self.ERRORS.get(code, f"Error {code}").format(**values)
        return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status}

    def _reject(self, request, status, code, headers=None):
        raise Reject(status, self._body(request, status, code), headers)

    def validate(self, request):
        m = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", request.path)
        if not m:
            self._reject(request, 404, 20404)
        auth = basic_auth(request)
        www = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
        if auth is None:
            self._reject(request, 401, 20003, www)
        user, password = auth
        good = (user == self.account_sid and password == self.auth_token) or \
               (self.api_key_sid and user == self.api_key_sid and password == self.api_key_secret)
        if not good or m.group(1) != self.account_sid:
            self._reject(request, 401, 20003, www)
        if request.method != "POST":
            self._reject(request, 405, 20004)
        ctype = request.headers.get("Content-Type", "")
        if media_type(ctype) != "application/x-www-form-urlencoded":
            # Twilio reads parameters only from a form body: with JSON it sees no To at all.
            request.problems.append(Problem(f"Content-Type must be application/x-www-form-urlencoded, got {ctype!r}"))
            self._reject(request, 400, 21604)
        charset = (content_type_param(ctype, "charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            self.soft(request, f"form charset {charset}: Twilio expects UTF-8")
        to = request.field("To")
        if not to:
            self._reject(request, 400, 21604)
        if not re.fullmatch(r"(whatsapp:|messenger:)?\+[1-9]\d{6,14}", to):
            self._reject(request, 400, 21211)
        sender, mss = request.field("From"), request.field("MessagingServiceSid")
        if not sender and not mss:
            self._reject(request, 400, 21603)
        if mss and not re.fullmatch(r"MG[0-9a-f]{32}", mss):
            self._reject(request, 400, 21701)
        body = request.field("Body")
        if not body and not request.form.get("MediaUrl") and not request.field("ContentSid"):
            self._reject(request, 400, 21602)
        if body and len(body) > 1600:
            self._reject(request, 400, 21617)
        callback = request.field("StatusCallback")
        if callback is not None and not http_url(callback):
            self._reject(request, 400, 21609)

    def success(self, request, status):
        sid = "SM" + secrets.token_hex(16)
        request.provider_id = sid
        now = _rfc2822()
        body = request.field("Body", "")
        mss = request.field("MessagingServiceSid")
        sender = request.field("From")
        uri = f"{self.messages_path[:-5]}/{sid}.json"
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": mss,
            "num_media": str(len(request.form.get("MediaUrl", []))),
            "num_segments": str(sms_segments(body) if body else 1),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if mss and not sender else "queued",
            "subresource_uris": {"media": f"{uri[:-5]}/Media.json"},
            "to": request.field("To"),
            "uri": uri,
        }
        return status, {"Twilio-Request-Id": "RQ" + secrets.token_hex(16)}, resource

    def error(self, request, status, arg):
        code = int(arg) if arg and status != 429 else self.DEFAULT_CODE.get(status, 20500 if status >= 500 else 21211)
        headers = {}
        if status == 429 and arg:
            headers["Retry-After"] = arg
        if status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return status, headers, self._body(request, status, code)

    # -- Twilio -> cxgate
    def find(self, sid):
        for r in self.sent():
            if r.provider_id == sid:
                return r
        raise PeerError(f"twilio: no accepted message {sid}")

    def status_callback(self, sid, status="delivered", error_code=None, url=None, extra=None):
        """POSTs a signed status callback for an accepted message to its StatusCallback (or
        `url`), as Twilio does for sent/delivered/undelivered/failed (never for the initial
        queued/accepted). Returns (status, headers, body).
        https://www.twilio.com/docs/messaging/guides/track-outbound-message-status"""
        request = self.find(sid)
        url = url or request.field("StatusCallback")
        if not url:
            raise PeerError(f"twilio: message {sid} had no StatusCallback and no url was given")
        fields = {"MessageSid": sid, "SmsSid": sid, "AccountSid": self.account_sid,
                  "From": request.field("From") or "", "To": request.field("To"),
                  "MessageStatus": status, "SmsStatus": status, "ApiVersion": "2010-04-01"}
        if request.field("MessagingServiceSid"):
            fields["MessagingServiceSid"] = request.field("MessagingServiceSid")
        if error_code is not None or status in ("undelivered", "failed"):
            fields["ErrorCode"] = str(error_code if error_code is not None else 30003)
        fields.update(extra or {})
        return self.signed_post(url, fields)

    def inbound(self, url, from_, to, body, extra=None):
        """POSTs an incoming SMS webhook (signed) as Twilio would to a number's SMS URL.
        https://www.twilio.com/docs/messaging/guides/webhook-request"""
        sid = "SM" + secrets.token_hex(16)
        fields = {"ToCountry": "FI", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
                  "SmsStatus": "received", "Body": body, "To": to, "NumSegments": str(sms_segments(body)),
                  "MessageSid": sid, "AccountSid": self.account_sid, "From": from_, "ApiVersion": "2010-04-01"}
        fields.update(extra or {})
        return self.signed_post(url, fields)

    def signed_post(self, url, fields):
        headers = {"X-Twilio-Signature": twilio_signature(self.auth_token, url, fields),
                   "User-Agent": "TwilioProxy/1.1", "Accept": "*/*"}
        return post(url, fields, headers)


# ---- Vonage --------------------------------------------------------------------------------

class Vonage(ProviderServer):
    """Vonage (Nexmo) SMS API, "Send an SMS": https://developer.vonage.com/en/api/sms#send-an-sms

    POST /sms/json with application/x-www-form-urlencoded or application/json. Auth in the
    parameters: api_key plus api_secret, or api_key plus sig (signed requests, with
    timestamp). Required: api_key, api_secret|sig, from, to, and text when type is text or
    unicode (the default type is text; type=unicode for UCS-2 text). Optional callback,
    client-ref (<= 100 chars), status-report-req, ttl, message-class, account-ref.
    ALWAYS HTTP 200 (even for failures): {"message-count": "N", "messages": [...]}, one entry
    per SMS part with "status" "0" on success, else "status" and "error-text":
    https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms (1 throttled,
    2 missing parameters, 3 invalid parameters, 4 invalid credentials, 5 internal error,
    6 invalid message, 7 number barred, 9 partner quota, 12 too long, 14 invalid signature,
    15 illegal sender address, 23 invalid callback url, 29 non-whitelisted destination...)."""

    name = "vonage"
    STATUS_TEXT = {
        1: "Throughput Rate Exceeded - please wait [ 30 ] and retry", 2: "Missing Parameters",
        3: "Invalid Parameters", 4: "Bad Credentials", 5: "Internal Error", 6: "Invalid Message",
        7: "Number Barred", 8: "Partner Account Barred", 9: "Partner Quota Violation",
        10: "Too Many Existing Binds", 11: "Account Not Enabled For HTTP", 12: "Message Too Long",
        14: "Invalid Signature", 15: "Illegal Sender Address - rejected", 22: "Invalid Network Code",
        23: "Invalid Callback Url", 29: "Non-Whitelisted Destination", 32: "Signature And API Secret Disallowed",
        33: "Number De-activated",
    }
    TYPES = ("text", "unicode", "binary", "wappush", "vcal", "vcard")

    def __init__(self, api_key="abcd1234", api_secret="vonage-secret-0123", signature_secret=None,
                 signature_method="md5hash", balance="10.00000000", message_price="0.03330000", network="24405"):
        self.api_key, self.api_secret = api_key, api_secret
        self.signature_secret, self.signature_method = signature_secret, signature_method
        self.balance, self.message_price, self.network = float(balance), message_price, network
        super().__init__()

    def settings(self):
        """Channel settings for cxgate (names as in src/channels/vonage.cpp)."""
        out = {"base_url": self.url, "api_key": self.api_key, "api_secret": self.api_secret}
        if self.signature_secret:
            out.update(signature_secret=self.signature_secret, signature_method=self.signature_method)
        return out

    @property
    def send_url(self):
        return self.url + "/sms/json"

    def params(self, request):
        """The send parameters from a form or JSON body, as {name: str}."""
        if request.json is not None and isinstance(request.json, dict):
            return {k: str(v) for k, v in request.json.items()}
        return {k: v[0] for k, v in request.form.items()}

    def _fail(self, status, text=None):
        raise Reject(200, {"message-count": "1",
                           "messages": [{"status": str(status), "error-text": text or self.STATUS_TEXT[status]}]})

    def validate(self, request):
        if request.path != "/sms/json":
            raise Reject(404, {"type": "https://developer.nexmo.com/api-errors#not-found",
                               "title": "Not Found", "detail": f"{request.path} not found"})
        if request.method != "POST":
            raise Reject(405, {"type": "https://developer.nexmo.com/api-errors#method-not-allowed",
                               "title": "Method Not Allowed"})
        kind = media_type(request.headers.get("Content-Type"))
        if kind not in ("application/x-www-form-urlencoded", "application/json"):
            request.problems.append(Problem(f"Content-Type {kind!r}: form or JSON expected"))
            self._fail(2, "Missing api_key")
        p = self.params(request)
        if not p.get("api_key"):
            self._fail(2, "Missing api_key")
        if p.get("sig") and p.get("api_secret"):
            self._fail(32)
        if not p.get("api_secret") and not p.get("sig"):
            self._fail(2, "Missing api_secret")
        if p["api_key"] != self.api_key:
            self._fail(4)
        if p.get("sig"):
            if not self.signature_secret:
                self._fail(14, "Invalid Signature: signing is not enabled for this account")
            if not p.get("timestamp"):
                self._fail(2, "Missing timestamp")
            expected = vonage_signature(self.signature_secret, p, self.signature_method)
            if not hmac.compare_digest(expected.lower(), p["sig"].lower()):
                self._fail(14)
        elif p["api_secret"] != self.api_secret:
            self._fail(4)
        if not p.get("from"):
            self._fail(2, "Missing from param")
        if not p.get("to"):
            self._fail(2, "Missing to param")
        if not re.fullmatch(r"\+?\d{7,15}", p["to"]):
            self._fail(3, "Invalid to param")
        if p["to"].startswith("+"):
            self.soft(request, "to has a leading '+': Vonage documents E.164 without it")
        kind = p.get("type", "text")
        if kind not in self.TYPES:
            self._fail(3, "Invalid type param")
        if kind in ("text", "unicode") and not p.get("text"):
            self._fail(2, "Missing text param")
        if kind == "text" and not is_gsm7(p.get("text", "")):
            self.soft(request, "text has characters outside GSM-7 but type is not 'unicode':"
                               " Vonage would deliver them garbled")
        if "callback" in p and not http_url(p["callback"]):
            self._fail(23)
        if len(p.get("client-ref", "")) > 100:
            self._fail(3, "client-ref too long (max 100)")

    def success(self, request, status):
        p = self.params(request)
        text = p.get("text", "")
        parts = sms_segments(text) if p.get("type", "text") in ("text", "unicode") else 1
        messages = []
        for _ in range(parts):
            self.balance -= float(self.message_price)
            entry = {"to": p["to"].lstrip("+"), "message-id": secrets.token_hex(8).upper()[:16] + "1",
                     "status": "0", "remaining-balance": f"{self.balance:.8f}",
                     "message-price": self.message_price, "network": self.network}
            for key in ("client-ref", "account-ref"):
                if key in p:
                    entry[key] = p[key]
            messages.append(entry)
        request.provider_id = messages[0]["message-id"]
        request.provider_ids = [m["message-id"] for m in messages]
        return 200, {}, {"message-count": str(parts), "messages": messages}

    def status_is_error(self, status, arg):
        return bool(arg) and arg != "0"

    def script(self, specs):
        """As ProviderServer.script, and a bare number below 100 is a Vonage status with
        HTTP 200: ["1", "0", "15"] = throttled, success, illegal sender."""
        converted = []
        for s in specs:
            if isinstance(s, (str, int)) and str(s).isdigit() and int(s) < 100:
                s = f"200:{int(s)}"
            converted.append(s)
        return super().script(converted)

    def error(self, request, status, arg):
        if status == 200:
            code = int(arg)
            body = {"message-count": "1",
                    "messages": [{"to": self.params(request).get("to", "").lstrip("+"), "status": str(code),
                                  "error-text": self.STATUS_TEXT.get(code, f"Error {code}")}]}
            return 200, {}, body
        headers = {"Retry-After": arg} if status == 429 and arg else {}
        titles = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
        return status, headers, {"type": f"https://developer.nexmo.com/api-errors#{status}",
                                 "title": titles.get(status, f"HTTP {status}")}

    # -- Vonage -> cxgate
    def delivery_receipt(self, message_id, status="delivered", err_code="0", url=None, method="GET", extra=None):
        """Sends a DLR for an accepted message to its `callback` (or `url`) with the SMS API
        delivery receipt fields; signed (timestamp + sig) when signature_secret is set.
        https://developer.vonage.com/en/api/sms#delivery-receipt"""
        request = next((r for r in self.sent() if message_id in getattr(r, "provider_ids", [])), None)
        if request is None:
            raise PeerError(f"vonage: no accepted message {message_id}")
        p = self.params(request)
        url = url or p.get("callback")
        if not url:
            raise PeerError(f"vonage: message {message_id} had no callback and no url was given")
        now = time.gmtime()
        fields = {"msisdn": p["to"].lstrip("+"), "to": p["from"], "network-code": self.network,
                  "messageId": message_id, "price": self.message_price, "status": status,
                  "scts": time.strftime("%y%m%d%H%M", now), "err-code": str(err_code), "api-key": self.api_key,
                  "message-timestamp": time.strftime("%Y-%m-%d %H:%M:%S", now)}
        if "client-ref" in p:
            fields["client-ref"] = p["client-ref"]
        fields.update(extra or {})
        if self.signature_secret:
            fields["timestamp"] = str(int(time.time()))
            fields["sig"] = vonage_signature(self.signature_secret, fields, self.signature_method)
        if method == "GET":
            return post(url, fields, method="GET")
        return post(url, fields)


# ---- SendGrid ------------------------------------------------------------------------------

class SendGrid(ProviderServer):
    """Twilio SendGrid v3 Mail Send: https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send

    POST /v3/mail/send, Authorization: Bearer <API key>, Content-Type: application/json.
    Required: personalizations (1..1000, each with a non-empty `to` array of {email, name?}),
    from {email, name?}, subject (unless every personalization has one, or template_id),
    content (>= 1 {type, value}, value non-empty; text/plain first, then text/html) unless
    template_id. headers and custom_args are objects of string values; some headers are
    reserved. Success: 202 Accepted, empty body, X-Message-Id header. Errors: JSON
    {"errors": [{"message", "field", "help"}]} with 400, 401, 403, 413, 429, 500.
    https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors"""

    name = "sendgrid"
    success_status = 202
    HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html"
    RESERVED_HEADERS = {"dkim-signature", "content-type", "content-transfer-encoding", "to", "from", "subject",
                        "reply-to", "cc", "bcc", "x-sg-id", "x-sg-eid", "received"}

    def __init__(self, api_key="SG.test-key.0123456789abcdefghijklmnopqrstuvwxyz"):
        self.api_key = api_key
        super().__init__()

    def settings(self):
        """Channel settings for cxgate (names as in src/channels/sendgrid.cpp)."""
        return {"base_url": self.url, "api_key": self.api_key}

    @property
    def send_url(self):
        return self.url + "/v3/mail/send"

    @staticmethod
    def _errors(*errors):
        return {"errors": [{"message": m, "field": f, "help": h} for m, f, h in errors]}

    def validate(self, request):
        if request.path != "/v3/mail/send":
            raise Reject(404, self._errors(("resource not found", None, None)))
        auth = request.headers.get("Authorization") or ""
        if not auth:
            raise Reject(401, self._errors(("authorization required", None, None)))
        scheme, _, key = auth.partition(" ")
        if scheme != "Bearer" or key.strip() != self.api_key:
            raise Reject(401, self._errors(("The provided authorization grant is invalid, expired, or revoked",
                                            None, None)))
        if request.method != "POST":
            raise Reject(405, self._errors(("method not allowed", None, None)))
        if media_type(request.headers.get("Content-Type")) != "application/json":
            raise Reject(400, self._errors(("Content-Type should be application/json.", None, None)))
        if request.parse_error or not isinstance(request.json, dict):
            raise Reject(400, self._errors(("Bad Request", None, None)))
        body, errors = request.json, []
        template = body.get("template_id")
        pers = body.get("personalizations")
        if not isinstance(pers, list) or not pers:
            errors.append(("The personalizations field is required and must have at least one personalization.",
                           "personalizations", f"{self.HELP}#-Personalizations-Errors"))
            pers = []
        elif len(pers) > 1000:
            errors.append(("The personalizations field may not contain more than 1000 personalizations.",
                           "personalizations", f"{self.HELP}#-Personalizations-Errors"))
        for i, p in enumerate(pers):
            to = p.get("to") if isinstance(p, dict) else None
            if not isinstance(to, list) or not to:
                errors.append(("The to array is required for all personalization objects, and must have at least"
                               " one email object with a valid email address.", f"personalizations.{i}.to",
                               f"{self.HELP}#message.personalizations.to"))
                continue
            for j, rcpt in enumerate(to):
                if not isinstance(rcpt, dict) or not valid_email(rcpt.get("email")):
                    errors.append(("Does not contain a valid address.", f"personalizations.{i}.to.{j}.email",
                                   f"{self.HELP}#message.personalizations.to"))
        sender = body.get("from")
        if not isinstance(sender, dict) or not sender.get("email"):
            errors.append(("The from object must be provided for every email send. It is an object that requires"
                           " the email parameter, but may also contain a name parameter.  e.g. {\"email\" :"
                           " \"example@example.com\"}  or {\"email\" : \"example@example.com\", \"name\" :"
                           " \"Example Recipient\"}.", "from.email", f"{self.HELP}#message.from"))
        elif not valid_email(sender["email"]):
            errors.append(("The from email does not contain a valid address.", "from.email",
                           f"{self.HELP}#message.from"))
        all_have_subject = pers and all(isinstance(p, dict) and p.get("subject") for p in pers)
        if not template and not all_have_subject and not (isinstance(body.get("subject"), str) and body["subject"]):
            errors.append(("The subject is required. You can get around this requirement if you use a template"
                           " with a subject defined or if every personalization has a subject defined.", "subject",
                           f"{self.HELP}#message.subject"))
        content = body.get("content")
        if not template:
            if not isinstance(content, list) or not content:
                errors.append(("Unless a valid template_id is provided, the content parameter is required. There"
                               " must be at least one defined content block. We typically suggest both text/plain"
                               " and text/html blocks are included, but only one block is required.", "content",
                               f"{self.HELP}#message.content"))
                content = []
            types = []
            for i, block in enumerate(content):
                if not isinstance(block, dict) or not block.get("type"):
                    errors.append(("The content type is required.", f"content.{i}.type",
                                   f"{self.HELP}#message.content.type"))
                    continue
                types.append(block["type"])
                if not isinstance(block.get("value"), str) or not block["value"]:
                    errors.append(("The content value must be a string at least one character in length.",
                                   f"content.{i}.value", f"{self.HELP}#message.content.value"))
            order = [t for t in types if t in ("text/plain", "text/html")]
            if order and (order != sorted(order, key=["text/plain", "text/html"].index)
                          or types[:len(order)] != order):
                errors.append(("If present, text/plain and text/html may only be provided in the order of"
                               " text/plain first, text/html second, followed by any other content.", "content",
                               f"{self.HELP}#message.content"))
        for name in ("headers", "custom_args"):
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                errors.append((f"Invalid type. Expected: object of strings, given: {type(value).__name__}.", name,
                               f"{self.HELP}#message.{name}"))
            elif name == "headers":
                for key in value:
                    if key.lower() in self.RESERVED_HEADERS:
                        errors.append((f"The header {key} is a reserved header and may not be used.", "headers",
                                       f"{self.HELP}#message.headers"))
        if isinstance(body.get("custom_args"), dict) and \
                len(json.dumps(body["custom_args"]).encode()) > 10000:
            errors.append(("custom_args may not exceed 10,000 bytes.", "custom_args",
                           f"{self.HELP}#message.custom_args"))
        if errors:
            raise Reject(400, self._errors(*errors))

    def success(self, request, status):
        message_id = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")[:22]
        request.provider_id = message_id
        return status, {"X-Message-Id": message_id}, b""

    def error(self, request, status, arg):
        headers = {"Retry-After": arg} if status == 429 and arg else {}
        messages = {
            400: (arg and f"The {arg} field is invalid." or "Bad Request", arg, None),
            401: ("The provided authorization grant is invalid, expired, or revoked", None, None),
            403: ("The from address does not match a verified Sender Identity. Mail cannot be sent until this"
                  " error is resolved.", "from", None),
            413: ("The JSON payload you have included in your request is too large.", None, None),
            429: ("too many requests", None, None),
        }
        error = messages.get(status, ("An internal server error occurred." if status >= 500 else f"HTTP {status}",
                                      None, None))
        return status, headers, self._errors(error)


# ---- Mailgun -------------------------------------------------------------------------------

class Mailgun(ProviderServer):
    """Mailgun Messages API, "Send an email":
    https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Messages/

    POST /v3/{domain_name}/messages, HTTP Basic with user "api" and the API key,
    multipart/form-data (application/x-www-form-urlencoded is accepted too). Required: from,
    to (comma-separated and/or repeated), subject, and one of text / html / amp-html /
    template. h:X-Header adds a MIME header, v:name a user variable, o:tag a tag. Also
    POST /v3/{domain}/messages.mime with to and a `message` file. Success 200
    {"id": "<...@domain>", "message": "Queued. Thank you."}. Errors: 400 {"message": ...},
    401 with the plain-text body "Forbidden", 404 {"message": "Domain not found: ..."}, 429,
    500."""

    name = "mailgun"

    def __init__(self, domain="mg.example.com", api_key="key-0123456789abcdef0123456789abcdef"):
        self.domain, self.api_key = domain, api_key
        super().__init__()

    def settings(self):
        """Channel settings for cxgate (names as in src/channels/mailgun.cpp)."""
        return {"base_url": self.url, "domain": self.domain, "api_key": self.api_key}

    @property
    def send_url(self):
        return f"{self.url}/v3/{self.domain}/messages"

    def validate(self, request):
        m = re.fullmatch(r"/v3/([^/]+)/messages(\.mime)?", request.path)
        if not m:
            raise Reject(404, {"message": "Not Found"})
        auth = basic_auth(request)
        if auth is None or auth != ("api", self.api_key):
            raise Reject(401, "Forbidden")
        if m.group(1) != self.domain:
            raise Reject(404, {"message": f"Domain not found: {m.group(1)}"})
        if request.method != "POST":
            raise Reject(405, {"message": "Method Not Allowed"})
        kind = media_type(request.headers.get("Content-Type"))
        if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise Reject(400, {"message": f"Unsupported Content-Type {kind!r}: use multipart/form-data"})
        if request.parse_error:
            raise Reject(400, {"message": f"Malformed request body: {request.parse_error}"})
        form = request.form
        if m.group(2):  # messages.mime
            if not form.get("to"):
                raise Reject(400, {"message": "'to' parameter is missing"})
            if "message" not in request.files:
                raise Reject(400, {"message": "'message' parameter is missing"})
            return
        if not form.get("from"):
            raise Reject(400, {"message": "'from' parameter is missing"})
        try:
            parse_addresses(form["from"][0])
        except ValueError:
            raise Reject(400, {"message": "'from' parameter is not a valid address. please check documentation"})
        if not form.get("to"):
            raise Reject(400, {"message": "'to' parameter is missing"})
        try:
            for value in form["to"]:
                parse_addresses(value)
        except ValueError:
            raise Reject(400, {"message": "'to' parameter is not a valid address. please check documentation"})
        if not form.get("subject"):
            raise Reject(400, {"message": "'subject' parameter is missing"})
        if not any(form.get(k) and form[k][0] for k in ("text", "html", "amp-html", "template")):
            raise Reject(400, {"message": "Need at least one of 'text', 'html', 'amp-html' or 'template'"
                                          " parameters specified"})
        if len(form.get("o:tag", [])) > 3:
            self.soft(request, "more than 3 o:tag values: Mailgun keeps only 3")

    def success(self, request, status):
        message_id = f"<{time.strftime('%Y%m%d%H%M%S', time.gmtime())}.{secrets.token_hex(8)}@{self.domain}>"
        request.provider_id = message_id
        return status, {}, {"id": message_id, "message": "Queued. Thank you."}

    def error(self, request, status, arg):
        headers = {"Retry-After": arg} if status == 429 and arg else {}
        if status == 401:
            return status, headers, "Forbidden"
        messages = {400: arg or "Bad Request", 404: arg or f"Domain not found: {self.domain}",
                    429: "Too many requests", 500: "Internal Server Error"}
        return status, headers, {"message": messages.get(status, arg or f"HTTP {status}")}

    @staticmethod
    def mime_headers(request):
        """{Header: value} from the h: fields of a send."""
        return {k[2:]: v[0] for k, v in request.form.items() if k.startswith("h:")}

    @staticmethod
    def variables(request):
        """{name: value} from the v: fields of a send."""
        return {k[2:]: v[0] for k, v in request.form.items() if k.startswith("v:")}


# ---- Postmark ------------------------------------------------------------------------------

class Postmark(ProviderServer):
    """Postmark Email API, "Send a single email": https://postmarkapp.com/developer/api/email-api

    POST /email with headers Accept: application/json, Content-Type: application/json and
    X-Postmark-Server-Token. Required: From, To (comma-separated, at most 50), and TextBody
    or HtmlBody (or both). Optional Subject, Cc, Bcc, ReplyTo, Tag, Headers [{Name, Value}],
    Metadata {string: string}, MessageStream, TrackOpens, TrackLinks. Success 200
    {"To", "SubmittedAt", "MessageID", "ErrorCode": 0, "Message": "OK"}. Errors
    (https://postmarkapp.com/developer/api/overview#error-codes): 401 ErrorCode 10 (bad or
    missing token), 422 with ErrorCode 300 invalid request, 402 invalid JSON, 406 inactive
    recipient, 409 JSON required; 429 rate limit; 500."""

    name = "postmark"
    INACTIVE = ("You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses:"
                " {to}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a"
                " manual suppression.")
    CODES = {300: "Invalid email request", 402: "Invalid JSON", 405: "Not allowed to send", 406: INACTIVE,
             409: "JSON required", 412: "Account is Pending", 413: "Account May Not Send"}

    def __init__(self, server_token="postmark-server-token-0123"):
        self.server_token = server_token
        super().__init__()

    def settings(self):
        """Channel settings for cxgate (names as in src/channels/postmark.cpp)."""
        return {"base_url": self.url, "server_token": self.server_token}

    @property
    def send_url(self):
        return self.url + "/email"

    @staticmethod
    def _err(code, message, status=422):
        raise Reject(status, {"ErrorCode": code, "Message": message})

    def validate(self, request):
        if request.path != "/email":
            raise Reject(404, {"ErrorCode": 404, "Message": f"The resource {request.path} was not found."})
        token = request.headers.get("X-Postmark-Server-Token")
        if not token:
            self._err(10, "No Account or Server API tokens were supplied in the HTTP headers. Please add a header"
                          " for either X-Postmark-Server-Token or X-Postmark-Account-Token.", 401)
        if token != self.server_token:
            self._err(10, "The Server Token you provided in the X-Postmark-Server-Token request header was"
                          " invalid. Please verify that you are using a valid token.", 401)
        if request.method != "POST":
            raise Reject(405, {"ErrorCode": 0, "Message": "Method Not Allowed"})
        if "application/json" not in (request.headers.get("Accept") or ""):
            self.soft(request, "no 'Accept: application/json' header (a required header in Postmark's reference)")
        if media_type(request.headers.get("Content-Type")) != "application/json":
            self._err(409, "JSON required")
        if request.parse_error or not isinstance(request.json, dict):
            self._err(402, "Invalid JSON")
        body = request.json
        if not body.get("From"):
            self._err(300, "Invalid 'From' address: ''.")
        try:
            parse_addresses(body["From"])
        except ValueError:
            self._err(300, f"Invalid 'From' address: '{body['From']}'.")
        if not body.get("To"):
            self._err(300, "Zero recipients specified")
        try:
            recipients = parse_addresses(body["To"])
        except ValueError:
            self._err(300, f"Invalid 'To' address: '{body['To']}'.")
        if len(recipients) > 50:
            self._err(300, "Too many recipients (max 50).")
        if not body.get("TextBody") and not body.get("HtmlBody"):
            self._err(300, "Provide either email TextBody or HtmlBody or both.")
        headers = body.get("Headers")
        if headers is not None:
            if not isinstance(headers, list) or not all(
                    isinstance(h, dict) and isinstance(h.get("Name"), str) and isinstance(h.get("Value"), str)
                    for h in headers):
                self._err(300, "Invalid 'Headers' value: expected an array of {\"Name\", \"Value\"} objects.")
        metadata = body.get("Metadata")
        if metadata is not None:
            if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
                self._err(300, "Invalid 'Metadata' value: expected an object of string values.")
            if len(metadata) > 10 or any(len(k) > 20 or len(v) > 80 for k, v in metadata.items()):
                self.soft(request, "Metadata beyond Postmark's limits (10 fields, keys <= 20, values <= 80 chars)")
        if not body.get("Subject"):
            self.soft(request, "no Subject")

    def success(self, request, status):
        message_id = str(uuid.uuid4())
        request.provider_id = message_id
        submitted = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1e7) % 10**7:07d}Z"
        return status, {}, {"To": request.json.get("To"), "SubmittedAt": submitted, "MessageID": message_id,
                            "ErrorCode": 0, "Message": "OK"}

    def error(self, request, status, arg):
        headers = {"Retry-After": arg} if status == 429 and arg else {}
        if status == 401:
            return status, headers, {"ErrorCode": 10, "Message": "Bad or missing API token"}
        if status == 429:
            return status, headers, {"ErrorCode": 429, "Message": "Rate limit exceeded"}
        if status >= 500:
            return status, headers, "Internal Server Error"
        code = int(arg) if arg else 300
        to = (request.json or {}).get("To", "")
        return status, headers, {"ErrorCode": code, "Message": self.CODES.get(code, f"Error {code}").format(to=to)}

    @staticmethod
    def mime_headers(request):
        """{Name: Value} from the Headers array of a send."""
        return {h["Name"]: h["Value"] for h in (request.json or {}).get("Headers") or []}


# ---- all five ------------------------------------------------------------------------------

class ProviderServers:
    """Starts all five fakes on free ports (context manager) and exposes them:
    .twilio .vonage .sendgrid .mailgun .postmark, .urls {name: base URL}, .servers,
    assert_clean() over all, clear() over all. Keyword arguments are passed to each class:
    ProviderServers(twilio={"auth_token": "..."}, mailgun={"domain": "mg.test"})."""

    NAMES = ("twilio", "vonage", "sendgrid", "mailgun", "postmark")
    CLASSES = {"twilio": Twilio, "vonage": Vonage, "sendgrid": SendGrid, "mailgun": Mailgun, "postmark": Postmark}

    def __init__(self, **options):
        unknown = set(options) - set(self.NAMES)
        if unknown:
            raise ValueError(f"unknown provider(s): {sorted(unknown)}")
        self.servers = {name: self.CLASSES[name](**options.get(name, {})) for name in self.NAMES}
        for name, server in self.servers.items():
            setattr(self, name, server)

    def start(self):
        started = []
        try:
            for server in self.servers.values():
                server.start()
                started.append(server)
        except Exception:
            for server in started:
                server.stop()
            raise
        return self

    def stop(self):
        for server in self.servers.values():
            server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def urls(self):
        return {name: server.url for name, server in self.servers.items()}

    def settings(self):
        """{provider: channel settings for cxgate} (base_url and credentials)."""
        return {name: server.settings() for name, server in self.servers.items()}

    def assert_clean(self):
        errors = []
        for server in self.servers.values():
            try:
                server.assert_clean()
            except PeerError as e:
                errors.append(str(e))
        if errors:
            raise PeerError("\n".join(errors))

    def clear(self):
        for server in self.servers.values():
            server.clear()
            server.clear_script()


# ---- self-test -----------------------------------------------------------------------------

def _self_test():
    """python3 -m peers.fake_providers: drives each fake with urllib the way cxgate's
    adapters will, checking success bodies, scripted errors, validation and recording."""
    passed, failures = [], []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        (passed if cond else failures).append(what)

    def call(url, data=None, headers=None, method="POST", json_body=None, fields=None, timeout=10):
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif fields is not None:
            data = urllib.parse.urlencode(fields, doseq=True).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                return res.status, res.headers, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def basic(user, password):
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    def multipart(fields):
        boundary = "----cxgate" + secrets.token_hex(8)
        out = b""
        for name, value in fields:
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"
                    f"Content-Type: text/plain; charset=utf-8\r\n\r\n").encode() + value.encode() + b"\r\n"
        return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"

    with ProviderServers() as p:
        # Twilio
        tw = p.twilio
        auth = basic(tw.account_sid, tw.auth_token)
        form = {"To": "+358401234567", "From": "+15005550006", "Body": "Kiitos käynnistä – arvioi 0–10 😀",
                "StatusCallback": "http://127.0.0.1:9/status"}
        tw.script(["201", "429:2", "400:21610", "500"])
        status, headers, body = call(tw.messages_url, fields=form, headers=auth)
        res = json.loads(body)
        check(status == 201 and re.fullmatch(r"SM[0-9a-f]{32}", res["sid"]) and res["status"] == "queued"
              and res["num_segments"] == "1" and res["error_code"] is None, f"twilio 201: {res['sid']}")
        status, headers, body = call(tw.messages_url, fields=form, headers=auth)
        check(status == 429 and headers["Retry-After"] == "2" and json.loads(body)["code"] == 20429, "twilio 429:2")
        status, headers, body = call(tw.messages_url, fields=form, headers=auth)
        res = json.loads(body)
        check(status == 400 and res["code"] == 21610 and res["more_info"].endswith("/21610")
              and res["status"] == 400, f"twilio 400:21610 {res['message']!r}")
        status, _, body = call(tw.messages_url, fields=form, headers=auth)
        check(status == 500 and json.loads(body)["code"] == 20500, "twilio 500")
        status, _, body = call(tw.messages_url, fields=form, headers=basic(tw.account_sid, "wrong"))
        check(status == 401 and json.loads(body)["code"] == 20003, "twilio bad auth -> 401 20003")
        status, _, body = call(tw.messages_url, fields={"From": "+15005550006", "Body": "x"}, headers=auth)
        check(status == 400 and json.loads(body)["code"] == 21604, "twilio missing To -> 21604")
        status, _, body = call(tw.messages_url, fields={"To": "+358401234567", "Body": "x"}, headers=auth)
        check(status == 400 and json.loads(body)["code"] == 21603, "twilio missing From -> 21603")
        status, _, body = call(tw.messages_url, fields={"To": "+358401234567", "From": "+1500"}, headers=auth)
        check(status == 400 and json.loads(body)["code"] == 21602, "twilio missing Body -> 21602")
        status, _, body = call(tw.messages_url, json_body=form, headers=auth)
        check(status == 400 and json.loads(body)["code"] == 21604, "twilio JSON body -> 21604 (no form)")
        status, _, body = call(tw.messages_url, fields={**form, "Body": "x" * 200}, headers=auth)
        check(status == 201 and json.loads(body)["num_segments"] == "2", "twilio num_segments 2 for 200 GSM chars")
        sent = tw.sent()
        check(len(sent) == 2 and sent[0].field("Body") == form["Body"], "twilio records accepted sends, UTF-8 intact")
        rejected = [r for r in tw.snapshot() if r.outcome == "rejected"]
        check(len(rejected) == 5 and all(r.problems for r in rejected),
              f"twilio rejected requests recorded: {rejected}")
        with RecordingServer(name="cxgate stand-in") as cx:
            tw.status_callback(sent[0].provider_id, "delivered", url=cx.url + "/webhooks/sms/status")
            got = cx.wait_for(what="status callback")[0]
            expected = twilio_signature(tw.auth_token, cx.url + "/webhooks/sms/status",
                                        {k: v for k, v in got.form.items()})
            check(got.field("MessageStatus") == "delivered" and got.headers["X-Twilio-Signature"] == expected,
                  "twilio status callback signed")

        # Vonage
        vo = p.vonage
        base = {"api_key": vo.api_key, "api_secret": vo.api_secret, "from": "Acme", "to": "358401234567"}
        status, _, body = call(vo.send_url, fields={**base, "text": "Hei! Vastaa 0-10"})
        res = json.loads(body)
        check(status == 200 and res["message-count"] == "1" and res["messages"][0]["status"] == "0"
              and res["messages"][0]["message-id"], f"vonage success {res['messages'][0]['message-id']}")
        status, _, body = call(vo.send_url, json_body={**base, "text": "😀 " * 40, "type": "unicode"})
        res = json.loads(body)
        check(status == 200 and res["message-count"] == "2" and len(res["messages"]) == 2, "vonage JSON, 2 UCS-2 parts")
        vo.script(["1", "200:15"])
        res = json.loads(call(vo.send_url, fields={**base, "text": "x"})[2])
        check(res["messages"][0]["status"] == "1" and "error-text" in res["messages"][0], "vonage scripted throttle")
        status, _, body = call(vo.send_url, fields={**base, "text": "x"})
        check(status == 200 and json.loads(body)["messages"][0]["status"] == "15", "vonage 15 with HTTP 200")
        status, _, body = call(vo.send_url, fields={**base, "api_secret": "nope", "text": "x"})
        check(status == 200 and json.loads(body)["messages"][0]["status"] == "4", "vonage bad secret -> status 4")
        status, _, body = call(vo.send_url, fields={k: v for k, v in base.items() if k != "from"} | {"text": "x"})
        check(json.loads(body)["messages"][0]["status"] == "2", "vonage missing from -> status 2")
        call(vo.send_url, fields={**base, "text": "Kiitos – 😀"})
        check(any("GSM-7" in pr.message for _, pr in vo.problems(hard=False)), "vonage soft problem: unicode w/o type")

        # SendGrid
        sg = p.sendgrid
        mail = {"personalizations": [{"to": [{"email": "pekka@example.com"}]}],
                "from": {"email": "surveys@example.com", "name": "Acme"}, "subject": "Miten onnistuimme? 😀",
                "content": [{"type": "text/plain", "value": "Vastaa 0–10"},
                            {"type": "text/html", "value": "<p>0–10</p>"}],
                "headers": {"List-Unsubscribe": "<https://x.example/u/1>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                "custom_args": {"survey": "s-1"}}
        sg_auth = {"Authorization": f"Bearer {sg.api_key}"}
        status, headers, body = call(sg.send_url, json_body=mail, headers=sg_auth)
        check(status == 202 and body == b"" and headers["X-Message-Id"], "sendgrid 202 + X-Message-Id")
        status, _, body = call(sg.send_url, json_body=mail)
        check(status == 401 and json.loads(body)["errors"][0]["message"] == "authorization required", "sendgrid 401")
        bad = dict(mail, content=[{"type": "text/html", "value": "a"}, {"type": "text/plain", "value": "b"}])
        del bad["subject"]
        status, _, body = call(sg.send_url, json_body=bad, headers=sg_auth)
        fields = sorted(e["field"] for e in json.loads(body)["errors"])
        check(status == 400 and fields == ["content", "subject"], f"sendgrid 400 fields {fields}")
        sg.script(["429:5", "500"])
        status, headers, _ = call(sg.send_url, json_body=mail, headers=sg_auth)
        check(status == 429 and headers["Retry-After"] == "5", "sendgrid scripted 429")
        check(call(sg.send_url, json_body=mail, headers=sg_auth)[0] == 500, "sendgrid scripted 500")

        # Mailgun: multipart and urlencoded
        mg = p.mailgun
        mg_auth = basic("api", mg.api_key)
        data, ctype = multipart([("from", "Acme <surveys@mg.example.com>"), ("to", "pekka@example.com"),
                                 ("subject", "Miten onnistuimme? 😀"), ("text", "Vastaa 0–10"),
                                 ("html", "<p>0–10</p>"), ("h:List-Unsubscribe", "<https://x.example/u/1>"),
                                 ("v:survey", "s-1"), ("o:tag", "survey")])
        status, _, body = call(mg.send_url, data=data, headers={**mg_auth, "Content-Type": ctype})
        res = json.loads(body)
        check(status == 200 and res["message"] == "Queued. Thank you." and res["id"].endswith("@mg.example.com>"),
              f"mailgun multipart 200 {res['id']}")
        sent = mg.sent()[0]
        check(sent.field("subject") == "Miten onnistuimme? 😀" and Mailgun.mime_headers(sent)["List-Unsubscribe"]
              and Mailgun.variables(sent) == {"survey": "s-1"}, "mailgun multipart parsed (h:, v:)")
        status, _, body = call(mg.send_url, fields={"from": "a@mg.example.com", "to": "b@example.com",
                                                    "subject": "s", "text": "t"}, headers=mg_auth)
        check(status == 200, "mailgun urlencoded 200")
        status, _, body = call(mg.send_url, fields={"from": "a@mg.example.com", "to": "b@example.com",
                                                    "subject": "s"}, headers=mg_auth)
        check(status == 400 and "text" in json.loads(body)["message"], "mailgun no body -> 400")
        status, _, body = call(mg.send_url, fields={"from": "a@mg.example.com"}, headers=basic("api", "x"))
        check(status == 401 and body == b"Forbidden", "mailgun 401 Forbidden")

        # Postmark
        pm = p.postmark
        pm_headers = {"X-Postmark-Server-Token": pm.server_token, "Accept": "application/json"}
        msg = {"From": "surveys@example.com", "To": "pekka@example.com", "Subject": "Miten onnistuimme? 😀",
               "TextBody": "Vastaa 0–10", "HtmlBody": "<p>0–10</p>", "MessageStream": "outbound",
               "Headers": [{"Name": "List-Unsubscribe", "Value": "<https://x.example/u/1>"}],
               "Metadata": {"survey": "s-1"}}
        status, _, body = call(pm.send_url, json_body=msg, headers=pm_headers)
        res = json.loads(body)
        check(status == 200 and res["ErrorCode"] == 0 and res["Message"] == "OK" and res["To"] == msg["To"],
              f"postmark 200 {res['MessageID']}")
        pm.script(["422:406"])
        status, _, body = call(pm.send_url, json_body=msg, headers=pm_headers)
        res = json.loads(body)
        check(status == 422 and res["ErrorCode"] == 406 and "pekka@example.com" in res["Message"], "postmark 406")
        status, _, body = call(pm.send_url, json_body=msg, headers={"Accept": "application/json"})
        check(status == 401 and json.loads(body)["ErrorCode"] == 10, "postmark no token -> 401 / 10")
        status, _, body = call(pm.send_url, json_body={k: v for k, v in msg.items() if "Body" not in k},
                               headers=pm_headers)
        check(status == 422 and json.loads(body)["ErrorCode"] == 300, "postmark no body -> 422 / 300")

        # drop and hang
        pm.script(["drop", "hang:1.5"])
        try:
            call(pm.send_url, json_body=msg, headers=pm_headers)
            check(False, "drop closes the connection")
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            check(True, f"drop closes the connection ({type(e).__name__})")
        try:
            call(pm.send_url, json_body=msg, headers=pm_headers, timeout=0.5)
            check(False, "hang makes a client time out")
        except (TimeoutError, urllib.error.URLError, OSError) as e:
            check(True, f"hang makes a client time out ({type(e).__name__})")

        try:
            p.assert_clean()
            check(False, "assert_clean reports the problems")
        except PeerError as e:
            check("twilio" in str(e) and "postmark" in str(e), "assert_clean reports the problems")
        p.clear()
        p.assert_clean()
        check(True, "clear() resets requests and scripts")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return not failures


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
