"""Faults injected by the sandbox: retries, unknown write outcomes, typed errors naming the SKU."""

import pytest

from tests.fakes import FakeClock
from tests.integration.rms_helpers import keys_of, requests_of, rms_client
from zaiko_xl.bootstrap import build_rms_client, jst_now
from zaiko_xl.config import load_settings
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.errors import (
    ApiBadResponse,
    ApiUnavailable,
    FunctionNotEnabled,
    LicenseRejected,
)

BULK_GET, BULK_UPSERT = "inventories.bulk.get", "inventories.bulk.upsert"


def _fault(sandbox, function, kind, **rule):
    sandbox.set_faults({"function": function, "kind": kind, **({"times": 1} | rule)})


# ---------------------------------------------------------------- reads: retried, typed errors
@pytest.mark.parametrize("kind", ["5xx", "503", "429", "html", "drop", "timeout"])
def test_a_read_that_fails_once_is_retried_and_returns_the_right_stock(rms_sandbox, kind):
    truth = rms_sandbox.stock()
    _fault(rms_sandbox, BULK_GET, kind)
    with rms_client(rms_sandbox, timeout_s=0.6) as client:
        frame = client.get_stock([RmsSkuKey(m, v) for m, v in truth])
    assert dict(zip(zip(frame.manage_number, frame.variant_id, strict=True), frame.quantity, strict=True)) == truth
    assert requests_of(rms_sandbox, BULK_GET) == 2


def test_retry_after_is_waited_out(rms_sandbox):
    rms_sandbox.configure(retry_after_s=3)
    _fault(rms_sandbox, BULK_GET, "429")
    clock = FakeClock()
    with rms_client(rms_sandbox, clock) as client:
        client.get_stock(keys_of(rms_sandbox)[:5])
    assert max(clock.sleeps) >= 3


def test_html_error_pages_until_the_budget_is_spent_give_a_typed_error(rms_sandbox):
    _fault(rms_sandbox, BULK_GET, "html", times=None, rate=1.0)
    with rms_client(rms_sandbox) as client, pytest.raises(ApiUnavailable) as caught:
        client.get_stock(keys_of(rms_sandbox)[:5])
    assert caught.value.render("en").startswith(
        "E301 Cannot reach RMS (inventories.bulk.get): HTTP 502 text/html: 502 Bad Gateway (6 tries). If the API is down")
    assert requests_of(rms_sandbox, BULK_GET) == 6


def test_malformed_json_is_a_bad_response(rms_sandbox):
    _fault(rms_sandbox, BULK_GET, "malformed")
    with rms_client(rms_sandbox) as client, pytest.raises(ApiBadResponse) as caught:
        client.get_stock(keys_of(rms_sandbox)[:5])
    assert caught.value.render("en").startswith("E305 Cannot understand the RMS response (inventories.bulk.get): Invalid JSON")


def test_an_html_page_with_status_200_is_a_bad_response(rms_sandbox):
    _fault(rms_sandbox, BULK_GET, "maintenance")
    with rms_client(rms_sandbox) as client, pytest.raises(ApiBadResponse) as caught:
        client.get_stock(keys_of(rms_sandbox)[:5])
    assert caught.value.render("en") == ("E305 Cannot understand the RMS response (inventories.bulk.get): "
                                         "expected JSON, got text/html: RMS メンテナンス中 / Maintenance")


def test_unexpected_fields_are_ignored(rms_sandbox):
    truth = rms_sandbox.stock()
    _fault(rms_sandbox, BULK_GET, "extra_fields")
    with rms_client(rms_sandbox) as client:
        frame = client.get_stock([RmsSkuKey(m, v) for m, v in truth])
    assert len(frame) == len(truth)


def test_wrong_credentials_are_rejected_with_the_renew_hint(rms_sandbox):
    with rms_client(rms_sandbox, license_key="SL123456_wrong") as client, pytest.raises(LicenseRejected) as caught:
        client.get_stock(keys_of(rms_sandbox)[:1])
    assert caught.value.render("en") == (
        "E310 RMS does not accept the license key (inventories.bulk.get, HTTP 401, GA0001); it has expired or was "
        "replaced by a newly issued key. Log in to RMS, open WEB API service > usage settings > your app's details, "
        "press 'issue license key', and set the new key in ZAIKO_RMS_LICENSE_KEY or the keyring "
        "(`python -m keyring set zaiko-xl rms_license_key`).")
    assert "SL123456_wrong" not in caught.value.render()


def test_an_expired_key_is_rejected_by_every_api(rms_sandbox):
    rms_sandbox.set_license(jst_now().replace(year=2020))
    with rms_client(rms_sandbox) as client:
        for call in (lambda: client.get_stock(keys_of(rms_sandbox)[:1]), client.expiry):
            with pytest.raises(LicenseRejected):
                call()


def test_a_function_not_enabled_names_the_function(rms_sandbox):
    rms_sandbox.configure(disabled_functions=[BULK_GET])
    with rms_client(rms_sandbox) as client, pytest.raises(FunctionNotEnabled) as caught:
        client.get_stock(keys_of(rms_sandbox)[:1])
    assert caught.value.render("en") == (
        "E311 The function 'inventories.bulk.get' is not enabled for your RMS app (inventories.bulk.get, HTTP 403). "
        "Tick 'inventories.bulk.get' in RMS: WEB API service > usage settings > edit functions.")


def test_pacing_keeps_the_client_under_the_sandbox_rate_limit(rms_sandbox):
    rms_sandbox.configure(rates={BULK_GET: 4})
    keys = keys_of(rms_sandbox)
    settings = load_settings(None, rms=rms_sandbox.rms_overrides(rate_get_per_s=3.8))
    with build_rms_client(settings) as client:  # the real clock: pacing really waits (5% below the limit)
        for _ in range(6):
            client.get_stock(keys[:3])
    assert rms_sandbox.counters()["statuses"][BULK_GET] == {"200": 6}


def test_without_pacing_the_sandbox_answers_429_and_the_client_backs_off(rms_sandbox):
    rms_sandbox.configure(rates={BULK_GET: 4})
    keys = keys_of(rms_sandbox)
    settings = load_settings(None, rms=rms_sandbox.rms_overrides(retry_base_s=0.3, retry_cap_s=1))
    with build_rms_client(settings) as client:
        for _ in range(6):
            assert len(client.get_stock(keys[:3])) == 3
    statuses = rms_sandbox.counters()["statuses"][BULK_GET]
    assert statuses["200"] == 6 and statuses["429"] >= 1
