"""The pure notification rules: detectors, the per-channel plan, scrubbing, message text."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from zaiko_xl.domain import notify as n
from zaiko_xl.domain.runs import Outcome, RunRecord

NOW = datetime(2026, 11, 20, 9, 0)
DEFS = {"stockout_rate": ("欠品率", "stockout rate", "%", True), "turnover": ("在庫回転", "stock turnover", "回/年", False)}


@pytest.mark.parametrize(("expiry", "severity"), [
    (date(2026, 12, 5), None), (date(2026, 12, 4), n.Severity.WARNING), (date(2026, 11, 24), n.Severity.WARNING),
    (date(2026, 11, 23), n.Severity.CRITICAL), (date(2026, 11, 19), n.Severity.CRITICAL)])
def test_license_warns_from_14_days_and_is_critical_from_3(expiry, severity):
    found = n.license_incident(expiry, date(2026, 11, 20), 14)
    assert (found.severity if found else None) == severity


def test_an_expired_license_says_so():
    found = n.license_incident(date(2026, 11, 19), date(2026, 11, 20), 14)
    assert found.title_en == "The RMS license key expired on 2026-11-19"


def test_a_stall_is_counted_from_the_last_success_or_the_first_attempt():
    stall = timedelta(minutes=60)
    assert n.stall_incident(NOW - timedelta(minutes=59), None, NOW, stall) is None
    found = n.stall_incident(NOW - timedelta(minutes=61), None, NOW, stall)
    assert found.title_en == "No successful push to RMS for 61 minutes (last success: 2026-11-20 07:59:00)"
    assert n.stall_incident(None, NOW - timedelta(hours=2), NOW, stall).key == "sync_stalled"
    assert n.stall_incident(None, None, NOW, stall) is None  # never pushed: nothing to watch


def test_failed_and_guard_stopped_runs_are_incidents_per_command():
    runs = [RunRecord("r1", "sync", NOW, NOW, Outcome.FAILED, "E301", "接続できません", "Cannot reach RMS"),
            RunRecord("r2", "push", NOW, NOW, Outcome.GUARD_TRIPPED, "E401", "0 にする SKU が多すぎます", "too many zeros"),
            RunRecord("r3", "pull", NOW, NOW, Outcome.OK)]
    found = n.run_incidents(runs)
    assert [i.key for i in found] == ["run_failed:sync", "guard_tripped:push"]
    assert found[0].title_ja == "zaiko-xl sync が失敗しました (E301)"
    assert found[1].detail_en == "too many zeros (run r2, 2026-11-20 09:00)"


def test_kpi_thresholds_respect_the_direction_of_each_kpi():
    values = {"stockout_rate": 0.062, "turnover": 3.0}
    found = n.kpi_incidents(values, {"stockout_rate": 0.05, "turnover": 4.0, "unknown": 1.0}, DEFS)
    assert [i.title_en for i in found] == ["stockout rate is 6.20% (threshold 5.00%)",
                                          "stock turnover is 3 回/年 (threshold 4 回/年)"]
    assert n.kpi_incidents({"stockout_rate": float("nan")}, {"stockout_rate": 0.05}, DEFS) == []
    assert n.kpi_incidents({"turnover": 5.0}, {"turnover": 4.0}, DEFS) == []


def _incident(key: str, severity=n.Severity.WARNING) -> n.Incident:
    return n.Incident(key, key.split(":")[0], severity, f"title {key}", f"title {key}")


def test_the_plan_sends_new_incidents_and_keeps_quiet_about_known_ones():
    first = n.plan([_incident("kpi:a")], ("kpi:",), {}, "email", NOW, n.NotifyPolicy(), 0)
    assert [(notice.status, record.sends) for notice, record in first.send] == [("open", 1)]
    known = {"kpi:a": first.send[0][1]}
    again = n.plan([_incident("kpi:a")], ("kpi:",), known, "email", NOW + timedelta(hours=1), n.NotifyPolicy(), 1)
    assert again.send == [] and again.close == []


def test_an_incident_over_is_resolved_once_or_closed_silently():
    told = n.Delivery("kpi:a", "email", "kpi", NOW, last_sent=NOW, sends=1, title_ja="欠品率が高い", title_en="high")
    loud = n.plan([], ("kpi:",), {"kpi:a": told}, "email", NOW, n.NotifyPolicy(send_resolved=True), 0)
    assert loud.send[0][0].status == "resolved" and loud.send[0][0].incident.title_ja == "解消しました: 欠品率が高い"
    quiet = n.plan([], ("kpi:",), {"kpi:a": told}, "email", NOW, n.NotifyPolicy(send_resolved=False), 0)
    assert quiet.send == [] and quiet.close[0].resolved_at == NOW
    never_told = n.Delivery("kpi:a", "email", "kpi", NOW)
    assert n.plan([], ("kpi:",), {"kpi:a": never_told}, "email", NOW, n.NotifyPolicy(), 0).close[0].resolved_at == NOW


def test_the_throttle_sends_critical_incidents_first():
    incidents = [_incident("kpi:a"), _incident("run_failed:sync", n.Severity.CRITICAL), _incident("kpi:b")]
    chosen = n.plan(incidents, (), {}, "email", NOW, n.NotifyPolicy(max_per_hour=3), 1)
    assert [notice.incident.key for notice, _ in chosen.send] == ["run_failed:sync", "kpi:a"]
    assert chosen.held == 1


def test_scrub_masks_every_secret_longest_first():
    text = "url https://x/T1/abcdef123 key abcdef"
    assert n.scrub(text, ["abcdef", "https://x/T1/abcdef123", "", "ab"]) == "url ******** key ********"


def test_notice_text_is_bilingual_with_the_key_and_time():
    subject, body = n.notice_text(n.Notice(_incident("kpi:a"), "reminder", NOW))
    assert subject == "[zaiko-xl 警告/warning] [再通知 / reminder] title kpi:a"
    assert body.splitlines() == ["title kpi:a", "", "title kpi:a", "", "2026-11-20 09:00 JST  key=kpi:a"]
