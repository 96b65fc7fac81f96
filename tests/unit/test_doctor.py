"""Each doctor check in its passing and its failing form (service with fakes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from tests.fakes import FakeApiProbe, FakeHealthProbe, FakeLicenseSource, FakeRunLog, FakeSourceWatch
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import (
    ApiAuthError,
    ApiBadResponse,
    ApiUnavailable,
    JournalUnreadable,
    UnknownSetting,
    WorkbookLocked,
)
from zaiko_xl.services.doctor import DoctorInputs, run_doctor

NOW = datetime(2026, 11, 20, 9, 0)
GOOD_RUN = RunRecord("r1", "sync", NOW - timedelta(hours=1), NOW - timedelta(minutes=59), Outcome.OK)
HEALTHY = DoctorInputs(
    config_error=None, config_file="zaiko.toml", channels=("email smtp.example.jp:587 -> 1",),
    license=FakeLicenseSource(date(2027, 1, 31)), api=FakeApiProbe(), functions=("inventories.bulk.get",
                                                                                 "inventories.bulk.upsert"),
    health=FakeHealthProbe(), runs=FakeRunLog([GOOD_RUN]), today=NOW.date(), now=NOW, watch=FakeSourceWatch())


def _check(inputs: DoctorInputs, key: str):
    return next(r for r in run_doctor(inputs) if r.key == key)


def test_a_healthy_setup_passes_every_check():
    results = run_doctor(HEALTHY)
    assert [(r.key, r.status) for r in results] == [
        ("config", "ok"), ("credentials", "ok"), ("notifications", "ok"), ("license", "ok"),
        ("api:inventories.bulk.get", "ok"), ("api:inventories.bulk.upsert", "ok"), ("workbook", "ok"),
        ("journal", "ok"), ("last_run", "ok"), ("pending", "ok")]
    assert _check(HEALTHY, "license").message_en == "expires 2027-01-31 (in 72 day(s))"


def test_settings_that_do_not_load_fail_and_the_rest_is_skipped():
    inputs = DoctorInputs(config_error=UnknownSetting(key="push.bufer", file="zaiko.toml"), config_file="zaiko.toml")
    results = run_doctor(inputs)
    assert results[0].status == "fail"
    assert results[0].message_en == "Unknown setting 'push.bufer' in zaiko.toml."
    assert results[0].hint_en == "Check the spelling or compare with the template from `zaiko-xl init`."
    assert {r.status for r in results[1:]} == {"skip"}


def test_a_missing_settings_file_is_a_warning():
    assert _check(replace(HEALTHY, config_found=False), "config").status == "warn"


def test_missing_credentials_fail_without_values_and_skip_rms_checks():
    inputs = replace(HEALTHY, missing_secrets=(("rms.license_key", "ZAIKO_RMS_LICENSE_KEY"),))
    found = _check(inputs, "credentials")
    assert (found.status, found.message_en) == ("fail", "not set: rms.license_key")
    assert "ZAIKO_RMS_LICENSE_KEY" in found.hint_en
    assert _check(inputs, "license").status == "skip" and _check(inputs, "api").status == "skip"


@pytest.mark.parametrize(("channels", "problems", "status"), [
    ((), (), "warn"), (("webhook:chatwork",), (("トークンがありません", "the Chatwork token is not set"),), "fail")])
def test_notification_channels_missing_or_half_configured(channels, problems, status):
    assert _check(replace(HEALTHY, channels=channels, channel_problems=problems), "notifications").status == status


@pytest.mark.parametrize(("expiry", "status"), [(date(2026, 12, 4), "warn"), (date(2026, 11, 19), "fail")])
def test_the_license_warns_within_14_days_and_fails_when_expired(expiry, status):
    assert _check(replace(HEALTHY, license=FakeLicenseSource(expiry)), "license").status == status


def test_a_rejected_license_check_shows_the_rms_error():
    error = ApiAuthError(endpoint="license.expiryDate.get", status=401, rms_code="GA0001")
    found = _check(replace(HEALTHY, license=FakeLicenseSource(error=error)), "license")
    assert found.status == "fail"
    assert found.message_en == "RMS rejected the credentials (license.expiryDate.get, HTTP 401, GA0001)."


@pytest.mark.parametrize(("error", "message"), [
    (ApiAuthError(endpoint="license.expiryDate.get", status=401, rms_code="GA0001"),
     "not checked: RMS refuses the key (see above)"),
    (ApiUnavailable(endpoint="license.expiryDate.get", detail="connection failed: ConnectError (2 tries)."),
     "not checked: RMS cannot be reached (see above)")])
def test_api_checks_are_skipped_when_the_license_check_shows_no_call_can_get_through(error, message):
    probe = FakeApiProbe()
    results = run_doctor(replace(HEALTHY, license=FakeLicenseSource(error=error), api=probe))
    assert [(r.key, r.status, r.message_en) for r in results if r.key.startswith("api")] == [("api", "skip", message)]
    assert probe.probed == []


def test_other_license_errors_still_probe_each_function():
    error = ApiBadResponse(endpoint="license.expiryDate.get", detail="expected JSON, got text/html: 502 Bad Gateway")
    probe = FakeApiProbe()
    run_doctor(replace(HEALTHY, license=FakeLicenseSource(error=error), api=probe))
    assert probe.probed == ["inventories.bulk.get", "inventories.bulk.upsert"]


def test_without_the_rms_client_hooks_license_and_api_are_skipped():
    inputs = replace(HEALTHY, license=None, api=None)
    assert _check(inputs, "license").status == "skip" and _check(inputs, "api").status == "skip"


def test_each_unreachable_api_function_fails_on_its_own_line():
    probe = FakeApiProbe({"inventories.bulk.upsert": ApiUnavailable(endpoint="inventories.bulk.upsert",
                                                                    detail="timeout")})
    results = run_doctor(replace(HEALTHY, api=probe))
    assert [(r.key, r.status) for r in results if r.key.startswith("api:")] == [
        ("api:inventories.bulk.get", "ok"), ("api:inventories.bulk.upsert", "fail")]
    assert probe.probed == ["inventories.bulk.get", "inventories.bulk.upsert"]


def test_a_workbook_open_in_excel_fails_and_a_missing_one_warns():
    locked = FakeHealthProbe(workbook_error=WorkbookLocked(file="zaiko.xlsm", lock_file="~$zaiko.xlsm"))
    found = _check(replace(HEALTHY, health=locked), "workbook")
    assert found.status == "fail" and "~$zaiko.xlsm" in found.message_ja
    assert _check(replace(HEALTHY, health=FakeHealthProbe(workbook_exists=False)), "workbook").status == "warn"


def test_an_unwritable_journal_fails():
    probe = FakeHealthProbe(journal_error=JournalUnreadable(journal="j.sqlite", detail="readonly database"))
    found = _check(replace(HEALTHY, health=probe), "journal")
    assert (found.status, found.message_en) == ("fail", "Cannot read or write the journal j.sqlite: readonly database")


def test_the_last_run_fails_when_a_command_failed_and_warns_when_old_or_missing():
    failed = RunRecord("r2", "sync", NOW, NOW, Outcome.FAILED, "E301", "接続できません", "cannot reach RMS")
    found = _check(replace(HEALTHY, runs=FakeRunLog([GOOD_RUN, failed])), "last_run")
    assert (found.status, found.message_en) == ("fail", "zaiko-xl sync failed (2026-11-20 09:00, E301): cannot reach RMS")
    assert _check(replace(HEALTHY, runs=FakeRunLog([])), "last_run").status == "warn"
    old = replace(GOOD_RUN, finished_at=NOW - timedelta(hours=27))
    assert _check(replace(HEALTHY, runs=FakeRunLog([old])), "last_run").status == "warn"


def test_changes_rms_does_not_show_warn_once_the_oldest_is_older_than_the_limit():
    import pandas as pd

    watch = FakeSourceWatch()
    seen = pd.DataFrame({"sku": ["A-1", "B-2", "C-3"], "source": "warehouse", "value": [1, 1, 1],
                         "changed_at": pd.NaT})
    watch.observe(seen, NOW - timedelta(hours=5))
    watch.observe(seen.assign(value=[2, 2, 1], changed_at=pd.to_datetime(["2026-11-20 08:30", "2026-11-20 05:59",
                                                                           None])), NOW - timedelta(minutes=10))
    found = _check(replace(HEALTHY, watch=watch), "pending")
    assert (found.status, found.message_en) == ("warn", "2 (oldest 2026-11-20 05:59, 181 min ago, e.g. B-2, A-1)")
    assert "zaiko-xl sync --once" in found.hint_en
    watch.shown(pd.DataFrame({"sku": ["B-2"], "shown_at": [pd.Timestamp(NOW)]}))
    found = _check(replace(HEALTHY, watch=watch), "pending")
    assert (found.status, found.message_en) == ("ok", "1 (oldest 2026-11-20 08:30, 30 min ago, e.g. A-1)")
    assert _check(replace(HEALTHY, watch=None), "pending").status == "skip"
