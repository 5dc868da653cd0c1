"""HTTP as clients and proxies speak it: the auth scheme in any case ("bearer", RFC 7235);
a request too large or malformed gets its status (414 target, 431 head, 413 body, 400
malformed) before the connection closes, where it used to be closed with no answer;
`Expect: 100-continue` is answered at once (it was never answered: curl waited 1 s per
request before sending its body anyway); routes answer 404 for an unknown path and 405 with
Allow for another method, and HEAD where GET is read-only."""
import http.client
import json
import socket
import time

from harness import TOKEN, check, run


def get(d, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body


def exchange(d, data, then=b"", pause=0.0):
    """Sends data (and, after a pause, then) on a fresh connection; returns everything
    the daemon answered until it closed the connection."""
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    try:
        s.sendall(data)
        if then:
            time.sleep(pause)
            try:
                s.sendall(then)
            except OSError:
                pass  # the daemon may have answered and closed already
        answer = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                return answer + b"<reset>"
            if not chunk:
                return answer
            answer += chunk
    finally:
        s.close()


def status_of(answer):
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def oversized(d):
    auth = f"Authorization: Bearer {TOKEN}\r\n".encode()
    answer = exchange(d, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 414 URI Too Long", f"20 KB target: {answer[:200]!r}")
    answer = exchange(d, b"GET /v1/responses?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
    check(status_of(answer) == "HTTP/1.1 414 URI Too Long", f"9 KB target: {answer[:200]!r}")
    answer = exchange(d, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 20000 + b"\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 431 Request Header Fields Too Large", f"20 KB header: {answer[:200]!r}")
    # A body over max_body_bytes, sent without waiting: the 413 is still read, not reset.
    head = b"POST /v1/events HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
    answer = exchange(d, head + b"[" * 100000, then=b"[" * 300000, pause=0.1)
    check(status_of(answer) == "HTTP/1.1 413 Payload Too Large" and b"Connection: close" in answer,
          f"1 MB body: {answer[:300]!r}")
    chunked = (b"POST /v1/events HTTP/1.1\r\nHost: x\r\n" + auth + b"Transfer-Encoding: chunked\r\n\r\n"
               + b"10000\r\n" + b"[" * 65536 + b"\r\n" + b"10000\r\n" + b"[" * 65536 + b"\r\n0\r\n\r\n")
    answer = exchange(d, chunked)
    check(status_of(answer) == "HTTP/1.1 413 Payload Too Large", f"128 KB chunked body: {answer[:300]!r}")
    for bad in (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\n\r\n"):
        answer = exchange(d, bad)
        check(status_of(answer) == "HTTP/1.1 400 Bad Request", f"malformed {bad[:30]!r}: {answer[:200]!r}")
    check(d.request("GET", "/healthz")[0] == 200, "healthz afterwards")


def expect_continue(d):
    body = json.dumps({"id": "expect-1", "type": "meeting.completed",
                       "contact": {"phone": "0401234567"}}).encode()
    head = (b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {TOKEN}\r\nExpect: 100-continue\r\n".encode())
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    s.sendall(head + f"Content-Length: {len(body)}\r\n\r\n".encode())
    s.settimeout(0.5)
    try:
        interim = s.recv(4096)
    except socket.timeout:
        interim = b"<nothing within 0.5 s>"
    check(interim == b"HTTP/1.1 100 Continue\r\n\r\n", f"100 Continue: {interim!r}")
    s.settimeout(5)
    s.sendall(body)
    final = s.recv(65536)
    check(final.startswith(b"HTTP/1.1 202"), f"the event after 100 Continue: {final[:200]!r}")
    s.close()
    # Too large a body: the final status at once, instead of 100 Continue.
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    s.sendall(head + b"Content-Length: 10000000\r\n\r\n")
    s.settimeout(0.5)
    try:
        answer = s.recv(4096)
    except socket.timeout:
        answer = b"<nothing within 0.5 s>"
    check(answer.startswith(b"HTTP/1.1 413"), f"413 instead of 100 Continue: {answer[:200]!r}")
    s.close()


def call(d, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    answer = res.status, dict(res.getheaders()), res.read()
    conn.close()
    return answer


def routes(d):
    """The route table: an unknown path is 404, a known path with another method 405 with
    Allow (GET-only routes used to answer any method), HEAD gets GET's headers only."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("/healthz", "/metrics", "/v1/responses", "/v1/reports", "/v1/surveys/1"):
        status, headers, body = call(d, "POST", path, b"{}", {**auth, "Content-Type": "application/json"})
        check(status == 405 and headers.get("Allow") == "GET, HEAD", f"POST {path}: {status} {headers}")
        check(json.loads(body) == {"error": "method not allowed"}, f"POST {path}: {body!r}")
    for method, path, allow in (("GET", "/v1/events", "POST"), ("DELETE", "/v1/clock", "POST"),
                                ("PUT", "/webhooks/sms/inbound", "GET, POST"),
                                ("HEAD", "/u/some-token", "GET, POST"),
                                ("PATCH", "/r/some-token/9", "GET, HEAD, POST")):
        status, headers, _ = call(d, method, path, headers=auth)
        check(status == 405 and headers.get("Allow") == allow, f"{method} {path}: {status} {headers}")
    for method, path in (("GET", "/nowhere"), ("POST", "/v2/events"), ("GET", "/healthz/extra"),
                         ("GET", "/v1/surveys/"), ("GET", "/webhooks/sms/outbound")):
        status, headers, body = call(d, method, path, headers=auth)
        check(status == 404 and "Allow" not in headers, f"{method} {path}: {status} {headers}")
        check(json.loads(body)["error"].startswith("no route for /"), f"{method} {path}: {body!r}")
    # HEAD: GET's status and headers, Content-Length included, and no body.
    status, headers, body = call(d, "GET", "/metrics")
    head_status, head_headers, head_body = call(d, "HEAD", "/metrics")
    check(head_status == 200 and head_body == b"", f"HEAD /metrics: {head_status} {head_body[:100]!r}")
    check(head_headers.get("Content-Type") == headers.get("Content-Type"), f"HEAD /metrics: {head_headers}")
    check(0 < int(head_headers["Content-Length"]) <= len(body) + 200, f"HEAD /metrics: {head_headers}")
    # A connection kept alive after a HEAD still reads the next answer correctly.
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("HEAD", "/healthz")
    res = conn.getresponse()
    check(res.status == 200 and res.read() == b"", "HEAD /healthz")
    conn.request("GET", "/healthz")
    res = conn.getresponse()
    check(res.status == 200 and json.loads(res.read())["status"] == "ok", "GET after HEAD")
    conn.close()
    # A bad field is named as data, whatever the message says.
    status, _, body = call(d, "POST", "/v1/events",
                           json.dumps({"id": "f1", "type": "deal.won", "contact": {"phone": "0401234567"},
                                       "odd:key": 1}).encode(),
                           {**auth, "Content-Type": "application/json"})
    check(status == 400 and json.loads(body) == {"error": "odd:key: unknown field", "field": "odd:key"},
          f"unknown field with a colon: {status} {body!r}")


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()

    for scheme in ("Bearer", "bearer", "BEARER"):
        status, body = get(d, "/v1/responses", {"Authorization": f"{scheme} {TOKEN}"})
        check(status == 200, f"{scheme}: {status} {body}")
    status, _ = get(d, "/v1/responses", {"Authorization": f"bearer wrong-{TOKEN}"})
    check(status == 401, "a wrong token in lower case is still wrong")
    # The sandbox webhook (what `cxgate reply` calls) reads the same header.
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("POST", "/webhooks/sms/inbound", body=b'{"from": "+358401234567", "text": "9", "id": "a1"}',
                 headers={"Authorization": f"bearer {TOKEN}", "Content-Type": "application/json"})
    res = conn.getresponse()
    check(res.status == 200, f"sandbox webhook with a lower-case scheme: {res.status} {res.read()}")
    conn.close()

    oversized(d)
    expect_continue(d)
    routes(d)


run(test)
