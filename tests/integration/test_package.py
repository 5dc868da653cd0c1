"""The Debian package (`make deb`, README's "Deploying with systemd"), built, checked and
installed, and its service run as systemd runs it:
- scripts/build-deb (what `make deb` runs) builds it from this tree into `deb/` beside the
  --binary's build directory (a Release unity build: 4-5 minutes on two cores without
  ccache); CXGATE_DEB=path tests that .deb instead. lintian must report no error (E:);
- its version is CMakeLists.txt's; every file of flows/, templates/ and calendars/ and
  cxgate.yaml is in /etc/cxgate as a conffile; the unit is systemd/cxgate.service itself;
  the packaged cxgate.yaml differs from the repository's only in database.path;
- README's deploy block builds with `make deb`, installs the .deb that `make deb` writes,
  edits only files the package installs and enables the unit it ships;
- as root, in this process's own mount and network namespaces (re-executed under `unshare`):
  /usr, /etc and /var become overlays of the host's whose writes land in the work
  directory, so README's `apt install` line runs for real (the postinst's adduser, the
  state directory, the secrets file) and leaves the host untouched; the only network is a
  private loopback. The unit's ExecStartPre, ExecStart and ExecReload lines, read from the
  installed unit, run as systemd would run them (User=, Group=, WorkingDirectory=, UMask=,
  EnvironmentFile=, NOTIFY_SOCKET): `check` passes, `serve` says READY=1, answers /healthz
  and an event with the token from the env file, reloads, and stops with exit 0 on
  SIGTERM. Then purge removes the configuration and keeps the database, and a second
  install works;
- without root or mount namespaces that part is skipped (said so), and ExecStartPre runs on
  the extracted package with its paths rebased."""
import glob
import json
import os
import pwd
import re
import shlex
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

from harness import NotifySocket, check, run

NAMESPACE_MARK = "CXGATE_TEST_PACKAGE_NAMESPACE"
UNSHARE = ["unshare", "--mount", "--net", "--propagation", "private"]


def project_version(source):
    with open(os.path.join(source, "CMakeLists.txt")) as f:
        return re.search(r"^project\(cxgate VERSION ([0-9.]+) ", f.read(), re.M).group(1)


def sh(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def build_package(source, binary, workdir):
    """The .deb to test: CXGATE_DEB, or the one scripts/build-deb makes from this tree."""
    given = os.environ.get("CXGATE_DEB")
    if given:
        check(os.path.isfile(given), f"CXGATE_DEB={given}: no such file")
        print(f"package: {given} (CXGATE_DEB)")
        return os.path.abspath(given)
    out = os.path.join(os.path.dirname(binary), "deb")
    log_path = os.path.join(workdir, "build-deb.log")
    started = time.monotonic()
    with open(log_path, "w") as log:
        res = subprocess.run([os.path.join(source, "scripts", "build-deb"), out], cwd=source,
                             stdout=log, stderr=subprocess.STDOUT, timeout=3000)
    with open(log_path, errors="replace") as f:
        text = f.read()
    check(res.returncode == 0, f"scripts/build-deb exited {res.returncode}:\n{text[-6000:]}")
    built = re.findall(r"^built (\S+\.deb)$", text, re.M)
    check(built, f"scripts/build-deb named no .deb:\n{text[-3000:]}")
    print(f"package built in {time.monotonic() - started:.0f} s: {built[-1]}")
    return built[-1]


def lintian(deb):
    """lintian on the .deb (and its .changes when beside it); every line printed, an error
    fails."""
    targets = [deb]
    for changes in glob.glob(os.path.join(os.path.dirname(deb), "cxgate_*.changes")):
        with open(changes) as f:
            if os.path.basename(deb) in f.read():
                targets = [changes]
    res = sh(["lintian", "--display-level", ">=pedantic", *targets], timeout=600)
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    print(f"lintian {' '.join(os.path.basename(t) for t in targets)}: {len(lines)} line(s)")
    for line in lines:
        print(f"  {line}")
    errors = [line for line in lines if line.startswith("E:")]
    check(not errors, "lintian errors:\n" + "\n".join(errors))
    check(res.returncode == 0, f"lintian exited {res.returncode}")


def unit_settings(text):
    """{key: [values]} of a unit file's [Unit] and [Service] sections."""
    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;[":
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def command_line(settings, key):
    values = settings.get(key, [])
    check(len(values) == 1, f"{key}: expected one line, found {values}")
    check(values[0][:1] not in "-+!@:", f"{key} has a prefix this test does not model: {values[0]}")
    return shlex.split(values[0])


def package_checks(deb, source, version, root):
    """What the package holds, read from the .deb and its extracted tree `root`."""
    arch = sh(["dpkg", "--print-architecture"]).stdout.strip()
    check(os.path.basename(deb) == f"cxgate_{version}_{arch}.deb", f"file name {deb} for version {version}")
    fields = {f: sh(["dpkg-deb", "-f", deb, f]).stdout.strip() for f in ("Package", "Version", "Depends")}
    check(fields["Package"] == "cxgate" and fields["Version"] == version,
          f"control says {fields}, CMakeLists.txt version {version}")
    check(re.search(r"\badduser\b", fields["Depends"]), f"Depends without adduser: {fields['Depends']}")

    conffiles = set(sh(["dpkg-deb", "-I", deb, "conffiles"]).stdout.split())
    expected = {"/etc/cxgate/cxgate.yaml"}
    for tree in ("flows", "templates", "calendars"):
        for dirpath, _, files in os.walk(os.path.join(source, tree)):
            for name in files:
                rel = os.path.relpath(os.path.join(dirpath, name), source)
                expected.add("/etc/cxgate/" + rel)
    missing = sorted(expected - conffiles)
    check(not missing, f"not in the package's conffiles: {missing}")
    print(f"conffiles: {len(conffiles)}, all {len(expected)} of cxgate.yaml, flows/, templates/, calendars/")

    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    listing = sh(["dpkg-deb", "-c", deb]).stdout
    for path in ("./usr/bin/cxgate", "./lib/systemd/system/cxgate.service", "./usr/share/man/man1/cxgate.1.gz"):
        check(re.search(rf" {re.escape(path)}$", listing, re.M), f"{path} is not in the package")

    with open(os.path.join(root, "lib/systemd/system/cxgate.service")) as f:
        unit = f.read()
    with open(os.path.join(source, "systemd", "cxgate.service")) as f:
        check(unit == f.read(), "the packaged unit differs from systemd/cxgate.service")
    settings = unit_settings(unit)
    for key, command in (("ExecStartPre", "check"), ("ExecStart", "serve")):
        argv = command_line(settings, key)
        check(argv[:2] == ["/usr/bin/cxgate", command], f"{key}={' '.join(argv)}")
        for arg in argv:
            if arg.startswith("/"):
                check(os.path.exists(root + arg), f"{key} names {arg}, which the package does not install")

    # The packaged configuration is the repository's, with its database in the state directory.
    with open(os.path.join(source, "cxgate.yaml")) as f:
        repo_lines = f.read().splitlines()
    with open(os.path.join(root, "etc/cxgate/cxgate.yaml")) as f:
        packaged_lines = f.read().splitlines()
    check(len(repo_lines) == len(packaged_lines), "packaged cxgate.yaml has other lines than the repository's")
    changed = [(a, b) for a, b in zip(repo_lines, packaged_lines) if a != b]
    state = "/var/lib/" + settings["StateDirectory"][0]
    check(len(changed) == 1 and re.match(rf"^  path: {re.escape(state)}/cxgate\.db\b", changed[0][1]),
          f"packaged cxgate.yaml, changed lines: {changed}")
    return settings


def readme_block(source, version, deb, settings):
    """README's deploy block (folded in from test_deploy.py): builds with `make deb`,
    installs what `make deb` writes, edits only files the package installs (checked after
    the install), and enables the unit the package ships. Returns its install command."""
    with open(os.path.join(source, "README.md")) as f:
        section = f.read().split("## Deploying with systemd", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    lines = [line for line in lines if line]
    check(lines[0] == "make deb", f"the deploy block starts with {lines[0]!r}, not make deb")
    made = sh(["make", "-s", "-n", "deb"], cwd=source, timeout=60).stdout
    out = re.search(r"scripts/build-deb (\S+)", made)
    check(out, f"make -n deb runs no scripts/build-deb:\n{made}")
    arch = os.path.basename(deb).rsplit("_", 1)[1][: -len(".deb")]
    install = [line for line in lines if " apt install " in f" {line} "]
    check(len(install) == 1, f"no single `apt install` line in the deploy block:\n{block}")
    check(install[0] == f"sudo apt install ./{out.group(1)}/cxgate_{version}_{arch}.deb",
          f"README installs {install[0]!r}; make deb writes {out.group(1)}/cxgate_{version}_{arch}.deb")
    enable = [line for line in lines if "systemctl enable" in line]
    check(enable == ["sudo systemctl enable --now cxgate"], f"the enable line: {enable}")
    check(settings.get("WantedBy") == ["multi-user.target"], "the unit has no [Install] WantedBy=")
    edited = sorted({p for line in lines for p in re.findall(r"(/etc/cxgate/\S+)", line)})
    return install[0], edited


def read_env_file(path):
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments, quotes)."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[key.strip()] = value
    return env


def seconds(value):
    match = re.fullmatch(r"(\d+)(ms|s|min)?", value)
    check(match, f"a duration this test does not read: {value}")
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "min": 60, None: 1}[match.group(2)]


def enter_throwaway_root(workdir):
    """/usr, /etc and /var of this mount namespace become overlays: the host's files below,
    every write in workdir. /run/systemd is hidden so that no maintainer script talks to a
    running systemd. The private network namespace gets its loopback up."""
    for top in ("/usr", "/etc", "/var"):
        check(not os.path.realpath(workdir).startswith(top + "/"), f"work directory {workdir} is under {top}")
    mounted = []
    for top in ("usr", "etc", "var"):
        upper, work = (os.path.join(workdir, "overlay", top, d) for d in ("upper", "work"))
        os.makedirs(upper)
        os.makedirs(work)
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        f"lowerdir=/{top},upperdir={upper},workdir={work}", f"/{top}"], check=True)
        mounted.append(f"/{top}")
    if os.path.isdir("/run/systemd"):
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/systemd"], check=True)
        mounted.append("/run/systemd")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # man-db's trigger would index every manual page at each install and purge (20 s each).
    if os.path.exists("/var/lib/man-db/auto-update"):
        os.remove("/var/lib/man-db/auto-update")
    return mounted


def install_checks(edited, unit):
    entry = pwd.getpwnam("cxgate")
    check(entry.pw_uid < 1000 and entry.pw_dir == "/var/lib/cxgate" and entry.pw_shell == "/usr/sbin/nologin",
          f"the cxgate user: {entry}")
    st = os.stat("/var/lib/cxgate")
    check(st.st_uid == entry.pw_uid and stat.S_IMODE(st.st_mode) == 0o700,
          f"/var/lib/cxgate: uid {st.st_uid}, mode {oct(stat.S_IMODE(st.st_mode))}")
    st = os.stat("/etc/cxgate/cxgate.env")
    check(st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o600,
          f"/etc/cxgate/cxgate.env: uid {st.st_uid}, mode {oct(stat.S_IMODE(st.st_mode))}")
    token = read_env_file("/etc/cxgate/cxgate.env").get("CXGATE_API_TOKEN", "")
    check(len(token) >= 16, "the postinst made no CXGATE_API_TOKEN of 16 characters or more")
    for path in edited:
        check(os.path.isfile(path), f"README's deploy block edits {path}, which the package does not install")
    check(os.path.isfile(unit), f"{unit} not installed")
    wants = "/etc/systemd/system/multi-user.target.wants/cxgate.service"
    check(not os.path.lexists(wants), "the unit was enabled on install (README: enable after setting secrets)")
    return token


def http(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def run_unit(settings, workdir, token):
    """ExecStartPre, ExecStart and ExecReload as systemd runs them for this unit."""
    user, group = settings["User"][0], settings["Group"][0]
    entry = pwd.getpwnam(user)
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "LANG": "C.UTF-8",
           "HOME": entry.pw_dir, "USER": user, "LOGNAME": user, "SHELL": entry.pw_shell,
           "STATE_DIRECTORY": "/var/lib/" + settings["StateDirectory"][0]}
    for path in settings["EnvironmentFile"]:
        env.update(read_env_file(path))
    launch = dict(user=user, group=group, extra_groups=[], cwd=settings["WorkingDirectory"][0],
                  umask=int(settings["UMask"][0], 8))

    pre = command_line(settings, "ExecStartPre")
    res = sh(pre, env=env, timeout=60, **launch)
    check(res.returncode == 0 and "cxgate check: OK" in res.stdout,
          f"ExecStartPre {' '.join(pre)} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    print(f"ExecStartPre as {user}: {res.stdout.strip().splitlines()[-1]}")

    # The notify socket must be reachable by the service user, as systemd's is.
    os.chmod(workdir, 0o711)
    notify_dir = os.path.join(workdir, "notify")
    os.makedirs(notify_dir, mode=0o755)
    notify = NotifySocket(os.path.join(notify_dir, "notify.sock"))
    os.chmod(notify.path, 0o777)
    watchdog_usec = int(seconds(settings["WatchdogSec"][0]) * 1e6)
    env.update(NOTIFY_SOCKET=notify.path, WATCHDOG_USEC=str(watchdog_usec))
    with open("/etc/cxgate/cxgate.yaml") as f:
        listen = re.search(r"^\s*listen:\s*(\S+)", f.read(), re.M).group(1)
    start = command_line(settings, "ExecStart")
    log_path = os.path.join(workdir, "service.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen(start, env=env, stdout=log, stderr=subprocess.STDOUT, **launch)
    try:
        started = time.monotonic()
        ready = notify.wait_for("READY", "1", timeout=seconds(settings["TimeoutStartSec"][0]))
        print(f"ExecStart as {user}: READY=1 after {time.monotonic() - started:.1f} s "
              f"({notify.seen[ready][1].get('STATUS', '')})")
        status, body = http("GET", f"http://{listen}/healthz")
        check(status == 200, f"GET /healthz on {listen}: {status} {body}")
        status, body = http("POST", f"http://{listen}/v1/events", token, {
            "id": "package-1", "type": "meeting.completed",
            "contact": {"phone": "040 123 4567", "name": "Maija", "locale": "fi"},
            "staff": {"id": "s-7", "name": "Advisor", "email": "advisor@example.com"}})
        check(status == 202, f"POST /v1/events with the env file's token: {status} {body}")
        status, _ = http("POST", f"http://{listen}/v1/events", "not-the-token-0123456789", {"id": "x"})
        check(status == 401, f"POST /v1/events with another token: {status}")
        db = os.path.join(env["STATE_DIRECTORY"], "cxgate.db")
        st = os.stat(db)
        check(st.st_uid == pwd.getpwnam(user).pw_uid and stat.S_IMODE(st.st_mode) == 0o600,
              f"{db}: uid {st.st_uid}, mode {oct(stat.S_IMODE(st.st_mode))}")

        mark = len(notify.seen)
        reload = [a.replace("$MAINPID", str(proc.pid)) for a in command_line(settings, "ExecReload")]
        res = sh(reload, env=env, timeout=30, **launch)
        check(res.returncode == 0, f"ExecReload {' '.join(reload)}: {res.returncode} {res.stderr}")
        i = notify.wait_for("RELOADING", "1", after=mark)
        notify.wait_for("READY", "1", after=i + 1)

        mark = len(notify.seen)
        check(settings["KillSignal"] == ["SIGTERM"], f"KillSignal={settings['KillSignal']}")
        os.kill(proc.pid, signal.SIGTERM)
        notify.wait_for("STOPPING", "1", after=mark)
        code = proc.wait(timeout=seconds(settings["TimeoutStopSec"][0]))
        check(code == 0, f"exit {code} on SIGTERM")
        print(f"ExecReload: RELOADING=1, READY=1; SIGTERM: STOPPING=1, exit 0; {db} written, mode 0600")
    except Exception:
        log.flush()
        with open(log_path, errors="replace") as f:
            print("---- service log (tail) ----\n" + f.read()[-4000:])
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        notify.close()


def admin(args, what):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    res = sh(args, env=env, timeout=600)
    check(res.returncode == 0, f"{what}: {' '.join(args)} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    return res.stdout + res.stderr


def installed(deb, workdir, settings, install_line, edited):
    started = time.monotonic()
    mounted = enter_throwaway_root(workdir)
    try:
        # README's line, without sudo (root already), with the built .deb, answering yes. There
        # is no network here: a dependency that is not installed fails it, none is fetched.
        argv = shlex.split(install_line)[1:]
        argv = [deb if a.endswith(".deb") else a for a in argv] + ["-y"]
        admin(argv, "install")
        print(f"installed: {' '.join(argv)}")
        token = install_checks(edited, "/lib/systemd/system/cxgate.service")
        run_unit(settings, workdir, token)

        output = admin(["dpkg", "--purge", "cxgate"], "purge")
        left = os.listdir("/etc/cxgate") if os.path.exists("/etc/cxgate") else None
        check(left is None, f"/etc/cxgate left after purge, holding {left}")
        check(not os.path.exists("/usr/bin/cxgate"), "/usr/bin/cxgate left after purge")
        check(os.path.isfile("/var/lib/cxgate/cxgate.db"), "purge removed the database (README: it is kept)")
        check("/var/lib/cxgate (the survey database) is kept" in output, f"purge said:\n{output}")
        admin(["dpkg", "-i", deb], "install after purge")
        check(len(read_env_file("/etc/cxgate/cxgate.env").get("CXGATE_API_TOKEN", "")) >= 16,
              "no new token after a reinstall")
        print("purge: /etc/cxgate removed, /var/lib/cxgate/cxgate.db kept; installed again")
        print(f"install, service run, purge and reinstall: {time.monotonic() - started:.0f} s")
    finally:
        for path in reversed(mounted):
            subprocess.run(["umount", "--lazy", path])


def rebased_check(root, settings, workdir):
    """Without a namespace: ExecStartPre on the extracted files, their paths rebased."""
    argv = [root + a if a.startswith("/usr/bin/") else a.replace("/etc/cxgate", root + "/etc/cxgate")
            for a in command_line(settings, "ExecStartPre")]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CXGATE_API_TOKEN": "package-test-token-0123456789"}
    res = sh(argv, cwd=workdir, env=env, timeout=60)
    check(res.returncode == 0 and "cxgate check: OK" in res.stdout,
          f"ExecStartPre {' '.join(argv)} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    print(f"ExecStartPre on the extracted package: {res.stdout.strip().splitlines()[-1]}")


def test(make_daemon, workdir):
    d = make_daemon()
    version = project_version(d.source)
    deb = build_package(d.source, d.binary, workdir)
    lintian(deb)
    root = os.path.join(workdir, "extracted")
    settings = package_checks(deb, d.source, version, root)
    install_line, edited = readme_block(d.source, version, deb, settings)
    if os.environ.get(NAMESPACE_MARK) == "1":
        installed(deb, workdir, settings, install_line, edited)
    else:
        print("install and service run in a throwaway root: skipped (needs root and `unshare --mount --net`)")
        rebased_check(root, settings, workdir)


def reexec_in_namespace():
    """As root, the whole test runs in its own mount and network namespaces: the mounts and
    the loopback vanish with this process."""
    if os.environ.get(NAMESPACE_MARK) or os.geteuid() != 0:
        return
    if sh([*UNSHARE, "true"]).returncode != 0:
        return
    env = dict(os.environ, **{NAMESPACE_MARK: "1"})
    os.execvpe(UNSHARE[0], [*UNSHARE, "--", sys.executable, *sys.argv], env)


if __name__ == "__main__":
    reexec_in_namespace()
    run(test)
