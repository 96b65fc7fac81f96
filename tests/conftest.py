"""Shared fixtures. Every test starts with no ZAIKO_* variables and no OS keyring."""

from __future__ import annotations

import os

import pytest

from tests.workbook_fixtures import built_template, workbook  # noqa: F401 (fixtures for the workbook tests)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ZAIKO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setenv("COLUMNS", "200")


# The RMS sandbox fixtures (`rms_sandbox`, `rms_sandbox_session`), usable by every part's tests, and
# the push-from-a-workbook fixtures (`push_sandbox`, `push_template`, `push_shop_book`).
from tests.push_workbook_setup import push_sandbox, push_shop_book, push_template  # noqa: E402, F401
from tests.sandbox_server import rms_sandbox, rms_sandbox_session  # noqa: E402, F401
