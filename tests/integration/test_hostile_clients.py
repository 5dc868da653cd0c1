"""Hostile clients cannot take the service down: 10,000 idle connections, slowloris heads,
slow bodies and 100 KB headers at once, with default server settings (1,024 connections,
128 per address, header_timeout 10 s, idle_timeout 15 s).

The attack comes from 127.0.0.10-127.0.0.29 (500 idle connections from each, 100 slowloris
heads sending one header byte a second, 40 bodies trickling a byte a second, and a 100 KB
header block); meanwhile a client at 127.0.0.2 probes /healthz and posts an event every
0.2 s. Each probe must be answered within 3 s (PROBE_BOUND_S: 2 s for the daemon and the
1 s after which TCP sends again a SYN the kernel dropped on the full listen queue); the
daemon holds at most max_connections; its RSS stays under the ceiling printed; the slow
heads are closed by header_timeout and the slow bodies by the 30 s body deadline; the 100 KB head gets 431. Figures printed:
connections held, probes answered, worst probe latency (and the slowest five, split into
connecting and being answered), RSS."""
import json
import resource
import socket
import threading
import time

from harness import SANDBOX_CHANNELS, TOKEN, check, free_port, run, set_public_port, write_config

FLOW = """flow: hostile
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    delay: 1d
"""
ATTACKERS = [f"127.0.0.{i}" for i in range(10, 30)]
# 2 s for the daemon, plus the one retransmission TCP makes after 1 s when the kernel drops
# a probe's SYN (or its handshake's last ACK) because the flood filled the listen queue:
# the kernel's doing, before the daemon can see the connection.
PROBE_BOUND_S = 3.0


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def connect_from(address, port, block=True):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((address, 0))
    if block:
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
    else:
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
    return s


def http_exchange(port, request, timeout=5.0):
    """One request from 127.0.0.2 (not an attacker); returns (status, seconds to connect,
    seconds from connected to the answer's head)."""
    started = time.monotonic()
    try:
        s = connect_from("127.0.0.2", port)
    except OSError:
        return None, time.monotonic() - started, 0.0
    connected = time.monotonic()
    s.settimeout(timeout)
    try:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    except OSError:
        status = None
    finally:
        s.close()
    return status, connected - started, time.monotonic() - connected


class Prober(threading.Thread):
    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop_flag = threading.Event()
        self.results = []  # (what, status, seconds to connect, seconds to answer, started at)

    def probe(self, what, request):
        started = time.monotonic()
        self.results.append((what,) + http_exchange(self.port, request) + (started,))

    def run(self):
        i = 0
        while not self.stop_flag.is_set():
            self.probe("healthz", b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            body = json.dumps({"id": f"probe-{i}", "type": "visit.done", "contact": {"phone": f"+3584011{i:05d}"}}).encode()
            self.probe("event", b"POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                       + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            i += 1
            time.sleep(0.2)


def trickle(sockets, payload_of, stop_flag):
    """Sends one more byte of each socket's payload every second until stopped."""
    sent = {id(s): 0 for s in sockets}
    while not stop_flag.is_set():
        for s in sockets:
            payload = payload_of(s)
            n = sent[id(s)]
            if n < len(payload):
                try:
                    s.send(payload[n:n + 1])
                    sent[id(s)] = n + 1
                except OSError:
                    pass
        stop_flag.wait(1.0)


def closed_by_peer(s):
    try:
        s.setblocking(False)
        data = s.recv(65536)
        return data == b"" or data.startswith(b"HTTP/1.1 4") or data.startswith(b"HTTP/1.1 5")
    except BlockingIOError:
        return False
    except OSError:
        return True


def test(make_daemon, workdir):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    want = min(hard, 20000)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the daemon inherits it
    # 10,000 where the machine allows it (a smaller hard limit leaves room for the rest).
    idle_count = min(10000, want - 1200)
    check(idle_count >= 2000, f"RLIMIT_NOFILE hard limit {hard} leaves too few sockets")

    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"hostile": FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)
    rss_before = rss_mb(d.proc.pid)

    prober = Prober(port)
    prober.start()
    stop = threading.Event()

    # 100 KB of headers: refused with 431, the connection closed.
    big = connect_from(ATTACKERS[0], port)
    big.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(
        f"X-Pad-{i}: {'a' * 1000}\r\n".encode() for i in range(100)) + b"\r\n")
    answer = b""
    try:
        while True:
            chunk = big.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    big.close()
    check(answer.startswith(b"HTTP/1.1 431"), f"100 KB of headers: {answer[:80]!r}")

    # Slowloris heads (5 addresses x 20) and slow bodies (4 x 10): one byte a second.
    slow_heads = [connect_from(ATTACKERS[1 + k % 5], port) for k in range(100)]
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    body = b"x" * 500
    slow_bodies = [connect_from(ATTACKERS[6 + k % 4], port) for k in range(40)]
    for s in slow_bodies:
        s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    payloads = {id(s): head for s in slow_heads}
    payloads.update({id(s): body for s in slow_bodies})
    trickler = threading.Thread(target=trickle, args=(slow_heads + slow_bodies, lambda s: payloads[id(s)], stop),
                                daemon=True)
    trickler.start()
    attack_started = time.monotonic()

    # 10,000 idle connections, 500 from each of 20 addresses, opened as fast as possible.
    idle = []
    for k in range(idle_count):
        try:
            idle.append(connect_from(ATTACKERS[k % len(ATTACKERS)], port, block=False))
        except OSError:
            break
    opened = time.monotonic() - attack_started

    peak_rss, held = rss_before, 0
    while time.monotonic() - attack_started < 36:
        peak_rss = max(peak_rss, rss_mb(d.proc.pid))
        status, metrics = d.request("GET", "/metrics")
        for line in str(metrics).splitlines():
            if line.startswith("cxgate_http_connections_open "):
                held = max(held, int(float(line.split()[1])))
        time.sleep(1)
    heads_closed = sum(1 for s in slow_heads if closed_by_peer(s))
    bodies_closed = sum(1 for s in slow_bodies if closed_by_peer(s))
    stop.set()
    prober.stop_flag.set()
    prober.join()
    trickler.join()
    for s in idle + slow_heads + slow_bodies:
        s.close()

    answered = [r for r in prober.results if r[1] in (200, 202)]
    worst = max(r[2] + r[3] for r in prober.results)
    worst_answer = max(r[3] for r in prober.results)
    slowest = sorted(prober.results, key=lambda r: -(r[2] + r[3]))[:5]
    print("slowest probes (what, status, ms to connect + ms to answer, started s after the attack): "
          + ", ".join(f"({w}, {st}, {c * 1000:.0f} + {a * 1000:.0f}, {at - attack_started:+.1f})"
                      for w, st, c, a, at in slowest))
    failed = [(what, status, round(c, 3), round(a, 3), round(at - attack_started, 1))
              for what, status, c, a, at in prober.results
              if status not in (200, 202) or c + a > PROBE_BOUND_S]
    print(f"attack: {len(idle)} idle connections opened in {opened:.1f} s, 100 slowloris heads, 40 slow "
          f"bodies, a 100 KB head (431); the daemon held at most {held} connections")
    print(f"probes from another address: {len(answered)} of {len(prober.results)} answered, worst "
          f"{worst * 1000:.0f} ms, worst once connected {worst_answer * 1000:.0f} ms; slow heads closed {heads_closed}/100, slow bodies closed {bodies_closed}/40; "
          f"RSS {rss_before:.0f} -> peak {peak_rss:.0f} MB")
    check(not failed, f"probes that failed or took over {PROBE_BOUND_S} s: {failed[:5]}")
    check(held <= 1024, f"held {held} connections, above max_connections")
    check(heads_closed == 100, f"{100 - heads_closed} slowloris heads still open after 36 s (header_timeout 10 s)")
    check(bodies_closed == 40, f"{40 - bodies_closed} slow bodies still open after 36 s (body deadline 30 s)")
    check(peak_rss < rss_before + 400, f"RSS grew from {rss_before:.0f} to {peak_rss:.0f} MB")
    status, _ = d.request("GET", "/healthz")
    check(status == 200, f"/healthz after the attack: {status}")


if __name__ == "__main__":
    run(test)
