"""SIGTERM under load loses nothing that was acknowledged, and lets work under way finish.

The daemon used to stop its loop a fixed 3 s after SIGTERM, whatever was under way: a
request still being read, or a provider send in flight, was cut off (the send left
'sending', to be marked unknown at the next start). Now SIGTERM closes the listening socket
and idle connections, lets requests under way be answered and claimed sends finish (for at
most server.shutdown_grace, 10 s), flushes the writer and exits 0 as soon as that is done.

Here 16 clients post events without pause; a provider send hangs for 5 s; one request has
sent only half its body. SIGTERM in the middle. Then: exit code 0; every event answered
202 is in the database with the surveys its answer listed; the half-sent request, finished
4 s after the signal, is answered 202 with Connection: close; the hanging send is 'sent';
requests after the signal are refused (connection errors, or 503), never a 202 that is lost."""
import http.client
import json
import os
import signal
import socket
import sqlite3
import threading
import time

from harness import (TOKEN, check, eventually, free_port, run, set_public_port, twilio_channels,
                     without_per_address_bound, write_config)
from peers.fake_providers import Twilio

FLOWS = {"stop": """flow: stop
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    delay: 1d
  - id: won
    on: deal.won
    survey: { metric: nps }
    channel: sms
"""}


def event(event_id, event_type="visit.done", phone="0401234567"):
    return {"id": event_id, "type": event_type, "contact": {"phone": phone}}


class Load:
    """n clients posting events over keep-alive connections as fast as the answers come.
    After a connection error a client reconnects and goes on, until stopped."""

    def __init__(self, port, n):
        self.port = port
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.accepted = {}      # event id -> the 202's body
        self.other = []         # (event id, status) of other answers
        self.errors = []        # (event id, time, exception name)
        self.threads = [threading.Thread(target=self.loop, args=(k,), daemon=True) for k in range(n)]

    def loop(self, k):
        conn = None
        i = 0
        while not self.stop_flag.is_set():
            event_id = f"load-{k}-{i}"
            i += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/v1/events", body=json.dumps(event(event_id, phone=f"04012{k:02d}{i:04d}")),
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
                res = conn.getresponse()
                body = res.read()
                with self.lock:
                    if res.status == 202:
                        self.accepted[event_id] = json.loads(body)
                    else:
                        self.other.append((event_id, res.status))
            except (OSError, http.client.HTTPException) as e:
                with self.lock:
                    self.errors.append((event_id, time.time(), type(e).__name__))
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)
        if conn is not None:
            conn.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()


def half_sent_request(port):
    """A POST whose head and half of whose body are sent; the rest comes later."""
    body = json.dumps(event("slow-request")).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
              + body[:len(body) // 2])
    return s, body[len(body) // 2:]


def read_answer(s):
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return answer
        answer += chunk


def message_state(db_path, event_id):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT m.state FROM messages m JOIN surveys s ON s.id = m.survey_id "
                         "WHERE s.event_id = ? AND m.kind = 'survey'", (event_id,)).fetchone()
    return row[0] if row else None


def test(make_daemon, workdir):
    with Twilio() as twilio:
        channels = twilio_channels(twilio)
        source = make_daemon().source
        config = write_config(workdir, source, channels, FLOWS)
        without_per_address_bound(config)
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
        d.start(port=port)

        # A send that is at the provider when the signal comes, for 5 s.
        twilio.script(["hang:5"])
        status, body = d.event(event("slow-send", "deal.won", "0407654321"))
        check(status == 202 and body["scheduled"], f"slow-send: {status} {body}")
        eventually(lambda: message_state(d.db, "slow-send") == "sending", "the send to hang at the provider")

        with Load(port, 16) as load:
            eventually(lambda: len(load.accepted) >= 200, "some load to be acknowledged", timeout=30)
            slow, rest = half_sent_request(port)
            # Accepted and being read when the signal comes (a connection still in the
            # listen backlog is refused, as any new one is).
            time.sleep(0.5)
            signalled = time.time()
            os.kill(d.proc.pid, signal.SIGTERM)
            time.sleep(4)  # beyond the 3 s after which the loop used to be stopped
            slow.sendall(rest)
            answer = read_answer(slow)
            slow.close()
            rc = d.proc.wait(timeout=20)
            exited = time.time()
            time.sleep(0.3)  # the clients meet the closed port too
        log = d.read_log()

        check(rc == 0, f"exit code {rc} after SIGTERM")
        check(exited - signalled < 9, f"stopped {exited - signalled:.1f} s after SIGTERM (grace 10 s)")
        check("signal 15: stopping" in log and "cxgate stopped" in log, "the stop is logged")
        check("shutdown_grace" not in log, "everything finished within the grace")

        head = answer.split(b"\r\n\r\n", 1)[0]
        check(head.startswith(b"HTTP/1.1 202") and b"Connection: close" in head,
              f"the request under way at SIGTERM is answered, then closed: {answer[:300]!r}")

        with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True) as db:
            events = {row[0] for row in db.execute("SELECT id FROM events")}
            surveys = {(row[0], row[1]) for row in db.execute("SELECT id, event_id FROM surveys")}
        lost = [e for e in load.accepted if e not in events]
        check(not lost, f"{len(lost)} of {len(load.accepted)} acknowledged events are missing: {lost[:5]}")
        missing = [(s["id"], e) for e, body in load.accepted.items() for s in body["scheduled"]
                   if (s["id"], e) not in surveys]
        check(not missing, f"acknowledged surveys missing: {missing[:5]}")
        check("slow-request" in events, "the request under way at SIGTERM is recorded")
        check(all(status == 503 for _, status in load.other), f"answers other than 202 and 503: {load.other[:5]}")
        after = [e for e in load.errors if e[1] > signalled]
        check(after, "requests after SIGTERM were refused")
        check(message_state(d.db, "slow-send") == "sent",
              f"the send at the provider finished: {message_state(d.db, 'slow-send')}")
        print(f"{len(load.accepted)} acknowledged, {len(load.other)} busy, {len(after)} refused after "
              f"SIGTERM; stopped in {exited - signalled:.1f} s")


run(test)
