"""A sandbox email survey as a newcomer tries it, with no mail server.

An NPS survey goes out on the sandbox email channel. The sandbox keeps the email exactly as
an email provider would have got it (text and HTML parts, score links signed for this
daemon, unsubscribe headers), and `cxgate outbox`:
- lists it with a note that it has an HTML part and the command that opens it; `--json`
  gives its text part (with the score links) and says it has HTML;
- `--html ID` writes the HTML part to a file (beside the database, owner-only) and prints
  its file:// URL; without the secrets of the service, as every command but serve and check;
  `--html --to ADDRESS` finds the newest email to that address, `--eml ID` writes the whole
  email, which Python's email parser reads back as multipart/alternative;
- says why for an unknown id, an SMS, and an email sent before the emails were kept.
A person then clicks 9 in the written file, as a browser would: the GET shows the answer
page with 9 pre-selected, the page's form posts the score and a reason, and the score is
recorded (the survey and `cxgate report` say so). Erasing the person takes the kept email
out of the database files too.
"""
import email
import email.policy
import glob
import html.parser
import json
import os
import re
import sqlite3
import stat
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from harness import SANDBOX_CHANNELS, check, free_port, run, set_public_port, write_config

FLOWS = {
    "close": """flow: close
timezone: Europe/Helsinki
steps:
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: email
    follow_up: why
    expires: 7d
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
""",
}

NAME = "<Matti & Co> Oy"
ADDRESS = "matti@example.com"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Links(html.parser.HTMLParser):
    """The links of a page: every <a href>, and those inside the score-button table."""

    def __init__(self):
        super().__init__()
        self.all, self.buttons, self.forms, self._in_table = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("role") == "presentation":
            self._in_table += 1
        if tag == "a" and "href" in attrs:
            self.all.append(attrs["href"])
            if self._in_table:
                self.buttons.append(attrs["href"])
        if tag == "form":
            self.forms.append((attrs.get("method"), attrs.get("action")))

    def handle_endtag(self, tag):
        if tag == "table" and self._in_table:
            self._in_table -= 1


def parse(page):
    p = Links()
    p.feed(page)
    return p


def fetch(url, data=None):
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with NO_PROXY.open(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, FLOWS)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-23T10:00:00+02:00")
    d.start(port=port)
    without_secrets = {k: v for k, v in os.environ.items() if not k.startswith("CXGATE_")}

    def outbox(*args, env=None):
        return subprocess.run([d.binary, "outbox", "--config", config, "--db", d.db, *args], capture_output=True,
                              text=True, env=env or d.env, timeout=30)

    status, body = d.event({"id": "won-1", "type": "deal.won", "contact": {"email": ADDRESS, "name": NAME, "locale": "fi"},
                            "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
    check(status == 202 and body["scheduled"], f"event: {status} {body}")
    survey_id = body["scheduled"][0]["id"]
    sent = d.wait_outbox(lambda m: m["kind"] == "survey" and m["to"] == ADDRESS and m["state"] == "sent",
                         "the survey email sent")[0]
    mid = sent["id"]

    # --- the listing: the body, and how to open the email
    res = outbox()
    check(res.returncode == 0, f"outbox: {res.stdout}{res.stderr}")
    check(f"[email with an HTML part and score buttons; open it: {d.binary} outbox --html {mid} --config {config} "
          f"--db {d.db}]" in res.stdout, f"the listing says how to open the email: {res.stdout}")
    check(sent["has_html"] is True and sent["text_part"].startswith(sent["body"]), f"--json: {sent}")

    # --- --html ID: the HTML part in a file beside the database, without the service's secrets
    res = outbox("--html", str(mid), env=without_secrets)
    check(res.returncode == 0, f"outbox --html: {res.returncode} {res.stdout}{res.stderr}")
    path = os.path.join(workdir, f"outbox-{mid}.html")
    check(f"wrote {path}: the HTML part of message #{mid} (survey to {ADDRESS})" in res.stdout, res.stdout)
    check(f"open it in a browser: file://{path}" in res.stdout, res.stdout)
    check(f"its score buttons link to {d.url} (server.public_url)" in res.stdout, res.stdout)
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "the file is readable by its owner only")
    with open(path, encoding="utf-8") as f:
        page = f.read()
    check("Hei &lt;Matti!" in page and "<Matti" not in page, "the name is escaped in HTML")
    check("<script" not in page and "<img" not in page and "<style" not in page, "no scripts, images or styles")
    links = parse(page)
    buttons = {}
    for url in links.buttons:
        m = re.fullmatch(re.escape(d.url) + r"/r/([A-Za-z0-9_.-]+)/(\d+)", url)
        check(m, f"a score button links to this daemon: {url}")
        buttons[int(m.group(2))] = url
    check(sorted(buttons) == list(range(11)), f"buttons 0-10: {links.buttons}")
    token = buttons[9].split("/")[-2]
    check(all(u.split("/")[-2] == token for u in buttons.values()), "one token per email")
    check(any(u.startswith(d.url + "/u/") for u in links.all), "the unsubscribe link")
    # The text part carries the same links.
    for score, url in buttons.items():
        check(f"{score}: {url}\n" in sent["text_part"], f"the text part has the link for {score}")
    check("Hei <Matti!" in sent["text_part"], "the text part is plain")

    # --html --to: the newest email to that address, the same file; --out elsewhere.
    other = os.path.join(workdir, "mail.html")
    res = outbox("--html", "--to", ADDRESS, "--out", other)
    check(res.returncode == 0 and f"wrote {other}" in res.stdout, f"--html --to: {res.stdout}{res.stderr}")
    with open(other, encoding="utf-8") as f:
        check(f.read() == page, "the same email, as kept: not built again")

    # --eml: the whole email for a mail client.
    eml = os.path.join(workdir, "mail.eml")
    res = outbox("--eml", str(mid), "--out", eml)
    check(res.returncode == 0 and "open it in a mail client: file://" in res.stdout, f"--eml: {res.stdout}{res.stderr}")
    with open(eml, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    check(msg["To"] == ADDRESS and msg["From"] == "palaute@example.com", f"From/To: {msg['From']} {msg['To']}")
    check(msg["Subject"] and msg["Message-ID"].startswith(f"<cx-{mid}."), f"headers: {dict(msg)}")
    check(msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and d.url + "/u/" in msg["List-Unsubscribe"],
          "one-click unsubscribe headers")
    check(msg.get_content_type() == "multipart/alternative", msg.get_content_type())
    text_part = msg.get_body(("plain",)).get_content()
    html_part = msg.get_body(("html",)).get_content()
    check(text_part.replace("\r\n", "\n") == sent["text_part"], "the text part as kept")
    check(html_part.replace("\r\n", "\n") == page, "the HTML part as kept")

    # --- clear errors
    res = outbox("--html", "9999")
    check(res.returncode == 1 and "no message #9999" in res.stderr, f"unknown id: {res.stderr}")
    status, body = d.event({"id": "meet-1", "type": "meeting.completed", "contact": {"phone": "040 123 4567"}})
    sms = d.wait_outbox(lambda m: m["channel"] == "sms" and m["state"] == "sent", "the SMS sent")[0]
    check("text_part" not in sms and "has_html" not in sms, f"an SMS has no email: {sms}")
    res = outbox("--html", str(sms["id"]))
    check(res.returncode == 1 and f"message #{sms['id']} is not an email (channel sms)" in res.stderr,
          f"an SMS: {res.stderr}")
    status, body = d.event({"id": "won-2", "type": "deal.won", "contact": {"email": "liisa@example.com"}})
    older = d.wait_outbox(lambda m: m["to"] == "liisa@example.com" and m["state"] == "sent", "a second email")[0]
    with sqlite3.connect(d.db) as db:  # as if it had been sent before the emails were kept
        db.execute("DELETE FROM delivered_emails WHERE message_id = ?", (older["id"],))
    res = outbox("--html", str(older["id"]))
    check(res.returncode == 1 and "was sent before this version of cxgate kept the emails it sends" in res.stderr,
          f"an email sent before: {res.stderr}")
    res = outbox("--html", "--to", "liisa@example.com")
    check(res.returncode == 1 and "no sandbox email among the newest 50 messages to liisa@example.com" in res.stderr,
          f"--to without a kept email: {res.stderr}")

    # --- a person clicks 9 in the file, as a browser: GET the link, then the page's form
    status, answer_page = fetch(buttons[9])
    check(status == 200 and 'value="9" checked' in answer_page, f"the answer page with 9 selected: {status}")
    forms = parse(answer_page).forms
    check(len(forms) == 1 and forms[0][0] == "post", f"one form: {forms}")
    action = forms[0][1].replace("&amp;", "&")
    check(action == f"{d.url}/r/{token}", f"the form posts to this daemon: {action}")
    status, thanks = fetch(action, urllib.parse.urlencode({"score": "9", "comment": "Nopea palvelu"}).encode())
    check(status == 200 and "Kiitos vastauksestasi" in thanks, f"Send: {status}")
    survey = d.survey(survey_id)
    check(survey.get("score") == 9 and survey["comment"] == "Nopea palvelu" and survey["state"] == "commented",
          f"the score and the reason recorded: {survey}")
    rows = {r["step"]: r for r in d.report("close")["rows"]}
    check(rows["close"]["n"] == 1 and rows["close"]["promoters_pct"] == 100.0, f"report: {rows}")

    # --- erasure takes the kept email too
    token_bytes = token.split(".")[0].encode()
    unsubscribe = [u for u in links.all if u.startswith(d.url + "/u/")][0].split("/u/")[1].split(".")[0].encode()

    def files():
        out = b""
        for p in glob.glob(os.path.join(workdir, "cxgate.db*")):
            with open(p, "rb") as f:
                out += f.read()
        return out

    check(files().find(unsubscribe) >= 0, "before: the kept email is in the database")
    status, body = d.request("POST", "/v1/privacy/forget", {"email": ADDRESS})
    check(status == 200 and body["found"], f"forget: {status} {body}")
    data = files()
    check(data.find(unsubscribe) < 0 and data.find(token_bytes) < 0, "after forget, no byte of the kept email")
    res = outbox("--html", str(mid))
    check(res.returncode == 1 and f"no message #{mid}" in res.stderr, f"after forget: {res.stderr}")


if __name__ == "__main__":
    run(test)
