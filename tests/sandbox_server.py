"""Test helper: the RMS sandbox on an ephemeral loopback port, in a thread, for any part's tests.

Use the fixtures (registered in tests/conftest.py)::

    def test_something(rms_sandbox):           # fresh state per test: 50 SKUs, seed 1, fast limits
        rms_sandbox.set_faults({"function": "inventories.bulk.get", "kind": "5xx", "times": 1})
        settings = load_settings(None, rms=rms_sandbox.rms_overrides())
        ...
        assert rms_sandbox.stock()[("zk-00001", "zk-00001")] == 5

or the context manager for a sandbox of your own (other size, real RMS rate limits)::

    with running_sandbox(skus=1000, seed=3, fast=False) as sb:
        ...

``fast=True`` lifts the rate limits to 1000 req/s, sends no Retry-After and makes the
"timeout" fault hold for 1.5 s, so tests stay quick; benchmarks use ``fast=False``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from zaiko_xl.sandbox.config import SandboxConfig, jst_now
from zaiko_xl.sandbox.seed import build_state
from zaiko_xl.sandbox.server import SandboxServer

FAST = {"rates": {"*": 1000.0}, "retry_after_s": None, "hang_s": 1.5}
_DEFAULTS = {"search_cap": 15_000, "disabled_functions": [], "migrated": True, "orders_per_s": 0.0}


@dataclass
class Sandbox:
    """A running sandbox: where it is, its credentials, and its control endpoints."""

    base_url: str
    service_secret: str
    license_key: str
    control: httpx.Client = field(repr=False)
    server: SandboxServer = field(repr=False)

    # ------------------------------------------------------------ connecting zaiko-xl to it
    def env(self) -> dict[str, str]:
        """ZAIKO_RMS_* variables that point zaiko-xl at this sandbox (for CLI tests)."""
        return {"ZAIKO_RMS_BASE_URL": self.base_url, "ZAIKO_RMS_SERVICE_SECRET": self.service_secret,
                "ZAIKO_RMS_LICENSE_KEY": self.license_key}

    def rms_overrides(self, **fields: Any) -> dict[str, Any]:
        """A ``rms=`` section for ``load_settings``: this sandbox, fast retries, no waiting."""
        return {"base_url": self.base_url, "service_secret": self.service_secret, "license_key": self.license_key,
                "rate_get_per_s": 1000, "rate_write_per_s": 1000, "rate_order_per_s": 1000, "timeout_s": 5,
                "retry_base_s": 0.01, "retry_cap_s": 0.05, "retry_budget_s": 10, "settle_s": 0, **fields}

    # ------------------------------------------------------------ inspecting
    def state(self, *, inventory: bool = True, orders: bool = True) -> dict[str, Any]:
        return self._call("GET", "/state", params={"inventory": inventory, "orders": orders})

    def stock(self) -> dict[tuple[str, str], int]:
        """(manageNumber, variantId) -> quantity, as the sandbox holds it now."""
        return {(r["manageNumber"], r["variantId"]): r["quantity"] for r in self.state(orders=False)["inventory"]}

    def counters(self) -> dict[str, Any]:
        return self.state(inventory=False, orders=False)["counters"]

    # ------------------------------------------------------------ changing
    def reset(self, skus: int = 50, seed: int = 1, **config: Any) -> None:
        """Reseed; clear faults and counters; fast defaults plus ``config``; a license valid 90 days."""
        self._call("POST", "/reset", json={"skus": skus, "seed": seed})
        self.configure(**{**FAST, **_DEFAULTS, **config})
        self.set_license(jst_now() + timedelta(days=90))

    def configure(self, **config: Any) -> None:
        """rates, retry_after_s, hang_s, search_cap, disabled_functions, migrated, orders_per_s, ..."""
        self._call("PUT", "/config", json=config)

    def set_faults(self, *rules: dict[str, Any], seed: int = 0) -> None:
        """Rules like ``{"function": "inventories.bulk.upsert", "kind": "timeout", "times": 1}``."""
        self._call("PUT", "/faults", json={"seed": seed, "rules": list(rules)})

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def set_license(self, expiry: datetime | None = None, *, rejected: bool = False) -> None:
        self._call("PUT", "/license", json={"expiry": expiry.isoformat() if expiry else None, "rejected": rejected})

    def set_stock(self, rows: list[tuple[str, str, int]], *, replace: bool = False) -> None:
        body = [{"manageNumber": m, "variantId": v, "quantity": q} for m, v, q in rows]
        self._call("PUT", "/stock", json={"inventories": body, "replace": replace})

    def place_order(self, *lines: tuple[str, str, int], ordered_at: datetime | None = None) -> str:
        """Place an order (stock goes down as in RMS); returns its order number."""
        body: dict[str, Any] = {"lines": [{"manageNumber": m, "variantId": v, "units": u} for m, v, u in lines]}
        if ordered_at is not None:
            body["orderedAt"] = ordered_at.isoformat()
        return self._call("POST", "/orders", json=body)["orderNumber"]

    def order_action(self, number: str, action: str, *, reason: int | None = None) -> dict[str, Any]:
        """``cancel`` (restocks; ``reason``: RMS changeReasonDetail, default 1), ``ship`` or ``return``."""
        params = {"reason": reason} if reason is not None else None
        return self._call("POST", f"/orders/{number}/{action}", params=params)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.control.request(method, "/_sandbox" + path, **kwargs)
        response.raise_for_status()
        return response.json()


@contextmanager
def running_sandbox(skus: int = 50, seed: int = 1, *, fast: bool = True, **config: Any) -> Iterator[Sandbox]:
    """Start the sandbox on 127.0.0.1:<ephemeral> in a thread; stop it on exit."""
    sandbox_config = SandboxConfig(**{**(FAST if fast else {}), **config})
    server = SandboxServer(build_state(sandbox_config, skus=skus, seed=seed), seed=seed).start()
    control = httpx.Client(base_url=server.base_url, timeout=30)
    try:
        yield Sandbox(server.base_url, sandbox_config.service_secret, sandbox_config.license_key, control, server)
    finally:
        control.close()
        server.stop()


@pytest.fixture(scope="session")
def rms_sandbox_session() -> Iterator[Sandbox]:
    """One sandbox for the whole test session (reset by ``rms_sandbox`` before each test)."""
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def rms_sandbox(rms_sandbox_session: Sandbox) -> Sandbox:
    """The session sandbox, reset: 50 SKUs (seed 1), no faults, fast limits, fresh license."""
    rms_sandbox_session.reset()
    return rms_sandbox_session
