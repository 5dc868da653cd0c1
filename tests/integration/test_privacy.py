"""Personal data through the real binary: one person's data handed over and erased over the
API and the CLI, retention on the manual clock, and token scopes.

Maija answers a closing NPS by SMS with a score and a comment; Olli answers too. After
POST /v1/privacy/forget names Maija by another spelling of her number, a byte search of
the database file, its WAL and the dispatcher's journal finds neither her number (in any
spelling), her name nor her comment, while the report still counts her score. Retention
(comments: 30d, inbound: 10d) then clears Olli's comment and reply once they are past age,
and not a day before. A read token cannot post events or erase anyone; an ingest token
cannot read responses. Every HTML page carries the security headers.
"""
import glob
import http.client
import json
import os

from harness import CX_FLOW, SANDBOX_CHANNELS, check, eventually, free_port, run, set_public_port, write_config

READ_TOKEN = "integration-read-token-0123456789"
INGEST_TOKEN = "integration-ingest-token-0123456"
NAME = "Maija Meikäläinen-Privacytest"
COMMENT = "Myyjä ei soittanut takaisin ollenkaan"
SPELLINGS = ["+358401234567", "358401234567", "0401234567", "040 123 4567", "040 1234567"]


def all_bytes(workdir):
    out = b""
    for path in glob.glob(os.path.join(workdir, "cxgate.db*")):
        with open(path, "rb") as f:
            out += f.read()
    return out


FLOW = CX_FLOW.replace("""    survey: { metric: nps }
    channel: sms
""", """    survey: { metric: nps }
    channel: sms
    follow_up: why
""")


def test(make_daemon, workdir):
    check("follow_up: why" in FLOW, "the closing step asks why")
    config = write_config(workdir, SOURCE, SANDBOX_CHANNELS, {"cx": FLOW}, extra="""retention:
  comments: 30d
  inbound: 10d
""")
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace('api_tokens: ["${CXGATE_API_TOKEN}"]', """api_tokens:
  - "${CXGATE_API_TOKEN}"
  - { token: "${READ_TOKEN}", scopes: [read] }
  - { token: "${INGEST_TOKEN}", scopes: [ingest] }"""))
    port = free_port()
    set_public_port(config, port)
    d = make_daemon(config=config, now="2026-11-02T10:00:00+02:00")
    d.env.update(READ_TOKEN=READ_TOKEN, INGEST_TOKEN=INGEST_TOKEN)
    d.start(port=port)

    # Every HTML page carries the security headers: no framing, no sniffing, no referrer.
    for path in ("/login", "/r/not-a-link", "/u/not-a-link"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        res = conn.getresponse()
        res.read()
        conn.close()
        check(res.getheader("Content-Type", "").startswith("text/html"), f"{path}: HTML")
        for header, value in (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                              ("Referrer-Policy", "no-referrer")):
            check(res.getheader(header) == value, f"{path}: {header}: {res.getheader(header)}")
        check("frame-ancestors 'none'" in res.getheader("Content-Security-Policy", ""),
              f"{path}: CSP {res.getheader('Content-Security-Policy')}")

    # Scopes: each token does only its own.
    event = {"id": "e-maija", "type": "deal.won", "deal_id": "D1",
             "contact": {"id": "crm-42", "phone": "040 123 4567", "name": NAME}}
    status, body = d.request("POST", "/v1/events", event, token=READ_TOKEN)
    check(status == 403 and "ingest" in body["error"], f"a read token posts no event: {status} {body}")
    status, body = d.request("GET", "/v1/responses?flow=cx", token=INGEST_TOKEN)
    check(status == 403 and "read" in body["error"], f"an ingest token reads no responses: {status} {body}")
    status, body = d.request("POST", "/v1/privacy/forget", {"phone": "0401234567"}, token=READ_TOKEN)
    check(status == 403 and "admin" in body["error"], f"a read token erases nobody: {status} {body}")

    status, body = d.request("POST", "/v1/events", event, token=INGEST_TOKEN)
    check(status == 202, f"an ingest token posts events: {status} {body}")
    maija_survey = body["scheduled"][0]["id"]
    status, body = d.event({"id": "e-olli", "type": "deal.won", "deal_id": "D2",
                            "contact": {"id": "crm-7", "phone": "0409999999", "name": "Olli Other"}})
    olli_survey = body["scheduled"][0]["id"]
    for phone in ("+358401234567", "+358409999999"):
        d.wait_outbox(lambda m, p=phone: m["to"] == p and m["kind"] == "survey" and m["state"] == "sent",
                      f"survey to {phone}")
    check(d.reply("+358401234567", "3")["outcome"] == "score", "Maija's score")
    check(d.reply("+358401234567", COMMENT)["outcome"] == "comment", "Maija's comment")
    check(d.reply("+358409999999", "9")["outcome"] == "score", "Olli's score")
    check(d.reply("+358409999999", "Kaikki meni hienosti")["outcome"] == "comment", "Olli's comment")
    eventually(lambda: d.survey(maija_survey).get("comment") == COMMENT, "Maija's comment stored")

    # Access request: the CLI and the API hand over the same person, named either way.
    res = d.cli("export-person", "--config", config, "--db", d.db, "--phone", "+358 40 123 4567")
    exported = json.loads(res.stdout)
    check(exported["found"] and exported["contacts"][0]["name"] == NAME, f"export: the contact: {exported['contacts']}")
    check(exported["surveys"][0]["comment"] == COMMENT, "export: the comment")
    check(any(r["text"] == COMMENT for r in exported["replies"]), "export: the replies as received")
    check(any(m["kind"] == "survey" for m in exported["messages"]), "export: the messages sent")
    status, api_export = d.request("POST", "/v1/privacy/export", {"contact": "crm-42"})
    check(status == 200 and api_export["surveys"][0]["id"] == maija_survey, f"API export: {status}")
    status, body = d.request("POST", "/v1/privacy/export", {"phone": "12"})
    check(status == 400 and body.get("field") == "phone", f"a malformed phone is named: {status} {body}")
    status, body = d.request("POST", "/v1/privacy/export", {"phone": "050 111 2222"})
    check(status == 404 and body["found"] is False, f"nobody held: 404: {status} {body}")

    before = d.report("cx")
    check(all_bytes(workdir).find(NAME.encode()) >= 0, "before: the name is in the database files")

    # Erasure, naming Maija by yet another spelling.
    status, body = d.request("POST", "/v1/privacy/forget", {"phone": "00358401234567"})
    check(status == 200 and body["found"], f"forget: {status} {body}")
    erased = body["erased"]
    check(erased["contacts"] == 1 and erased["surveys"] == 1 and erased["replies"] == 2 and erased["messages"] >= 2,
          f"forget counts: {erased}")
    data = all_bytes(workdir)
    for needle in SPELLINGS + [NAME, "Meikäläinen", COMMENT, "soittanut takaisin"]:
        check(data.find(needle.encode()) < 0, f"after forget, {needle!r} is not in the database, WAL or journal")
    check(data.find(b"+358409999999") >= 0, "Olli is still there")
    after = d.report("cx")
    check(json.dumps(after) == json.dumps(before), f"the score still counts: {before} -> {after}")
    survey = d.survey(maija_survey)
    check(survey["contact"].startswith("forgotten:") and "address" not in survey and "comment" not in survey,
          f"the survey is anonymous: {survey}")
    log = d.read_log()
    check("+358401234567" not in log, "the daemon's log shows no full number")
    status, body = d.request("POST", "/v1/privacy/export", {"phone": "0401234567"})
    check(status == 404, f"nothing left to export: {status} {body}")

    # Retention on the manual clock: Olli's reply (10 days) and comment (30 days) go at their age.
    d.advance("9d")
    eventually(lambda: d.survey(olli_survey).get("comment") == "Kaikki meni hienosti", "day 9: comment kept")
    d.advance("2d")
    eventually(lambda: all_bytes(workdir).find("Kaikki meni hienosti".encode()) >= 0 and
               d.request("POST", "/v1/privacy/export", {"contact": "crm-7"})[1]["replies"] == [],
               "day 11: the replies are gone, the comment stays")
    d.advance("20d")
    eventually(lambda: "comment" not in d.survey(olli_survey), "day 31: the comment is gone")
    check(d.survey(olli_survey)["score"] == 9, "the score stays")
    eventually(lambda: all_bytes(workdir).find("Kaikki meni hienosti".encode()) < 0, "no copy left in the files")

    res = d.cli("audit", "--config", config, "--db", d.db, "--json")
    audit = json.loads(res.stdout)
    actions = [a["action"] for a in audit]
    check("forget" in actions and "export" in actions and "retention" in actions, f"the audit: {actions}")
    check(all("4567" not in json.dumps(a) and "Maija" not in json.dumps(a) for a in audit),
          "the audit holds no personal data")
    forget_row = next(a for a in audit if a["action"] == "forget")
    check(forget_row["actor"].startswith("token:") and forget_row["selector"] == "phone", f"who and by what: {forget_row}")

    # The CLI: asks unless --yes; erases Olli by his email-less contact id.
    res = d.cli("forget", "--config", config, "--db", d.db, "--contact", "crm-7", check_rc=False)
    check(res.returncode == 2 and "--yes" in res.stderr, f"no terminal, no --yes: refused: {res.stderr}")
    res = d.cli("forget", "--config", config, "--db", d.db, "--contact", "crm-7", "--yes")
    check("erased" in res.stdout and "kept as anonymous scores" in res.stdout, res.stdout)
    check(all_bytes(workdir).find(b"+358409999999") < 0, "Olli's number is gone too")


if __name__ == "__main__":
    from harness import parse_args
    SOURCE = parse_args().source
    run(test)
