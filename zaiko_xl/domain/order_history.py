"""The reorder's demand history: the 受注 sheet's order lines joined with the journal's.

The 受注 sheet holds what the last pull brought (``[orders] lookback_days``, often without the
shipped lines); the journal keeps every line the pulls recorded, for years. The history is every
line of the sheet plus the journal's lines of the orders the sheet does not hold: an order is on
the sheet or it is not, so no line is counted twice, and the sheet (the latest pull) wins for the
orders it holds. Sheet lines without an order number fall back to days: for their channel, the
sheet's days from its first such line on, the journal's days before it.

The history starts, per channel, on the earlier first day of the two sources, and for the shop
on the latest of the channels' starts (before it, some channel's orders are unknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

HISTORY_TEXT = ("sku", "status", "channel")


def channels(orders: pd.DataFrame) -> pd.Series:
    """The ``channel`` of each line ("" where the frame has none)."""
    if "channel" not in orders:
        return pd.Series("", index=orders.index, dtype=object)
    return orders["channel"].astype(object).where(orders["channel"].notna(), "").astype(str)


def channel_first_days(orders: pd.DataFrame) -> dict[str, date]:
    """The day of each channel's first order line (lines without a time are left out)."""
    if orders.empty:
        return {}
    first = pd.to_datetime(orders["ordered_at"]).groupby(channels(orders).to_numpy()).min()
    return {str(channel): day.date() for channel, day in first.items() if not pd.isna(day)}


def history_start(*first_days: Mapping[str, date]) -> date | None:
    """The first day every channel's orders are known: per channel the earliest of the sources'
    first days, then the latest over the channels (None: no order at all)."""
    merged: dict[str, date] = {}
    for days in first_days:
        for channel, day in days.items():
            merged[channel] = min(day, merged.get(channel, day))
    return max(merged.values()) if merged else None


def order_numbers(orders: pd.DataFrame) -> list[str]:
    """The distinct order numbers of the lines (blank ones left out)."""
    if "order_number" not in orders or orders.empty:
        return []
    numbers = orders["order_number"].dropna().astype(str).str.strip()
    return sorted(set(numbers[numbers != ""]))


def combined_history(sheet: pd.DataFrame, journal: pd.DataFrame) -> pd.DataFrame:
    """Every line of ``sheet`` and the lines of ``journal`` it does not hold.

    Args:
        sheet: the 受注 sheet's lines (``sku``, ``quantity``, ``status``, ``ordered_at``; ``channel``
            and ``order_number`` when known).
        journal: the journal's lines of the same period *without* the orders of the sheet
            (``OrderHistorySource.order_lines(..., skip_orders=order_numbers(sheet))``).

    Returns:
        ``sku``, ``quantity``, ``status``, ``ordered_at``, ``channel``; text as categoricals.
    """
    return _stacked(sheet, journal.loc[~_days_on_sheet(sheet, journal)])


def _days_on_sheet(sheet: pd.DataFrame, journal: pd.DataFrame) -> np.ndarray:
    """Journal lines on the days the sheet covers for a channel whose sheet lines have no order number."""
    number = sheet["order_number"] if "order_number" in sheet else pd.Series(np.nan, index=sheet.index)
    unnumbered = sheet.loc[number.isna() | (number.astype(str).str.strip() == "")]
    covered = channel_first_days(unnumbered)
    if not covered or journal.empty:
        return np.zeros(len(journal), dtype=bool)
    day = pd.to_datetime(journal["ordered_at"]).to_numpy().astype("datetime64[D]")
    cut = channels(journal).map({c: np.datetime64(d, "D") for c, d in covered.items()})
    cut = cut.to_numpy(dtype="datetime64[D]")  # NaT where the channel's sheet lines are all numbered
    return ~np.isnat(cut) & (day >= cut)


def _stacked(sheet: pd.DataFrame, journal: pd.DataFrame) -> pd.DataFrame:
    """The two frames one below the other; text as one categorical (the journal's stays codes)."""
    text = {"sku": sheet["sku"], "status": sheet["status"], "channel": channels(sheet)}
    columns: dict[str, object] = {}
    for name in HISTORY_TEXT:
        mine = pd.Categorical(text[name].astype(object).where(text[name].notna(), "").astype(str))
        theirs = journal[name].astype("category").array if name in journal else pd.Categorical([""] * len(journal))
        columns[name] = union_categoricals([_object_categories(mine), _object_categories(theirs)], ignore_order=True)
    columns["quantity"] = np.concatenate([pd.to_numeric(sheet["quantity"], errors="coerce").to_numpy(dtype=float),
                                          pd.to_numeric(journal["quantity"], errors="coerce").to_numpy(dtype=float)])
    columns["ordered_at"] = np.concatenate([pd.to_datetime(sheet["ordered_at"]).to_numpy("datetime64[ns]"),
                                            pd.to_datetime(journal["ordered_at"]).to_numpy("datetime64[ns]")])
    return pd.DataFrame(columns)[["sku", "quantity", "status", "ordered_at", "channel"]]


def _object_categories(values: pd.Categorical) -> pd.Categorical:
    """The same categorical with its categories as plain Python text (the store's and pandas' own
    string dtype cannot be joined)."""
    categories = pd.Index(values.categories.astype(str).to_numpy(dtype=object), dtype=object)
    return pd.Categorical.from_codes(values.codes, categories=categories, validate=False)
