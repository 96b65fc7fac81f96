"""Core value objects of zaiko-xl. Pure: no I/O, no clock, no settings.

SKU codes are opaque strings here; how codes of different systems are matched lives in
``domain/sku.py``. Quantities are ``int``; money is ``Decimal``. Bulk work (100,000 SKUs)
is done on DataFrames whose column contracts are in ``domain/frames.py``; these objects
describe the same things one record at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

RMS_MAX_STOCK = 99_999  # RMS refuses inventory above this


class Source(StrEnum):
    """Where a stock number comes from."""

    RMS = "rms"
    WAREHOUSE = "warehouse"
    LEDGER = "ledger"


class Channel(StrEnum):
    RAKUTEN = "rakuten"
    YAHOO = "yahoo"
    AMAZON = "amazon"
    OTHER = "other"


class MovementKind(StrEnum):
    """Ledger movements; the value is the Japanese label used in sheets."""

    INBOUND = "入荷"
    SHIPMENT = "出荷"
    RETURN = "返品"
    CANCEL_RETURN = "キャンセル戻し"
    EXCHANGE = "交換"
    STOCKTAKE = "棚卸調整"

    @property
    def sign(self) -> int:
        """+1 adds stock, -1 removes it, 0 means the quantity carries its own sign."""
        return {"入荷": 1, "出荷": -1, "返品": 1, "キャンセル戻し": 1, "交換": 0, "棚卸調整": 0}[self.value]


class OrderStatus(StrEnum):
    UNSHIPPED = "unshipped"  # allocated, not yet shipped: counts against sellable stock
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class RmsSkuKey:
    """RMS identity of a SKU: item manageNumber (case-folded by RMS) + variantId (case-sensitive)."""

    manage_number: str
    variant_id: str

    def __str__(self) -> str:
        return f"{self.manage_number}:{self.variant_id}"


@dataclass(frozen=True, slots=True)
class SkuIdentity:
    """One physical SKU as each system names it. ``shop_code`` is the shop's own master code."""

    shop_code: str
    rms: RmsSkuKey | None = None
    warehouse_code: str | None = None
    jan: str | None = None


@dataclass(frozen=True, slots=True)
class StockLine:
    """One SKU's stock in one source. ``available`` = on hand - reserved, where a source says so."""

    code: str
    on_hand: int
    reserved: int = 0
    available: int | None = None
    location: str | None = None
    lot: str | None = None
    expiry: date | None = None
    updated_at: datetime | None = None

    @property
    def sellable(self) -> int:
        return self.available if self.available is not None else self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class StockSnapshot:
    """All lines of one source at one moment."""

    source: Source
    as_of: datetime
    lines: tuple[StockLine, ...]


@dataclass(frozen=True, slots=True)
class Movement:
    """A ledger movement. ``quantity`` is signed for EXCHANGE and STOCKTAKE, positive otherwise."""

    code: str
    kind: MovementKind
    quantity: int
    at: datetime
    reference: str = ""

    @property
    def delta(self) -> int:
        sign = self.kind.sign
        return self.quantity if sign == 0 else sign * abs(self.quantity)


@dataclass(frozen=True, slots=True)
class OrderLine:
    code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Order:
    number: str
    channel: Channel
    ordered_at: datetime
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    changed_at: datetime | None = None  # when it was cancelled / shipped / returned


@dataclass(frozen=True, slots=True)
class BomLine:
    component: str
    quantity: int


@dataclass(frozen=True, slots=True)
class SetProduct:
    """A set sold as one SKU and built from components (which may be sets themselves)."""

    code: str
    components: tuple[BomLine, ...]


@dataclass(frozen=True, slots=True)
class ClosedPeriod:
    """Days a supplier does not work (年末年始, お盆), inclusive."""

    start: date
    end: date
    label: str = ""


@dataclass(frozen=True, slots=True)
class Supplier:
    code: str
    name: str
    lead_time_days: int  # business days after the order date
    lead_time_std_days: float = 0.0
    moq: int = 1
    case_pack: int = 1
    closed: tuple[ClosedPeriod, ...] = ()
    unit_cost_default: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class SupplierAssignment:
    """Which supplier a SKU is bought from, and the alternative."""

    code: str
    preferred: str
    alternative: str | None = None
    unit_cost: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class AllocationRule:
    """How much of the sellable stock one channel may show."""

    channel: Channel
    share: float = 1.0  # 0..1 of sellable stock
    cap: int | None = None  # never show more than this
    priority: int = 0  # lower first when stock is short
    zero_below: int = 0  # show 0 when sellable stock is below this


@dataclass(frozen=True, slots=True)
class InboundPlan:
    """Goods ordered from a supplier and not yet received."""

    code: str
    quantity: int
    expected_on: date
    supplier: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Shop:
    """Master data of one shop, as the sample generator or the item master sheet gives it."""

    skus: tuple[SkuIdentity, ...]
    sets: tuple[SetProduct, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    assignments: tuple[SupplierAssignment, ...] = ()
    allocation: tuple[AllocationRule, ...] = field(default=(AllocationRule(Channel.RAKUTEN),))
