"""Digests and every answer shared, on the real binary.

Two advisors (s-7, s-8) and their lead (s-1). On a manual clock, CSAT answers are recorded
over week 47 (two of s-7's, both 5) and week 48 (s-7: 4, 2 with a comment, which alerts, 5;
s-8: 3 with a comment, and 3 on a step with `share_answers: immediately`, which reaches s-8
at once although it alerts nobody). A weekly digest (`at: "Mon 08:00"`, Helsinki, business
days only) goes to every staff member and to the lead by email, and a second one to the
lead in a Slack room:
- nothing before Monday 2026-11-30 08:00;
- the daemon is down at 08:00 and comes back at 09:30 the same Monday: the digests go then;
- each email has a text and an HTML part (read back from the sandbox with `cxgate outbox
  --eml`) in the person's language (s-8 reads Swedish) with the week's figures, n, margin of
  error and change against week 47 computed here from DESIGN's formulas, the week's
  comments with the customer's first name only, and the open alert with its age; the
  lead's has the team's figures and each member's line;
- the Slack card has the team's figures;
- a restart the same day sends nothing twice, and /metrics counts the digests.
"""
import email
import email.policy
import math
import os

from harness import check, eventually, free_port, run, set_public_port, set_staff, write_config
from peers.chat_stubs import ChatStubs

FLOW = """flow: cx
timezone: Europe/Helsinki
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    follow_up: why
    alert: { when: "score <= 2", notify: [staff] }
  - id: call
    on: call.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    share_answers: immediately
"""

STAFF = """staff:
  - { id: s-7, name: Advisor, email: advisor@example.com, lead: s-1 }
  - { id: s-8, name: Second, email: second@example.com, lead: s-1, locale: sv }
  - { id: s-1, name: Lead, email: lead@example.com }
digests:
  weekly:
    every: week
    at: "Mon 08:00"
    timezone: Europe/Helsinki
    business_days_only: true
    to: [staff, team-lead]
  room:
    at: "Mon 08:00"
    to: [team-lead]
    channel: slack
"""


def channels_yaml(c):
    os.environ["SLACK_WEBHOOK_URL"] = c.slack.webhook_url
    return """  sms: { type: sandbox, kind: sms, from: "+358500000001" }
  email: { type: sandbox, kind: email, from: "palaute@example.com" }
  slack:
    type: slack
    url: ${SLACK_WEBHOOK_URL}"""


def csat(scores):
    """CSAT as DESIGN defines it: % of 4-5 on 1-5, margin 1.96 * sqrt(p(1-p)/n) * 100."""
    n = len(scores)
    p = sum(1 for s in scores if s >= 4) / n
    return 100 * p, (1.96 * math.sqrt(p * (1 - p) / n) * 100 if n >= 2 else None)


def figure(scores):
    value, margin = csat(scores)
    return f"{value:.1f} %" + (f" ± {margin:.1f}" if margin is not None else "")


def change(now, before):
    (v1, m1), (v0, m0) = csat(now), csat(before)
    d, m = v1 - v0, math.sqrt(m1 ** 2 + m0 ** 2)
    words = "ylittää virhemarginaalin" if abs(d) > m else "virhemarginaalin sisällä"
    return f"{d:+.1f} ± {m:.1f} ({words})"


def line(step, now, before, previous="Edellinen jakso", change_word="Muutos"):
    """A figure's line of the text part (fi, the configuration's default locale, unless the
    words say otherwise)."""
    prev = f"{figure(before)} (n {len(before)})" if before else "– (n 0)"
    diff = change(now, before) if before else "–"
    return f"cx / {step} · CSAT: {figure(now)} (n {len(now)}); {previous}: {prev}; {change_word}: {diff}"


def answer(d, n, at, staff, score, comment=None, event="meeting.completed", name="Maija Virtanen"):
    d.request("POST", "/v1/clock", {"set": at})
    phone = f"+35840999{n:04d}"
    status, body = d.event({"id": f"e-{n}", "type": event, "contact": {"phone": phone, "name": name},
                            "staff": {"id": staff}})
    check(status == 202 and body["scheduled"], f"event {n}: {status} {body}")
    d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent", f"survey {n} sent")
    check(d.reply(phone, str(score))["outcome"] == "score", f"answer {n} recorded")
    if comment:
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "why", f"the why of {n}")
        d.reply(phone, comment)


def read_email(d, workdir, message_id):
    path = os.path.join(workdir, f"digest-{message_id}.eml")
    d.cli("outbox", "--config", d.config, "--db", d.db, "--eml", str(message_id), "--out", path)
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    check(msg.get_content_type() == "multipart/alternative", f"multipart: {msg.get_content_type()}")
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(("html",)).get_content()
    return msg, text, html


def digests(d):
    return [m for m in d.outbox() if m["kind"] == "digest"]


def passes(d):
    _, metrics = d.request("GET", "/metrics", token=None)
    return int(next(line.split()[1] for line in metrics.splitlines()
                    if line.startswith("cxgate_scheduler_passes_total ")))


def set_clock_and_pass(d, at):
    """Sets the clock and waits for a scheduler pass that saw it (setting it wakes one)."""
    before = passes(d)
    d.request("POST", "/v1/clock", {"set": at})
    eventually(lambda: passes(d) >= before + 1, f"a scheduler pass at {at}")


def test(make_daemon, workdir):
    with ChatStubs() as c:
        source = make_daemon().source
        config = write_config(workdir, source, channels_yaml(c), {"cx": FLOW})
        set_staff(config, STAFF)
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-17T10:00:00+02:00").start(port=port)

        # Week 47: s-7's two fives.
        answer(d, 1, "2026-11-17T10:00:00+02:00", "s-7", 5)
        answer(d, 2, "2026-11-18T10:00:00+02:00", "s-7", 5)
        # Week 48.
        answer(d, 3, "2026-11-24T10:00:00+02:00", "s-7", 4)
        answer(d, 4, "2026-11-25T10:00:00+02:00", "s-7", 2, comment="Odotin liian kauan")
        d.wait_outbox(lambda m: m["kind"] == "alert" and m["to"] == "advisor@example.com", "the low score's alert")
        answer(d, 5, "2026-11-26T10:00:00+02:00", "s-8", 3, comment="Ihan ok", name="Pekka Puro")
        # share_answers: immediately: a neutral 3, which alerts nobody, reaches s-8 at once.
        answer(d, 6, "2026-11-26T12:00:00+02:00", "s-8", 3, event="call.completed", name="Liisa Laine")
        set_clock_and_pass(d, "2026-11-26T12:00:30+02:00")  # the scheduler's next pass shares it
        shared = d.wait_outbox(lambda m: m["kind"] == "shared", "the shared answer")
        check(len(shared) == 1 and shared[0]["to"] == "second@example.com"
              and shared[0]["body"].startswith("Nytt svar: cx / call, CSAT 3 (1-5), Liisa") and "Laine" not in shared[0]["body"],
              f"the shared answer: {shared}")
        check(not [m for m in d.outbox() if m["kind"] == "alert" and m["to"] == "second@example.com"],
              "a neutral answer is no alert")
        answer(d, 7, "2026-11-27T10:00:00+02:00", "s-7", 5)

        # Nothing before Monday 08:00; then the daemon is down at 08:00.
        d.request("POST", "/v1/clock", {"set": "2026-11-28T12:00:00+02:00"})
        set_clock_and_pass(d, "2026-11-30T07:59:00+02:00")
        check(not digests(d), "no digest before Monday 08:00")
        d.stop()

        # Back at 09:30 the same Monday: the week's digests go now.
        d = make_daemon(config=config, now="2026-11-30T09:30:00+02:00").start(port=port)
        sent = eventually(lambda: (lambda rows: rows if len(rows) == 4 and all(m["state"] == "sent" for m in rows)
                                   else None)(digests(d)), "four digests sent")
        by_to = {m["to"]: m for m in sent}
        check(set(by_to) == {"advisor@example.com", "second@example.com", "lead@example.com", "s-1"},
              f"recipients: {sorted(by_to)}")
        check(by_to["s-1"]["channel"] == "slack", f"the room's digest on Slack: {by_to['s-1']}")

        s7_week47, s7_week48 = [5, 5], [4, 2, 5]
        # s-7: their own figures, comment, alert.
        msg, text, html = read_email(d, workdir, by_to["advisor@example.com"]["id"])
        check(msg["Subject"] == "Viikkokooste, viikko 48: Advisor", f"subject: {msg['Subject']}")
        check("List-Unsubscribe" not in msg, "a digest to staff has no unsubscribe header")
        check("Hei Advisor," in text and "2026-11-23 – 2026-11-29" in text, f"greeting and week:\n{text}")
        check(line("meeting", s7_week48, s7_week47) in text, f"s-7's figure:\n{line('meeting', s7_week48, s7_week47)}\n{text}")
        check('Maija: "Odotin liian kauan"' in text and "Virtanen" not in text, f"the comment, first name only:\n{text}")
        check("Ihan ok" not in text, "another advisor's comment is not in s-7's digest")
        check("cx / meeting · CSAT 2 (1-5), Advisor: avoinna 4 d" in text, f"the open alert and its age:\n{text}")
        check("<table" in html and "66.7 % ± 53.3" in html and "Odotin liian kauan" in html
              and "Avoimet hälytykset" in html, f"the HTML part:\n{html}")

        # s-8 reads Swedish (`locale: sv`): no week before, the neutral call too.
        msg, text, _ = read_email(d, workdir, by_to["second@example.com"]["id"])
        check(msg["Subject"] == "Veckosammanfattning, vecka 48: Second", f"subject: {msg['Subject']}")
        sv = ("Föregående period", "Förändring")
        check(line("meeting", [3], [], *sv) in text and line("call", [3], [], *sv) in text, f"s-8's figures:\n{text}")
        check('Pekka: "Ihan ok"' in text and "Inga öppna larm." in text, f"s-8's comment, no alerts:\n{text}")

        # The lead: the team's figures, each member's line, both comments, the alert.
        team_week48 = s7_week48 + [3]
        _, text, html = read_email(d, workdir, by_to["lead@example.com"]["id"])
        check("Tiimisi" in text and line("meeting", team_week48, s7_week47) in text,
              f"the team's figure:\n{line('meeting', team_week48, s7_week47)}\n{text}")
        check("ylittää virhemarginaalin" in line("meeting", team_week48, s7_week47),
              "the team's drop is beyond its margin")
        members = text.split("Tiimin jäsenet")[1]
        check("  Advisor\n    " + line("meeting", s7_week48, s7_week47) in members
              and "  Second\n    " in members, f"each member's line:\n{members}")
        check("Kommentit (2)" in text and "Odotin liian kauan" in text and "Ihan ok" in text,
              f"the team's comments:\n{text}")
        check("cx / meeting · CSAT 2 (1-5), Advisor: avoinna 4 d" in text, f"the team's open alert:\n{text}")

        # The room: a Slack card with the team's figures.
        post = c.slack.wait_sent(what="the digest on Slack")[0]
        payload = post.json
        check(payload["blocks"][0]["text"]["text"] == "Viikkokooste, viikko 48: Lead", f"header: {payload['blocks'][0]}")
        fields = [f["text"] for b in c.slack.blocks_of(post, "section") for f in b.get("fields", [])]
        value, margin = csat(team_week48)
        check(any("cx / meeting · CSAT" in f and f"{value:.1f} % ± {margin:.1f} (n 4)" in f for f in fields),
              f"the team's figure as a field: {fields}")
        c.assert_clean()

        # A restart the same day sends nothing twice.
        d.stop()
        d = make_daemon(config=config, now="2026-11-30T10:00:00+02:00").start(port=port)
        set_clock_and_pass(d, "2026-11-30T10:01:00+02:00")
        check(len(digests(d)) == 4, f"no digest twice: {len(digests(d))}")
        status, metrics = d.request("GET", "/metrics", token=None)
        check("cxgate_digests_sent_total 4" in metrics, "the digests in /metrics")
        # The next Monday: the next week's digests (no answers in week 49, week 48 before it).
        d.request("POST", "/v1/clock", {"set": "2026-12-07T08:00:00+02:00"})
        eventually(lambda: len(digests(d)) > 4, "week 49's digests")


if __name__ == "__main__":
    run(test)
