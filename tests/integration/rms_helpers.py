"""Building the real RMS client against the test sandbox."""

from __future__ import annotations

import random
from typing import Any

from tests.fakes import FakeClock
from tests.sandbox_server import Sandbox
from zaiko_xl.adapters.rms_http import HttpRmsClient
from zaiko_xl.bootstrap import build_rms_client
from zaiko_xl.config import load_settings
from zaiko_xl.domain.model import RmsSkuKey


def rms_client(sandbox: Sandbox, clock: FakeClock | None = None, *, page_size: int | None = None,
               search_cap: int | None = None, **rms: Any) -> HttpRmsClient:
    """The production client (bootstrap) on the sandbox; a fake clock so retries do not really wait."""
    settings = load_settings(None, rms=sandbox.rms_overrides(**rms))
    options: dict[str, Any] = {"clock": clock or FakeClock(), "rng": random.Random(0)}
    if page_size is not None:
        options["page_size"] = page_size
    if search_cap is not None:
        options["search_cap"] = search_cap
    return build_rms_client(settings, **options)


def keys_of(sandbox: Sandbox) -> list[RmsSkuKey]:
    return [RmsSkuKey(m, v) for m, v in sandbox.stock()]


def requests_of(sandbox: Sandbox, function: str) -> int:
    return sandbox.counters()["requests"].get(function, 0)
