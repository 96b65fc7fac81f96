"""Recording the large KPI frames into their day chunks (stock history, order lines, sync events).

Each writer turns a checked frame (docs/data-contracts.md §9) into integer columns, merges it
with the stored chunks of the days it touches (a recorded row replaces the stored row with the
same key) and rewrites only the chunks that changed. Stock history keeps only changes: a
SKU's row is stored only on days when its numbers differ from its previous row.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from zaiko_xl.adapters.kpi_chunks import Codes, read_days, write_days

STOCK, ORDERS, SYNC = "kpi_stock_days", "kpi_order_days", "kpi_sync_days"
_DAY_S = 86_400
_STOCK_KEY = ["sku_id", "day"]
_ORDER_KEY = ["order_id", "sku_id", "n"]
_SYNC_KEY = ["sku_id", "source", "changed_at"]


def epoch_days(times: pd.Series) -> np.ndarray:
    return (times.to_numpy("datetime64[D]") - np.datetime64(0, "D")).astype(np.int64)


def epoch_seconds(times: pd.Series) -> np.ndarray:
    """Seconds since the epoch (JST-naive); NaT -> the int64 minimum (stored as is, read back as NaT)."""
    return pd.to_datetime(times).to_numpy("datetime64[s]").view(np.int64)


def _stored(conn: sqlite3.Connection, table: str, days: np.ndarray | None = None) -> pd.DataFrame:
    """Stored rows (all days, or the days given) as a frame with a ``day`` column."""
    if days is not None and not len(days):
        return pd.DataFrame()
    first, last = (int(days.min()), int(days.max())) if days is not None else (None, None)
    frame = pd.DataFrame(read_days(conn, table, first, last))
    return frame if days is None or frame.empty else frame.loc[frame["day"].isin(days)]


def _merge(stored: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Stored rows whose key is not recorded again, plus the recorded rows."""
    if stored.empty:
        return new
    again = pd.MultiIndex.from_frame(stored[key]).isin(pd.MultiIndex.from_frame(new[key]))
    return pd.concat([stored.loc[~again], new], ignore_index=True)


def record_stock(conn: sqlite3.Connection, skus: Codes, frame: pd.DataFrame) -> int:
    """Merge end-of-day numbers; returns the number of (SKU, day) rows written or removed."""
    new = pd.DataFrame({"sku_id": skus.ids(frame["sku"]), "day": epoch_days(frame["day"]),
                        "on_hand": frame["on_hand"].to_numpy(np.int64), "sellable": frame["sellable"].to_numpy(np.int64)})
    new = new.drop_duplicates(_STOCK_KEY, keep="last")
    stored = _stored(conn, STOCK)  # every day: whether a row is a change depends on the rows before it
    first = int(new["day"].min()) if len(new) else 0
    if stored.empty:
        return _rewrite_from(conn, stored, new, first)
    # a pull records today (after every stored day, or again on the last one): only the tail changes
    return _rewrite_from(conn, stored, new, min(first, int(stored["day"].max()) + 1))


def _rewrite_from(conn: sqlite3.Connection, stored: pd.DataFrame, new: pd.DataFrame, start: int) -> int:
    """Recompute the change rows of days >= ``start`` (stored rows merged with the new ones) and write them."""
    old_tail = stored.loc[stored["day"] >= start] if not stored.empty else stored
    tail = _merge(old_tail, new, _STOCK_KEY)
    if not stored.empty:  # each SKU's last numbers before ``start`` decide whether its first tail row is a change
        before = stored.loc[(stored["day"] < start) & stored["sku_id"].isin(tail["sku_id"])]
        last = before.drop_duplicates("sku_id", keep="last").assign(day=-1)  # chunks are in day order
        tail = pd.concat([last, tail], ignore_index=True)
    tail = tail.sort_values(_STOCK_KEY, kind="stable")
    kept = tail.loc[_changes(tail) & (tail["day"] >= 0).to_numpy()]
    columns = [*_STOCK_KEY, "on_hand", "sellable"]
    both = old_tail[columns].merge(kept[columns], how="outer", indicator=True) if len(old_tail) else kept.assign(
        _merge="right_only")
    differs = both["_merge"] != "both"
    days = np.unique(both.loc[differs, "day"].to_numpy())
    _write_stock(conn, kept.loc[kept["day"].isin(days)], days)
    return int(both.loc[differs].drop_duplicates(_STOCK_KEY).shape[0])


def _changes(rows: pd.DataFrame) -> np.ndarray:
    """Rows (sorted by SKU, day) whose numbers differ from the SKU's previous row, or that start a SKU."""
    same_sku = rows["sku_id"].eq(rows["sku_id"].shift())
    same_values = rows["on_hand"].eq(rows["on_hand"].shift()) & rows["sellable"].eq(rows["sellable"].shift())
    return (~(same_sku & same_values)).to_numpy()


def _write_stock(conn: sqlite3.Connection, rows: pd.DataFrame, days: np.ndarray) -> None:
    rows = rows[["day", "sku_id", "on_hand", "sellable"]]
    write_days(conn, STOCK, _narrow(rows, sku_id=np.int32, on_hand=np.int32, sellable=np.int32), days.tolist())


def record_orders(conn: sqlite3.Connection, skus: Codes, numbers: Codes, labels: Codes, frame: pd.DataFrame) -> int:
    """Merge order lines by (order number, SKU, n-th line of that SKU in the order), per order day."""
    sku_id = skus.ids(frame["sku"])
    order_id = numbers.ids(frame["order_number"])
    keys = pd.DataFrame({"order_id": order_id, "sku_id": sku_id})
    new = pd.DataFrame({
        "day": epoch_days(frame["ordered_at"]), "order_id": order_id, "sku_id": sku_id,
        "n": keys.groupby(["order_id", "sku_id"], sort=False).cumcount().to_numpy(np.int64),
        "quantity": frame["quantity"].to_numpy(np.int64), "status": labels.ids(frame["status"]),
        "ordered_at": epoch_seconds(frame["ordered_at"]), "changed_at": epoch_seconds(frame["changed_at"]),
        "cancel_reason": labels.ids(frame["cancel_reason"]), "channel": labels.ids(frame["channel"])})
    days = np.unique(new["day"].to_numpy())
    merged = _merge(_stored(conn, ORDERS, days), new, _ORDER_KEY).sort_values(["ordered_at", *_ORDER_KEY])
    write_days(conn, ORDERS, _narrow(merged, order_id=np.int64, sku_id=np.int32, n=np.int32, quantity=np.int32,
                                     status=np.int16, cancel_reason=np.int16, channel=np.int16), days.tolist())
    return len(frame)


def record_sync(conn: sqlite3.Connection, skus: Codes, labels: Codes, frame: pd.DataFrame) -> int:
    """Merge sync events by (SKU, source, changed_at), per day of the change."""
    new = pd.DataFrame({"day": epoch_days(frame["changed_at"]), "sku_id": skus.ids(frame["sku"]),
                        "source": labels.ids(frame["source"]), "changed_at": epoch_seconds(frame["changed_at"]),
                        "shown_at": epoch_seconds(frame["shown_at"])})
    new = new.drop_duplicates(_SYNC_KEY, keep="last")
    days = np.unique(new["day"].to_numpy())
    merged = _merge(_stored(conn, SYNC, days), new, _SYNC_KEY).sort_values(["changed_at", "sku_id"])
    write_days(conn, SYNC, _narrow(merged, sku_id=np.int32, source=np.int16), days.tolist())
    return len(frame)


def _narrow(frame: pd.DataFrame, **dtypes: type) -> pd.DataFrame:
    """Smaller integer columns where the values allow it (the chunks are read whole)."""
    return frame.astype(dtypes)
