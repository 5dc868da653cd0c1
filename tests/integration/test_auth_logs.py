"""Requests without a credential cannot flood the log or leak a secret into it. Every 401
used to log the whole request target (up to 16 KB: wrk without a token wrote 125 MB of log
in 5 s), and a webhook's 403 logged its query string, which may hold a secret. Now the
line names the path without the query, cut short, and repeated lines are rate-limited
(one per 10 s, then a count of those left out).

Guessing is slowed per address: a request without a token is no guess, but after 20 wrong
tokens (or 20 forged webhook credentials) within 15 minutes an address gets 429 with
Retry-After before any check, while other addresses go on as before. The three kinds of
request come from three loopback addresses (127.0.0.1, .2 and .3) so each is seen alone."""
import http.client
import os

from harness import TOKEN, check, run


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    log_path = os.path.join(workdir, "daemon.log")
    before = os.path.getsize(log_path)

    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    long_path = "/v1/events/" + "x" * 4000
    target = "/v1/responses?format=json&secret=QUERY-SECRET-1&pad=" + "p" * 8000
    for i in range(1500):
        conn.request("GET", target)
        res = conn.getresponse()
        res.read()
        check(res.status == 401, f"no token: {res.status}")
    guesser = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10, source_address=("127.0.0.2", 0))
    for i in range(200):
        guesser.request("POST", "/v1/events", body=b"{}", headers={"Authorization": "Bearer wrong-token-wrong"})
        res = guesser.getresponse()
        res.read()
        expected = 401 if i < 20 else 429
        check(res.status == expected, f"wrong token {i + 1}: {res.status}, expected {expected}")
        if expected == 429:
            check(60 >= int(res.headers["Retry-After"]) >= 1, f"Retry-After: {res.headers['Retry-After']}")
    guesser.close()
    conn.request("POST", long_path + "?secret=QUERY-SECRET-2", body=b"{}")
    res = conn.getresponse()
    res.read()
    # A webhook with a wrong credential: 403, and its query (a secret, for some providers)
    # stays out of the log.
    forger = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10, source_address=("127.0.0.3", 0))
    for i in range(200):
        forger.request("POST", "/webhooks/sms/inbound?secret=QUERY-SECRET-3", body=b"from=x&text=1",
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Authorization": "Bearer wrong-token-wrong"})
        res = forger.getresponse()
        res.read()
        expected = 403 if i < 20 else 429
        check(res.status == expected, f"webhook, wrong token {i + 1}: {res.status}, expected {expected}")
    forger.close()
    # The address that only forgot its token is not locked: with the token it is served.
    conn.request("GET", "/v1/responses", headers={"Authorization": f"Bearer {TOKEN}"})
    res = conn.getresponse()
    res.read()
    check(res.status == 200, f"no-token requests are no guesses: {res.status}")
    conn.close()
    check(d.request("GET", "/healthz")[0] == 200, "healthz")

    log = d.read_log()
    grown = os.path.getsize(log_path) - before
    check(grown < 16 * 1024, f"1,900 refused requests wrote {grown} bytes of log")
    check("QUERY-SECRET" not in log, "no query string in the log")
    check("p" * 200 not in log and "x" * 200 not in log, "no long target in the log")
    check("401 for GET /v1/responses" in log, "the 401 is logged, by its path")
    check("401 for POST /v1/events" in log, "the wrong token is logged")
    check("webhook /webhooks/sms/inbound?... on channel sms: 403" in log, "the 403 is logged, without its query")
    metrics = d.request("GET", "/metrics")[1]
    check("cxgate_auth_failures_total 1540" in metrics, "every refusal is still counted (429s are not)")


run(test)
