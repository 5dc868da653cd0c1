"""`cxgate check` renders every template with sample data: a misspelt variable is an
error naming the template file, its line and column, and the variable; the bundled
templates pass. Email HTML escaping and the answer page are in test_email_links.py."""
import os
import shutil

from harness import check, run


def test(make_daemon, workdir):
    d = make_daemon()
    cfg = os.path.join(workdir, "cfg")
    shutil.copytree(d.source, cfg, ignore=shutil.ignore_patterns("build*", ".git", "var", "tests", "src", "include"))
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"))
    check("OK" in res.stdout and "unknown variable" not in res.stdout, f"bundled templates: {res.stdout}")

    with open(os.path.join(cfg, "templates", "en", "nps.txt"), "w") as f:
        f.write("Hi {{contact.nmae}}! How likely are you to recommend us? Reply 0-10.\n")
    with open(os.path.join(cfg, "templates", "sv", "answer.html"), "a") as f:
        f.write("<p>{{#form}}{{scroe}}{{/form}}</p>\n")
    res = d.cli("check", "--config", os.path.join(cfg, "cxgate.yaml"), check_rc=False)
    out = res.stdout
    check(res.returncode != 0, f"a misspelt variable fails the check: {out}")
    check('templates/en/nps.txt:1:4: error: unknown variable "contact.nmae"' in out, out)
    check('templates/sv/answer.html:' in out and 'unknown variable "scroe"' in out, out)


if __name__ == "__main__":
    run(test)
