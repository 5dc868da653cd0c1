"""Score buttons in a survey email, against link scanners and a real browser.

An NPS survey goes out through a real SMTP server on loopback. Its HTML part carries one
button per score (0-10) and its text part the same links; the contact's name is escaped
in HTML and plain in text.
(a) A link scanner fetches every score link with HEAD and GET in a burst: its GETs are
    pending clicks of different scores, voided once the settle time (60 s) has passed; no
    score is recorded (see README, "Email surveys").
(b) A person, in headless Chromium (phone-sized), opens the link for 9: the page in the
    contact's locale has 9 pre-selected; they type a reason and press "Lähetä"; the
    survey has score 9 and the comment at once. A screenshot of the page is kept in the
    build tree (test-artifacts/landing.png, landing-thanks.png after the submit, and
    email.png: the email's HTML part as a phone shows it).
(c) A person's click alone (a GET of the link for 8, no Send), after HEADs and prefetches
    of other links that record nothing: once the settle time has passed the survey has
    score 8; a Send after that still adds the reason. A low score by click alerts once,
    with the reason the Send brings.
Then: a second submit changes nothing, a tampered token gets 404, an expired survey's
link gets 410, in Swedish for a Swedish contact.
"""
import concurrent.futures
import os
import re
import urllib.error
import urllib.parse
import urllib.request

from harness import check, eventually, free_port, run, set_public_port, write_config
from peers.smtp_sink import SmtpSink
from peers.webdriver import Browser

FLOWS = {
    "close": """flow: close
timezone: Europe/Helsinki
send_window: { days: mon-sun, from: "00:00", to: "24:00" }
steps:
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: email
    follow_up: why
    expires: 7d
    alert: { when: "score <= 6", notify: [staff] }
""",
}

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url, method="GET", data=None, headers=None):
    """(status, body text) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with NO_PROXY.open(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def score_links(mail, base):
    """{score: url} from the HTML part; checks the text part has the same links."""
    links = {}
    for url in mail.links:
        m = re.fullmatch(re.escape(base) + r"/r/([A-Za-z0-9_.-]+)/(\d+)", url)
        if m:
            links[int(m.group(2))] = url
    for score, url in links.items():
        check(f"{score}: {url}" in mail.text, f"text part has the link for {score}")
    return links


def test(make_daemon, workdir):
    smtp = SmtpSink(os.path.join(workdir, "mail")).start()
    try:
        channels = f"""  email:
    type: smtp
    from: kysely@example.com
    reply_to: vastaukset@example.com
    url: {smtp.url}"""
        config = write_config(workdir, d_source(make_daemon), channels, FLOWS)
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
        d.start(port=port)
        artifacts = os.path.join(os.path.dirname(os.path.abspath(d.binary)), "test-artifacts")

        status, body = d.event({"id": "won-1", "type": "deal.won",
                                "contact": {"email": "matti@example.com", "name": "<Matti & Co> Oy", "locale": "fi"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        check(status == 202 and body["scheduled"], f"event: {status} {body}")
        survey_id = body["scheduled"][0]["id"]
        mail = smtp.wait_messages(1)[0]

        # --- the email: escaped HTML, plain text, one signed link per score
        check("Hei <Matti!" in mail.text, f"text part is plain: {mail.text[:200]}")
        check("Hei &lt;Matti!" in mail.html and "<Matti" not in mail.html, "HTML part escapes the name")
        check("<script" not in mail.html and "<img" not in mail.html and "<style" not in mail.html,
              "no scripts, images or style blocks in the email")
        links = score_links(mail, d.url)
        check(sorted(links) == list(range(11)), f"buttons 0-10: {sorted(links)}")
        token = links[9].split("/")[-2]
        check(all(u.split("/")[-2] == token for u in links.values()), "one token per email")
        check(len(token) >= 60, f"token long enough to be unguessable: {token}")

        # --- (a) a link scanner: HEAD and GET every link, all at once, twice
        def scan(url):
            return fetch(url, "HEAD")[0], fetch(url)
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(scan, list(links.values()) * 2 + [f"{d.url}/r/{token}"]))
        for head_status, (get_status, page) in results:
            check(head_status == 200 and get_status == 200, f"scanner fetches: {head_status} {get_status}")
            check("<form" in page, "GET shows the form")
        check('value="4" checked' in fetch(links[4])[1], "the clicked score is pre-selected")
        survey = d.survey(survey_id)
        check(survey.get("score") is None and survey["state"] in ("sent", "delivered"),
              f"no score after the scanner: {survey}")
        clicks = survey["clicks"]
        check(sorted(c["score"] for c in clicks) == list(range(11))
              and all(c["state"] == "pending" for c in clicks),
              f"the scanner's GETs are pending clicks, one per score: {clicks}")
        d.advance("2m")
        survey = eventually(
            lambda: (lambda s: s if all(c["state"] == "void" for c in s["clicks"]) else None)(
                d.survey(survey_id)),
            "the scanner's burst of different scores is voided once settled")
        check(survey.get("score") is None and survey["state"] in ("sent", "delivered"),
              f"no score after the scanner's burst settled: {survey}")

        # --- a tampered token: 404, and a POST with it records nothing
        bad = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
        status, page = fetch(f"{d.url}/r/{bad}/9")
        check(status == 404 and "Linkki ei kelpaa" in page, f"tampered token: {status}")
        status, _ = fetch(f"{d.url}/r/{bad}", "POST", b"score=2&comment=forged")
        check(status == 404, f"tampered POST: {status}")
        status, _ = fetch(f"{d.url}/r/{token}", "PUT", b"score=2")
        check(status == 405, f"PUT: {status}")
        check(d.survey(survey_id).get("score") is None, "nothing recorded by a tampered token")

        # --- (b) a person in Chromium: open 9, type why, press Lähetä
        comment = "Nopea ja ystävällinen palvelu <3 & kiitos"
        with Browser() as b:
            # The email's HTML part as a phone shows it (for review; no remote content).
            os.makedirs(artifacts, exist_ok=True)
            email_html = os.path.join(artifacts, "email.html")
            with open(email_html, "w", encoding="utf-8") as f:
                f.write(mail.html)
            b.open("file://" + email_html)
            check(len(b.find_all("table[role=presentation] a")) == 11, "11 buttons in the rendered email")
            print(f"screenshot: {b.screenshot(os.path.join(artifacts, 'email.png'))}")
            b.open(links[9])
            b.wait_text("h1", "Kiitos")
            check(b.selected(b.find("input[name=score][value='9']")), "9 is selected in the browser")
            check(b.property(b.find("meta[name=viewport]"), "content").startswith("width=device-width"),
                  "phone viewport")
            b.type(b.find("textarea[name=comment]"), comment)
            shot = b.screenshot(os.path.join(artifacts, "landing.png"))
            print(f"screenshot: {shot}")
            b.click(b.find("button[type=submit]"))
            b.wait_text("h1", "Kiitos vastauksestasi")
            check(b.text(b.find(".score")) == "9", "the thank-you page shows the score")
            print(f"screenshot: {b.screenshot(os.path.join(artifacts, 'landing-thanks.png'))}")
        # Recorded at once by the Send, not after a settle time.
        survey = d.survey(survey_id)
        check(survey.get("score") == 9, f"score 9 recorded from the browser: {survey}")
        check(survey["comment"] == comment, f"comment recorded as typed: {survey.get('comment')!r}")
        check(survey["state"] == "commented", f"state: {survey['state']}")
        check([(c["score"], c["state"]) for c in survey["clicks"] if c["state"] != "void"] == [(9, "closed")],
              f"the browser's click is closed by its Send: {survey['clicks']}")

        # --- idempotent: a second submit (or another score) changes nothing
        status, page = fetch(f"{d.url}/r/{token}", "POST", b"score=2&comment=again")
        check(status == 200 and "Kiitos vastauksestasi" in page, f"second submit thanks: {status}")
        status, page = fetch(links[3])
        check(status == 200 and "Kiitos vastauksestasi" in page and "<form" not in page,
              "an answered survey's link shows the thank-you")
        survey = d.survey(survey_id)
        check(survey["score"] == 9 and survey["comment"] == comment, f"unchanged: {survey}")
        check(len(smtp.messages()) == 1, "a 9 alerts nobody")

        # --- a low score from the page alerts the staff member, with the comment
        status, body = d.event({"id": "won-2", "type": "deal.won",
                                "contact": {"email": "liisa@example.com", "name": "Liisa", "locale": "fi"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        low_id = body["scheduled"][0]["id"]
        low_mail = smtp.wait_messages(1, lambda m: m.envelope_to == ["liisa@example.com"])[0]
        low_links = score_links(low_mail, d.url)
        low_token = low_links[2].split("/")[-2]
        status, page = fetch(f"{d.url}/r/{low_token}", "POST",
                             urllib.parse.urlencode({"score": "2", "comment": "Liian hidas"}).encode())
        check(status == 200, f"low score submit: {status}")
        check(d.survey(low_id)["score"] == 2, "low score recorded")
        alert = smtp.wait_messages(1, lambda m: m.envelope_to == ["advisor@example.com"])[0]
        check("Liian hidas" in alert.text and "Liisa" in alert.text, f"alert carries the comment: {alert.text}")
        check(not score_links(alert, d.url), "an alert has no score buttons")

        # --- (c) a person's click alone: GET of the link for 8, no Send
        status, body = d.event({"id": "won-4", "type": "deal.won",
                                "contact": {"email": "pekka@example.com", "name": "Pekka", "locale": "fi"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        click_id = body["scheduled"][0]["id"]
        click_mail = smtp.wait_messages(1, lambda m: m.envelope_to == ["pekka@example.com"])[0]
        click_links = score_links(click_mail, d.url)
        # Before the person: HEADs of every link and prefetches of some, which record nothing.
        for url in click_links.values():
            check(fetch(url, "HEAD")[0] == 200, "HEAD")
        hints = [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"},
                 {"X-Moz": "prefetch"}, {"X-Purpose": "preview"}]
        for score, hint in zip((2, 3, 5, 10), hints):
            status, page = fetch(click_links[score], headers=hint)
            check(status == 200 and "<form" in page, f"a prefetch ({hint}) gets the page")
        check(d.survey(click_id)["clicks"] == [], "HEAD and prefetches record no click")
        status, page = fetch(click_links[8])
        check(status == 200 and 'value="8" checked' in page, f"the person's click shows the page: {status}")
        survey = d.survey(click_id)
        check(survey.get("score") is None and [c["score"] for c in survey["clicks"]] == [8],
              f"one pending click, no score yet: {survey}")
        d.advance("2m")
        survey = eventually(lambda: (lambda s: s if s.get("score") == 8 else None)(d.survey(click_id)),
                            "score 8 recorded from the settled click")
        check(survey["state"] == "answered", f"state: {survey['state']}")
        check([c["state"] for c in survey["clicks"]] == ["recorded"], f"clicks: {survey['clicks']}")
        # The person presses Send after the click settled: the reason is added.
        status, page = fetch(click_links[8].rsplit("/", 1)[0], "POST",
                             urllib.parse.urlencode({"score": "8", "comment": "Selkeä"}).encode())
        check(status == 200 and "Kiitos vastauksestasi" in page, f"Send after the click: {status}")
        survey = d.survey(click_id)
        check(survey["score"] == 8 and survey["comment"] == "Selkeä" and survey["state"] == "commented",
              f"the reason joins the click's score: {survey}")
        status, page = fetch(click_links[2])
        check(status == 200 and "<form" not in page, "an answered survey's link takes no click")
        check(len(d.survey(click_id)["clicks"]) == 1, "no click recorded on an answered survey")

        # --- a low score by click: its alert waits for the reason, which the Send brings
        status, body = d.event({"id": "won-5", "type": "deal.won",
                                "contact": {"email": "kaisa@example.com", "name": "Kaisa", "locale": "fi"},
                                "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        low_click_id = body["scheduled"][0]["id"]
        low_click_mail = smtp.wait_messages(1, lambda m: m.envelope_to == ["kaisa@example.com"])[0]
        low_click_links = score_links(low_click_mail, d.url)
        check(fetch(low_click_links[3])[0] == 200, "click on 3")
        d.advance("2m")
        eventually(lambda: d.survey(low_click_id).get("score") == 3, "score 3 from the settled click")
        to_advisor = lambda m: m.envelope_to == ["advisor@example.com"]
        check(len([m for m in smtp.messages() if to_advisor(m)]) == 1,
              "the click's alert waits for a reason")
        status, _ = fetch(low_click_links[3].rsplit("/", 1)[0], "POST",
                          urllib.parse.urlencode({"score": "3", "comment": "Liian kallis"}).encode())
        check(status == 200, f"Send after the low click: {status}")
        alerts = smtp.wait_messages(2, to_advisor)
        check(any("Liian kallis" in m.text and "Kaisa" in m.text for m in alerts),
              f"alert carries the reason: {[m.text for m in alerts]}")

        # --- an expired survey's link: 410, in the contact's locale (Swedish)
        status, body = d.event({"id": "won-3", "type": "deal.won",
                                "contact": {"email": "sven@example.com", "name": "Sven", "locale": "sv"}})
        sv_id = body["scheduled"][0]["id"]
        sv_mail = smtp.wait_messages(1, lambda m: m.envelope_to == ["sven@example.com"])[0]
        check("Svara genom att välja en siffra:" in sv_mail.text, "Swedish prompt in the email")
        sv_links = score_links(sv_mail, d.url)
        status, page = fetch(sv_links[8], headers={"Sec-Purpose": "prefetch"})
        check(status == 200 and "Skicka" in page, "Swedish page")
        check(d.survey(sv_id)["clicks"] == [], "a prefetch records no click")
        d.advance("8d")
        eventually(lambda: d.survey(sv_id)["state"] == "expired", "survey expired")
        status, page = fetch(sv_links[8])
        check(status == 410 and "Enkäten är avslutad" in page, f"expired link: {status}")
        status, page = fetch(sv_links[8].rsplit("/", 1)[0], "POST", b"score=8")
        check(status == 410, f"expired POST: {status}")
        check(d.survey(sv_id).get("score") is None, "nothing recorded after expiry")
        d.stop()
    finally:
        smtp.stop()


def d_source(make_daemon):
    return make_daemon().source


if __name__ == "__main__":
    run(test)
