"""HTTP as clients and proxies speak it: the auth scheme in any case ("bearer", RFC 7235)."""
import http.client

from harness import TOKEN, check, run


def get(d, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body


def test(make_daemon, workdir):
    d = make_daemon(now="2026-11-16T10:00:00+02:00").start()

    for scheme in ("Bearer", "bearer", "BEARER"):
        status, body = get(d, "/v1/responses", {"Authorization": f"{scheme} {TOKEN}"})
        check(status == 200, f"{scheme}: {status} {body}")
    status, _ = get(d, "/v1/responses", {"Authorization": f"bearer wrong-{TOKEN}"})
    check(status == 401, "a wrong token in lower case is still wrong")
    # The sandbox webhook (what `cxgate reply` calls) reads the same header.
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("POST", "/webhooks/sms/inbound", body=b'{"from": "+358401234567", "text": "9", "id": "a1"}',
                 headers={"Authorization": f"bearer {TOKEN}", "Content-Type": "application/json"})
    res = conn.getresponse()
    check(res.status == 200, f"sandbox webhook with a lower-case scheme: {res.status} {res.read()}")
    conn.close()


run(test)
