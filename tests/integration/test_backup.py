"""`cxgate backup FILE` while the daemon serves, and a restore from it. Events keep arriving
during the backup (a thread posts them); the copy is whole (integrity_check), stands alone
(no WAL beside it), and a daemon started on the copy answers every survey that had been
acknowledged before the backup began."""
import os
import threading

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config


def test(make_daemon, workdir):
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": CX_FLOW})
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00").start(port=port)
    before = []
    for i in range(200):
        status, body = d.event({"id": f"b-{i}", "type": "booking.created",
                                "contact": {"phone": f"+3584055{i:05d}"}})
        check(status == 202, f"event {i}: {status} {body}")
        before.append(body["scheduled"][0]["id"])

    stop = threading.Event()
    during = []

    def keep_posting():
        n = 0
        while not stop.is_set():
            status, _ = d.request("POST", "/v1/events", {"id": f"during-{n}", "type": "booking.created",
                                                          "contact": {"phone": f"+3584066{n:05d}"}})
            during.append(status)
            n += 1

    poster = threading.Thread(target=keep_posting)
    poster.start()
    eventually(lambda: len(during) >= 5, "events arriving while the backup runs")
    copy = os.path.join(workdir, "backup.db")
    res = d.cli("backup", "--config", config, "--db", d.db, copy)
    stop.set()
    poster.join()
    check("integrity ok" in res.stdout, f"backup: {res.stdout}{res.stderr}")
    check(during and all(s == 202 for s in during), f"the daemon kept taking events: {len(during)}")
    check(os.path.exists(copy) and not os.path.exists(copy + "-wal") and not os.path.exists(copy + ".partial"),
          "one file, no WAL beside it, no partial left")
    d.stop()

    restored = make_daemon(config=config, now="2026-11-02T10:00:00+02:00")
    restored.db = copy
    restored.start()
    for survey_id in before[::37] + [before[-1]]:
        restored.survey(survey_id)
    res = restored.cli("backup", "--config", config, "--db", os.path.join(workdir, "missing.db"),
                       os.path.join(workdir, "x.db"), check_rc=False)
    check(res.returncode == 1 and "does not exist" in res.stderr, f"a missing database is named: {res.stderr}")


if __name__ == "__main__":
    from harness import parse_args
    SOURCE = parse_args().source
    run(test)
