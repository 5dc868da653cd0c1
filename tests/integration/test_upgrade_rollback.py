"""Upgrade and rollback across schema versions, as docs/operations.md says.

Upgrade: tests/data/upgrade/schema-13.sql is a database written by the build of 29320a9
(schema 13: a survey sent, answered with a reason, and one sent awaiting its score), dumped
as SQL. This build opens it, migrates it (logging both versions), and serves it: the old
surveys read as before, the awaiting one takes a reply, new events are taken.

Rollback: a database is backed up while the daemon serves, more events come after the
backup, and then a "newer build" migrates it (its user_version raised past this build's and
a table of its own added). This build then refuses it, to serve and to read (outbox,
report), with one message naming both versions and the way back; `cxgate backup` still
copies it. The restore of the guide (the old files moved away with their -wal, -shm and
-inflight, the backup put in place, the integrity check) brings the daemon back with every
survey acknowledged before the backup, and without those after it, as the guide warns."""
import os
import re
import shutil
import sqlite3
import subprocess

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config

OLD_CUSTOMERS = ("+358401110001", "+358401110002")


def schema_of_build(d):
    out = d.cli("--version").stdout
    m = re.fullmatch(r"cxgate \S+ \(database schema (\d+)\)\n", out)
    check(m, f"--version names the schema: {out!r}")
    return int(m.group(1))


def user_version(path):
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def upgrade_from_13(make_daemon, workdir, config, ours, port):
    db_path = os.path.join(workdir, "old.db")
    with open(os.path.join(make_daemon().source, "tests", "data", "upgrade", "schema-13.sql")) as f:
        dump = f.read()
    with sqlite3.connect(db_path) as db:
        db.executescript(dump)
        db.execute("PRAGMA user_version = 13")
    d = make_daemon(config=config, now="2026-11-02T10:30:00+02:00")
    d.db = db_path
    d.start(port=port)
    log = d.read_log()
    check(f"upgrading the schema from version 13 to {ours}" in log and f"schema version {ours} in" in log,
          f"the migration is logged with both versions: {log[-1500:]}")
    check(user_version(db_path) == ours, "the file is at this build's version")
    answered = d.survey(1)
    check(answered["score"] == 2, f"the survey answered under 13: {answered}")
    status, body = d.event({"id": "after-upgrade", "type": "booking.created", "contact": {"phone": "+358401110003"}})
    check(status == 202, f"a new event after the upgrade: {status} {body}")
    reply = d.reply(OLD_CUSTOMERS[1], "5")
    check(reply["score"] == 5, f"the survey sent under 13 takes its reply: {reply}")
    d.stop()


def test(make_daemon, workdir):
    source = make_daemon().source
    config = write_config(workdir, source, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    probe = make_daemon(config=config)
    ours = schema_of_build(probe)

    upgrade_from_13(make_daemon, workdir, config, ours, port)

    # --- a database in service, backed up before the "upgrade"
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)
    check(user_version(d.db) == ours, f"a new database is at the build's schema {ours}")
    kept = []
    for i in range(30):
        status, body = d.event({"id": f"before-{i}", "type": "booking.created", "contact": {"phone": f"+35840444{i:04d}"}})
        check(status == 202, f"event {i}: {status} {body}")
        kept.append(body["scheduled"][0]["id"])
    backup = os.path.join(workdir, "before-upgrade.db")
    res = d.cli("backup", "--config", config, "--db", d.db, backup)
    check("integrity ok" in res.stdout, f"backup: {res.stdout}{res.stderr}")
    lost = []
    for i in range(5):
        status, body = d.event({"id": f"after-{i}", "type": "booking.created", "contact": {"phone": f"+35840555{i:04d}"}})
        check(status == 202, f"event after the backup {i}: {status} {body}")
        lost.append(body["scheduled"][0]["id"])
    d.stop()

    # --- a newer build migrates it
    with sqlite3.connect(d.db) as db:
        db.execute("CREATE TABLE from_a_newer_build (x)")
        db.execute(f"PRAGMA user_version = {ours + 1}")
    refusal = (f"database {d.db} has schema version {ours + 1}, written by a newer cxgate; this build knows "
               f"versions up to {ours} and refuses to open it. To go back to this build, stop the daemon and "
               f"restore the backup taken before the upgrade")
    res = subprocess.run([d.binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}", "--db", d.db],
                         capture_output=True, text=True, env=d.env, timeout=30)
    check(res.returncode == 1 and f"cxgate: database {d.db}: {refusal}" in res.stderr,
          f"serve refuses the newer schema: {res.returncode} {res.stdout}{res.stderr}")
    check("docs/operations.md" in res.stderr and res.stderr.count("\n") == 1, f"one line: {res.stderr!r}")
    for command in (["outbox", "--json"], ["report", "--flow", "cx"]):
        res = d.cli(command[0], "--config", config, "--db", d.db, *command[1:], check_rc=False)
        check(res.returncode == 1 and refusal in res.stderr, f"{command[0]} refuses it: {res.returncode} {res.stderr}")
    copy = os.path.join(workdir, "newer-copy.db")
    res = d.cli("backup", "--config", config, "--db", d.db, copy, check_rc=False)
    check(res.returncode == 0 and user_version(copy) == ours + 1, f"backup copies any schema: {res.stderr}")

    # --- the restore of docs/operations.md: move the old files away, put the backup in place
    aside = os.path.join(workdir, "before-restore")
    os.makedirs(aside)
    for suffix in ("", "-wal", "-shm", "-inflight"):
        if os.path.exists(d.db + suffix):
            shutil.move(d.db + suffix, aside)
    shutil.copyfile(backup, d.db)
    with sqlite3.connect(d.db) as db:
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check of the restored copy")
    restored = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)
    for survey_id in kept:
        restored.survey(survey_id)
    for survey_id in lost:
        status, _ = restored.request("GET", f"/v1/surveys/{survey_id}")
        check(status == 404, f"survey {survey_id}, acknowledged after the backup, is gone: {status}")
    status, body = restored.event({"id": "after-0", "type": "booking.created", "contact": {"phone": "+358405550000"}})
    check(status == 202 and not body["duplicate"], f"an event lost with the rollback can be sent again: {body}")
    eventually(lambda: user_version(restored.db) == ours, "the restored file's version")
    print(f"schema 13 -> {ours} migrated and served; {ours + 1} refused with the way back; "
          f"{len(kept)} surveys restored, {len(lost)} after the backup gone")


if __name__ == "__main__":
    run(test)
