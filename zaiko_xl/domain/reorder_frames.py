"""The frames the reorder service reads (column contracts, see docs/data-contracts.md §2).

``items``, ``orders``, ``inbound`` and ``bom`` are the shared frames; ``suppliers``,
``supplier_closures``, ``assignments``, ``stock``, ``exclusions`` and ``order_history`` are described here and in
the data contracts. Optional columns may be missing; missing frames are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from zaiko_xl.errors import MissingColumn, where

REQUIRED: dict[str, tuple[str, ...]] = {
    "items": ("sku", "name", "supplier", "unit_cost", "price", "is_set"),
    "suppliers": ("supplier", "name", "lead_time_days"),
    "stock": ("sku", "on_hand"),
    "orders": ("sku", "quantity", "status", "ordered_at"),
    "inbound": ("sku", "quantity", "received_at"),
    "bom": ("set_sku", "component_sku", "quantity"),
    "supplier_closures": ("supplier", "start", "end"),
    "assignments": ("sku", "supplier"),
    "exclusions": ("sku", "date"),
    "order_history": ("sku", "quantity", "status", "ordered_at"),
}
OPTIONAL_DEFAULTS: dict[str, dict[str, object]] = {
    "items": {"alt_supplier": "", "jan": ""},
    "suppliers": {"lead_time_std_days": 0.0, "moq": 0, "case_pack": 1, "order_cost": float("nan"),
                  "lead_time_calendar_days": float("nan")},
    "supplier_closures": {"label": ""},
    "assignments": {"alt_supplier": "", "moq": float("nan"), "case_pack": float("nan")},
}
DEMAND_STATUSES = ("unshipped", "shipped", "returned")  # cancelled orders were never demand
OPEN_STATUS = "unshipped"


@dataclass(frozen=True)
class ReorderInputs:
    """Everything the replenishment plan is computed from.

    Attributes:
        items: item master (sets included; sets are never bought, their demand goes to components).
        suppliers: one row per supplier: ``lead_time_days`` is in business days after the order
            date, or ``lead_time_calendar_days`` (when given) a plain number of calendar days
            (e.g. shipping from abroad); ``lead_time_std_days`` is in calendar days;
            ``moq``/``case_pack`` are defaults for the supplier's SKUs.
        stock: physical stock on hand per SKU (``sku``, ``on_hand``).
        orders: order lines (demand history; unshipped lines are also the backorders).
        inbound: purchase orders; lines with no ``received_at`` are on order.
        bom: set -> components.
        supplier_closures: ``supplier``, ``start``, ``end`` (inclusive), ``label`` (年末年始, お盆).
        assignments: per-SKU supplier and overrides (``alt_supplier``, ``moq``, ``case_pack``).
        exclusions: days to drop from one SKU's statistics (``sku``, ``date``; ``sku`` "" = all).
        history_start: the first day the order history covers (None: as far back as needed);
            the statistics never count the days before it as days without sales.
        order_history: the order lines of the demand history when they are more than ``orders``
            (the 受注 sheet joined with the journal, ``domain.order_history``); None: ``orders``.
            Backorders always come from ``orders`` (the journal's open lines may be long shipped).
    """

    items: pd.DataFrame
    suppliers: pd.DataFrame
    stock: pd.DataFrame
    orders: pd.DataFrame
    inbound: pd.DataFrame | None = None
    bom: pd.DataFrame | None = None
    supplier_closures: pd.DataFrame | None = None
    assignments: pd.DataFrame | None = None
    exclusions: pd.DataFrame | None = None
    history_start: date | None = None
    order_history: pd.DataFrame | None = None

    def frame(self, name: str) -> pd.DataFrame | None:
        """The named frame with its optional columns filled in (None when not given)."""
        frame = getattr(self, name)
        if frame is None:
            return None
        missing = [c for c in REQUIRED[name] if c not in frame.columns]
        if missing:
            raise MissingColumn(column_name=missing[0], **where(sheet=name))
        extra = {c: v for c, v in OPTIONAL_DEFAULTS.get(name, {}).items() if c not in frame.columns}
        return frame.assign(**extra) if extra else frame
