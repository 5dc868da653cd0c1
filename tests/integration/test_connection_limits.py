"""Idle connections cannot lock everyone out. Before: at most max_connections, an idle one
dropped only after 30 s, no bound per client: 1,100 idle sockets that reconnect when
dropped made /healthz fail 35 of 35 probes for 70 s, and over the bound new connections
were reset with no answer. Now (server: in cxgate.yaml):
(a) at max_connections the longest-idle connection is closed to make room, so a probe
    from another address (127.0.0.2) gets in while idle sockets from 127.0.0.1 hold every
    place and reconnect as soon as they are dropped;
(b) max_connections_per_address bounds what one address holds; over it, with none of its
    connections idle, the new one gets 503 + Retry-After (not a reset);
(c) idle_timeout closes an idle connection, header_timeout a request head that trickles;
(d) the listen queue is taken up to 64 connections a turn: a client queued behind flood
    connections taken in the same turn still gets in (it was refused with 503: none of
    those was idle yet, so none could be closed to make room), and a client that connected
    earlier keeps its connection (it was closed instead of one of the flood's).
Only loopback traffic."""
import http.client
import os
import re
import signal
import socket
import threading
import time

from harness import check, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }"""


def config_with(workdir, source, server_lines):
    path = write_config(workdir, source, CHANNELS)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("server:\n", "server:\n" + "".join(f"  {line}\n" for line in server_lines), 1))
    return path


class IdleFlood:
    """n sockets from `source` that connect, send nothing, and reconnect when dropped."""

    def __init__(self, port, n, source="127.0.0.1"):
        self.port, self.source = port, source
        self.stop_flag = threading.Event()
        self.connects = 0
        self.answers = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(n)]

    def loop(self):
        while not self.stop_flag.is_set():
            try:
                s = socket.socket()
                s.bind((self.source, 0))
                s.settimeout(0.5)
                s.connect(("127.0.0.1", self.port))
                with self.lock:
                    self.connects += 1
                data = b""
                while not self.stop_flag.is_set():
                    try:
                        chunk = s.recv(4096)
                    except socket.timeout:
                        continue
                    if not chunk:
                        break
                    data += chunk
                if data:
                    with self.lock:
                        self.answers.append(data)
                s.close()
            except OSError:
                pass
            time.sleep(0.02)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()


def probe(port, source="127.0.0.2"):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2, source_address=(source, 0))
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError as e:
        return repr(e)


def probes(port, count=35, every=0.2):
    results = []
    for _ in range(count):
        results.append(probe(port))
        time.sleep(every)
    return results


def connect_from(source, port):
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_until_closed(s, timeout=5.0):
    s.settimeout(timeout)
    data = b""
    try:
        while chunk := s.recv(4096):
            data += chunk
    except OSError as e:
        data += f" [{e!r}]".encode()
    s.close()
    return data


def start(make_daemon, workdir, server_lines):
    source = make_daemon().source
    config = config_with(workdir, source, server_lines)
    port = free_port()
    set_public_port(config, port)
    return make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)


def test(make_daemon, workdir):
    # (a) Only the global bound, as before this change: 150 idle sockets for 40 places.
    d = start(make_daemon, workdir, ["max_connections: 40"])
    with IdleFlood(d.port, 150) as flood:
        time.sleep(1.0)
        results = probes(d.port)
        connects = flood.connects
    ok = results.count(200)
    check(ok == len(results), f"/healthz under an idle flood: {ok} of {len(results)}; others: {[r for r in results if r != 200]}")
    check(connects > 150, f"the flood reconnected when dropped: {connects} connects")
    metrics = d.request("GET", "/metrics")[1]
    check("cxgate_http_connections_evicted_total 0" not in metrics, "idle connections were evicted")
    d.stop()

    # (b) One address's share: 10 places for 127.0.0.1, the rest stays free for others.
    d = start(make_daemon, workdir, ["max_connections: 1000", "max_connections_per_address: 10"])
    with IdleFlood(d.port, 100) as flood:
        time.sleep(1.0)
        results = probes(d.port, count=10, every=0.1)
        held = flood.connects
    check(results.count(200) == len(results), f"/healthz from another address: {results}")
    check(held > 100, f"dropped sockets reconnected: {held}")
    # Ten connections from 127.0.0.3 each in the middle of a request head (not idle, so
    # not evictable); the eleventh gets a 503 with Retry-After, not a reset.
    busy = []
    for _ in range(10):
        s = socket.socket()
        s.bind(("127.0.0.3", 0))
        s.connect(("127.0.0.1", d.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        busy.append(s)
    time.sleep(0.3)
    s = socket.socket()
    s.bind(("127.0.0.3", 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", d.port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while chunk := s.recv(4096):
        answer += chunk
    s.close()
    check(answer.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in answer, f"over the bound: {answer!r}")
    # The body is as long as Content-Length says (it was one byte short: clients that trust
    # the header waited for the byte, then failed).
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    check(len(body) == length, f"Content-Length {length}, body {len(body)} bytes: {body!r}")
    for b in busy:
        b.close()
    metrics = d.request("GET", "/metrics")[1]
    check("cxgate_http_connections_refused_total 0" not in metrics, "refusals are counted")
    d.stop()

    # (c) Timeouts: an idle connection and a trickling head are closed.
    d = start(make_daemon, workdir, ["idle_timeout: 1s", "header_timeout: 1s"])
    idle = socket.create_connection(("127.0.0.1", d.port))
    slow = socket.create_connection(("127.0.0.1", d.port))
    slow.sendall(b"GET /healthz HTTP/1.1\r\n")
    t0 = time.time()
    for s, what in ((idle, "idle"), (slow, "trickling head")):
        s.settimeout(5)
        closed = False
        try:
            while True:
                try:
                    chunk = s.recv(4096)
                except socket.timeout:
                    break
                if not chunk:
                    closed = True
                    break
        except ConnectionResetError:
            closed = True
        check(closed and time.time() - t0 < 4, f"{what} connection closed after its timeout")
        s.close()
    check(d.request("GET", "/healthz")[0] == 200, "healthz afterwards")
    d.stop()

    # (d) 60 idle connections and then a probe from another address, all queued while the
    # daemon is stopped (SIGSTOP), so that one turn of the accept loop finds all of them.
    d = start(make_daemon, workdir, ["max_connections: 40"])
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        queued = [connect_from("127.0.0.1", d.port) for _ in range(60)]
        late = connect_from("127.0.0.2", d.port)
        late.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)
    answer = read_until_closed(late)
    check(answer.startswith(b"HTTP/1.1 200"), f"a client queued behind a full turn: {answer[:80]!r}")
    for s in queued:
        s.close()
    metrics = d.request("GET", "/metrics")[1]
    check("cxgate_http_connections_evicted_total 0" not in metrics, "room was made by closing idle ones")
    d.stop()

    # A client that connected earlier and has not sent its request yet keeps its connection
    # while a turn's worth of flood connections arrives: room is made from the flood's
    # connections a turn later, not from the one client that is not the flood (it was
    # closed, and its request then went nowhere).
    d = start(make_daemon, workdir, ["max_connections: 40"])
    early = connect_from("127.0.0.2", d.port)
    time.sleep(0.3)
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        queued = [connect_from("127.0.0.1", d.port) for _ in range(60)]
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)
    time.sleep(0.5)
    try:
        early.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    except OSError as e:
        check(False, f"the early client's connection was closed: {e!r}")
    answer = read_until_closed(early)
    check(answer.startswith(b"HTTP/1.1 200"), f"the early client, after a full turn: {answer[:80]!r}")
    for s in queued:
        s.close()


run(test)
