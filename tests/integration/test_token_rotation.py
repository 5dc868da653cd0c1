"""API token rotation without downtime, as docs/operations.md says: by digest and reload.

A client posts events without pause, first with the old token (a ${ENV} of the daemon's
environment), then with the new one. The new token's digest (`cxgate token new`) is added to
api_tokens and the daemon reloaded (SIGHUP): both tokens work. The client moves over; the old
item is removed and the daemon reloaded: the old token gets 401, the new one goes on. No
request of the client failed at any point. A reload that names a variable the daemon was
not started with is rejected (the environment is read at start only) and the configuration
before it serves on."""
import os
import re
import signal
import threading

from harness import CX_FLOW, SANDBOX_CHANNELS, TOKEN, check, eventually, free_port, run, set_public_port, write_config


class Client(threading.Thread):
    """Posts events back to back with self.token; records every status other than 202."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d, self.token = d, TOKEN
        self.stop_flag = threading.Event()
        self.sent = {}        # token -> requests answered 202
        self.failures = []

    def run(self):
        n = 0
        while not self.stop_flag.is_set():
            n += 1
            token = self.token
            try:
                status, body = self.d.request("POST", "/v1/events", {"id": f"rot-{n}", "type": "booking.created",
                                                                     "contact": {"phone": f"+35840{3000000 + n}"}},
                                              token=token)
            except OSError as e:
                status, body = 0, str(e)
            if status == 202:
                self.sent[token] = self.sent.get(token, 0) + 1
            else:
                self.failures.append((n, status, body))

    def wait_for(self, token, more=20):
        start = self.sent.get(token, 0)
        eventually(lambda: self.sent.get(token, 0) >= start + more, f"{more} more events with the token", 30)


def reload(d, config, text, expect):
    with open(config, "w") as f:
        f.write(text)
    before = d.request("GET", "/healthz")[1]["reload"]
    os.kill(d.proc.pid, signal.SIGHUP)

    def done():
        now = d.request("GET", "/healthz")[1]["reload"]
        return now if now["succeeded"] + now["failed"] > before["succeeded"] + before["failed"] else None
    result = eventually(done, "the reload", 15)
    check(result["result"] == expect, f"reload {expect}: {result}")
    return result


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)
    with open(config) as f:
        original = f.read()
    old_item = 'api_tokens: ["${CXGATE_API_TOKEN}"]'
    check(old_item in original, "write_config's api_tokens")

    out = d.cli("token", "new").stdout
    new_token = re.search(r"^token:\s+([0-9a-f]{64})$", out, re.M).group(1)
    digest = re.search(r"^sha256: ([0-9a-f]{64})$", out, re.M).group(1)

    client = Client(d)
    client.start()
    client.wait_for(TOKEN)

    # A variable the daemon did not start with: rejected, the old configuration serves on.
    result = reload(d, config, original.replace(old_item, 'api_tokens: ["${CXGATE_API_TOKEN}", "${CXGATE_IT_NEW_TOKEN}"]'),
                    "failed")
    check(any("CXGATE_IT_NEW_TOKEN is not set" in e for e in result["errors"]), f"the error names it: {result}")
    client.wait_for(TOKEN)

    # Step 1: the new token's digest beside the old one.
    both = original.replace(old_item, f'api_tokens:\n  - "${{CXGATE_API_TOKEN}}"\n  - {{ sha256: "{digest}", scopes: [ingest, read] }}')
    reload(d, config, both, "ok")
    client.wait_for(TOKEN)
    status, _ = d.request("GET", "/v1/surveys/1", token=new_token)
    check(status == 200, f"the new token works beside the old: {status}")

    # Step 2: the client moves over.
    client.token = new_token
    client.wait_for(new_token)

    # Step 3: the old one goes.
    reload(d, config, original.replace(old_item, f'api_tokens:\n  - {{ sha256: "{digest}", scopes: [ingest, read] }}'), "ok")
    client.wait_for(new_token)
    status, _ = d.request("GET", "/v1/surveys/1", token=TOKEN)
    check(status == 401, f"the old token is refused: {status}")
    client.stop_flag.set()
    client.join(15)
    check(not client.failures, f"no request failed during the rotation: {client.failures[:5]}")
    print(f"rotated under load: {client.sent.get(TOKEN, 0)} events with the old token, "
          f"{client.sent.get(new_token, 0)} with the new, none failed")


if __name__ == "__main__":
    run(test)
