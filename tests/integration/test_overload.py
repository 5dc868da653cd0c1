"""Overload is answered with 503 + Retry-After, and the daemon's own work goes on.

Before: the write queue (8,192) was larger than the connection bound (1,024), so the
documented 503 never happened (overload showed up as refused connections); with a small
queue the 503s appeared, but scheduler passes failed with "database queue is full".
Now requests may fill the queue up to database.write_queue (then 503), and internal work
(scheduler passes, the dispatcher's claims and results) has a reserve beyond it.

With write_queue: 16 (and one commit per job), 64 clients posting webhooks without pause
meet 20 scheduler passes that send 60 surveys: some posts get 503 with Retry-After, every
2xx is in the database, no internal job is refused, and every survey is sent."""
import http.client
import json
import sqlite3
import threading
import time

from harness import TOKEN, check, eventually, free_port, run, set_public_port, write_config

CHANNELS = """  sms: { type: sandbox, kind: sms }
  email: { type: sandbox, kind: email }"""

FLOW = """flow: visit
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    delay: 1m
"""


class Load:
    """`n` clients, each posting replies over its own keep-alive connection as fast as
    the answers come, until stopped. Keeps the writer's queue at its bound."""

    def __init__(self, port, n):
        self.port = port
        self.stop_flag = threading.Event()
        self.results = []  # (id, status, Retry-After)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(i,), daemon=True) for i in range(n)]

    def loop(self, k):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while not self.stop_flag.is_set():
            rid = f"load-{k}-{i}"
            body = json.dumps({"from": f"+358455{k:03d}{i:04d}", "text": "9", "id": rid})
            conn.request("POST", "/webhooks/sms/inbound", body=body,
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
            res = conn.getresponse()
            res.read()
            with self.lock:
                self.results.append((rid, res.status, res.getheader("Retry-After")))
            i += 1
        conn.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, CHANNELS, {"visit": FLOW})
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        # All the posts come from 127.0.0.1: no per-address bound here (as behind a proxy).
        text = text.replace("server:\n", "server:\n  max_connections_per_address: 0\n", 1)
        # One commit per job keeps the queue at its bound for as long as the load lasts.
        f.write(text.replace("database:\n", "database:\n  write_queue: 16\n  max_batch: 1\n", 1))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)

    for i in range(60):
        # Due 1 to 20 minutes from now, three at each minute.
        status, body = d.event({"id": f"v{i}", "type": "visit.done",
                                "occurred_at": f"2026-11-16T10:{i // 3:02d}:00+02:00",
                                "contact": {"phone": f"+3584012{i:05d}"}})
        check(status == 202 and body["scheduled"], f"event {i}: {status} {body}")

    # Sustained overload while the surveys fall due a few at a time: every clock step
    # is a scheduler pass, and each due survey a dispatcher claim and result, all
    # competing with the requests for the writer.
    with Load(port, 64) as load:
        time.sleep(0.5)
        for _ in range(20):
            d.advance("1m")
            time.sleep(0.1)
    results = load.results

    ok = [rid for rid, status, _ in results if status == 200]
    busy = [retry for _, status, retry in results if status == 503]
    other = [(rid, status) for rid, status, _ in results if status not in (200, 503)]
    check(not other, f"only 200 or 503: {other[:3]}")
    check(busy, f"some requests got 503 ({len(ok)} of {len(results)} got 200)")
    check(all(retry == "1" for retry in busy), "every 503 has Retry-After")
    check(len(ok) > 0, "some requests got through")

    with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True) as db:
        stored = {row[0] for row in db.execute("SELECT provider_id FROM inbound WHERE provider_id LIKE 'load-%'")}
    missing = [rid for rid in ok if rid not in stored]
    check(not missing, f"every 2xx is durable; missing: {missing[:5]}")

    sent = eventually(lambda: (lambda n: n if n == 60 else None)(
        sum(1 for m in d.outbox() if m["kind"] == "survey" and m["state"] == "sent")), "60 surveys sent", 30)
    check(sent == 60, "every survey was sent")
    log = d.read_log()
    check("database queue is full" not in log, "no internal job was refused: " +
          "\n".join(line for line in log.splitlines() if "queue is full" in line)[:500])
    check("scheduler pass failed" not in log, "no scheduler pass failed")
    metrics = d.request("GET", "/metrics")[1]
    check(f"cxgate_busy_rejections_total {len(busy)}" in metrics, "503s are counted")


run(test)
