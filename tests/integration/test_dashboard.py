"""The dashboard in headless Chromium, for each role, on the real binary with a manual clock.

Surveys of a booking CES (1-5, "why?" after it) and a deal's NPS go to customers of three
advisors: Anna (s-1) and Ben (s-2) in Lea's team (lead-1), Cid (s-3) in Leo's (lead-2).
Users are added with `cxgate user add`; then, through the login form:
  - a manager sees every step's card, drills down by staff (Anna, Ben, Cid), and the CSV
    behind the journey (downloaded with the browser's own session cookie) has the figures
    of GET /v1/reports with a token;
  - Lea (lead) sees her team in the drill-down and nobody else's, and gets 403 for Cid;
  - Anna (staff) sees her own figures, responses and alerts only: 403 for Ben's page and for
    Ben's report or responses in the API; another's comment appears nowhere.
The responses list and the alerts inbox show each role the comments and low-score alerts
of whom they may see.
Before any browser: login without the form's CSRF cookie is 403; wrong passwords answer 401
and then 429 with Retry-After; a logout without the session's CSRF token is 403; a page
without a session is a redirect to /login. Screenshots at 1280 and 390 px wide are kept in
build/test-artifacts (dashboard-*.png)."""
import html
import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from harness import (TOKEN, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, set_staff,
                     write_config)
from peers.webdriver import Browser

FLOW = """flow: cx
timezone: Europe/Helsinki
steps:
  - id: booking
    on: booking.created
    survey: { metric: ces, scale: 1-5 }
    channel: sms
    follow_up: why
    alert: { when: "score <= 2", notify: [staff] }
  - id: close
    on: [deal.won, deal.lost]
    survey: { metric: nps }
    channel: sms
"""

STAFF = """staff:
  - { id: s-1, name: Anna, email: anna@example.com, lead: lead-1 }
  - { id: s-2, name: Ben, email: ben@example.com, lead: lead-1 }
  - { id: s-3, name: Cid, email: cid@example.com, lead: lead-2 }
  - { id: lead-1, name: Lea, email: lea@example.com }
  - { id: lead-2, name: Leo, email: leo@example.com }
"""

PASSWORD = "pitkä salasana 2026"
NO_PROXY = urllib.request.ProxyHandler({})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client():
    """A cookie-keeping HTTP client that shows redirects instead of following them."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(NO_PROXY, NoRedirect, urllib.request.HTTPCookieProcessor(jar)), jar


def fetch(opener, url, form=None, headers=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(req, timeout=15) as res:
            return res.status, dict(res.headers), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def hidden_csrf(page):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    check(m, "the form carries a CSRF token")
    return m.group(1)


def add_user(d, email, role, staff=None, password=PASSWORD, expect=0):
    args = [d.binary, "user", "add", email, "--role", role, "--config", d.config, "--db", d.db,
            "--password-stdin"]
    if staff:
        args += ["--staff-id", staff]
    res = subprocess.run(args, input=password + "\n", capture_output=True, text=True, timeout=60)
    check(res.returncode == expect, f"user add {email}: {res.returncode} {res.stdout}{res.stderr}")
    return res


def login(b, base, email, password=PASSWORD):
    b.open(base + "/login")
    b.type(b.find("input[name=email]"), email)
    b.type(b.find("input[name=password]"), password)
    b.click(b.find("button[type=submit]"))
    b.wait_text("header", email)


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW},
                          extra="themes:\n  waiting: { fi: [jono, odottaa], sv: [kö], en: [queue, wait] }\n")
    set_staff(config, STAFF)
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00").start(port=port)
    base = d.url
    artifacts = os.path.join(os.path.dirname(os.path.abspath(d.binary)), "test-artifacts")

    counter = [0]

    def survey(step_type, staff, score, comment=None):
        counter[0] += 1
        phone = f"+3584020{counter[0]:05d}"
        status, body = d.event({"id": f"e-{counter[0]}", "type": step_type, "deal_id": f"D-{counter[0]}",
                                "contact": {"phone": phone, "segment": "first-home" if counter[0] % 2 else "renewal"},
                                "staff": {"id": staff}})
        check(status == 202 and len(body["scheduled"]) == 1, f"event {counter[0]}: {body}")
        d.wait_outbox(lambda m: m["to"] == phone and m["kind"] == "survey" and m["state"] == "sent",
                      f"survey to {phone}")
        if score is not None:
            check(d.reply(phone, str(score))["outcome"] == "score", f"reply {score}")
            if comment:
                d.reply(phone, comment)

    for score in (5, 4):
        survey("booking.created", "s-1", score, "Helppo varata")
    survey("booking.created", "s-2", 2, "Jono oli pitkä")
    survey("booking.created", "s-3", 1, "Cid's customer: secret complaint")
    survey("deal.won", "s-1", 10)
    survey("deal.won", "s-3", 3)
    status, _ = d.request("POST", "/v1/marks", {"label": "new booking script", "flow": "cx",
                                                 "at": "2026-11-19"})
    check(status == 201, f"marker: {status}")
    d.advance("7d")
    survey("booking.created", "s-1", 2)
    survey("booking.created", "s-3", 5)
    d.advance("1h")  # an alert waits a little for the "why?"; by now every one has gone
    d.wait_outbox(lambda m: m["kind"] == "alert" and m["state"] == "sent", "alerts sent")
    eventually(lambda: len([m for m in d.outbox() if m["kind"] == "alert"]) == 3 or None,
               "three alerts: Ben's 2, Cid's 1, Anna's 2")

    # --- users, from the command line
    add_user(d, "boss@example.com", "manager")
    add_user(d, "Lea@Example.com", "lead", "lead-1")
    add_user(d, "anna@example.com", "staff", "s-1")
    add_user(d, "root@example.com", "admin")
    check("already has an account" in add_user(d, "lea@example.com", "staff", "s-2", expect=1).stderr,
          "the same email twice is refused, however it is written")
    check("--staff-id" in add_user(d, "x@example.com", "staff", expect=2).stderr, "staff needs --staff-id")
    check("not in the configuration's staff list" in add_user(d, "y@example.com", "staff", "s-99", expect=2).stderr,
          "an unknown staff id is refused")
    check("password" in add_user(d, "z@example.com", "manager", password="short", expect=2).stderr,
          "a short password is refused")
    listed = d.cli("user", "list", "--config", d.config, "--db", d.db, "--json").stdout
    check('"lea@example.com"' in listed and '"lead"' in listed and "argon2" not in listed,
          f"user list shows users, never their hashes: {listed}")

    # --- sessions, CSRF and throttling without a browser
    opener, jar = client()
    status, headers, _ = fetch(opener, base + "/")
    check(status == 303 and headers.get("Location") == "/login", f"no session: to /login ({status})")
    status, _, _ = fetch(opener, base + "/login", {"email": "boss@example.com", "password": PASSWORD, "csrf": "x"})
    check(status == 403, f"a login without the form's cookie is refused: {status}")
    status, headers, page = fetch(opener, base + "/login")
    check(status == 200 and "HttpOnly" in headers.get("Set-Cookie", "") and "SameSite=Strict" in headers["Set-Cookie"],
          f"login form cookie: {headers.get('Set-Cookie')}")
    csp = headers.get("Content-Security-Policy", "")
    check("default-src 'none'" in csp and "script" not in csp, f"strict CSP, no script: {csp}")
    csrf = hidden_csrf(page)
    status, headers, _ = fetch(opener, base + "/login", {"email": "boss@example.com", "password": PASSWORD, "csrf": csrf},
                               headers={"Sec-Fetch-Site": "cross-site"})
    check(status == 403, f"a login posted from another site is refused: {status}")
    for attempt in range(5):
        status, headers, page = fetch(opener, base + "/login",
                                      {"email": "anna@example.com", "password": "wrong password", "csrf": hidden_csrf(page)})
        check(status == 401 and "Wrong email or password" in page, f"wrong password {attempt}: {status}")
    status, headers, page = fetch(opener, base + "/login",
                                  {"email": "anna@example.com", "password": PASSWORD, "csrf": hidden_csrf(page)})
    check(status == 429 and int(headers.get("Retry-After", "0")) > 0,
          f"after five wrong passwords even the right one waits: {status} {headers.get('Retry-After')}")
    status, _, page = fetch(opener, base + "/login",
                            {"email": "nobody@example.com", "password": PASSWORD, "csrf": hidden_csrf(page)})
    check(status == 401 and "Wrong email or password" in page, "an unknown email looks like a wrong password")
    d.cli("user", "passwd", "anna@example.com", "--config", d.config, "--db", d.db, "--password", PASSWORD)
    status, headers, page = fetch(opener, base + "/login",
                                  {"email": "boss@example.com", "password": PASSWORD, "csrf": hidden_csrf(page)})
    check(status == 303 and headers.get("Location") == "/", f"manager logs in: {status}")
    cookie = headers["Set-Cookie"]
    check("cxgate_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
          and "Secure" not in cookie, f"session cookie (plain HTTP: not Secure): {cookie}")
    status, _, page = fetch(opener, base + "/")
    check(status == 200 and "booking" in page and "close" in page, f"the journey page: {status}")
    status, _, _ = fetch(opener, base + "/logout", {"csrf": "forged"})
    check(status == 403, f"logout without the session's token is refused: {status}")
    status, headers, _ = fetch(opener, base + "/logout", {"csrf": hidden_csrf(page)})
    check(status == 303 and headers.get("Location") == "/login", f"logout: {status}")
    status, _, _ = fetch(opener, base + "/")
    check(status == 303, "the session is gone after logout")

    # --- a manager at a desktop: the journey, the drill-down, a CSV that matches the API
    with Browser(width=1280, height=900, mobile=False) as b:
        login(b, base, "boss@example.com")
        cards = b.find_all("section.card")
        check(len(cards) >= 2, f"a card per step: {len(cards)}")
        check(b.text(b.find("section[aria-label=booking]")).find("CES 1-5") >= 0, "the booking card names CES")
        check(len(b.find_all("svg path.line, svg circle.dot")) > 0, "the trends are drawn")
        check(len(b.find_all("svg line.marker")) > 0, "the change marker is on the trends")
        b.full_height_screenshot(os.path.join(artifacts, "dashboard-journey-1280.png"))
        marker = re.search(r'href="(/compare\?[^"]+)"', b.source())
        check(marker, "the marker links to its before/after page")
        b.open(base + html.unescape(marker.group(1)))
        b.wait_text("main h2", "new booking script")
        check("booking" in b.text(b.find("table")), "the comparison has the booking step")
        b.open(base + "/drill?flow=cx&by=staff")
        table = b.text(b.find("table"))
        check(all(name in table for name in ("Anna", "Ben", "Cid")), f"manager drills down to everyone: {table}")
        b.full_height_screenshot(os.path.join(artifacts, "dashboard-drill-1280.png"))
        b.open(base + "/responses?flow=cx")
        listed = b.text(b.find("table"))
        check("secret complaint" in listed and "Jono oli pitkä" in listed and "Helppo varata" in listed,
              f"a manager reads every comment: {listed}")
        b.open(base + "/themes?flow=cx")
        check("waiting" in b.text(b.find("table")) and "Helppo varata" in b.text(b.find("main"))
              and "secret complaint" in b.text(b.find("main")),
              "themes: the configured theme, and a comment of none")
        b.open(base + "/alerts?flow=cx")
        alerts = b.find_all("table tbody tr")
        check(len(alerts) == 3, f"three low scores alerted (Ben 2, Cid 1, Anna 2): {len(alerts)}")
        # Handling from the dashboard: each alert is open with a link to its page, where the
        # manager acknowledges it; back in the inbox it shows who took it.
        handling = [b.text(cell) for cell in b.find_all("table tbody td:last-child")]
        check(handling == ["open\nHandle"] * 3 or [h.split("\n")[0] for h in handling] == ["open"] * 3,
              f"three open alerts, in the manager's English: {handling}")
        handle = b.property(b.find("table tbody tr a"), "href")
        check("/a/" in handle and handle.endswith("?l=en"), f"the link to the alert's page: {handle}")
        b.open(handle)
        b.type(b.find("input[name=by]"), "Boss")
        b.click(b.find("button"))
        b.wait_text("p.ok", "Saved")
        b.open(base + "/alerts?flow=cx")
        handling = [b.text(cell) for cell in b.find_all("table tbody td:last-child")]
        check(sorted(h.split("\n")[0] for h in handling) == ["acknowledged", "open", "open"]
              and "Boss" in handling[0], f"the inbox shows the acknowledgement: {handling}")
        b.open(base + "/")
        csv_link = b.property(b.find("p.downloads a"), "href")
        session = b.cookies()["cxgate_session"]
    req = urllib.request.Request(csv_link, headers={"Cookie": f"cxgate_session={session}"})
    with urllib.request.build_opener(NO_PROXY).open(req, timeout=15) as res:
        check(res.headers["Content-Type"].startswith("text/csv"), "the download is CSV")
        downloaded = res.read().decode()
    api_url = csv_link.replace(base, "")
    req = urllib.request.Request(base + api_url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.build_opener(NO_PROXY).open(req, timeout=15) as res:
        check(res.read().decode() == downloaded, "the dashboard's CSV is the API's, figure for figure")
    check("booking" in downloaded and "close" in downloaded, f"CSV rows: {downloaded}")

    # --- Lea, team lead: her team, nobody else's
    with Browser(width=1280, height=900, mobile=False) as b:
        login(b, base, "lea@example.com")
        b.open(base + "/drill?flow=cx&by=staff")
        table = b.text(b.find("table"))
        check("Anna" in table and "Ben" in table and "Cid" not in table, f"Lea sees her team only: {table}")
        b.open(base + "/responses?flow=cx")
        listed = b.text(b.find("table"))
        check("Jono oli pitkä" in listed and "Helppo varata" in listed and "secret complaint" not in listed,
              f"Lea reads her team's comments, not Cid's: {listed}")
        b.open(base + "/?flow=cx&staff=s-3")
        check("may not" in b.text(b.find("main")), "Lea may not open Cid's page")
        session = b.cookies()["cxgate_session"]
    opener_lea = urllib.request.build_opener(NO_PROXY, NoRedirect)
    for path, want in (("/?flow=cx&staff=s-3", 403), ("/?flow=cx&staff=s-2", 200), ("/?flow=cx&team=lead-2", 403), ("/themes?flow=cx", 403),
                       ("/v1/reports?flow=cx&staff=s-3", 403), ("/v1/themes?flow=cx", 403)):
        status, _, _ = fetch(opener_lea, base + path, headers={"Cookie": f"cxgate_session={session}"})
        check(status == want, f"Lea GET {path}: {status}, expected {want}")

    # --- Anna, staff, on a phone: her own results only
    with Browser(width=390, height=844) as b:
        login(b, base, "anna@example.com")
        b.screenshot(os.path.join(artifacts, "dashboard-journey-390.png"))
        check(len(b.find_all("section.card")) >= 1, "Anna sees her cards")
        b.open(base + "/drill?flow=cx&by=staff")
        table = b.text(b.find("table"))
        check("Anna" in table and "Ben" not in table and "Cid" not in table, f"Anna sees herself only: {table}")
        check("secret complaint" not in b.source(), "never another's comment")
        b.open(base + "/responses?flow=cx")
        listed = b.text(b.find("table"))
        check("Helppo varata" in listed and "Jono oli pitkä" not in listed and "secret complaint" not in listed,
              f"Anna reads her own customers' comments only: {listed}")
        b.screenshot(os.path.join(artifacts, "dashboard-responses-390.png"))
        b.open(base + "/alerts?flow=cx")
        check(len(b.find_all("table tbody tr")) == 1, "Anna's inbox holds her own alert only")
        session = b.cookies()["cxgate_session"]
    anna = urllib.request.build_opener(NO_PROXY, NoRedirect)
    for path, want in (("/?flow=cx&staff=s-2", 403), ("/drill?flow=cx&by=staff&staff=s-3", 403),
                       ("/v1/reports?flow=cx&staff=s-2", 403), ("/v1/responses?flow=cx&staff=s-3", 403),
                       ("/v1/responses?flow=cx&team=lead-1", 403), ("/v1/responses?flow=cx", 200),
                       ("/alerts?flow=cx&staff=s-2", 403), ("/responses?flow=cx&staff=s-2", 403),
                       ("/v1/reports?flow=cx&by=staff", 200)):
        status, _, body = fetch(anna, base + path, headers={"Cookie": f"cxgate_session={session}"})
        check(status == want, f"Anna GET {path}: {status}, expected {want}")
        check("secret complaint" not in body, f"no comment of another's in {path}")
    status, _, body = fetch(anna, base + "/v1/reports?flow=cx&by=staff", headers={"Cookie": f"cxgate_session={session}"})
    check('"s-1"' in body and '"s-2"' not in body and '"s-3"' not in body, f"Anna's API report is hers: {body}")
    status, _, body = fetch(anna, base + "/v1/responses?flow=cx", headers={"Cookie": f"cxgate_session={session}"})
    check(status == 200 and "Helppo varata" in body and '"s-2"' not in body and '"s-3"' not in body,
          f"Anna's responses through the API are hers: {body[:300]}")
    status, _, _ = fetch(anna, base + "/v1/events", {"x": "1"}, headers={"Cookie": f"cxgate_session={session}"})
    check(status == 401, f"a session cannot post events: {status}")
    d.cli("user", "disable", "anna@example.com", "--config", d.config, "--db", d.db)
    status, headers, _ = fetch(anna, base + "/", headers={"Cookie": f"cxgate_session={session}"})
    check(status == 303 and headers.get("Location") == "/login", f"disabling a user ends their session: {status}")
    print(f"screenshots in {artifacts}")


if __name__ == "__main__":
    import harness
    SOURCE = harness.parse_args().source
    run(test)
