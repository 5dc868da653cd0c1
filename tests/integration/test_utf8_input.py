"""Invalid UTF-8 from outside never breaks an answer. It used to be stored as it came (a
form POST to /r/{token} with %E4%FF in the comment, a webhook id), after which GET
/v1/responses and GET /v1/surveys/{id} answered 500 for good, and the webhook itself got
a 500 that the provider retried. Now free text is repaired (U+FFFD) at the entry points,
an id that is not UTF-8 is a 400 naming the field, and rows stored before the check
(written here straight into the database) are dumped with U+FFFD instead of a 500."""
import calendar
import socket
import sqlite3
import time
import urllib.error
import urllib.request

from harness import answer_url, check, run

FFFD = "\ufffd"


def epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def form(url, body):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def test(make_daemon, workdir):
    # Monday 16 Nov 2026, 10:00 in Helsinki: inside the bundled funnel's send window.
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    status, body = d.event({"id": "w1", "type": "deal.won",
                            "contact": {"email": "aino@example.com", "name": "Aino"}})
    check(status == 202 and body["scheduled"], f"deal.won: {status} {body}")
    survey = body["scheduled"][0]
    d.advance("2d")  # one business day later the email goes out
    d.wait_outbox(lambda m: m["kind"] == "survey" and m["state"] == "sent", "the survey email")

    # The answer page's form, unauthenticated: a comment with bytes that are not UTF-8.
    link = answer_url(d, survey["id"], epoch(survey["expires_at"]))
    status, page = form(link, b"score=9&comment=hyv%E4%FF+palvelu")
    check(status == 200, f"answer form: {status} {page[:300]}")
    status, got = d.request("GET", f"/v1/surveys/{survey['id']}")
    check(status == 200, f"GET survey after a bad comment: {status} {got}")
    check(got["score"] == 9 and got["comment"] == f"hyv{FFFD}{FFFD} palvelu", f"repaired comment: {got}")
    status, rows = d.request("GET", "/v1/responses")
    check(status == 200 and rows[0]["comment"] == f"hyv{FFFD}{FFFD} palvelu", f"responses: {status} {rows}")

    # A sandbox webhook (same code path as a provider's): a bad id is refused by name,
    # bad bytes in the text are repaired, and the webhook never gets a 500.
    status, body = d.request("POST", "/webhooks/sms/inbound", raw=b"from=%2B358401234567&text=9&id=abc%E4%FF",
                             content_type="application/x-www-form-urlencoded")
    check(status == 400 and "id" in body["error"] and "UTF-8" in body["error"], f"bad id: {status} {body}")
    status, body = d.request("POST", "/webhooks/sms/inbound",
                             raw=b"from=%2B358401234567&text=kiitos%E4%FF&id=in-2",
                             content_type="application/x-www-form-urlencoded")
    check(status == 200, f"bad text: {status} {body}")
    status, body = d.request("POST", "/webhooks/sms/status", raw=b"id=sandbox-1%FF&status=delivered",
                             content_type="application/x-www-form-urlencoded")
    check(status == 400, f"status report with a bad id: {status} {body}")

    # A path that is not UTF-8 gets its 404, not a 500.
    with socket.create_connection(("127.0.0.1", d.port), timeout=5) as s:
        s.sendall(b"GET /nothing-\xe4\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    check(answer.startswith(b"HTTP/1.1 404"), f"non-UTF-8 path: {answer[:200]!r}")

    # Rows stored before these checks: bad bytes written straight into the database.
    with sqlite3.connect(d.db, timeout=10) as db:
        db.execute("UPDATE surveys SET comment = CAST(X'6F6C64E4FF' AS TEXT), segment = CAST(X'FF' AS TEXT)")
        db.execute("UPDATE messages SET body = CAST(X'E4FF' AS TEXT)")
    for path in (f"/v1/surveys/{survey['id']}", "/v1/responses", "/v1/responses?format=csv",
                 "/v1/reports?flow=mortgage-funnel&by=segment"):
        status, got = d.request("GET", path)
        check(status == 200, f"GET {path} with old bad rows: {status} {got}")
    status, got = d.request("GET", "/v1/responses")
    check(got[0]["comment"] == f"old{FFFD}{FFFD}", f"old row dumped with U+FFFD: {got}")
    check(d.outbox()[0]["body"] == FFFD + FFFD, "cxgate outbox --json copes with old rows too")
    check("request failed" not in d.read_log(), "no request ended in an exception (500)")


run(test)
