"""Shared pieces of the test peers: free loopback ports, polling instead of sleeping, an
in-process HTTP server that records every request, request-body parsing (form, JSON,
multipart), and stopping a child process by its PID.

Standard library only; works under any Python 3.11."""
import email.message
import email.parser
import email.policy
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse

LOOPBACK = "127.0.0.1"


class PeerError(Exception):
    """A peer could not start, or something a test waited for did not happen."""


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago. In-process servers should bind
    port 0 instead; this is for child processes whose configuration needs a number."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def port_open(port, host=LOOPBACK, timeout=0.2):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(fn, what, timeout=10.0, interval=0.05):
    """Polls fn until it returns a truthy value and returns that value; raises PeerError
    naming `what` (and the last value) after `timeout` seconds. Never a blind sleep: the
    loop ends as soon as the condition holds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise PeerError(f"timed out after {timeout:g}s waiting for {what}; last value: {last!r}")
        time.sleep(interval)


def stop_process(proc, timeout=10.0, sig=signal.SIGTERM):
    """Stops one child process by its PID: `sig` (SIGTERM), then SIGKILL if it has not
    exited within `timeout`. Returns its exit code. Safe to call twice."""
    if proc is None:
        return None
    if proc.poll() is None:
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream:
            try:
                stream.close()
            except OSError:
                pass
    return proc.returncode


SETPRIV = "/usr/bin/setpriv"  # util-linux (Essential in Debian)


def orphan_safe(args):
    """Prefixes a child's command line with `setpriv --pdeathsig TERM` (when available): the
    child then gets SIGTERM if the test process dies without stopping it (a SIGKILL from a
    ctest timeout, a crash), instead of living on. setpriv execs the program, so the PID stays
    the child's own and stopping it by PID works as before. Linux delivers the signal when
    the THREAD that started the child ends: start children from the test's main thread."""
    if os.access(SETPRIV, os.X_OK):
        return [SETPRIV, "--pdeathsig", "TERM", *args]
    return list(args)


def tail(path, limit=4000):
    """The last `limit` characters of a text file, for failure messages."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError as e:
        return f"<cannot read {path}: {e}>"


# ---- request bodies ----------------------------------------------------------------------

def media_type(content_type):
    """'application/json; charset=utf-8' -> 'application/json'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def content_type_param(content_type, name):
    """A parameter of a Content-Type header value, e.g. charset or boundary; None if absent."""
    msg = email.message.Message()
    msg["Content-Type"] = content_type or "text/plain"
    return msg.get_param(name)


def parse_form(body, charset="utf-8"):
    """application/x-www-form-urlencoded -> {name: [values]}; repeated names keep every value
    in arrival order. Raises ValueError on bytes that are not valid in `charset`."""
    text = body.decode(charset)  # strict: a non-UTF-8 body is a client bug worth seeing
    return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False)


def parse_multipart(content_type, body):
    """multipart/form-data -> ({name: [str values]}, {name: [(filename, content_type, bytes)]}).
    Parsed with email.parser (no cgi module). Text parts are decoded with their own charset,
    UTF-8 by default as browsers and libcurl send them."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not msg.is_multipart():
        raise ValueError("multipart body without parts (bad boundary?)")
    fields, files = {}, {}
    for part in msg.iter_parts():
        disposition = part.get("Content-Disposition", "")
        if not disposition.lower().startswith("form-data"):
            raise ValueError(f"part without Content-Disposition: form-data ({disposition!r})")
        name = part.get_param("name", header="content-disposition")
        if name is None:
            raise ValueError("form-data part without a name")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files.setdefault(name, []).append((filename, part.get_content_type(), payload))
        else:
            charset = part.get_content_charset() or "utf-8"
            fields.setdefault(name, []).append(payload.decode(charset))
    return fields, files


def read_body(handler):
    """The request body of a BaseHTTPRequestHandler, with Content-Length or chunked
    transfer coding (libcurl uses chunked when it does not know the size in advance)."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            size_line = handler.rfile.readline(65537)
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline(3)  # CRLF after the chunk
        return b"".join(chunks)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class RecordedRequest:
    """One HTTP request as a peer saw it, plus the answer it gave.

    method, path (without query), target (path with query as sent), query {name: [values]},
    headers (http.client.HTTPMessage: case-insensitive .get() and .get_all()), body (raw
    bytes), form {name: [values]} for urlencoded and multipart bodies, files (multipart
    file parts), json (parsed JSON body or None), parse_error (why the body did not parse),
    status / response_headers / response_body (what was answered), at (time.time())."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        split = urllib.parse.urlsplit(target)
        self.path = urllib.parse.unquote(split.path)
        self.query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.form = {}
        self.files = {}
        self.json = None
        self.parse_error = None
        self.status = None
        self.response_headers = {}
        self.response_body = b""
        self.at = time.time()
        self._parse()

    def _parse(self):
        ctype = self.headers.get("Content-Type", "")
        kind = media_type(ctype)
        try:
            if kind == "application/x-www-form-urlencoded":
                self.form = parse_form(self.body, content_type_param(ctype, "charset") or "utf-8")
            elif kind == "multipart/form-data":
                self.form, self.files = parse_multipart(ctype, self.body)
            elif kind == "application/json" or (kind.endswith("+json")):
                self.json = json.loads(self.body.decode("utf-8")) if self.body else None
        except (ValueError, UnicodeDecodeError, LookupError) as e:
            self.parse_error = f"{kind}: {e}"

    def field(self, name, default=None):
        """The first value of a form field (urlencoded or multipart), else of a query parameter."""
        values = self.form.get(name) or self.query.get(name)
        return values[0] if values else default

    def text(self):
        """The body decoded as UTF-8 (replacement characters for invalid bytes)."""
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<{self.method} {self.target} -> {self.status}>"


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like the real services; always send a length
    server_version = "cxgate-test-peer"
    sys_version = ""

    def log_message(self, fmt, *args):  # keep test output clean; requests are recorded
        pass


class RecordingServer:
    """An HTTP server on 127.0.0.1:<free port> in a background thread, recording every
    request. `responder(request) -> (status, headers_dict, body_bytes)` decides the answer
    (default: 200 with an empty body); it may also return None to drop the connection
    without answering. Bound to port 0, so it is ready to accept as soon as it exists.

        with RecordingServer() as rec:
            ... point something at rec.url ...
            rec.wait_for(lambda r: r.path == "/dlr", "a DLR")
    """

    def __init__(self, responder=None, name="recorder"):
        self.name = name
        self.responder = responder or (lambda request: (200, {}, b""))
        self.requests = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._httpd = None
        self._thread = None

    # -- lifecycle
    def start(self):
        outer = self

        class Handler(_QuietHandler):
            def _handle(self):
                outer._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._httpd = http.server.ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{self.name}-http", daemon=True)
        self._thread.start()
        wait_until(lambda: port_open(self.port), f"{self.name} listening on {self.port}", timeout=5)
        return self

    def stop(self):
        httpd, self._httpd = self._httpd, None
        if httpd:
            httpd.shutdown()
            httpd.server_close()
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def url(self):
        return f"http://{LOOPBACK}:{self.port}"

    # -- requests
    def _serve(self, handler):
        try:
            body = read_body(handler)
        except (ValueError, OSError):
            handler.close_connection = True
            return
        request = RecordedRequest(handler.command, handler.path, handler.headers, body)
        try:
            answer = self.responder(request)
        except Exception as e:  # noqa: BLE001 - a broken responder must not hang the client
            answer = (500, {"Content-Type": "text/plain"}, f"peer responder failed: {e!r}".encode())
        if answer is None:
            request.status = "dropped"
            self._record(request)
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        status, headers, payload = answer
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        request.status, request.response_headers, request.response_body = status, dict(headers), payload
        self._record(request)
        try:
            handler.send_response(status)
            for k, v in headers.items():
                handler.send_header(k, str(v))
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(payload)
        except OSError:
            handler.close_connection = True

    def _record(self, request):
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def snapshot(self):
        """A copy of the list of recorded requests (safe while requests arrive)."""
        with self._lock:
            return list(self.requests)

    def clear(self):
        with self._lock:
            self.requests.clear()

    def wait_for(self, predicate=lambda r: True, what="a request", count=1, timeout=10.0):
        """Blocks until at least `count` recorded requests satisfy `predicate`; returns them
        (all matches, in arrival order). Raises PeerError with what was seen on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matches = [r for r in self.requests if predicate(r)]
                if len(matches) >= count:
                    return matches
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(repr(r) for r in self.requests[-10:]) or "nothing"
                    raise PeerError(f"{self.name}: timed out after {timeout:g}s waiting for {count} x {what};"
                                    f" last requests seen: {seen}")
                self._changed.wait(min(remaining, 0.25))
