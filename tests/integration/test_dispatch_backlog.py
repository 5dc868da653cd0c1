"""A backlog of queued messages goes out at the channel's rate, not in bursts 30 s apart.

Before: a scheduler pass hands the dispatcher at most 500 queued messages; the next pass
came at the next due instant or 30 s later, so after a restart (or any backlog of more than
500) the channel sat idle between bursts: a chaos run's last 273 messages waited 23 s.
Now the dispatcher says when its queue runs dry and the scheduler, knowing it left
messages behind, runs again at once.

Here 1,200 surveys are queued while the channel takes 1 message/s; the daemon is stopped,
the rate raised to 1,000/s and the daemon started again: every message is out within 15 s
(three bursts 30 s apart took over a minute)."""
import sqlite3
import time

from harness import TOKEN, check, free_port, run, set_public_port, write_config

FLOWS = {"backlog": """flow: backlog
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    channel: sms
"""}

SLOW = """  sms: { type: sandbox, kind: sms, from: "+358500000001", rate: 1 }
  email: { type: sandbox, kind: email, from: "palaute@example.com" }"""
COUNT = 1200


def queued(db_path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT count(*) FROM messages WHERE state IN ('queued', 'sending')").fetchone()[0]


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SLOW, FLOWS)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
    d.start(port=port)
    for i in range(COUNT):
        status, body = d.event({"id": f"b-{i}", "type": "visit.done", "contact": {"phone": f"+35840{i:07d}"}})
        check(status == 202 and body["scheduled"], f"event {i}: {status} {body}")
    deadline = time.time() + 30
    while queued(d.db) < COUNT - 60 and time.time() < deadline:
        time.sleep(0.2)
    backlog = queued(d.db)
    check(backlog >= COUNT - 60, f"only {backlog} messages queued")
    d.stop()

    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("rate: 1 }", "rate: 1000, burst: 100 }"))
    started = time.time()
    d.start(port=port)
    while queued(d.db) and time.time() - started < 90:
        time.sleep(0.1)
    took = time.time() - started
    left = queued(d.db)
    print(f"{backlog} queued messages sent in {took:.1f} s after the restart ({left} left)")
    check(left == 0 and took < 15, f"{backlog} queued messages took {took:.1f} s to go out ({left} left)")


if __name__ == "__main__":
    run(test)
