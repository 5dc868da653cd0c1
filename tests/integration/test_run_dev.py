"""`make run NOW=...` and its banner, followed as a new user would: the recipe that
`make -n run NOW=...` prints is run in a copy of the repository's runtime files (on a free
port), and every command the banner suggests is run in order in one shell, a second apart.
Each must do what the banner says: the event schedules the CSAT, the outbox shows it sent,
the reply is recorded as its score (not thrown away), the alert went out, the report counts
it. Then the email survey: the won deal schedules the NPS by email, `outbox --html` writes
its HTML part to a file, a person clicks 9 in it and sends the answer page's form (as a
browser does), and the report run after that, in the same shell, counts the NPS."""
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

from harness import Failure, check, free_port, run

NOW = "2026-11-23T09:55:00+02:00"  # a Monday morning, inside the funnel's send window


def banner_commands(banner):
    """The indented shell lines of the banner, continuation lines joined."""
    commands, current = [], ""
    for line in banner.splitlines():
        if not line.startswith("  ") or not line.strip():
            continue
        current += line.strip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        commands.append(current)
        current = ""
    return commands


class Page(html.parser.HTMLParser):
    """The score buttons of an email's HTML part, and the forms of a page."""

    def __init__(self):
        super().__init__()
        self.buttons, self.forms, self._in_table = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("role") == "presentation":
            self._in_table = True
        elif tag == "a" and self._in_table:
            self.buttons.append(attrs["href"])
        elif tag == "form":
            self.forms.append((attrs.get("method"), attrs.get("action")))

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False


def read_page(text):
    page = Page()
    page.feed(text)
    return page


def run_in_shell(commands, indexes, cwd, env):
    """The banner's commands of these indexes in one shell, a second apart: {index: output}."""
    script = "set -e\n" + "".join(f"echo '### {i}'\n{commands[i]}\necho\nsleep 1\n" for i in indexes)
    res = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    check(res.returncode == 0, f"banner commands failed ({res.returncode}): {res.stdout}{res.stderr}")
    return dict(re.findall(r"### (\d+)\n(.*?)(?=### \d+\n|\Z)", res.stdout, re.S))


def click(url, data=None):
    """As a browser: GET a link, or POST a form."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, data=data), timeout=10) as res:
        return res.status, res.read().decode()


def test(make_daemon, workdir):
    probe = make_daemon()
    source, binary = probe.source, probe.binary
    home = os.path.join(workdir, "repo")
    os.makedirs(os.path.join(home, "scripts"))
    for item in ("cxgate.yaml", "flows", "templates", "calendars", "scripts/run-dev"):
        src, dst = os.path.join(source, item), os.path.join(home, item)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dst)
    port = free_port()
    with open(os.path.join(home, "cxgate.yaml")) as f:
        text = f.read()
    check("127.0.0.1:8080" in text, "the bundled config listens on 127.0.0.1:8080")
    with open(os.path.join(home, "cxgate.yaml"), "w") as f:
        f.write(text.replace("127.0.0.1:8080", f"127.0.0.1:{port}"))

    # What `make run NOW=...` runs after building (the last line of its recipe).
    recipe = subprocess.run(["make", "-s", "-n", "run", f"NOW={NOW}"], cwd=source, capture_output=True,
                            text=True, timeout=60).stdout.strip().splitlines()[-1]
    check("scripts/run-dev" in recipe, f"make run's last command: {recipe}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXGATE_") and k != "NOW"}
    env["CXGATE_BINARY"] = binary
    log = open(os.path.join(workdir, "run-dev.log"), "w+")
    proc = subprocess.Popen(["bash", "-c", recipe], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.time() + 30
        while True:
            check(proc.poll() is None, f"run-dev exited {proc.returncode}: {open(log.name).read()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as res:
                    health = json.loads(res.read())
                    break
            except OSError:
                if time.time() > deadline:
                    raise Failure(f"the daemon did not come up: {open(log.name).read()}")
                time.sleep(0.1)
        check(health["now"].startswith("2026-11-23T07:5"), f"the clock starts at NOW: {health['now']}")
        banner = open(log.name).read()
        commands = banner_commands(banner.split("cxgate is starting", 1)[1])
        check(len(commands) == 10, f"banner commands: {commands}")

        # One shell, as in the other terminal; a marker before each command's output. The
        # last command (the report) runs after the person has answered the email: in a
        # second shell, which starts as the first did (the token exported).
        out = run_in_shell(commands, range(9), home, env)
        event = json.loads(out["1"])
        check([s["step"] for s in event["scheduled"]] == ["meeting"], f"event: {event}")
        check("survey via sms to +358401234567  [sent]" in out["2"], f"outbox: {out['2']}")
        reply = json.loads(out["3"])
        check(reply.get("score") == 2 and reply["outcome"] != "no_open_survey", f"reply: {reply}")
        reason = json.loads(out["4"])
        check(reason["outcome"] == "comment" and reason["survey"] == reply["survey"], f"the reason: {reason}")
        check("alert via email to advisor@example.com" in out["5"] and "lead@example.com" in out["5"],
              f"alerts: {out['5']}")
        check(re.search(r"^meeting\s+mortgage-funnel\s+csat\s+1\s", out["6"], re.M), f"report: {out['6']}")

        # The email survey: the NPS of the won deal, by email, due at once.
        won = json.loads(out["7"])
        check([(s["step"], s["address"]) for s in won["scheduled"]] == [("close", "maija@example.com")],
              f"the won deal: {won}")
        wrote = re.search(r"^wrote (\S+): the HTML part of message #(\d+) \(survey to maija@example.com\)$",
                          out["8"], re.M)
        check(wrote, f"outbox --html: {out['8']}")
        path = os.path.abspath(os.path.join(home, wrote.group(1)))
        check(path == os.path.join(home, "var", f"outbox-{wrote.group(2)}.html") and os.path.isfile(path),
              f"the file, beside the database: {path}")
        check(f"open it in a browser: file://{path}\n" in out["8"], f"its URL: {out['8']}")
        with open(path, encoding="utf-8") as f:
            buttons = read_page(f.read()).buttons
        check(len(buttons) == 11 and all(b.startswith(f"http://127.0.0.1:{port}/r/") for b in buttons),
              f"0-10 as buttons linking to the daemon: {buttons}")
        status, page = click(buttons[9])
        check(status == 200 and 'value="9" checked' in page, f"the answer page, 9 selected: {status}")
        forms = read_page(page).forms
        check(len(forms) == 1 and forms[0][0] == "post", f"the page's form: {forms}")
        status, page = click(forms[0][1], urllib.parse.urlencode({"score": "9", "comment": "Selkeä tarjous"}).encode())
        check(status == 200 and "Kiitos vastauksestasi" in page, f"Lähetä: {status}")

        report = run_in_shell(commands, [0, 9], home, env)["9"]
        check(re.search(r"^close\s+mortgage-funnel\s+nps\s+1\s", report, re.M), f"report: {report}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group of the shell we started (run-dev execs the daemon)
            proc.wait(timeout=15)
        log.close()
    check(proc.returncode == 0, f"daemon exit {proc.returncode}")


if __name__ == "__main__":
    run(test)
