"""RMS value objects shared by the RMS port, its adapter, the services and the sandbox.

Frame contracts (docs/data-contracts.md): ``rms_stock`` has ``RMS_STOCK_COLUMNS``; the RMS
order lines come keyed by RMS's raw codes (``RMS_ORDER_COLUMNS``); ``domain.sku`` later
resolves (manage_number, variant_id) to ``sku``. Times are JST, timezone-naive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from zaiko_xl.domain.model import OrderStatus, RmsSkuKey

RMS_STOCK_COLUMNS = ("manage_number", "variant_id", "quantity", "updated")
RMS_ORDER_COLUMNS = ("order_number", "channel", "manage_number", "variant_id", "merchant_defined_sku_id",
                     "item_number", "quantity", "status", "order_progress", "ordered_at", "changed_at",
                     "cancel_reason")

# orderProgress codes (rms-api.md §5.3)
UNSHIPPED_PROGRESS = (100, 200, 300, 400, 800)
SHIPPED_PROGRESS = (500, 600, 700)
CANCELLED_PROGRESS = (900,)
ALL_PROGRESS = (100, 200, 300, 400, 500, 600, 700, 800, 900)


# changeReasonDetail (rms-api.md §5.2) -> the KPI's cancel reason (docs/data-contracts.md §9)
CANCEL_REASONS = {8: "stockout", 1: "customer", 3: "customer", 6: "customer", 4: "payment", 5: "payment",
                  10: "shop", 13: "shop", 14: "shop", 15: "shop", 16: "shop"}
CANCEL_CHANGE_TYPES = (2, 1, 0)  # changeType of a cancel: done, fixed, requested (most final first)


def cancel_reason(detail: int | None) -> str:
    """The cancel reason of an RMS ``changeReasonDetail``: stockout, customer, payment, shop or other."""
    return CANCEL_REASONS.get(detail, "other") if detail is not None else "other"


def order_status(progress: int, shipped: bool) -> OrderStatus:
    """Our order status from RMS's orderProgress.

    800 (awaiting cancel confirmation) counts as unshipped: the units stay allocated until
    RMS confirms the cancel (safe reading: never release stock early). 900 is a return when
    the order had been shipped (cancelled after shipping), otherwise a cancel.
    """
    if progress in CANCELLED_PROGRESS:
        return OrderStatus.RETURNED if shipped else OrderStatus.CANCELLED
    if progress in SHIPPED_PROGRESS:
        return OrderStatus.SHIPPED
    return OrderStatus.UNSHIPPED


class UpsertMode(StrEnum):
    ABSOLUTE = "ABSOLUTE"  # set the stock to the quantity
    RELATIVE = "RELATIVE"  # add the signed quantity to the stock


@dataclass(frozen=True, slots=True)
class StockChange:
    """One SKU's write: the new stock (ABSOLUTE) or the signed delta (RELATIVE)."""

    key: RmsSkuKey
    quantity: int


@dataclass(frozen=True, slots=True)
class UpsertReport:
    """What a write did. ``resent`` counts SKUs sent again after a read-back proved them untouched."""

    applied: tuple[RmsSkuKey, ...]
    requests: int
    read_backs: int = 0
    resent: int = 0


class LicenseLevel(StrEnum):
    OK = "ok"
    WARNING = "warning"  # expires within the warning period
    EXPIRED = "expired"
    REJECTED = "rejected"  # RMS answered 401: expired or replaced
    UNKNOWN = "unknown"  # expiry could not be read (function not enabled); the run goes on


@dataclass(frozen=True)
class LicenseStatus:
    """The license key's state, rendered by the CLI and the workbook status cell."""

    level: LicenseLevel
    expiry: datetime | None = None
    days_left: int | None = None
    reason: str = ""  # RMS code or function name behind REJECTED / UNKNOWN
    error: Exception | None = field(default=None, compare=False, repr=False)

    @property
    def usable(self) -> bool:
        return self.level in (LicenseLevel.OK, LicenseLevel.WARNING, LicenseLevel.UNKNOWN)

    def message(self, lang: str) -> str:
        day = self.expiry.strftime("%Y-%m-%d %H:%M") if self.expiry else "?"
        texts = {
            LicenseLevel.OK: (f"RMS ライセンスキーの期限: {day} (残り {self.days_left} 日)",
                              f"RMS license key valid until {day} ({self.days_left} days left)"),
            LicenseLevel.WARNING: (f"RMS ライセンスキーの期限まで残り {self.days_left} 日です ({day})。"
                                   "RMS で新しいキーを発行してください。",
                                   f"The RMS license key expires in {self.days_left} days ({day}); "
                                   "issue a new key in RMS."),
            LicenseLevel.EXPIRED: (f"RMS ライセンスキーの期限が切れています ({day})。",
                                   f"The RMS license key has expired ({day})."),
            LicenseLevel.REJECTED: (f"RMS がライセンスキーを受け付けません ({self.reason})。",
                                    f"RMS does not accept the license key ({self.reason})."),
            LicenseLevel.UNKNOWN: (f"ライセンスキーの期限を確認できません (機能 {self.reason} が無効)。",
                                   f"Cannot read the license key's expiry (function {self.reason} not enabled)."),
        }
        ja, en = texts[self.level]
        return ja if lang == "ja" else en

    def render(self) -> str:
        return f"{self.message('ja')} / {self.message('en')}"


def license_status(expiry: datetime, now: datetime, warn_days: int) -> LicenseStatus:
    """OK, WARNING (within ``warn_days`` calendar days of expiry) or EXPIRED; both times JST-naive."""
    days_left = (expiry.date() - now.date()).days
    if now > expiry:
        return LicenseStatus(LicenseLevel.EXPIRED, expiry, days_left)
    level = LicenseLevel.WARNING if days_left <= warn_days else LicenseLevel.OK
    return LicenseStatus(level, expiry, days_left)
