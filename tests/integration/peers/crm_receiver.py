"""A stand-in for a CRM's receiver of cxgate's outbound events (docs/crm-events.md): an HTTP
server on 127.0.0.1 in a background thread that checks every post the way the docs tell a
receiver to, with code of its own (hmac, hashlib), not cxgate's:

- X-Cxgate-Signature holds "v1=" + hex HMAC-SHA256(secret, X-Cxgate-Timestamp + "." + raw
  body), the timestamp within 300 s of this machine's clock (else 401);
- X-Cxgate-Event-Id equals the body's "id", and the body has type, created_at and survey
  (else 400);
- an id it already accepted is answered 200 again without acting (as the docs say a
  receiver should), and counted in .duplicates: cxgate must not send one.

    r = CrmReceiver(secret).start()
    r.url                      # what cxgate posts to
    r.script([500])            # the next valid post is answered 500, later ones 200
    r.stop(); r.start()        # down and up again on the same port
    r.accepted                 # the events acted on, in order (parsed JSON)
    r.attempts                 # every request: (event id, type, status answered)
"""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import free_port


def verify(secret, timestamp, body, signature_header, now=None, window=300):
    """The receiver's check, as docs/crm-events.md shows it."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - ts) > window:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(part.strip(), "v1=" + expected)
               for part in (signature_header or "").split(","))


class CrmReceiver:
    def __init__(self, secret):
        self.secret = secret
        self.port = free_port()
        self.lock = threading.Lock()
        self.accepted = []
        self.attempts = []
        self.refused = []  # (status, reason): a post that broke the contract
        self.duplicates = []
        self._script = []
        self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/cxgate-events"

    def script(self, statuses):
        with self.lock:
            self._script = list(statuses)

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, reply = receiver._handle(self.path, self.headers, body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handle(self, path, headers, body):
        with self.lock:
            if path != "/cxgate-events":
                return 404, {"error": "no such path"}
            if headers.get("Content-Type") != "application/json":
                self.refused.append((415, headers.get("Content-Type")))
                return 415, {"error": "JSON only"}
            if not verify(self.secret, headers.get("X-Cxgate-Timestamp"), body,
                          headers.get("X-Cxgate-Signature")):
                self.refused.append((401, "bad signature"))
                return 401, {"error": "bad signature"}
            try:
                event = json.loads(body)
            except ValueError:
                self.refused.append((400, "not JSON"))
                return 400, {"error": "not JSON"}
            event_id = headers.get("X-Cxgate-Event-Id")
            if event.get("id") != event_id or not all(k in event for k in ("type", "created_at", "survey")):
                self.refused.append((400, f"bad event {event_id}: {event}"))
                return 400, {"error": "bad event"}
            status = self._script.pop(0) if self._script else 200
            self.attempts.append((event_id, event["type"], status))
            if status != 200:
                return status, {"error": "scripted"}
            if any(e["id"] == event_id for e in self.accepted):
                self.duplicates.append(event_id)
                return 200, {"received": True, "duplicate": True}
            self.accepted.append(event)
            return 200, {"received": True}

    def accepted_types(self, survey_id=None):
        with self.lock:
            return [e["type"] for e in self.accepted if survey_id is None or e["survey"]["id"] == survey_id]
