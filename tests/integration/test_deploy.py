"""README's "Deploying with systemd", done as written: the files its `cp -r` line copies
into /etc/cxgate (and nothing else) must pass the unit's `ExecStartPre` (`cxgate check`),
or the service never starts. The cp line and the ExecStartPre line are read from
README.md and systemd/cxgate.service, so the test follows the docs when they change."""
import os
import re
import shlex
import shutil
import subprocess

from harness import check, run


def deploy_block(readme):
    section = readme.split("## Deploying with systemd", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test(make_daemon, workdir):
    d = make_daemon()
    with open(os.path.join(d.source, "README.md")) as f:
        block = deploy_block(f.read())
    cp = re.search(r"sudo cp -r ([^\n]*?) /etc/cxgate/", block)
    check(cp, f"no `sudo cp -r ... /etc/cxgate/` line in README's deploy block:\n{block}")
    etc = os.path.join(workdir, "etc-cxgate")
    os.makedirs(etc)
    for item in shlex.split(cp.group(1)):
        src = os.path.join(d.source, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(etc, item))
        else:
            shutil.copy(src, os.path.join(etc, item))

    # The token as README generates it into /etc/cxgate/cxgate.env.
    gen = re.search(r'CXGATE_API_TOKEN=\$\((.*?)\)"', block)
    check(gen, f"no token generator in the deploy block:\n{block}")
    token = subprocess.run(["bash", "-c", gen.group(1)], capture_output=True, text=True, check=True).stdout
    check(len(token) >= 16, f"generated token {token!r}")

    with open(os.path.join(d.source, "systemd", "cxgate.service")) as f:
        unit = f.read()
    pre = re.search(r"^ExecStartPre=(.*)$", unit, re.M).group(1)
    args = [d.binary if a == "/usr/bin/cxgate" else a.replace("/etc/cxgate", etc) for a in shlex.split(pre)]
    state = os.path.join(workdir, "var-lib-cxgate")  # the unit's WorkingDirectory
    os.makedirs(state)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXGATE_")}
    env["CXGATE_API_TOKEN"] = token
    res = subprocess.run(args, cwd=state, capture_output=True, text=True, env=env, timeout=60)
    check(res.returncode == 0, f"ExecStartPre {' '.join(args)} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    check("cxgate check: OK" in res.stdout, res.stdout)


if __name__ == "__main__":
    run(test)
