"""`cxgate check` on a broken flow prints file:line:column for every error and exits
non-zero; on the bundled configuration it exits 0."""
import os
import re
import shutil

from harness import check, run


def test(make_daemon, workdir):
    d = make_daemon()
    res = d.cli("check", "--config", os.path.join(d.source, "cxgate.yaml"))
    check("OK" in res.stdout, f"bundled config: {res.stdout}")

    cfg = os.path.join(workdir, "cfg")
    shutil.copytree(d.source, cfg, ignore=shutil.ignore_patterns("build*", ".git", "var", "tests", "src", "include"))
    with open(os.path.join(cfg, "flows", "broken.yaml"), "w") as f:
        f.write("flow: broken\nsteps:\n  - id: a\n    on: x\n    survey: { metric: nsp }\n    channel: smss\n")
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    check(res.returncode != 0, "broken flow must fail")
    out = res.stdout
    check("flows/broken.yaml:5:23: error: step \"a\": unknown metric \"nsp\"" in out, out)
    check("flows/broken.yaml:6:14: error: step \"a\": undefined channel \"smss\" (did you mean \"sms\"?)" in out, out)

    # Every problem in one run: an unreachable step, a typo with a suggestion, a missing
    # template for a configured locale, a CRM source with a bad condition.
    with open(os.path.join(cfg, "flows", "more.yaml"), "w") as f:
        f.write("flow: more\narbitration: 7d\nsteps:\n"
                "  - id: first\n    on: deal.won\n    survey: { metric: nps }\n    channel: sms\n"
                "  - id: second\n    on: deal.won\n    survey: { metric: enps }\n    channel: sms\n    expirs: 3d\n")
    os.remove(os.path.join(cfg, "templates", "sv", "enps.txt"))
    with open(os.path.join(cfg, "cxgate.yaml"), "a") as f:
        f.write("sources:\n  crm:\n    types: [{ type: deal.won, when: 'status = \"won\"' }]\n    fields: { id: deal.id }\n")
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    out = res.stdout
    check(res.returncode == 1, out)
    check("flows/more.yaml:9:9: error: step \"second\" can never be sent: step \"first\" (line 4, priority 0, "
          "arbitration 7d) takes the same event" in out, out)
    check("flows/more.yaml:12:5: error: unknown key \"expirs\" in a step (did you mean \"expires\"?)" in out, out)
    check("flows/more.yaml:10:23: error: step \"second\": no enps template for locale sv" in out, out)
    check("cxgate.yaml:" in out and "error: source \"crm\": condition: use == to compare, not =" in out, out)
    check("flows/broken.yaml:6:14: error" in out, "the other file's errors are still listed")

    # serve refuses to start on it, naming the same errors.
    res = d.cli("serve", "--config", os.path.join(cfg, "cxgate.yaml"), "--listen", "127.0.0.1:0",
                "--db", os.path.join(workdir, "x.db"), check_rc=False)
    check(res.returncode == 2 and "undefined channel" in res.stderr, f"serve: {res.returncode} {res.stderr}")

    doc_examples(d, workdir)


STEPS = "steps:\n  - { id: a, on: deal.won, survey: { metric: nps }, channel: sms }\n"


def yaml_blocks(text):
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def fresh_copy(d, workdir, name):
    cfg = os.path.join(workdir, name)
    shutil.copytree(d.source, cfg, ignore=shutil.ignore_patterns("build*", ".git", "var", "tests", "src", "include"))
    return cfg


def doc_examples(d, workdir):
    """docs/flows.md's send-window blocks and its calendar example, pasted as written."""
    with open(os.path.join(d.source, "docs", "flows.md")) as f:
        doc = f.read()
    section = doc.split("### Send windows", 1)[1].split("### Time zones", 1)[0]
    windows = [b for b in yaml_blocks(section) if b.startswith("send_window:")]
    check(len(windows) >= 5, f"send window examples: {windows}")
    cfg = fresh_copy(d, workdir, "windows")
    for i, block in enumerate(windows):
        check(block.count("send_window:") == 1, f"one send_window per block (a flow has one):\n{block}")
        with open(os.path.join(cfg, "flows", f"window{i}.yaml"), "w") as f:
            f.write(f"flow: window{i}\n{block}{STEPS}")
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    check(res.returncode == 0, f"the send window examples pass check: {res.stdout}")

    # The same blocks pasted into one flow: every repeated send_window is reported where
    # it is, and nothing silently wins.
    with open(os.path.join(cfg, "flows", "pasted.yaml"), "w") as f:
        f.write("flow: pasted\n" + "".join(windows) + STEPS)
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    duplicates = re.findall(r"flows/pasted\.yaml:(\d+):1: error: duplicate key \"send_window\"", res.stdout)
    check(res.returncode == 1 and len(duplicates) == len(windows) - 1, f"pasted: {res.stdout}")

    # The calendar file format: the example company.yaml and the flow that names it.
    section = doc.split("## Holiday calendars", 1)[1].split("## Reminders", 1)[0]
    blocks = yaml_blocks(section)
    company = [b for b in blocks if b.startswith("# calendars/company.yaml")]
    check(len(company) == 1, f"a complete calendars/company.yaml example: {blocks}")
    flow = [b for b in blocks if "# flows/sweden.yaml" in b][0].split("# flows/sweden.yaml\n", 1)[1]
    cfg = fresh_copy(d, workdir, "calendars")
    with open(os.path.join(cfg, "calendars", "company.yaml"), "w") as f:
        f.write(company[0])
    with open(os.path.join(cfg, "flows", "sweden.yaml"), "w") as f:
        f.write(flow + STEPS)
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    check(res.returncode == 0, f"docs' sweden flow with its company calendar: {res.stdout}")


if __name__ == "__main__":
    run(test)
