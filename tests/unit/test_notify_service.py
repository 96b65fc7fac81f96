"""The notification use cases with fakes: health incidents, run outcomes, failing channels."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.fakes import FakeLicenseSource, FakeNotifier, FakeNotifyState, FakeRunLog
from zaiko_xl.domain.notify import NotifyPolicy
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import ApiAuthError, NotifyFailed
from zaiko_xl.services.notify import health_incidents, notify, notify_run

NOW = datetime(2026, 11, 20, 9, 0)
STALL = timedelta(minutes=60)


def _run(command: str, outcome: Outcome, at: datetime = NOW) -> RunRecord:
    return RunRecord(f"{command}-{at:%H%M%S}-{outcome.value}", command, at, at, outcome, "E301" if outcome != Outcome.OK
                     else "", "接続できません", "cannot reach RMS")


def test_health_covers_license_stall_and_failed_runs():
    runs = FakeRunLog([_run("sync", Outcome.OK, NOW - timedelta(hours=3)), _run("pull", Outcome.FAILED)])
    active, scope = health_incidents(runs=runs, license_source=FakeLicenseSource(date(2026, 11, 25)), today=NOW.date(),
                                     now=NOW, warn_days=14, stall=STALL, pilot=False)
    assert sorted(i.key for i in active) == ["license_expiry", "run_failed:pull", "sync_stalled"]
    assert "license_expiry" in scope


def test_in_pilot_mode_nothing_is_pushed_so_nothing_stalls():
    runs = FakeRunLog([_run("sync", Outcome.OK, NOW - timedelta(hours=3))])
    active, _ = health_incidents(runs=runs, license_source=None, today=NOW.date(), now=NOW, warn_days=14, stall=STALL,
                                 pilot=True)
    assert active == []


def test_without_a_license_hook_the_license_incident_is_neither_raised_nor_resolved():
    _, scope = health_incidents(runs=FakeRunLog(), license_source=None, today=NOW.date(), now=NOW, warn_days=14,
                                stall=STALL, pilot=False)
    assert "license_expiry" not in scope


def test_a_failing_license_check_is_itself_an_incident():
    source = FakeLicenseSource(error=ApiAuthError(endpoint="license.expiryDate.get", status=401, rms_code="GA0001"))
    active, _ = health_incidents(runs=FakeRunLog(), license_source=source, today=NOW.date(), now=NOW, warn_days=14,
                                 stall=STALL, pilot=False)
    assert [(i.key, i.title_en) for i in active] == [("license_expiry", "Cannot check the license key's expiry")]


def test_a_good_sync_resolves_only_the_sync_incident():
    channel, state = FakeNotifier("email"), FakeNotifyState()
    for run in (_run("sync", Outcome.FAILED), _run("push", Outcome.GUARD_TRIPPED),
                _run("sync", Outcome.OK, NOW + timedelta(minutes=5))):
        notify_run(run, notifiers=[channel], state=state, now=run.started_at, policy=NotifyPolicy())
    assert [(n.incident.key, n.status) for n in channel.notices] == [
        ("run_failed:sync", "open"), ("guard_tripped:push", "open"), ("run_failed:sync", "resolved")]


def test_a_failing_channel_does_not_stop_the_others_and_is_retried():
    broken = FakeNotifier("webhook:slack", error=NotifyFailed(channel="webhook:slack", detail="HTTP 500"))
    working, state = FakeNotifier("email"), FakeNotifyState()
    incident = [*health_incidents(runs=FakeRunLog([_run("pull", Outcome.FAILED)]), license_source=None,
                                  today=NOW.date(), now=NOW, warn_days=14, stall=STALL, pilot=False)[0]]
    first = notify(incident, ("run_failed:",), notifiers=[broken, working], state=state, now=NOW, policy=NotifyPolicy())
    assert [c for c, _, _ in first.failed] == ["webhook:slack"] and [c for c, _, _ in first.sent] == ["email"]
    broken.error = None
    notify(incident, ("run_failed:",), notifiers=[broken, working], state=state, now=NOW + timedelta(minutes=1),
           policy=NotifyPolicy())
    assert len(broken.notices) == 1 and len(working.notices) == 1
