"""Notifications reach a real local webhook receiver and a real local SMTP server once per incident."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest

from tests.servers import SmtpSink, WebhookReceiver, free_port, self_signed_tls
from zaiko_xl.adapters.notify_smtp import SmtpNotifier
from zaiko_xl.adapters.notify_webhook import WebhookNotifier
from zaiko_xl.adapters.ops_state_sqlite import SqliteNotifyState
from zaiko_xl.domain.notify import LICENSE, Incident, NotifyPolicy, Severity
from zaiko_xl.services.notify import notify

NOW = datetime(2026, 11, 20, 9, 0)
POLICY = NotifyPolicy(renotify=timedelta(hours=24), max_per_hour=10, send_resolved=True)
EXPIRY = Incident(LICENSE, LICENSE, Severity.WARNING, "RMS のライセンスキーはあと 8 日で期限切れです (2026-11-28)",
                  "The RMS license key expires in 8 day(s) (2026-11-28)")


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SmtpSink()
    yield server
    server.stop()


@pytest.fixture
def state(tmp_path):
    return SqliteNotifyState(tmp_path / "zaiko-journal.sqlite")


def _run(incidents, notifiers, state, at, scope=(LICENSE,), policy=POLICY, secrets=()):
    return notify(incidents, scope, notifiers=notifiers, state=state, now=at, policy=policy, secrets=secrets)


def test_one_incident_reaches_the_webhook_and_the_mailbox_exactly_once(receiver, smtp, state):
    channels = [WebhookNotifier(receiver.url(), "generic"),
                SmtpNotifier("127.0.0.1", smtp.port, mail_from="zaiko@example.jp", mail_to=["tenpo@example.jp"])]
    for minutes in (0, 5, 60, 600):  # the same incident seen by four runs within a day
        _run([EXPIRY], channels, state, NOW + timedelta(minutes=minutes))
    assert len(receiver.requests) == 1
    assert len(smtp.messages) == 1
    payload = json.loads(receiver.requests[0].body)
    assert (payload["key"], payload["status"], payload["severity"]) == ("license_expiry", "open", "warning")
    assert payload["title_en"] == "The RMS license key expires in 8 day(s) (2026-11-28)"
    mail = smtp.messages[0]
    assert mail["Subject"] == "[zaiko-xl 警告/warning] RMS のライセンスキーはあと 8 日で期限切れです (2026-11-28)"
    assert mail["To"] == "tenpo@example.jp"
    assert "The RMS license key expires in 8 day(s)" in mail.get_content()


def test_an_open_incident_is_sent_again_after_the_interval_and_once_when_resolved(receiver, state):
    channel = [WebhookNotifier(receiver.url(), "generic")]
    _run([EXPIRY], channel, state, NOW)
    _run([EXPIRY], channel, state, NOW + timedelta(hours=23))
    _run([EXPIRY], channel, state, NOW + timedelta(hours=24))
    _run([], channel, state, NOW + timedelta(hours=25))
    _run([], channel, state, NOW + timedelta(hours=26))
    statuses = [json.loads(r.body)["status"] for r in receiver.requests]
    assert statuses == ["open", "reminder", "resolved"]
    assert json.loads(receiver.requests[2].body)["title_en"].startswith("Resolved: The RMS license key expires")
    _run([EXPIRY], channel, state, NOW + timedelta(hours=30))  # it comes back: a new incident
    assert [json.loads(r.body)["status"] for r in receiver.requests][-1] == "open"


def test_incidents_outside_the_scope_of_a_check_are_not_resolved_by_it(receiver, state):
    channel = [WebhookNotifier(receiver.url(), "generic")]
    _run([EXPIRY], channel, state, NOW)
    _run([], channel, state, NOW + timedelta(hours=1), scope=("kpi:",))
    assert len(receiver.requests) == 1


def test_a_failed_delivery_is_retried_by_the_next_run_and_then_sent_once(receiver, state):
    channel = [WebhookNotifier(receiver.url(), "generic")]
    receiver.status = 500
    first = _run([EXPIRY], channel, state, NOW)
    assert first.sent == [] and first.failed[0][:2] == ("webhook:generic", "license_expiry")
    assert "secret-token" not in first.failed[0][2] and "HTTP 500" in first.failed[0][2]
    receiver.status = 200
    _run([EXPIRY], channel, state, NOW + timedelta(minutes=10))
    _run([EXPIRY], channel, state, NOW + timedelta(minutes=20))
    assert [r.path for r in receiver.requests] == [receiver.requests[0].path] * 2  # one failed, one delivered


def test_an_unreachable_webhook_fails_without_showing_its_url(state):
    url = f"http://127.0.0.1:{free_port()}/hooks/secret-token-0123456789"
    outcome = _run([EXPIRY], [WebhookNotifier(url, "slack", timeout_s=2)], state, NOW)
    message = outcome.failed[0][2]
    assert message.startswith("E711 通知を送れませんでした (webhook:slack): ConnectError")
    assert "secret-token" not in message and "127.0.0.1" not in message


def test_the_throttle_holds_notices_back_until_the_next_hour(receiver, state):
    incidents = [Incident(f"kpi:k{i}", "kpi", Severity.WARNING, f"KPI {i}", f"KPI {i}") for i in range(3)]
    policy = NotifyPolicy(max_per_hour=2)
    first = _run(incidents, [WebhookNotifier(receiver.url())], state, NOW, ("kpi:",), policy)
    assert (len(first.sent), first.held) == (2, 1)
    second = _run(incidents, [WebhookNotifier(receiver.url())], state, NOW + timedelta(minutes=30), ("kpi:",), policy)
    assert (len(second.sent), second.held) == (0, 1)
    third = _run(incidents, [WebhookNotifier(receiver.url())], state, NOW + timedelta(minutes=61), ("kpi:",), policy)
    assert len(third.sent) == 1
    assert sorted(json.loads(r.body)["key"] for r in receiver.requests) == ["kpi:k0", "kpi:k1", "kpi:k2"]


def test_secrets_never_leave_in_a_message(receiver, smtp, state):
    leaky = Incident("run_failed:sync", "run_failed", Severity.CRITICAL, "sync failed",
                     "sync failed", detail_en="POST https://hooks.example/T1/B2/tok-SECRET-42 with key SL123_ABCDEF")
    channels = [WebhookNotifier(receiver.url(), "slack"),
                SmtpNotifier("127.0.0.1", smtp.port, mail_from="z@example.jp", mail_to=["a@example.jp"])]
    _run([leaky], channels, state, NOW, ("run_failed:",), secrets=["tok-SECRET-42", "SL123_ABCDEF"])
    sent = receiver.requests[0].body.decode() + smtp.messages[0].get_content()
    assert "tok-SECRET-42" not in sent and "SL123_ABCDEF" not in sent
    assert sent.count("********") == 4


def test_slack_teams_and_chatwork_get_their_own_formats(receiver, state):
    _run([EXPIRY], [WebhookNotifier(receiver.url("/slack"), "slack")], state, NOW)
    _run([EXPIRY], [WebhookNotifier(receiver.url("/teams"), "teams")], state, NOW)
    _run([EXPIRY], [WebhookNotifier(receiver.url("/v2/rooms/123/messages"), "chatwork", token="cw-token-1")], state, NOW)
    slack, teams, chatwork = receiver.requests
    assert slack.headers["content-type"] == "application/json"
    assert json.loads(slack.body)["text"].startswith("*[zaiko-xl 警告/warning] RMS のライセンスキー")
    card = json.loads(teams.body)
    assert card["type"] == "message"
    assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["attachments"][0]["content"]["type"] == "AdaptiveCard"
    assert chatwork.headers["content-type"] == "application/x-www-form-urlencoded"
    assert chatwork.headers["x-chatworktoken"] == "cw-token-1"
    body = parse_qs(chatwork.body.decode())["body"][0]
    assert body.startswith("[info][title][zaiko-xl 警告/warning]") and body.endswith("[/info]")


def test_mail_goes_through_starttls_with_a_login(tmp_path, state):
    pytest.importorskip("cryptography")
    context, ca_file = self_signed_tls(tmp_path)
    server = SmtpSink(tls_context=context, login=("zaiko", "smtp-pass-77"))
    try:
        mailer = SmtpNotifier("127.0.0.1", server.port, mail_from="z@example.jp", mail_to=["a@example.jp", "b@example.jp"],
                              user="zaiko", password="smtp-pass-77", starttls=True, ca_file=ca_file)
        outcome = _run([EXPIRY], [mailer], state, NOW)
        assert outcome.failed == []
        assert server.logins == [("zaiko", "smtp-pass-77")]
        assert len(server.messages) == 1 and server.messages[0]["To"] == "a@example.jp, b@example.jp"
    finally:
        server.stop()


def test_a_wrong_smtp_password_fails_without_echoing_it(tmp_path, state):
    pytest.importorskip("cryptography")
    context, ca_file = self_signed_tls(tmp_path)
    server = SmtpSink(tls_context=context, login=("zaiko", "right-pass"))
    try:
        mailer = SmtpNotifier("127.0.0.1", server.port, mail_from="z@example.jp", mail_to=["a@example.jp"],
                              user="zaiko", password="wrong-pass-99", starttls=True, ca_file=ca_file)
        outcome = _run([EXPIRY], [mailer], state, NOW)
        assert outcome.failed[0][2].startswith(f"E711 通知を送れませんでした (email (127.0.0.1:{server.port})): "
                                               "SMTPAuthenticationError")
        assert "wrong-pass-99" not in outcome.failed[0][2]
        assert server.messages == []
    finally:
        server.stop()
