"""Test peers for cxgate's integration tests: the servers cxgate talks to, run by the test
itself on 127.0.0.1 with free ports.

    fake_providers  in-process HTTP stand-ins for the Twilio, Vonage, SendGrid, Mailgun and
                    Postmark send APIs, each checking auth and required fields as the
                    provider's API reference says, recording every request, and answering
                    with a per-server script of documented success and error bodies.
    chat_stubs      in-process stand-ins for where staff alerts go: a Slack incoming webhook
                    (Block Kit checks, Slack's plain-text reasons), a Teams Workflows webhook
                    (the Adaptive Card envelope, 202) and a receiver that verifies cxgate's
                    signed webhook on its own.
    kannel          a real Kannel (bearerbox + smsbox + fakesmsc) on free loopback ports:
                    capture every MT, inject MOs at any time, DLRs flow to the dlr-url.
    smtp_sink       a real SMTP server (aiosmtpd, a subprocess) that writes each message as
                    a .eml file, with helpers to load them back for MIME assertions.
    common          the shared pieces: free ports, polling, an HTTP request recorder,
                    stopping a process by PID.

Use them from a test in tests/integration (the script's folder is on sys.path):

    from peers.fake_providers import ProviderServers
    from peers.kannel import Kannel
    from peers.smtp_sink import SmtpSink

Each module has a self-test: `cd tests/integration && python3 -m peers.<module>`.
Everything is standard library only (aiosmtpd runs under Debian's /usr/bin/python3 in a
child process), so the peers work under any Python 3.11 that runs the tests.
"""
