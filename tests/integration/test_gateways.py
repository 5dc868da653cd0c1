"""Real gateways on loopback: a survey goes out through Kannel to its fake SMSC, the
customer's reply typed at the handset comes back through Kannel to the inbound
webhook (by get-url, and by post-url with the text as the body and the sender in the URL
or in X-Kannel-From), and the delivery report marks the message delivered; an NPS email goes
through a real SMTP server with correct MIME, UTF-8 and one-click unsubscribe."""
import os
import urllib.request

from harness import check, eventually, free_port, run, set_public_port, write_config
from peers.kannel import Kannel, mo_get_url, mo_post_url
from peers.smtp_sink import SmtpSink

SECRET = "kannelsecret42"
FLOWS = {
    "gateways": """flow: gateways
timezone: Europe/Helsinki
send_window: { days: mon-sun, from: "00:00", to: "24:00" }
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
    follow_up: why
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: email
""",
}


def test(make_daemon, workdir):
    kannel = Kannel()
    smtp = SmtpSink(os.path.join(workdir, "mail")).start()
    try:
        os.environ["KANNEL_PASSWORD"] = kannel.password
        os.environ["KANNEL_SECRET"] = SECRET
        channels = f"""  sms:
    type: kannel
    from: "12345"
    sendsms_url: {kannel.sendsms_url}
    username: {kannel.username}
    password: ${{KANNEL_PASSWORD}}
    secret: ${{KANNEL_SECRET}}
  email:
    type: smtp
    from: kysely@example.com
    from_name: "Asiakaspalvelu Äänekoski"
    reply_to: vastaukset@example.com
    url: {smtp.url}"""
        config = write_config(workdir, d_source(make_daemon), channels, FLOWS)
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, now="2026-11-16T10:00:00+02:00")
        d.db = os.path.join(workdir, "cxgate.db")
        d.start(port=port)
        kannel.start(mo_url=mo_get_url(d.url, "sms", secret=SECRET))

        # --- SMS through Kannel
        status, body = d.event({"id": "m1", "type": "meeting.completed",
                                "contact": {"phone": "040 123 4567", "name": "Maija"}})
        check(status == 202, f"event: {body}")
        sms = kannel.wait_mt(lambda m: "tyytyväinen" in m.text, "the CSAT survey at the handset")[0]
        check(sms.receiver == "+358401234567" and "Kuinka tyytyväinen" in sms.text, f"MT: {sms!r}")
        call = kannel.sendsms_calls[0]
        check("dlr-url" in call.query and "dlr-mask" in call.query, f"sendsms asks for DLRs: {call.query}")
        survey_id = body["scheduled"][0]["id"]
        # fakesmsc reports DLR 8 and 1: the message becomes delivered.
        eventually(lambda: [m for m in d.outbox(kind="survey") if m["state"] == "delivered"], "DLR delivered", 20)
        check(d.survey(survey_id)["state"] == "delivered", "survey delivered")

        kannel.send_mo("+358401234567", "12345", "2")
        eventually(lambda: d.survey(survey_id).get("score") == 2, "score through Kannel MO", 20)
        kannel.wait_mt(lambda m: "miksi" in m.text, "the why? question")
        kannel.send_mo("+358401234567", "12345", "Liian pitkä odotus €")
        eventually(lambda: d.survey(survey_id).get("comment") == "Liian pitkä odotus €", "comment (UCS-2 MO)", 20)
        # Kannel's post-url: the reply is the request body (text/plain; charset="UTF-8"),
        # the sender in the URL (%p) or in X-Kannel-From (send-sender = true).
        kannel.set_mo_url(mo_post_url(d.url, "sms", secret=SECRET), method="post")
        for phone, mo_url in (("+358409876543", None),
                              ("+358405555555", f"{d.url}/webhooks/sms/inbound?secret={SECRET}&id=%I")):
            if mo_url:
                kannel.set_mo_url(mo_url, method="post")  # no %p: the sender is X-Kannel-From only
            status, body = d.event({"id": f"m-{phone}", "type": "meeting.completed",
                                    "contact": {"phone": phone, "name": "Pekka"}})
            check(status == 202, f"event: {body}")
            sid = body["scheduled"][0]["id"]
            kannel.wait_mt(lambda m, p=phone: m.receiver == p and "tyytyväinen" in m.text, "the post-url survey")
            kannel.send_mo(phone, "12345", "4")
            eventually(lambda: d.survey(sid).get("score") == 4, f"score through post-url ({phone})", 20)
            kannel.wait_mt(lambda m, p=phone: m.receiver == p and "miksi" in m.text, "why? after post-url")
            kannel.send_mo(phone, "12345", "Nopea vastaus – kiitos 😀")
            eventually(lambda: d.survey(sid).get("comment") == "Nopea vastaus – kiitos 😀",
                       f"comment through post-url ({phone})", 20)
        retries = [m for m in d.outbox(kind="retry")]
        check(not retries, f"no 'we did not understand' retry: {retries}")

        # A forged MO (wrong secret) is refused and records nothing.
        req = urllib.request.Request(f"{d.url}/webhooks/sms/inbound?secret=wrong&from=%2B358401234567&text=9&id=x1")
        try:
            urllib.request.urlopen(req, timeout=5)
            check(False, "forged MO must be refused")
        except urllib.error.HTTPError as e:
            check(e.code == 403, f"forged MO: {e.code}")

        # --- email through SMTP
        status, body = d.event({"id": "w1", "type": "deal.won",
                                "contact": {"email": "pekka@example.com", "name": "Pekka Äijälä", "locale": "fi"}})
        mail = smtp.wait_messages(1)[0]
        check(mail.envelope_to == ["pekka@example.com"], f"rcpt: {mail.envelope_to}")
        check("suosittelisit" in mail.text and "Pekka" in mail.text, f"text part: {mail.text}")
        check(mail.html and "suosittelisit" in mail.html, "html part")
        check(mail.subject == "Lyhyt kysely: kerro kokemuksestasi", f"subject: {mail.subject}")
        check("Äänekoski" in str(mail.msg["From"]), f"From name: {mail.msg['From']}")
        check(mail.header("Reply-To") == "vastaukset@example.com", "Reply-To")
        check(mail.message_id and mail.message_id.startswith("<cx-"), f"Message-ID: {mail.message_id}")
        check(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post")
        unsubscribe = list(mail.list_unsubscribe)
        https = [u for u in unsubscribe if u.startswith("http")][0]
        check(any(u.startswith("mailto:") for u in unsubscribe), f"mailto unsubscribe: {unsubscribe}")
        check(https in mail.links, "the unsubscribe link is also in the HTML")

        # A scanner's GET does not unsubscribe; the one-click POST does.
        with urllib.request.urlopen(https, timeout=5) as res:
            check(res.status == 200 and b"<form" in res.read(), "GET shows a form")
        status, body = d.event({"id": "w2", "type": "deal.won", "contact": {"email": "pekka@example.com"}})
        check(body["scheduled"], f"still subscribed after GET: {body}")
        req = urllib.request.Request(https, data=b"List-Unsubscribe=One-Click", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=5) as res:
            check(res.status == 200, "one-click POST")
        status, body = d.event({"id": "w3", "type": "deal.won", "contact": {"email": "pekka@example.com"}})
        check(body["suppressed"] and body["suppressed"][0]["reason"] == "opted_out", f"after one-click: {body}")
        # A tampered token is refused.
        bad = https[:-3] + ("aaa" if not https.endswith("aaa") else "bbb")
        try:
            urllib.request.urlopen(urllib.request.Request(bad, data=b"List-Unsubscribe=One-Click", method="POST"), timeout=5)
            check(False, "tampered unsubscribe link must fail")
        except urllib.error.HTTPError as e:
            check(e.code == 404, f"tampered link: {e.code}")
        d.stop()
    finally:
        kannel.stop()
        smtp.stop()


def d_source(make_daemon):
    probe = make_daemon()
    return probe.source


if __name__ == "__main__":
    run(test)
