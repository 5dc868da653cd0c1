"""The one-click unsubscribe page (/u/{token}) cannot be framed or posted to from another
site. It used to have no security headers and its POST checked no origin. Now it has the
answer page's headers, and a browser POST whose Sec-Fetch-Site or Origin shows another
site gets 403 (with the button, so a person can still confirm on the page itself). A
mail provider's RFC 8058 one-click POST (server to server: List-Unsubscribe=One-Click in
the body, no browser Origin) and the page's own button still unsubscribe."""
import urllib.error
import urllib.request

from harness import answer_url, check, run, unsubscribe_url

ONE_CLICK = b"List-Unsubscribe=One-Click"


def fetch(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.headers, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def subscribed(d, address, n):
    status, body = d.event({"id": f"probe-{n}", "type": "deal.won", "contact": {"email": address}})
    check(status == 202, f"event: {status} {body}")
    return not (body["suppressed"] and body["suppressed"][0]["reason"] == "opted_out")


def page_headers_ok(headers, what):
    csp = headers.get("Content-Security-Policy", "")
    check("frame-ancestors 'none'" in csp and "default-src 'none'" in csp, f"{what}: CSP {csp!r}")
    check(headers.get("X-Frame-Options") == "DENY", f"{what}: X-Frame-Options")
    check(headers.get("Referrer-Policy") == "no-referrer", f"{what}: Referrer-Policy")
    check(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: nosniff")
    check(headers.get("Cache-Control") == "no-store", f"{what}: Cache-Control")


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()
    n = iter(range(100))

    victim = "victim@example.com"
    url = unsubscribe_url(d, victim)
    status, headers, page = fetch(url)
    check(status == 200 and "<form" in page, f"GET shows the button: {status}")
    page_headers_ok(headers, "GET /u")

    # Cross-site browser POSTs: refused, the address stays subscribed.
    for hostile in ({"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "https://other.example.com"},
                    {"Origin": "https://evil.example"}):
        status, headers, page = fetch(url, "POST", ONE_CLICK, hostile)
        check(status == 403 and "<form" in page, f"{hostile}: {status}")
        page_headers_ok(headers, f"POST /u {hostile}")
    check(subscribed(d, victim, next(n)), "a cross-site POST does not unsubscribe")

    # The page's own button: same-origin (and Origin: null, because of no-referrer).
    status, headers, page = fetch(url, "POST", ONE_CLICK, {"Sec-Fetch-Site": "same-origin", "Origin": "null"})
    check(status == 200 and "Unsubscribed" in page, f"the page's button: {status} {page[:200]}")
    page_headers_ok(headers, "POST /u answer")
    check(not subscribed(d, victim, next(n)), "the button unsubscribes")

    # A mail provider's one-click (RFC 8058): no browser context at all.
    provider = "provider@example.com"
    status, _, _ = fetch(unsubscribe_url(d, provider), "POST", ONE_CLICK)
    check(status == 200, f"RFC 8058 one-click: {status}")
    check(not subscribed(d, provider, next(n)), "one-click unsubscribes")
    # An older browser without Sec-Fetch-*: its Origin is the daemon's own.
    own = "own@example.com"
    status, _, _ = fetch(unsubscribe_url(d, own), "POST", ONE_CLICK, {"Origin": d.url})
    check(status == 200, f"same-origin POST: {status}")

    # The answer page keeps the same headers, X-Frame-Options included.
    status, headers, _ = fetch(answer_url(d, 1, 1, "00"))
    page_headers_ok(headers, "GET /r")


run(test)
