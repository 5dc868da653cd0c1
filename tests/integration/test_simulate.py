"""Golden-output tests for `cxgate simulate`: every tests/golden/simulate/NAME.jsonl is
simulated and its timeline compared with NAME.txt, header included (it names each flow's
content hash, so a golden cannot outlive a change of the flow it was made with). A first
line `# args: ...` gives the command's options. CXGATE_UPDATE_GOLDEN=1 rewrites the .txt
files. The simulation must not create or touch the configured database. `--json` prints the
same timeline as one object per line."""
import json
import glob
import os
import shlex
import shutil

from harness import check, run


def body(text):
    return text


def test(make_daemon, workdir):
    d = make_daemon()
    cfg = os.path.join(workdir, "cfg")
    shutil.copytree(d.source, cfg, ignore=shutil.ignore_patterns("build*", ".git", "var", "tests", "src", "include"))
    config = os.path.join(cfg, "cxgate.yaml")
    cases = sorted(glob.glob(os.path.join(d.source, "tests", "golden", "simulate", "*.jsonl")))
    check(len(cases) >= 3, f"golden cases: {cases}")
    update = os.environ.get("CXGATE_UPDATE_GOLDEN") == "1"
    for case in cases:
        # "# config: <path in the repository>" picks another configuration (copied, like the
        # bundled one, so nothing is written next to the source); "# args: ..." the options.
        case_config, args = config, []
        with open(case) as f:
            for line in f:
                if line.startswith("# config:"):
                    source_cfg = os.path.join(d.source, line[len("# config:"):].strip())
                    copy = os.path.join(workdir, "cfg-" + os.path.basename(case))
                    shutil.copytree(os.path.dirname(source_cfg), copy)
                    case_config = os.path.join(copy, os.path.basename(source_cfg))
                    # Its relative templates/calendars paths point into the repository.
                    with open(case_config) as cf:
                        text = cf.read().replace("../../../", d.source + "/")
                    with open(case_config, "w") as cf:
                        cf.write(text)
                elif line.startswith("# args:"):
                    args = shlex.split(line[len("# args:"):])
                elif not line.startswith("#"):
                    break
        res = d.cli("simulate", "--config", case_config, "--events", case, *args, check_rc=False)
        check(res.returncode in (0, 1), f"{case}: exit {res.returncode}: {res.stderr}")
        expected_file = case[:-len(".jsonl")] + ".txt"
        if update:
            with open(expected_file, "w") as f:
                f.write(res.stdout)
            continue
        with open(expected_file) as f:
            expected = f.read()
        if body(res.stdout) != body(expected):
            import difflib
            diff = "".join(difflib.unified_diff(body(expected).splitlines(True), body(res.stdout).splitlines(True),
                                                expected_file, "simulate output"))
            check(False, f"{os.path.basename(case)} differs from its golden output:\n{diff}")
    check(not os.path.exists(os.path.join(cfg, "var")), "simulate must not create the configured database")

    # --json: one object per line with the same story; the tools' contract.
    journey = os.path.join(d.source, "tests", "golden", "simulate", "journey_won.jsonl")
    res = d.cli("simulate", "--config", config, "--events", journey, "--flow", "mortgage-funnel", "--json")
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    check(all({"time", "kind"} <= set(line) for line in lines[:-1]), f"every line has time and kind: {lines[:3]}")
    surveys = [line for line in lines if line["kind"] == "survey"]
    check([s["step"] for s in surveys] == ["booking", "meeting", "follow-up-call", "follow-up-call", "close"],
          f"five surveys in funnel order: {surveys}")
    check(all(s["channel"] and s["address"] and s["survey"] for s in surveys), f"fields: {surveys}")
    check(len({s["body"] for s in surveys}) == 4, "each touchpoint asks its own question (two calls ask alike)")
    superseded = [line for line in lines if line["kind"] == "superseded"]
    check(len(superseded) == 3 and all(s["reason"] == "superseded" and s["superseded_by"] for s in superseded),
          f"superseded with the reason: {superseded}")
    check(lines[-1]["kind"] == "summary" and lines[-1]["sent"] == 5, f"summary: {lines[-1]}")

    # Errors: an unknown flow and a malformed line are named.
    res = d.cli("simulate", "--config", config, "--events", cases[0], "--flow", "nope", check_rc=False)
    check(res.returncode == 2 and 'no flow "nope"' in res.stderr, res.stderr)
    bad = os.path.join(workdir, "bad.jsonl")
    with open(bad, "w") as f:
        f.write('{"id":"a","type":"deal.won","occurred_at":"2026-11-20T10:00:00Z","contact":{"phone":"0401234567"}}\n{oops\n')
    res = d.cli("simulate", "--config", config, "--events", bad, check_rc=False)
    check(res.returncode == 2 and "bad.jsonl:2: malformed JSON" in res.stderr, res.stderr)


if __name__ == "__main__":
    run(test)
