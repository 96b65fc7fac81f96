"""The KPI history in the SQLite journal (``kpi_*`` tables): KpiRecorder, KpiSource, BaselineStore.

Pull, push and reconcile call ``record(frame_name, frame)`` with frames of docs/data-contracts.md
section 5; ``kpi_inputs`` gives them back for a period with categorical text (fast to compute on).
Stock history keeps only changes: a day whose numbers equal the SKU's previous row is not stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from zaiko_xl.adapters.ops_journal import opened
from zaiko_xl.domain import kpi_frames as kf
from zaiko_xl.domain.kpi import KpiInputs

_DAY = np.timedelta64(1, "D")


def _seconds(values: pd.Series) -> list[int | None]:
    moments = pd.to_datetime(values).astype("datetime64[s]")
    ints = moments.to_numpy().view(np.int64)
    return [None if m else int(i) for i, m in zip(ints, moments.isna().to_numpy(), strict=True)]


def _times(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.array(values, dtype="Int64"), unit="s"))


class SqliteKpiStore:
    """KpiRecorder + KpiSource + BaselineStore over one journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # ------------------------------------------------------------ recording
    def record(self, frame_name: str, frame: pd.DataFrame) -> int:
        writers: dict[str, Callable[[sqlite3.Connection, pd.DataFrame], int]] = {
            "stock_history": self._stock, "orders": self._orders, "api_calls": self._api_calls,
            "sync_events": self._sync_events, "reconcile_results": self._reconcile, "returns": self._returns,
            "items": self._items}
        contract = {"stock_history": kf.STOCK_HISTORY, "orders": kf.ORDERS, "api_calls": kf.API_CALLS,
                    "sync_events": kf.SYNC_EVENTS, "reconcile_results": kf.RECONCILE_RESULTS,
                    "returns": kf.RETURNS, "items": kf.ITEM_COSTS}[frame_name]
        checked = kf.check_frame(frame, contract)
        with opened(self.path) as conn:
            return writers[frame_name](conn, checked)

    @staticmethod
    def _sku_ids(conn: sqlite3.Connection, skus: pd.Series) -> np.ndarray:
        conn.executemany("INSERT OR IGNORE INTO kpi_skus (sku) VALUES (?)", ((s,) for s in pd.unique(skus)))
        known = dict(conn.execute("SELECT sku, id FROM kpi_skus").fetchall())
        return skus.map(known).to_numpy(np.int64)

    def _stock(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        """Keep a row only where a SKU's numbers differ from its previous day; returns rows written or removed."""
        frame = frame.assign(sku_id=self._sku_ids(conn, frame["sku"]),
                             day_n=(frame["day"].to_numpy("datetime64[D]") - np.datetime64(0, "D")) // _DAY)
        changed = 0
        for day, rows in frame.drop_duplicates(["sku_id", "day_n"], keep="last").groupby("day_n", sort=True):
            day = int(day)
            previous = {r[0]: (r[1], r[2]) for r in conn.execute(
                "SELECT h.sku_id, h.on_hand, h.sellable FROM kpi_stock_history h WHERE h.day = "
                "(SELECT MAX(day) FROM kpi_stock_history p WHERE p.sku_id = h.sku_id AND p.day < ?)", (day,))}
            stored = {r[0]: (r[1], r[2]) for r in conn.execute(
                "SELECT sku_id, on_hand, sellable FROM kpi_stock_history WHERE day = ?", (day,))}
            drop, write = [], []
            for sku_id, on_hand, sellable in rows[["sku_id", "on_hand", "sellable"]].itertuples(index=False):
                values = (int(on_hand), int(sellable))
                if previous.get(sku_id) == values:
                    if sku_id in stored:  # the day went back to the previous numbers: no change that day
                        drop.append((int(sku_id), day))
                elif stored.get(sku_id) != values:
                    write.append((int(sku_id), day, *values))
            conn.executemany("DELETE FROM kpi_stock_history WHERE sku_id = ? AND day = ?", drop)
            conn.executemany("INSERT OR REPLACE INTO kpi_stock_history VALUES (?, ?, ?, ?)", write)
            changed += len(write) + len(drop)
        return changed

    def _orders(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        ids = self._sku_ids(conn, frame["sku"])
        n = frame.assign(sku_id=ids).groupby(["order_number", "sku_id"], sort=False).cumcount().to_numpy()
        rows = zip(frame["order_number"], ids.tolist(), n.tolist(), frame["channel"].fillna(""),
                   frame["quantity"].tolist(), frame["status"], _seconds(frame["ordered_at"]),
                   _seconds(frame["changed_at"]), frame["cancel_reason"].fillna(""), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_order_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return len(frame)

    def _api_calls(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(_seconds(frame["at"]), frame["function"], frame["status"].tolist(),
                   frame["error_code"].fillna(""), frame["attempt"].clip(lower=1).tolist(),
                   frame["run_id"].fillna(""), strict=True)
        conn.executemany("INSERT INTO kpi_api_calls (at, function, status, error_code, attempt, run_id) "
                         "VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(frame)

    def _sync_events(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(self._sku_ids(conn, frame["sku"]).tolist(), frame["source"].fillna(""),
                   _seconds(frame["changed_at"]), _seconds(frame["shown_at"]), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_sync_events VALUES (?, ?, ?, ?)", rows)
        return len(frame)

    def _reconcile(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(frame["run_id"], _seconds(frame["at"]), frame["cause"].fillna(""), frame["skus"].tolist(),
                   strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_reconcile VALUES (?, ?, ?, ?)", rows)
        return len(frame)

    def _returns(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(self._sku_ids(conn, frame["sku"]).tolist(), frame["reference"].fillna(""),
                   _seconds(frame["received_at"]), _seconds(frame["booked_at"]), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_returns VALUES (?, ?, ?, ?)", rows)
        return len(frame)

    def _items(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> int:
        rows = zip(self._sku_ids(conn, frame["sku"]).tolist(), frame["unit_cost"].tolist(), strict=True)
        conn.executemany("INSERT OR REPLACE INTO kpi_item_costs VALUES (?, ?)", rows)
        return len(frame)

    # ------------------------------------------------------------ reading
    def kpi_inputs(self, start: date, end: date, lead_days: int) -> KpiInputs:
        first = int((np.datetime64(start, "D") - np.datetime64(0, "D")) // _DAY)
        last = int((np.datetime64(end, "D") - np.datetime64(0, "D")) // _DAY)
        lo = (first - lead_days) * 86400
        lo_t, hi_t = first * 86400, (last + 1) * 86400
        with opened(self.path) as conn:
            ids = conn.execute("SELECT id, sku FROM kpi_skus ORDER BY id").fetchall()
            skus = pd.Index([s for _, s in ids])
            code = np.full((ids[-1][0] + 1) if ids else 1, -1, dtype=np.int64)
            code[[i for i, _ in ids]] = np.arange(len(ids))

            def sku(values) -> pd.Categorical:
                return pd.Categorical.from_codes(code[np.asarray(values, dtype=np.int64)], categories=skus)

            return KpiInputs(
                stock_history=self._read_history(conn, first, last, sku),
                orders=self._read(conn, "SELECT order_number, sku_id, quantity, status, ordered_at, cancel_reason "
                                  "FROM kpi_order_lines WHERE ordered_at >= ? AND ordered_at < ?",  # what KPIs use
                                  (lo, hi_t), sku, times=("ordered_at",)),
                api_calls=self._read(conn, "SELECT at, function, status, error_code, attempt, run_id FROM kpi_api_calls "
                                     "WHERE at >= ? AND at < ?", (lo_t, hi_t), sku, times=("at",)),
                sync_events=self._read(conn, "SELECT sku_id, source, changed_at, shown_at FROM kpi_sync_events "
                                       "WHERE changed_at >= ? AND changed_at < ?", (lo_t, hi_t), sku,
                                       times=("changed_at", "shown_at")),
                reconcile_results=self._read(conn, "SELECT run_id, at, cause, skus FROM kpi_reconcile "
                                             "WHERE at >= ? AND at < ?", (lo_t, hi_t), sku, times=("at",)),
                returns=self._read(conn, "SELECT sku_id, reference, received_at, booked_at FROM kpi_returns "
                                   "WHERE received_at >= ? AND received_at < ?", (lo_t, hi_t), sku,
                                   times=("received_at", "booked_at")),
                items=self._read(conn, "SELECT sku_id, unit_cost FROM kpi_item_costs", (), sku, times=()))

    @staticmethod
    def _read_history(conn: sqlite3.Connection, first: int, last: int, sku) -> pd.DataFrame:
        rows = conn.execute(
            "SELECT sku_id, day, on_hand, sellable FROM kpi_stock_history WHERE day BETWEEN ? AND ? UNION ALL "
            "SELECT h.sku_id, h.day, h.on_hand, h.sellable FROM kpi_stock_history h JOIN (SELECT sku_id, MAX(day) AS d "
            "FROM kpi_stock_history WHERE day < ? GROUP BY sku_id) m ON h.sku_id = m.sku_id AND h.day = m.d "
            "ORDER BY 1, 2", (first, last, first)).fetchall()
        data = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return pd.DataFrame({"sku": sku(data[:, 0]), "day": pd.to_datetime(data[:, 1], unit="D"),
                             "on_hand": data[:, 2], "sellable": data[:, 3]})

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
