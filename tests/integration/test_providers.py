"""Provider APIs on loopback: local stand-ins for Twilio, Vonage, SendGrid, Mailgun and
Postmark that check every documented field and answer with the providers' own success
and error bodies drive cxgate's real dispatch path: retries (429 with Retry-After, 500),
permanent failures with the provider's code, Twilio 21610 -> opt-out, failover from email
to SMS on a permanent error and on a bounce, signed status and inbound webhooks (forged,
missing, replayed), a delivery report that beats the send's answer, duplicates, and a
kill -9 while a request is in flight (the message is never sent twice).

The daemon runs on the real clock here: the webhook signatures of Mailgun and Vonage
carry real timestamps that must fall within the replay window."""
import hashlib
import hmac
import json
import os
import secrets
import signal
import time

from harness import check, eventually, free_port, run, set_public_port, write_config
from peers.fake_providers import ProviderServers, post, twilio_signature

FROM_SMS = "+358450000001"
FLOWS = {
    "providers": """flow: providers
timezone: Europe/Helsinki
send_window: { days: mon-sun, from: "00:00", to: "24:00" }
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat, scale: 1-5 }
    channel: sms
  - id: call
    on: call.completed
    survey: { metric: csat, scale: 1-5 }
    channel: vonage
  - id: won
    on: deal.won
    survey: { metric: nps }
    channel: [email, sms]
  - id: lost
    on: deal.lost
    survey: { metric: nps }
    channel: [sendgrid, sms]
  - id: booking
    on: booking.completed
    survey: { metric: ces }
    channel: postmark
""",
}


def channels_yaml(p):
    tw, vo, sg, mg, pm = (p.twilio.settings(), p.vonage.settings(), p.sendgrid.settings(),
                          p.mailgun.settings(), p.postmark.settings())
    os.environ.update(TWILIO_AUTH_TOKEN=tw["auth_token"], VONAGE_API_SECRET=vo["api_secret"],
                      VONAGE_SIGNATURE_SECRET=vo["signature_secret"], SENDGRID_API_KEY=sg["api_key"],
                      MAILGUN_API_KEY=mg["api_key"], MAILGUN_SIGNING_KEY=MAILGUN_SIGNING_KEY,
                      POSTMARK_TOKEN=pm["server_token"])
    return f"""  sms:
    type: twilio
    from: "{FROM_SMS}"
    base_url: {tw["base_url"]}
    account_sid: {tw["account_sid"]}
    auth_token: ${{TWILIO_AUTH_TOKEN}}
    retry: {{ max_attempts: 4, base_delay: 1s, max_delay: 2s }}
  vonage:
    type: vonage
    from: Asiakas
    base_url: {vo["base_url"]}
    api_key: {vo["api_key"]}
    api_secret: ${{VONAGE_API_SECRET}}
    signature_secret: ${{VONAGE_SIGNATURE_SECRET}}
    signature_method: {vo["signature_method"]}
  email:
    type: mailgun
    from: kysely@mg.example.com
    from_name: "Asiakaspalvelu Åbo"
    reply_to: vastaukset@mg.example.com
    base_url: {mg["base_url"]}
    domain: {mg["domain"]}
    api_key: ${{MAILGUN_API_KEY}}
    webhook_signing_key: ${{MAILGUN_SIGNING_KEY}}
    failover_window: 2h
  sendgrid:
    type: sendgrid
    from: kysely@example.com
    base_url: {sg["base_url"]}
    api_key: ${{SENDGRID_API_KEY}}
  postmark:
    type: postmark
    from: kysely@example.com
    base_url: {pm["base_url"]}
    server_token: ${{POSTMARK_TOKEN}}"""


MAILGUN_SIGNING_KEY = "mailgun-signing-key-" + "0" * 12


def mailgun_signature(token=None, timestamp=None):
    timestamp = str(timestamp or int(time.time()))
    token = token or secrets.token_hex(25)
    digest = hmac.new(MAILGUN_SIGNING_KEY.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": digest}


def test(make_daemon, workdir):
    with ProviderServers(vonage={"signature_secret": "vonage-signature-secret-0123"}) as p:
        source = make_daemon().source
        config = write_config(workdir, source, channels_yaml(p), FLOWS, alerts_channel="email")
        port = free_port()
        set_public_port(config, port)
        d = make_daemon(config=config, manual_clock=False)
        d.start(port=port)
        status_url = f"{d.url}/webhooks/sms/status"
        inbound_url = f"{d.url}/webhooks/sms/inbound"

        def message_of(survey_id, channel=None):
            rows = [m for m in d.outbox() if m.get("survey") == survey_id and m["kind"] == "survey"
                    and (channel is None or m["channel"] == channel)]
            return rows[-1] if rows else None

        def wait_message(survey_id, predicate, what, channel=None, timeout=15):
            return eventually(lambda: (lambda m: m if m and predicate(m) else None)(message_of(survey_id, channel)),
                              what, timeout)

        def post_event(event):
            status, body = d.event(event)
            check(status == 202 and body["scheduled"], f"event {event['id']}: {status} {body}")
            return body["scheduled"][0]["id"]

        # --- Twilio: the request, the status callback (signed, forged, missing, duplicate), a reply
        sid_survey = post_event({"id": "t1", "type": "meeting.completed",
                                 "contact": {"phone": "040 100 0001", "name": "Maija"}})
        sent = p.twilio.wait_sent(lambda r: r.field("To") == "+358401000001", "the CSAT by Twilio")[0]
        check(sent.field("From") == FROM_SMS, f"From: {sent.field('From')}")
        check(sent.field("StatusCallback") == status_url, f"StatusCallback: {sent.field('StatusCallback')}")
        check("tyytyväinen" in sent.field("Body"), f"Body: {sent.field('Body')}")
        m = wait_message(sid_survey, lambda m: m["state"] == "sent", "message sent")
        check(m["provider_id"] == sent.provider_id, f"provider id stored: {m}")
        check(m["encoding"] == "gsm7" and m["segments"] == 1, f"encoding/segments stored: {m}")

        forged = {"MessageSid": sent.provider_id, "MessageStatus": "delivered", "AccountSid": p.twilio.account_sid}
        code, _, _ = post(status_url, forged, {"X-Twilio-Signature": twilio_signature("wrong-token", status_url, forged)})
        check(code == 403, f"forged status callback: {code}")
        code, _, _ = post(status_url, forged)
        check(code == 403, f"unsigned status callback: {code}")
        check(message_of(sid_survey)["state"] == "sent", "nothing recorded from a forged report")
        code, _, _ = p.twilio.status_callback(sent.provider_id, "delivered")
        check(code == 200, f"signed status callback: {code}")
        wait_message(sid_survey, lambda m: m["state"] == "delivered", "delivered by the status callback")
        code, _, _ = p.twilio.status_callback(sent.provider_id, "delivered")
        check(code == 200 and message_of(sid_survey)["state"] == "delivered", "a duplicate report changes nothing")

        code, headers, body = p.twilio.inbound(inbound_url, "+358401000001", FROM_SMS, "9")
        check(code == 200, f"signed inbound forged: {code}")
        code, headers, body = post(inbound_url, {"MessageSid": "SMx", "From": "+358401000001", "Body": "1"},
                                   {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
        check(code == 403, f"forged inbound: {code}")
        code, headers, body = p.twilio.inbound(inbound_url, "+358401000001", FROM_SMS, "4")
        check(code == 200 and b"<Response>" in body, f"signed inbound answers empty TwiML: {code} {body!r}")
        eventually(lambda: d.survey(sid_survey).get("score") == 4, "score 4 from the signed Twilio reply")
        # The scripts below answer the next requests, whoever they are for: let the thanks go first.
        d.wait_outbox(lambda m: m["kind"] == "thanks" and m["state"] == "sent", "the thanks")

        # --- 429 with Retry-After, then 500, then accepted: three requests, one SMS
        p.twilio.script(["429:2", "500"])
        t0 = time.monotonic()
        retry_survey = post_event({"id": "t2", "type": "meeting.completed", "contact": {"phone": "+358401000002"}})
        to2 = lambda r: r.field("To") == "+358401000002"  # noqa: E731
        p.twilio.wait_for(to2, "the 429", 1, 10)
        m = wait_message(retry_survey, lambda m: m["state"] == "queued" and m.get("error_code") == "20429",
                         "queued for a retry after 429")
        check("next_attempt_at" in m, f"a retry time: {m}")
        p.twilio.wait_sent(to2, "the accepted third attempt", 1, 20)
        elapsed = time.monotonic() - t0
        check(elapsed >= 2.0, f"Retry-After: 2 honoured ({elapsed:.2f} s)")
        tries = p.twilio.wait_for(to2, "three requests", 3)
        check([r.status for r in tries] == [429, 500, 201], f"429, 500, 201: {[r.status for r in tries]}")
        m = wait_message(retry_survey, lambda m: m["state"] == "sent", "sent on the third attempt")
        check(m["attempts"] == 3, f"attempts: {m}")

        # --- 21610: permanent, no retry, the number is opted out
        p.twilio.script(["400:21610"])
        stop_survey = post_event({"id": "t3", "type": "meeting.completed", "contact": {"phone": "+358401000003"}})
        m = wait_message(stop_survey, lambda m: m["state"] == "failed", "failed on 21610")
        check(m["error_code"] == "21610" and "unsubscribed" in m["error"], f"the provider's code and text: {m}")
        eventually(lambda: d.survey(stop_survey)["state"] == "opted_out", "survey closed by the opt-out")
        status, body = d.event({"id": "t3b", "type": "meeting.completed", "contact": {"phone": "+358401000003"}})
        check(not body["scheduled"] and body["suppressed"][0]["reason"] == "opted_out", f"opted out: {body}")
        time.sleep(1.5)
        check(len(p.twilio.wait_for(lambda r: r.field("To") == "+358401000003", "21610")) == 1, "never retried")

        # --- failover: a permanent email error sends the same survey by SMS
        p.mailgun.script(["400:'to' parameter is not a valid address"])
        fo = post_event({"id": "f1", "type": "deal.won",
                         "contact": {"email": "liisa@example.com", "phone": "+358401000004", "name": "Liisa"}})
        wait_message(fo, lambda m: m["state"] == "failed", "the email failed", channel="email")
        p.twilio.wait_sent(lambda r: r.field("To") == "+358401000004", "the NPS by SMS after the email failed")
        eventually(lambda: d.survey(fo)["channel"] == "sms", "survey moved to sms")
        check(d.survey(fo).get("reason", "").startswith("failover"), f"reason: {d.survey(fo)}")

        # --- failover on a bounce reported by a signed Mailgun event; then the SMS answer counts
        bounce = post_event({"id": "f2", "type": "deal.won",
                             "contact": {"email": "bounce@example.com", "phone": "+358401000005"}})
        mail = p.mailgun.wait_sent(lambda r: r.field("to") == "bounce@example.com", "the NPS by Mailgun")[0]
        m = wait_message(bounce, lambda m: m["state"] == "sent", "email accepted", channel="email")
        mailgun_status = f"{d.url}/webhooks/email/status"
        event = {"signature": mailgun_signature(),
                 "event-data": {"event": "failed", "severity": "permanent", "reason": "bounce",
                                "recipient": "bounce@example.com",
                                "message": {"headers": {"message-id": m["provider_id"].strip("<>")}},
                                "delivery-status": {"code": 550, "message": "5.1.1 mailbox unavailable",
                                                    "description": "No such user"}}}
        code, _, _ = post(mailgun_status, json_body=event)
        check(code == 200, f"mailgun bounce event: {code}")
        code, _, _ = post(mailgun_status, json_body=event)
        check(code == 403, f"a replayed Mailgun event (same token) is refused: {code}")
        unsigned = dict(event, signature={"timestamp": str(int(time.time())), "token": "t" * 50, "signature": "0" * 64})
        code, _, _ = post(mailgun_status, json_body=unsigned)
        check(code == 403, f"a wrongly signed Mailgun event: {code}")
        p.twilio.wait_sent(lambda r: r.field("To") == "+358401000005", "the SMS after the bounce")
        m = wait_message(bounce, lambda m: m["state"] == "failed", "the bounce recorded", channel="email")
        check(m.get("error_code") == "SMTP 550", f"bounce code: {m}")
        code, _, _ = p.twilio.inbound(inbound_url, "+358401000005", FROM_SMS, "10")
        eventually(lambda: d.survey(bounce).get("score") == 10, "the SMS answer after failover")
        check(mail.field("h:List-Unsubscribe-Post") == "List-Unsubscribe=One-Click", "one-click header via Mailgun")

        # --- an email reply through a signed Mailgun route, quoted text stripped; a replay is refused
        reply_survey = post_event({"id": "f3", "type": "deal.won",
                                   "contact": {"email": "pertti@example.com", "name": "Pertti"}})
        p.mailgun.wait_sent(lambda r: r.field("to") == "pertti@example.com", "the NPS to Pertti")
        wait_message(reply_survey, lambda m: m["state"] == "sent", "email sent", channel="email")
        route = dict(mailgun_signature(), **{
            "recipient": "vastaukset@mg.example.com", "sender": "pertti@example.com",
            "from": "Pertti Äijö <pertti@example.com>", "subject": "Re: Lyhyt kysely",
            "body-plain": "9 - hyvä palvelu\r\n\r\nLähetetty iPhonesta\r\n\r\n"
                          "ma 16.11.2026 klo 10.00 Asiakaspalvelu <kysely@mg.example.com> kirjoitti:\r\n"
                          "> Kuinka todennäköisesti suosittelisit meitä?\r\n",
            "Message-Id": "<reply-1@mail.example.com>"})
        code, _, _ = post(f"{d.url}/webhooks/email/inbound", route)
        check(code == 200, f"mailgun route: {code}")
        eventually(lambda: d.survey(reply_survey).get("score") == 9, "score 9 from the email reply")
        eventually(lambda: d.survey(reply_survey).get("comment") == "hyvä palvelu", "the comment, quote stripped")
        route["body-plain"] = "0"
        code, _, _ = post(f"{d.url}/webhooks/email/inbound", route)
        check(code == 403 and d.survey(reply_survey)["score"] == 9, f"a replayed route post is refused: {code}")

        # --- a status report that arrives before the send's answer is still applied
        sid = "SM" + "ab" * 16
        p.twilio.script([{"status": 201, "delay": 2, "body": {"sid": sid, "status": "queued", "error_code": None}}])
        early = post_event({"id": "e1", "type": "meeting.completed", "contact": {"phone": "+358401000006"}})
        wait_message(early, lambda m: m["state"] == "sending", "the send in flight")
        fields = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": p.twilio.account_sid,
                  "To": "+358401000006", "From": FROM_SMS}
        code, _, _ = p.twilio.signed_post(status_url, fields)
        check(code == 200, f"early report: {code}")
        m = wait_message(early, lambda m: m["state"] == "delivered", "the early report applied after the send")
        check(m["provider_id"] == sid, f"{m}")

        # --- Vonage: the send, and a signed delivery receipt
        vonage_survey = post_event({"id": "v1", "type": "call.completed", "contact": {"phone": "+358401000007"}})
        vs = p.vonage.wait_sent(lambda r: p.vonage.params(r).get("to") == "358401000007", "the CSAT by Vonage")[0]
        m = wait_message(vonage_survey, lambda m: m["state"] == "sent", "sent by Vonage")
        code, _, _ = p.vonage.delivery_receipt(vs.provider_ids[0], "delivered")
        check(code in (200, 204), f"vonage DLR: {code}")
        wait_message(vonage_survey, lambda m: m["state"] == "delivered", "delivered by the Vonage DLR")
        forged = {"messageId": vs.provider_ids[0], "msisdn": "358401000007", "to": "Asiakas", "status": "failed",
                  "err-code": "1", "timestamp": str(int(time.time())), "sig": "0" * 32}
        code, _, _ = post(f"{d.url}/webhooks/vonage/status", forged, method="GET")
        check(code == 403, f"a wrongly signed DLR: {code}")
        code, _, _ = post(f"{d.url}/webhooks/vonage/status", {k: v for k, v in forged.items() if k != "sig"})
        check(code == 403, f"an unsigned DLR: {code}")
        check(message_of(vonage_survey)["state"] == "delivered", "forged DLRs change nothing")

        # --- SendGrid and Postmark send the survey with the documented fields
        sg_survey = post_event({"id": "s1", "type": "deal.lost",
                                "contact": {"email": "sanna@example.com", "name": "Sanna", "locale": "sv"}})
        sg = p.sendgrid.wait_sent(what="the NPS by SendGrid")[0]
        check(sg.json["personalizations"][0]["to"][0]["email"] == "sanna@example.com", f"{sg.json}")
        check("rekommendera" in json.dumps(sg.json, ensure_ascii=False), "Swedish text")
        wait_message(sg_survey, lambda m: m["state"] == "sent", "sent by SendGrid")
        pm_survey = post_event({"id": "p1", "type": "booking.completed",
                                "contact": {"email": "aino@example.com", "name": "Äinö"}})
        pm = p.postmark.wait_sent(what="the CES by Postmark")[0]
        check(pm.json["To"] == "aino@example.com" and "Äinö" in pm.json["TextBody"], f"{pm.json}")
        wait_message(pm_survey, lambda m: m["state"] == "sent", "sent by Postmark")

        # --- kill -9 while Twilio holds the request: never sent twice
        p.twilio.script(["hang:4"])
        crash = post_event({"id": "k1", "type": "meeting.completed", "contact": {"phone": "+358401000008"}})
        wait_message(crash, lambda m: m["state"] == "sending", "the request in flight")
        d.stop(signal.SIGKILL)
        d.start(port=port)
        m = wait_message(crash, lambda m: m["state"] == "unknown", "in flight at the crash -> unknown")
        check("not sent again" in m["error"], f"{m}")
        check(d.survey(crash)["state"] == "sent", f"the survey counts as sent: {d.survey(crash)}")
        time.sleep(5)  # the held request completes at the provider; nothing follows it
        to8 = [r for r in p.twilio.snapshot() if r.field("To") == "+358401000008"]
        check(len(to8) == 1, f"exactly one request to the customer: {len(to8)}")

        # --- a timeout after the request was sent is not retried either (the provider may have sent it)
        p.twilio.script(["drop"])
        dropped = post_event({"id": "k2", "type": "meeting.completed", "contact": {"phone": "+358401000009"}})
        m = wait_message(dropped, lambda m: m["state"] == "unknown", "no answer after sending -> unknown")
        time.sleep(2)
        check(len([r for r in p.twilio.snapshot() if r.field("To") == "+358401000009"]) == 1, "not resent")

        p.assert_clean()
        log = d.read_log()
        check("403" in log or "signature" in log, "refused webhooks are logged")
        d.stop()


if __name__ == "__main__":
    run(test)
