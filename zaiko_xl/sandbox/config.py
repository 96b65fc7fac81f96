"""Sandbox settings: credentials, license expiry, rate limits, fault timings.

The sandbox is independent of zaiko-xl's settings (it is the *other side*): it reads the
two credential variables itself, or uses fixed demo credentials that it prints at start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))
DEMO_SERVICE_SECRET = "SP123456_sandbox-demo-secret"
DEMO_LICENSE_KEY = "SL123456_sandbox-demo-license"
LICENSE_DAYS = 90  # RMS license keys live 90 days (rms-api.md §4)

# Requests per second per RMS function (rms-api.md §3). Undocumented ones use the safe 1/s.
RMS_RATES: dict[str, float] = {
    "inventories.variants.get": 1, "inventories.variants.upsert": 1, "inventories.variants.delete": 1,
    "inventories.bulk.upsert": 1, "inventories.bulk.get": 5, "inventories.bulk.get.range": 5,
    "inventories.variant-lists.get": 1, "rpay.order.searchOrder": 1, "rpay.order.getOrder": 1,
    "license.expiryDate.get": 1,
}


def jst_now() -> datetime:
    """Now in JST, timezone-naive (as every time in the sandbox)."""
    return datetime.now(JST).replace(tzinfo=None, microsecond=0)


@dataclass
class SandboxConfig:
    """Everything that shapes the simulated RMS; most of it can be changed at run time."""

    service_secret: str = DEMO_SERVICE_SECRET
    license_key: str = DEMO_LICENSE_KEY
    license_expiry: datetime | None = None  # None: 90 days from start
    license_rejected: bool = False  # the key was replaced or revoked: every call answers 401
    rates: dict[str, float] = field(default_factory=lambda: dict(RMS_RATES))
    retry_after_s: int | None = 1  # Retry-After sent with 429 (None: no header)
    hang_s: float = 60.0  # how long a "timeout" fault keeps the client waiting
    search_cap: int = 15_000  # searchOrder results reachable per search
    shop_id: str = "123456"
    disabled_functions: set[str] = field(default_factory=set)  # answered with 403
    migrated: bool = True  # False: inventory 2.x writes answer IE1105
    orders_per_s: float = 0.0  # the shopper thread's pace (0: no shopper)
    cancel_share: float = 0.15  # share of shopper actions that cancel an open order
    ship_share: float = 0.25  # share of shopper actions that ship an open order

    @property
    def uses_demo_credentials(self) -> bool:
        return self.service_secret == DEMO_SERVICE_SECRET and self.license_key == DEMO_LICENSE_KEY

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: object) -> SandboxConfig:
        """Credentials from ZAIKO_RMS_SERVICE_SECRET / ZAIKO_RMS_LICENSE_KEY when both are set."""
        secret, key = environ.get("ZAIKO_RMS_SERVICE_SECRET"), environ.get("ZAIKO_RMS_LICENSE_KEY")
        if secret and key:
            overrides = {"service_secret": secret, "license_key": key, **overrides}
        return cls(**overrides)  # type: ignore[arg-type]

    def rate_for(self, function: str) -> float | None:
        """Requests per second allowed for a function (else the ``"*"`` entry); None: unlimited."""
        return self.rates.get(function, self.rates.get("*"))
