"""Local stand-ins for where cxgate's chat channels post staff alerts: a Slack incoming
webhook, a Microsoft Teams Workflows webhook and a receiver of cxgate's signed webhook. Each
is an HTTP server on 127.0.0.1:<free port> in a background thread (ProviderServer of
fake_providers: every request recorded with .problems and .outcome, a per-server script of
answers, assert_clean()).

    with ChatStubs() as c:
        c.slack.webhook_url, c.teams.webhook_url, c.webhook.url   # what cxgate posts to
        c.webhook.secret                                           # its signing secret
        c.slack.script(["429:30"])          # the next valid post: 429 with Retry-After: 30
        SlackWebhook(always="410:channel_is_archived")   # every valid post refused so
        msg = c.teams.wait_sent()[0]        # an accepted post; msg.json is the payload
        c.assert_clean()                    # no payload broke a check

Script entries are those of fake_providers ("STATUS[:ARG]", "drop", "hang:S", a dict); ARG is
Slack's reason for a Slack error ("404:no_service"), the Retry-After seconds of a 429.

What each checks, from the services' documentation:
- Slack (https://api.slack.com/messaging/webhooks, Block Kit reference): POST of JSON to
  /services/T.../B.../<token> (another path: 404 no_service); `text` present and not blank
  (cxgate always sends the fallback; 400 no_text); blocks a list of at most 50 of known
  types, each well formed: header (plain_text, 150), section (text or fields; text 3000,
  at most 10 fields of 2000), actions (1-25 elements; a button has plain_text text of at
  most 75 and an http(s) url of at most 3000; action_ids unique), context (1-10 text or
  image elements); a text object has a type (plain_text or mrkdwn) and a non-empty text
  (Slack answers 400 invalid_blocks). An & < > in mrkdwn that is not an entity or a
  <link|...> is a soft problem: Slack would show it mangled. Success 200 "ok" (text/plain);
  errors a plain-text reason: 400 invalid_payload / no_text / invalid_blocks, 403
  action_prohibited, 404 channel_not_found / no_service, 410 channel_is_archived, 429
  rate_limited with Retry-After, 500 rollup_error.
- Teams (Workflows, "When a Teams webhook request is received"; Adaptive Cards schema
  https://adaptivecards.io/explorer/): POST to /workflows/<id>/triggers/manual/paths/invoke
  with the URL's api-version, sp, sv and sig (a wrong or missing sig: 401 Azure error JSON);
  JSON {"type": "message", "attachments": [...]}, each attachment of contentType
  application/vnd.microsoft.card.adaptive whose content is an AdaptiveCard with a version
  1.0-1.5 and a body of known element types (TextBlock with text, FactSet with facts of
  string title and value, ...), actions of known types (Action.OpenUrl with title and an
  http(s) url). A MessageCard (the old connectors' format) is refused: Workflows take
  Adaptive Cards only. Success 202 Accepted with an empty body and x-ms-workflow-run-id.
  Note: the real trigger answers 202 to any JSON and fails the workflow's run later; the
  stand-in answers a broken card 400 (TriggerInputSchemaMismatch) so that a test sees it.
- Signed webhook (docs/providers.md, "Alert channels"): POST of JSON with
  X-Cxgate-Timestamp, X-Cxgate-Signature and X-Cxgate-Event-Id, verified here with an
  implementation of its own (hmac, hashlib): "v1=" hex HMAC-SHA256(secret, timestamp + "." +
  raw body), the timestamp within 300 s of this machine's clock (else 401); the body's
  type, id (= X-Cxgate-Event-Id), created_at and data (title, text, facts) present (else
  400). An id accepted before and delivered again is a hard problem (answered 200, as a
  receiver that remembers ids would). Success 200 {"received": true}.
"""
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

if __package__ in (None, ""):  # `python3 peers/chat_stubs.py` as well as `-m peers.chat_stubs`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "peers"  # noqa: A001

from .common import PeerError, media_type
from .fake_providers import Problem, ProviderServer, Reject, http_url, parse_spec

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


# ---- Slack ---------------------------------------------------------------------------------

class SlackWebhook(ProviderServer):
    """A Slack incoming webhook (see the module's docstring)."""

    name = "slack"
    success_status = 200
    REASONS = {400: "invalid_payload", 403: "action_prohibited", 404: "channel_not_found",
               410: "channel_is_archived", 429: "rate_limited", 500: "rollup_error"}
    BLOCK_TYPES = {"header", "section", "actions", "context", "divider", "image", "input", "file",
                   "rich_text", "video"}

    def __init__(self, always=None):
        self.path = f"/services/T0CXGATE/B0CXGATE/{secrets.token_hex(12)}"
        self.always = parse_spec(always) if always else None
        super().__init__()

    @property
    def webhook_url(self):
        return self.url + self.path

    def _next_spec(self):
        return dict(self.always) if self.always else super()._next_spec()

    @staticmethod
    def _refuse(status, reason):
        raise Reject(status, reason, {"Content-Type": "text/plain; charset=utf-8"})

    def text_object(self, request, obj, where, kinds=("plain_text", "mrkdwn"), limit=3000):
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            self._refuse(400, "invalid_blocks")
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > limit:
            request.problems.append(_problem(f"{where}: text must be 1-{limit} characters, got {text!r:.80}"))
            self._refuse(400, "invalid_blocks")
        if obj["type"] == "mrkdwn":
            self.check_escaped(request, text, where)

    def check_escaped(self, request, text, where):
        """&, <, > stand for themselves only as &amp; &lt; &gt; (Slack, "Escaping text");
        <...> is a link or a mention."""
        i = 0
        while i < len(text):
            c = text[i]
            if c == "&" and not any(text.startswith(e, i) for e in ("&amp;", "&lt;", "&gt;")):
                self.soft(request, f"{where}: unescaped & at {i}: {text[max(0, i - 20):i + 20]!r}")
            elif c == "<":
                end = text.find(">", i)
                inner = text[i + 1:end] if end > 0 else ""
                if end < 0 or not (inner.startswith(("http://", "https://", "mailto:", "@", "#", "!"))):
                    self.soft(request, f"{where}: unescaped < at {i}: {text[max(0, i - 20):i + 20]!r}")
                else:
                    i = end
            elif c == ">":
                self.soft(request, f"{where}: unescaped > at {i}: {text[max(0, i - 20):i + 20]!r}")
            i += 1

    def validate(self, request):
        if request.path != self.path:
            self._refuse(404, "no_service")
        if request.method != "POST":
            self._refuse(405, "invalid_method")
        if media_type(request.headers.get("Content-Type")) != "application/json":
            self._refuse(400, "invalid_payload")
        body = request.json
        if request.parse_error or not isinstance(body, dict):
            self._refuse(400, "invalid_payload")
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            request.problems.append(_problem("no top-level text (the fallback for notifications)"))
            self._refuse(400, "no_text")
        self.check_escaped(request, text, "text")
        blocks = body.get("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 50:
            self._refuse(400, "invalid_blocks")
        action_ids = set()
        for n, block in enumerate(blocks):
            where = f"blocks[{n}]"
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in self.BLOCK_TYPES:
                request.problems.append(_problem(f"{where}: unknown block type {kind!r}"))
                self._refuse(400, "invalid_blocks")
            if kind == "header":
                self.text_object(request, block.get("text"), where, ("plain_text",), 150)
            elif kind == "section":
                if "text" not in block and "fields" not in block:
                    request.problems.append(_problem(f"{where}: a section needs text or fields"))
                    self._refuse(400, "invalid_blocks")
                if "text" in block:
                    self.text_object(request, block["text"], where + ".text")
                fields = block.get("fields", [])
                if not isinstance(fields, list) or len(fields) > 10:
                    request.problems.append(_problem(f"{where}: at most 10 fields"))
                    self._refuse(400, "invalid_blocks")
                for i, field in enumerate(fields):
                    self.text_object(request, field, f"{where}.fields[{i}]", limit=2000)
            elif kind == "actions":
                elements = block.get("elements")
                if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                    self._refuse(400, "invalid_blocks")
                for i, element in enumerate(elements):
                    at = f"{where}.elements[{i}]"
                    if not isinstance(element, dict) or element.get("type") != "button":
                        request.problems.append(_problem(f"{at}: only buttons are expected"))
                        self._refuse(400, "invalid_blocks")
                    self.text_object(request, element.get("text"), at, ("plain_text",), 75)
                    url = element.get("url")
                    if not isinstance(url, str) or not http_url(url) or len(url) > 3000:
                        request.problems.append(_problem(f"{at}: url must be http(s), at most 3000"))
                        self._refuse(400, "invalid_blocks")
                    action_id = element.get("action_id")
                    if action_id is not None:
                        if action_id in action_ids:
                            request.problems.append(_problem(f"{at}: action_id {action_id!r} repeated"))
                            self._refuse(400, "invalid_blocks")
                        action_ids.add(action_id)
            elif kind == "context":
                elements = block.get("elements")
                if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                    self._refuse(400, "invalid_blocks")
                for i, element in enumerate(elements):
                    if isinstance(element, dict) and element.get("type") == "image":
                        continue
                    self.text_object(request, element, f"{where}.elements[{i}]")

    def success(self, request, status):
        return status, {"Content-Type": "text/plain; charset=utf-8"}, "ok"

    def error(self, request, status, arg):
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        if status == 429:
            headers["Retry-After"] = arg or "1"
            return status, headers, "rate_limited"
        return status, headers, (arg or self.REASONS.get(status, "rollup_error"))

    # -- views
    def blocks_of(self, request, kind):
        return [b for b in (request.json or {}).get("blocks", []) if b.get("type") == kind]


def _problem(message):
    return Problem(message, hard=True)


# ---- Teams ---------------------------------------------------------------------------------

class TeamsWorkflow(ProviderServer):
    """A Teams Workflows webhook trigger (see the module's docstring)."""

    name = "teams"
    success_status = 202
    ELEMENTS = {"TextBlock", "FactSet", "Image", "ImageSet", "Container", "ColumnSet", "ActionSet",
                "RichTextBlock", "Table", "Media"}
    ACTIONS = {"Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility",
               "Action.Execute"}

    def __init__(self):
        self.workflow = uuid.uuid4().hex
        self.sig = secrets.token_urlsafe(32)
        super().__init__()

    @property
    def path(self):
        return f"/workflows/{self.workflow}/triggers/manual/paths/invoke"

    @property
    def webhook_url(self):
        query = urllib.parse.urlencode({"api-version": "2016-06-01", "sp": "/triggers/manual/run",
                                        "sv": "1.0", "sig": self.sig})
        return f"{self.url}{self.path}?{query}"

    @staticmethod
    def _azure(status, code, message):
        raise Reject(status, {"error": {"code": code, "message": message}})

    def _bad(self, request, message):
        request.problems.append(_problem(message))
        self._azure(400, "TriggerInputSchemaMismatch", message)

    def validate(self, request):
        if request.path != self.path:
            self._azure(404, "WorkflowNotFound", f"The workflow for path '{request.path}' could not be found.")
        if request.method != "POST":
            self._azure(405, "TriggerRequestMethodNotValid", "The HTTP method for this request is not valid.")
        if (request.query.get("sig") or [None])[0] != self.sig:
            self._azure(401, "DirectApiAuthorizationRequired",
                        "The request must be authenticated only by Shared Access scheme.")
        for name, value in (("api-version", "2016-06-01"), ("sp", "/triggers/manual/run"), ("sv", "1.0")):
            if (request.query.get(name) or [None])[0] != value:
                self._azure(400, "InvalidRequestQuery", f"The query parameter '{name}' is missing or wrong.")
        if media_type(request.headers.get("Content-Type")) != "application/json":
            self._azure(415, "UnsupportedMediaType", "The content media type is not supported; use application/json.")
        body = request.json
        if request.parse_error or not isinstance(body, dict):
            self._azure(400, "InvalidRequestContent", "The request content is not valid JSON.")
        if body.get("@type") == "MessageCard":
            self._bad(request, "a MessageCard: Workflows take Adaptive Cards only")
        if body.get("type") != "message":
            self._bad(request, f"type must be 'message', got {body.get('type')!r}")
        attachments = body.get("attachments")
        if not isinstance(attachments, list) or not attachments:
            self._bad(request, "attachments must be a non-empty list")
        for n, attachment in enumerate(attachments):
            where = f"attachments[{n}]"
            if not isinstance(attachment, dict) or attachment.get("contentType") != ADAPTIVE:
                self._bad(request, f"{where}: contentType must be {ADAPTIVE}")
            self.check_card(request, attachment.get("content"), where + ".content")

    def check_card(self, request, card, where):
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            self._bad(request, f"{where}: type must be AdaptiveCard")
        version = card.get("version")
        try:
            major, minor = (int(x) for x in str(version).split("."))
        except ValueError:
            major, minor = -1, -1
        if (major, minor) < (1, 0) or (major, minor) > (1, 5):
            self._bad(request, f"{where}: version must be 1.0-1.5 (what Teams renders), got {version!r}")
        if card.get("$schema") not in (None, "http://adaptivecards.io/schemas/adaptive-card.json",
                                       "https://adaptivecards.io/schemas/adaptive-card.json"):
            self.soft(request, f"{where}: unexpected $schema {card.get('$schema')!r}")
        body = card.get("body")
        if not isinstance(body, list) or not body:
            self._bad(request, f"{where}: body must be a non-empty list")
        for i, element in enumerate(body):
            at = f"{where}.body[{i}]"
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in self.ELEMENTS:
                self._bad(request, f"{at}: unknown element type {kind!r}")
            if kind == "TextBlock" and (not isinstance(element.get("text"), str) or not element["text"]):
                self._bad(request, f"{at}: a TextBlock needs text")
            if kind == "FactSet":
                facts = element.get("facts")
                if not isinstance(facts, list) or not facts or not all(
                        isinstance(f, dict) and isinstance(f.get("title"), str) and isinstance(f.get("value"), str)
                        for f in facts):
                    self._bad(request, f"{at}: facts must be a list of {{title, value}} strings")
        for i, action in enumerate(card.get("actions", [])):
            at = f"{where}.actions[{i}]"
            kind = action.get("type") if isinstance(action, dict) else None
            if kind not in self.ACTIONS:
                self._bad(request, f"{at}: unknown action type {kind!r}")
            if kind == "Action.OpenUrl" and (not http_url(action.get("url")) or not action.get("title")):
                self._bad(request, f"{at}: Action.OpenUrl needs a title and an http(s) url")

    def success(self, request, status):
        run = f"08585{secrets.randbelow(10**15):015d}CU{secrets.randbelow(100):02d}"
        request.provider_id = run
        return status, {"x-ms-workflow-run-id": run}, b""

    def error(self, request, status, arg):
        headers = {"Retry-After": arg or "1"} if status == 429 else {}
        codes = {429: "WorkflowRequestsThrottled", 404: "WorkflowNotFound", 500: "InternalServerError",
                 502: "BadGateway", 503: "ServiceUnavailable"}
        return status, headers, {"error": {"code": codes.get(status, "BadRequest"),
                                           "message": arg or f"HTTP {status}"}}

    @staticmethod
    def card(request):
        """The Adaptive Card of an accepted post."""
        return request.json["attachments"][0]["content"]


# ---- cxgate's signed webhook ---------------------------------------------------------------

def cxgate_signature(secret, timestamp, body):
    """docs/providers.md: "v1=" + hex HMAC-SHA256(secret, timestamp + "." + raw body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify_cxgate(secret, timestamp, body, header, now=None, window=300):
    """The receiver's check, as docs/providers.md shows it: a fresh timestamp and one
    matching v1= signature (compared in constant time)."""
    if not timestamp or not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > window:
        return False
    expected = cxgate_signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in (header or "").split(","))


class SignedReceiver(ProviderServer):
    """A receiver of cxgate's signed webhook (see the module's docstring)."""

    name = "webhook"
    success_status = 200

    def __init__(self, secret=None, window=300):
        self.secret = secret or "whsec-" + secrets.token_hex(16)
        self.window = window
        self.accepted_ids = set()
        super().__init__()

    def _refuse(self, request, status, message):
        request.problems.append(_problem(message))
        raise Reject(status, {"error": message})

    def validate(self, request):
        if request.method != "POST" or request.path != "/cxgate":
            raise Reject(404, {"error": "not found"})
        timestamp = request.headers.get("X-Cxgate-Timestamp")
        signature = request.headers.get("X-Cxgate-Signature")
        event_id = request.headers.get("X-Cxgate-Event-Id")
        if not timestamp or not signature or not event_id:
            self._refuse(request, 401, "X-Cxgate-Timestamp, X-Cxgate-Signature and X-Cxgate-Event-Id required")
        if not verify_cxgate(self.secret, timestamp, request.body, signature, window=self.window):
            self._refuse(request, 401, f"bad signature or a timestamp outside {self.window} s: {timestamp}")
        if media_type(request.headers.get("Content-Type")) != "application/json":
            self._refuse(request, 415, "application/json expected")
        body = request.json
        if request.parse_error or not isinstance(body, dict):
            self._refuse(request, 400, "the body is not a JSON object")
        for key in ("type", "id", "created_at"):
            if not isinstance(body.get(key), str) or not body[key]:
                self._refuse(request, 400, f"{key} must be a non-empty string")
        if body["id"] != event_id:
            self._refuse(request, 400, "id differs from X-Cxgate-Event-Id")
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("title"), str) \
                or not isinstance(data.get("text"), str) or not isinstance(data.get("facts"), list):
            self._refuse(request, 400, "data must be an alert card (title, text, facts)")
        if event_id in self.accepted_ids:
            request.problems.append(_problem(f"event {event_id} delivered again after it was accepted"))

    def success(self, request, status):
        self.accepted_ids.add(request.json["id"])
        request.provider_id = request.json["id"]
        return status, {}, {"received": True}

    def error(self, request, status, arg):
        headers = {"Retry-After": arg or "1"} if status == 429 else {}
        return status, headers, {"error": arg or f"HTTP {status}"}

    @property
    def endpoint(self):
        return self.url + "/cxgate"


# ---- all three -----------------------------------------------------------------------------

class ChatStubs:
    """Starts a Slack webhook, a Teams workflow and a signed-webhook receiver (context
    manager): .slack .teams .webhook, .servers, assert_clean(), clear()."""

    def __init__(self, **extra):
        self.slack, self.teams, self.webhook = SlackWebhook(), TeamsWorkflow(), SignedReceiver()
        self.servers = [self.slack, self.teams, self.webhook] + list(extra.values())
        for name, server in extra.items():
            setattr(self, name, server)

    def start(self):
        started = []
        try:
            for server in self.servers:
                server.start()
                started.append(server)
        except Exception:
            for server in started:
                server.stop()
            raise
        return self

    def stop(self):
        for server in self.servers:
            server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def assert_clean(self):
        errors = []
        for server in self.servers:
            try:
                server.assert_clean()
            except PeerError as e:
                errors.append(str(e))
        if errors:
            raise PeerError("\n".join(errors))

    def clear(self):
        for server in self.servers:
            server.clear()
            server.clear_script()


# ---- self-test -----------------------------------------------------------------------------

def _self_test():
    """python3 -m peers.chat_stubs: each stand-in fed good and broken payloads."""
    passed, failures = [], []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        (passed if cond else failures).append(what)

    def call(url, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, res.headers, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    slack_ok = {"text": "Low score &amp; more", "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Low score"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "a &lt;b&gt; <https://x.example|link>"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Score*\n2"}]},
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Ack"},
                                          "url": "https://x.example/a", "action_id": "a"}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "cxgate"}]}]}
    card = {"type": "AdaptiveCard", "version": "1.4", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "body": [{"type": "TextBlock", "text": "Low score", "wrap": True},
                     {"type": "FactSet", "facts": [{"title": "Score", "value": "2"}]}],
            "actions": [{"type": "Action.OpenUrl", "title": "Ack", "url": "https://x.example/a"}]}
    teams_ok = {"type": "message", "attachments": [{"contentType": ADAPTIVE, "contentUrl": None, "content": card}]}

    with ChatStubs(archived=SlackWebhook(always="410:channel_is_archived")) as c:
        status, headers, body = call(c.slack.webhook_url, slack_ok)
        check(status == 200 and body == b"ok", f"slack ok: {status} {body!r}")
        check(not c.slack.problems(), f"slack ok is clean: {c.slack.problems()}")
        status, _, body = call(c.slack.webhook_url, {"blocks": slack_ok["blocks"]})
        check(status == 400 and body == b"no_text", f"slack without text: {status} {body!r}")
        status, _, body = call(c.slack.webhook_url, {"text": "x", "blocks": [{"type": "header", "text": {
            "type": "mrkdwn", "text": "x"}}]})
        check(status == 400 and body == b"invalid_blocks", "slack header must be plain_text")
        status, _, body = call(c.slack.url + "/services/T/B/wrong", slack_ok)
        check(status == 404 and body == b"no_service", "slack unknown webhook: no_service")
        c.slack.clear()
        call(c.slack.webhook_url, {"text": "a & b <c>"})
        check(len(c.slack.problems(hard=False)) == 3, f"slack unescaped text: {c.slack.problems()}")
        c.slack.clear()
        c.slack.script(["429:7"])
        status, headers, body = call(c.slack.webhook_url, slack_ok)
        check(status == 429 and headers["Retry-After"] == "7", "slack scripted 429")
        for _ in range(2):
            status, _, body = call(c.archived.webhook_url, slack_ok)
            check(status == 410 and body == b"channel_is_archived", "slack archived, every time")

        status, headers, body = call(c.teams.webhook_url, teams_ok)
        check(status == 202 and body == b"" and headers["x-ms-workflow-run-id"], f"teams 202: {status}")
        status, _, body = call(c.teams.webhook_url.replace("sig=", "sig=x"), teams_ok)
        check(status == 401 and json.loads(body)["error"]["code"] == "DirectApiAuthorizationRequired",
              "teams bad sig -> 401")
        status, _, body = call(c.teams.webhook_url, {"@type": "MessageCard", "text": "x"})
        check(status == 400, "teams refuses a MessageCard")
        broken = json.loads(json.dumps(teams_ok))
        broken["attachments"][0]["content"]["body"][1]["facts"] = [{"title": "x"}]
        status, _, _ = call(c.teams.webhook_url, broken)
        check(status == 400, "teams refuses a FactSet without values")

        envelope = json.dumps({"type": "alert.opened", "id": "evt_1", "created_at": "2026-11-20T17:55:00Z",
                               "data": {"title": "t", "text": "x", "facts": []}}).encode()
        ts = str(int(time.time()))
        signed = {"X-Cxgate-Timestamp": ts, "X-Cxgate-Signature": cxgate_signature(c.webhook.secret, ts, envelope),
                  "X-Cxgate-Event-Id": "evt_1"}
        status, _, body = call(c.webhook.endpoint, envelope, signed)
        check(status == 200 and json.loads(body) == {"received": True}, "webhook signed: 200")
        status, _, _ = call(c.webhook.endpoint, envelope + b" ", signed)
        check(status == 401, "webhook tampered body: 401")
        old = str(int(time.time()) - 301)
        status, _, _ = call(c.webhook.endpoint, envelope, {**signed, "X-Cxgate-Timestamp": old,
                                                           "X-Cxgate-Signature": cxgate_signature(
                                                               c.webhook.secret, old, envelope)})
        check(status == 401, "webhook outside the window: 401")
        call(c.webhook.endpoint, envelope, signed)
        check(any("delivered again" in p.message for _, p in c.webhook.problems()), "webhook: a second delivery")
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
