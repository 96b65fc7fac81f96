"""The KPI history in the SQLite journal (``kpi_*`` tables): KpiRecorder, KpiSource, BaselineStore,
and OrderHistorySource (the reorder's order history from the recorded order lines).

Pull, push and reconcile call ``record(frame_name, frame)`` with frames of docs/data-contracts.md
section 9; ``kpi_inputs`` gives them back for a period with categorical text (fast to compute on).
The three large frames (stock history, order lines, sync events) live in day chunks
(``kpi_chunks``, ``kpi_history_write``); stock history keeps only changes. ``kpi_inputs`` returns
``order_number`` as a categorical of journal order ids: the KPIs need an order's identity only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from zaiko_xl.adapters import kpi_history_write as hw
from zaiko_xl.adapters.kpi_chunks import Codes, read_days, unpack
from zaiko_xl.adapters.ops_journal import opened
from zaiko_xl.domain import kpi_frames as kf
from zaiko_xl.domain.kpi import KpiInputs

_DAY = np.timedelta64(1, "D")
_EPOCH = date(1970, 1, 1)
_NAT = np.iinfo(np.int64).min
CONTRACTS = {"stock_history": kf.STOCK_HISTORY, "orders": kf.ORDERS, "api_calls": kf.API_CALLS,
             "sync_events": kf.SYNC_EVENTS, "reconcile_results": kf.RECONCILE_RESULTS, "returns": kf.RETURNS,
             "items": kf.ITEM_COSTS}


def _seconds(values: pd.Series) -> list[int | None]:
    ints = hw.epoch_seconds(values)
    return [None if i == _NAT else int(i) for i in ints.tolist()]


def _times(values: np.ndarray) -> pd.Series:
    """Epoch seconds -> datetime64[ns]; None (SQL NULL) and the int64 minimum (numpy's NaT) are NaT."""
    if values.dtype != np.int64:
        values = pd.array(values, dtype="Int64").to_numpy(dtype=np.int64, na_value=_NAT)
    return pd.Series(values.view("datetime64[s]").astype("datetime64[ns]"))


def _epoch_day(day: date) -> int:
    return int((np.datetime64(day, "D") - np.datetime64(0, "D")) // _DAY)


def _order_ids(order_id: np.ndarray) -> pd.Categorical:
    """Journal order ids as a categorical; ids are dense: a range of categories, no hashing."""
    ids = order_id.astype(np.int64)
    low = int(ids.min()) if len(ids) else 0
    high = int(ids.max()) + 1 if len(ids) else 0
    return pd.Categorical.from_codes(ids - low, categories=pd.RangeIndex(low, high), validate=False)


class SqliteKpiStore:
    """KpiRecorder + KpiSource + BaselineStore over one journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # ------------------------------------------------------------ recording
    def record(self, frame_name: str, frame: pd.DataFrame) -> int:
        """Keep ``frame`` (one of ``CONTRACTS``); a row with the key of a stored one replaces it.

        Returns:
            Rows recorded; for ``stock_history`` the (SKU, day) rows written or removed.
        """
        checked = kf.check_frame(frame, CONTRACTS[frame_name])
        with opened(self.path) as conn:
            skus, labels = Codes(conn, "kpi_skus", "sku"), Codes(conn, "kpi_labels", "label")
            writers: dict[str, Callable[[], int]] = {
                "stock_history": lambda: hw.record_stock(conn, skus, checked),
                "orders": lambda: hw.record_orders(conn, skus, Codes(conn, "kpi_order_numbers", "order_number"),
                                                   labels, checked),
                "sync_events": lambda: hw.record_sync(conn, skus, labels, checked),
                "api_calls": lambda: self._api_calls(conn, checked), "returns": lambda: self._returns(conn, skus, checked),
                "reconcile_results": lambda: self._reconcile(conn, checked),
                "items": lambda: self._items(conn, skus, checked)}
            return writers[frame_name]()

    @staticmethod
    def _api_calls(conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(_seconds(frame["at"]), frame["function"], frame["status"].tolist(),
                   frame["error_code"].fillna(""), frame["attempt"].clip(lower=1).tolist(),
                   frame["run_id"].fillna(""), strict=True)
        conn.executemany("INSERT INTO kpi_api_calls (at, function, status, error_code, attempt, run_id) "
                         "VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(frame)

    @staticmethod
    def _reconcile(conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(frame["run_id"], _seconds(frame["at"]), frame["cause"].fillna(""), frame["skus"].tolist(),
                   strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_reconcile VALUES (?, ?, ?, ?)", rows)
        return len(frame)

    @staticmethod
    def _returns(conn: sqlite3.Connection, skus: Codes, frame: pd.DataFrame) -> int:
        rows = zip(skus.ids(frame["sku"]).tolist(), frame["reference"].fillna(""),
                   _seconds(frame["received_at"]), _seconds(frame["booked_at"]), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_returns VALUES (?, ?, ?, ?)", rows)
        return len(frame)

    @staticmethod
    def _items(conn: sqlite3.Connection, skus: Codes, frame: pd.DataFrame) -> int:
        rows = zip(skus.ids(frame["sku"]).tolist(), frame["unit_cost"].tolist(), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_item_costs VALUES (?, ?)", rows)
        return len(frame)

    # ------------------------------------------------------------ reading
    def kpi_inputs(self, start: date, end: date, lead_days: int) -> KpiInputs:
        first, last = _epoch_day(start), _epoch_day(end)
        lo_t, hi_t = first * 86400, (last + 1) * 86400
        with opened(self.path) as conn:
            skus, labels = Codes(conn, "kpi_skus", "sku"), Codes(conn, "kpi_labels", "label")
            sku = skus.categorical
            return KpiInputs(
                stock_history=self._history(conn, first, last, sku),
                orders=self._orders(conn, first - lead_days, last, sku, labels),
                sync_events=self._sync(conn, first, last, sku, labels),
                api_calls=self._read(conn, "SELECT at, function, status, error_code, attempt, run_id FROM kpi_api_calls "
                                     "WHERE at >= ? AND at < ?", (lo_t, hi_t), sku, times=("at",)),
                reconcile_results=self._read(conn, "SELECT run_id, at, cause, skus FROM kpi_reconcile "
                                             "WHERE at >= ? AND at < ?", (lo_t, hi_t), sku, times=("at",)),
                returns=self._read(conn, "SELECT sku_id, reference, received_at, booked_at FROM kpi_returns "
                                   "WHERE received_at >= ? AND received_at < ?", (lo_t, hi_t), sku,
                                   times=("received_at", "booked_at")),
                items=self._read(conn, "SELECT sku_id, unit_cost FROM kpi_item_costs", (), sku, times=()))

    @staticmethod
    def _history(conn: sqlite3.Connection, first: int, last: int, sku) -> pd.DataFrame:
        """Change rows of ``first``..``last`` plus each SKU's last row before ``first`` (the domain sorts)."""
        data = read_days(conn, hw.STOCK, None, last)
        if not data:
            data = {name: np.zeros(0, dtype=np.int64) for name in ("sku_id", "day", "on_hand", "sellable")}
        before = np.flatnonzero(data["day"] < first)  # chunks come in day order: the last row of a SKU wins
        _, from_end = np.unique(data["sku_id"][before][::-1], return_index=True)
        keep = np.concatenate([before[len(before) - 1 - from_end], np.flatnonzero(data["day"] >= first)])
        return pd.DataFrame({"sku": sku(data["sku_id"][keep]),
                             "day": data["day"][keep].astype("datetime64[D]").astype("datetime64[ns]"),
                             "on_hand": data["on_hand"][keep].astype(np.int64),
                             "sellable": data["sellable"][keep].astype(np.int64)})

    @staticmethod
    def _orders(conn: sqlite3.Connection, first: int, last: int, sku, labels: Codes) -> pd.DataFrame:
        """What the KPIs use of the order lines placed on days ``first``..``last``."""
        names = ("order_id", "sku_id", "quantity", "status", "ordered_at", "cancel_reason")
        data = read_days(conn, hw.ORDERS, first, last, names) or {n: np.zeros(0, dtype=np.int64) for n in names}
        return pd.DataFrame({"order_number": _order_ids(data["order_id"]),
                             "sku": sku(data["sku_id"]), "quantity": data["quantity"].astype(np.int64),
                             "status": labels.categorical(data["status"]),
                             "ordered_at": _times(data["ordered_at"]),
                             "cancel_reason": labels.categorical(data["cancel_reason"])})

    @staticmethod
    def _sync(conn: sqlite3.Connection, first: int, last: int, sku, labels: Codes) -> pd.DataFrame:
        names = ("sku_id", "source", "changed_at", "shown_at")
        data = read_days(conn, hw.SYNC, first, last, names) or {n: np.zeros(0, dtype=np.int64) for n in names}
        return pd.DataFrame({"sku": sku(data["sku_id"]), "source": labels.categorical(data["source"]),
                             "changed_at": _times(data["changed_at"]),
                             "shown_at": _times(data["shown_at"])})

    @staticmethod
    def _read(conn: sqlite3.Connection, sql: str, args: tuple, sku, times: tuple[str, ...]) -> pd.DataFrame:
        cursor = conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        for name in names:
            if name == "sku_id":
                frame.insert(0, "sku", sku(frame.pop("sku_id")))
            elif name in times:
                frame[name] = _times(frame[name].to_numpy(dtype=object))
            elif pd.api.types.is_string_dtype(frame[name].dtype) or frame[name].dtype == object:
                frame[name] = frame[name].astype("category")
        return frame

    # ------------------------------------------------------------ order history (the reorder's)
    def order_lines(self, start: date, end: date, *, skip_orders: Collection[str] = ()) -> pd.DataFrame:
        """``OrderHistorySource``: the lines ordered on days ``start``..``end``, except the orders in
        ``skip_orders``; ``order_number`` as journal order ids (as ``kpi_inputs``)."""
        first, last = _epoch_day(start), _epoch_day(end)
        names = ("order_id", "sku_id", "quantity", "status", "ordered_at", "channel")
        with opened(self.path) as conn:
            data = read_days(conn, hw.ORDERS, first, last, names) or {n: np.zeros(0, np.int64) for n in names}
            skipped = Codes(conn, "kpi_order_numbers", "order_number").find(skip_orders) if skip_orders else None
            if skipped is not None and len(skipped):
                keep = ~np.isin(data["order_id"], skipped)
                data = {name: values[keep] for name, values in data.items()}
            skus, labels = Codes(conn, "kpi_skus", "sku"), Codes(conn, "kpi_labels", "label")
            return pd.DataFrame({"order_number": _order_ids(data["order_id"]),
                                 "channel": labels.categorical(data["channel"]), "sku": skus.categorical(data["sku_id"]),
                                 "quantity": data["quantity"].astype(np.int64),
                                 "status": labels.categorical(data["status"]), "ordered_at": _times(data["ordered_at"])})

    def first_order_days(self, channels: Collection[str]) -> dict[str, date]:
        """``OrderHistorySource``: the first day each channel has a line (chunks read oldest first
        until every channel is found; only their ``channel`` column)."""
        with opened(self.path) as conn:
            labels = Codes(conn, "kpi_labels", "label")
            codes = labels.find(channels)
            names = dict(zip(codes.tolist(), labels.categorical(codes), strict=True))
            found: dict[str, date] = {}
            for day, blob in conn.execute(f"SELECT day, data FROM {hw.ORDERS} ORDER BY day"):
                for code in set(unpack(blob, ["channel"])["channel"].tolist()) & names.keys():
                    found.setdefault(str(names[code]), _EPOCH + timedelta(days=day))
                if len(found) == len(names):
                    break
            return found

    # ------------------------------------------------------------ baseline
    def load_baseline(self) -> tuple[date, pd.DataFrame] | None:
        with opened(self.path) as conn:
            rows = conn.execute("SELECT kpi, days, value, numerator, denominator, go_live FROM kpi_baseline").fetchall()
        if not rows:
            return None
        frame = pd.DataFrame([r[:5] for r in rows], columns=["kpi", "days", "value", "numerator", "denominator"])
        return date.fromisoformat(rows[0][5]), frame.astype({c: float for c in ("value", "numerator", "denominator")})

    def save_baseline(self, go_live: date, rows: pd.DataFrame) -> None:
        values = rows[["kpi", "days", "value", "numerator", "denominator"]].astype(object)
        values = values.where(values.notna(), None)
        with opened(self.path) as conn:
            conn.execute("DELETE FROM kpi_baseline")
            conn.executemany("INSERT INTO kpi_baseline (kpi, days, value, numerator, denominator, go_live) "
                             "VALUES (?, ?, ?, ?, ?, ?)", ((*r, go_live.isoformat())
                                                           for r in values.itertuples(index=False)))
