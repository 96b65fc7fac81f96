"""The doctor's RMS checks (bootstrap's license source and API probe) against the sandbox over loopback."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from tests.integration.rms_helpers import requests_of
from zaiko_xl import bootstrap
from zaiko_xl.adapters.rms_health import PROBES
from zaiko_xl.config import load_settings
from zaiko_xl.sandbox.config import jst_now
from zaiko_xl.services.doctor import DoctorInputs, run_doctor

FUNCTIONS = tuple(PROBES)


def _settings(sandbox, **rms):
    return load_settings(None, rms=sandbox.rms_overrides(**rms), doctor={"functions": list(FUNCTIONS)})


def _rms_checks(settings) -> dict[str, tuple[str, str, str]]:
    """key -> (status, message_en, hint_en) of the license and API checks."""
    now = jst_now()
    inputs = DoctorInputs(config_error=None, config_file="zaiko.toml", license=bootstrap.build_license_source(settings),
                          api=bootstrap.build_api_probe(settings, now), functions=tuple(settings.doctor.functions),
                          today=now.date(), now=now)
    return {r.key: (r.status, r.message_en, r.hint_en) for r in run_doctor(inputs)
            if r.key == "license" or r.key.startswith("api")}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_function_answers_and_nothing_is_written(rms_sandbox):
    before = rms_sandbox.stock()
    checks = _rms_checks(_settings(rms_sandbox))
    assert {k: v[0] for k, v in checks.items()} == {"license": "ok", **{f"api:{f}": "ok" for f in FUNCTIONS}}
    assert checks["license"][1].startswith(f"expires {(jst_now() + timedelta(days=90)).date()}")
    assert all(requests_of(rms_sandbox, f) >= 1 for f in FUNCTIONS)
    assert rms_sandbox.counters()["writes_applied"] == {} and rms_sandbox.stock() == before


@pytest.mark.parametrize("change", [{"expiry": "past"}, {"rejected": True}])
def test_an_expired_or_rejected_key_fails_the_license_and_skips_the_api_checks(rms_sandbox, change):
    if change.get("expiry"):
        rms_sandbox.set_license(jst_now() - timedelta(days=1))
    else:
        rms_sandbox.set_license(jst_now() + timedelta(days=30), rejected=True)
    checks = _rms_checks(_settings(rms_sandbox))
    assert checks["license"] == (
        "fail", "RMS does not accept the license key (license.expiryDate.get, HTTP 401, GA0001); it has expired or was "
                "replaced by a newly issued key.",
        checks["license"][2])
    assert "license key" in checks["license"][2]
    assert checks["api"] == ("skip", "not checked: RMS refuses the key (see above)", "")


def test_a_key_close_to_expiry_warns(rms_sandbox):
    rms_sandbox.set_license(jst_now() + timedelta(days=5, hours=1))
    status, message, hint = _rms_checks(_settings(rms_sandbox))["license"]
    assert (status, message.endswith("(in 5 day(s))")) == ("warn", True)
    assert hint == "Issue a new key in RMS and set it in ZAIKO_RMS_LICENSE_KEY or the keyring."


def test_a_function_answering_errors_fails_alone_with_its_hint(rms_sandbox):
    rms_sandbox.set_faults({"function": "inventories.bulk.get", "kind": "5xx", "times": 5})
    rms_sandbox.configure(disabled_functions=["rpay.order.getOrder"])
    checks = _rms_checks(_settings(rms_sandbox))
    assert checks["api:inventories.bulk.get"][:2] == ("fail", "Cannot reach RMS (inventories.bulk.get): HTTP 500 X0000 "
                                                              "(2 tries).")
    assert "export-rms-csv" in checks["api:inventories.bulk.get"][2]
    assert checks["api:rpay.order.getOrder"] == (
        "fail", "The function 'rpay.order.getOrder' is not enabled for your RMS app (rpay.order.getOrder, HTTP 403).",
        "Tick 'rpay.order.getOrder' in RMS: WEB API service > usage settings > edit functions.")
    others = {k: v[0] for k, v in checks.items() if k not in ("api:inventories.bulk.get", "api:rpay.order.getOrder")}
    assert set(others.values()) == {"ok"}


def test_an_unreachable_host_fails_the_license_and_skips_the_api_checks(rms_sandbox):
    checks = _rms_checks(_settings(rms_sandbox, base_url=f"http://127.0.0.1:{_closed_port()}"))
    assert checks["license"][:2] == ("fail", "Cannot reach RMS (license.expiryDate.get): connection failed: ConnectError "
                                             "(2 tries).")
    assert checks["api"] == ("skip", "not checked: RMS cannot be reached (see above)", "")


def test_a_function_doctor_cannot_probe_is_named_with_the_ones_it_can(rms_sandbox):
    settings = load_settings(None, rms=rms_sandbox.rms_overrides(), doctor={"functions": ["inventories.bulk.delete"]})
    status, message, hint = _rms_checks(settings)["api:inventories.bulk.delete"]
    assert (status, message) == ("fail", "'inventories.bulk.delete' in [doctor] functions is not an RMS function "
                                         "zaiko-xl can check.")
    assert hint == f"Functions it can check: {', '.join(FUNCTIONS)}"


def test_without_credentials_there_is_nothing_to_connect(rms_sandbox):
    settings = load_settings(None, rms={"base_url": rms_sandbox.base_url})
    assert bootstrap.build_license_source(settings) is None and bootstrap.build_api_probe(settings) is None
