"""Chaos: mixed load while the daemon is killed with SIGKILL every few seconds and started
again on the same database, as a crash-looping host would do to it.

The load, all at once and without pause:
- CRM events (POST /v1/events), each a new customer whose CSAT survey goes out at once
  through Twilio (the fake Twilio in peers/fake_providers.py, a real HTTP server);
- the customers' SMS replies, signed as Twilio signs them, to the surveys Twilio took;
- Twilio's delivery reports for the messages it took;
- answers by link (POST /r/{token}, the email's one-click page) to surveys that were sent.
Events come at about 40/s, Twilio takes up to 100/s. Between kills: 1.5 to 3.5 s (CXGATE_CHAOS_SECONDS, default 45 s in all).

Afterwards, with the daemon started once more and left to settle, then stopped cleanly:
every acknowledged event (202) is in the database with the surveys its answer listed,
every acknowledged reply (200) is in `inbound`, every acknowledged link answer left its
score; no message reached Twilio twice; every survey and message is in a state of
store/states.hpp, none is left 'sending', and no survey got a second survey message.
The figures are printed: kills, acknowledged items, lost (0), sent twice (0)."""
import http.client
import json
import os
import random
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from harness import (TOKEN, answer_url, check, eventually, free_port, run, set_public_port, twilio_channels,
                     without_per_address_bound, write_config)
from peers.fake_providers import Twilio

FLOWS = {"chaos": """flow: chaos
steps:
  - id: visit
    on: visit.done
    survey: { metric: csat, scale: 1-5 }
    follow_up: why
    channel: sms
"""}

SURVEY_STATES = {"scheduled", "sending", "sent", "delivered", "failed", "answered", "commented",
                 "closed", "suppressed", "expired", "opted_out", "superseded"}
MESSAGE_STATES = {"queued", "sending", "sent", "delivered", "failed", "unknown", "cancelled"}


def read_db(path, sql, args=()):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


class Chaos:
    def __init__(self, daemon, twilio, inbound_url):
        self.d = daemon
        self.twilio = twilio
        self.inbound_url = inbound_url
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.events = {}        # acknowledged event id -> survey ids its 202 listed
        self.replies = set()    # acknowledged reply MessageSids
        self.answered = set()   # survey ids whose link answer was acknowledged
        self.reports = 0
        self.refused = Counter()  # what was not acknowledged: connection errors, 503s...
        self.replied_to = set()
        self.reported = set()
        self.threads = ([threading.Thread(target=self.post_events, args=(k,), daemon=True) for k in range(4)]
                        + [threading.Thread(target=self.post_replies, daemon=True),
                           threading.Thread(target=self.post_reports, daemon=True),
                           threading.Thread(target=self.click_answers, daemon=True)])

    def note(self, what):
        with self.lock:
            self.refused[what] += 1

    def post_events(self, k):
        conn = None
        i = 0
        while not self.stop_flag.is_set():
            event_id = f"chaos-{k}-{i}"
            i += 1
            body = {"id": event_id, "type": "visit.done",
                    "contact": {"phone": f"+3584{k}{i:07d}", "name": f"Asiakas {k}-{i}"}}
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.d.port, timeout=10)
                conn.request("POST", "/v1/events", body=json.dumps(body),
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
                res = conn.getresponse()
                data = res.read()
                if res.status == 202:
                    with self.lock:
                        self.events[event_id] = [s["id"] for s in json.loads(data)["scheduled"]]
                else:
                    self.note(f"event {res.status}")
                # A pace the provider can follow (40 customers/s), so that sends, replies
                # and reports are under way at every kill rather than a backlog of events.
                time.sleep(0.1)
            except (OSError, http.client.HTTPException):
                self.note("event: connection")
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
        if conn is not None:
            conn.close()

    def post_replies(self):
        while not self.stop_flag.is_set():
            todo = [r for r in self.twilio.sent() if r.field("To") not in self.replied_to]
            if not todo:
                time.sleep(0.05)
                continue
            for request in todo[:20]:
                to = request.field("To")
                sid = "SM" + os.urandom(16).hex()
                try:
                    status, _, _ = self.twilio.inbound(self.inbound_url, to, request.field("From") or "+358500000001",
                                                       random.choice(["4", "5", "2 jonotin liian kauan", "3"]),
                                                       extra={"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid})
                except OSError:
                    status = None
                if status == 200:
                    with self.lock:
                        self.replies.add(sid)
                        self.replied_to.add(to)
                else:
                    self.note(f"reply {status or 'connection'}")

    def post_reports(self):
        while not self.stop_flag.is_set():
            todo = self._unreported()
            if not todo:
                time.sleep(0.1)
                continue
            for sid in todo[:20]:
                try:
                    status, _, _ = self.twilio.status_callback(sid, "delivered")
                except OSError:
                    status = None
                if status == 200:
                    with self.lock:
                        self.reports += 1
                        self.reported.add(sid)
                else:
                    self.note(f"report {status or 'connection'}")

    def _unreported(self):
        out = []
        for r in self.twilio.sent():
            try:
                sid = json.loads(r.response_body)["sid"]
            except (ValueError, KeyError, TypeError):
                continue
            if sid not in self.reported:
                out.append(sid)
        return out

    def click_answers(self):
        clicked = set()
        while not self.stop_flag.is_set():
            try:
                rows = read_db(self.d.db, "SELECT id, expires_at FROM surveys WHERE state IN ('sent', 'delivered') "
                                          "ORDER BY id DESC LIMIT 20")
            except sqlite3.Error:
                rows = []
            rows = [r for r in rows if r[0] not in clicked and r[1]]
            if not rows:
                time.sleep(0.1)
                continue
            survey_id, expires_at = random.choice(rows)
            clicked.add(survey_id)
            req = urllib.request.Request(answer_url(self.d, survey_id, expires_at), data=b"score=5", method="POST")
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            try:
                with urllib.request.urlopen(req, timeout=10) as res:
                    if res.status == 200:
                        with self.lock:
                            self.answered.add(survey_id)
            except urllib.error.HTTPError as e:
                self.note(f"click {e.code}")
            except OSError:
                self.note("click: connection")
            time.sleep(0.05)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()


def test(make_daemon, workdir):
    seconds = float(os.environ.get("CXGATE_CHAOS_SECONDS", "45"))
    with Twilio() as twilio:
        channels = twilio_channels(twilio, "rate: 100")
        source = make_daemon().source
        config = write_config(workdir, source, channels, FLOWS)
        without_per_address_bound(config)
        port = free_port()
        set_public_port(config, port)
        # The real clock: sends, retries and recovery run as in production.
        d = make_daemon(config=config, manual_clock=False)
        d.start(port=port)

        kills = 0
        rng = random.Random(int(os.environ.get("CXGATE_CHAOS_SEED", "0")) or None)
        with Chaos(d, twilio, f"{d.url}/webhooks/sms/inbound") as chaos:
            end = time.time() + seconds
            while time.time() < end:
                time.sleep(rng.uniform(1.5, 3.5))
                d.stop(signal.SIGKILL)
                kills += 1
                d.start(port=port)
            time.sleep(1)
        # Settle: the last sends and reports go through, then a clean stop.
        settling = time.time()
        eventually(lambda: not read_db(d.db, "SELECT 1 FROM messages WHERE state IN ('queued', 'sending') LIMIT 1"),
                   "every queued message to be sent", timeout=60)
        settled = time.time() - settling
        d.stop()

        events = {row[0] for row in read_db(d.db, "SELECT id FROM events")}
        surveys = {row[0]: row for row in read_db(
            d.db, "SELECT id, state, score, sent_at, event_id FROM surveys")}
        inbound = {row[0] for row in read_db(d.db, "SELECT provider_id FROM inbound")}
        lost_events = [e for e in chaos.events if e not in events]
        lost_surveys = [s for ids in chaos.events.values() for s in ids if s not in surveys]
        lost_replies = [sid for sid in chaos.replies if sid not in inbound]
        lost_answers = [s for s in chaos.answered if surveys.get(s, (0, 0, None))[2] is None]

        sent = Counter((r.field("To"), r.field("Body")) for r in twilio.sent())
        twice = [k for k, n in sent.items() if n > 1]

        bad_survey_states = [(s[0], s[1]) for s in surveys.values() if s[1] not in SURVEY_STATES]
        scoreless = [s[0] for s in surveys.values() if s[1] in ("answered", "commented") and s[2] is None]
        messages = read_db(d.db, "SELECT id, survey_id, kind, state FROM messages")
        bad_message_states = [(m[0], m[3]) for m in messages if m[3] not in MESSAGE_STATES]
        left_sending = [m[0] for m in messages if m[3] == "sending"] + \
                       [s[0] for s in surveys.values() if s[1] == "sending"]
        per_survey = Counter(m[1] for m in messages if m[2] == "survey")
        second_survey_message = [s for s, n in per_survey.items() if n > 1]

        print(f"chaos: {seconds:.0f} s, {kills} kills (SIGKILL) and restarts; settled {settled:.1f} s after the last")
        print(f"acknowledged: {len(chaos.events)} events, {len(chaos.replies)} replies, "
              f"{len(chaos.answered)} link answers, {chaos.reports} delivery reports; "
              f"not acknowledged (refused or cut): {sum(chaos.refused.values())} {dict(chaos.refused.most_common(6))}")
        print(f"twilio took {sum(sent.values())} messages; surveys {len(surveys)}, messages {len(messages)} "
              f"({dict(Counter(m[3] for m in messages))})")
        print(f"lost: {len(lost_events)} events, {len(lost_surveys)} surveys, {len(lost_replies)} replies, "
              f"{len(lost_answers)} answers; sent twice: {len(twice)}; left sending: {len(left_sending)}")

        check(kills >= 5, f"only {kills} kills")
        check(len(chaos.events) >= 50 and chaos.replies and chaos.answered,
              f"too little load was acknowledged to mean anything: {len(chaos.events)} events, "
              f"{len(chaos.replies)} replies, {len(chaos.answered)} answers")
        check(not lost_events, f"acknowledged events missing: {lost_events[:5]}")
        check(not lost_surveys, f"surveys listed in 202s missing: {lost_surveys[:5]}")
        check(not lost_replies, f"acknowledged replies missing: {lost_replies[:5]}")
        check(not lost_answers, f"acknowledged link answers without a score: {lost_answers[:5]}")
        check(not twice, f"messages that reached Twilio twice: {twice[:5]}")
        check(not bad_survey_states and not bad_message_states,
              f"unknown states: {bad_survey_states[:5]} {bad_message_states[:5]}")
        check(not scoreless, f"answered surveys without a score: {scoreless[:5]}")
        check(not left_sending, f"left 'sending' after a clean stop: {left_sending[:5]}")
        check(not second_survey_message, f"surveys with two survey messages: {second_survey_message[:5]}")


if __name__ == "__main__":
    run(test)
