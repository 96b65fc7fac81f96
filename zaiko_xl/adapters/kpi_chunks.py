"""Day chunks of the KPI history: the large frames stored as one row per day of numpy columns.

Two years of a 100,000-SKU shop are millions of stock changes, order lines and sync events.
SQLite hands rows to Python at about a microsecond each, so a row per record made loading the
history take minutes; one row per day holding packed columns (raw arrays behind a JSON header, no
pickles) loads in a second or two and still lets a pull replace single days. The tables
(``kpi_stock_days``, ``kpi_order_days``, ``kpi_sync_days``: ``day`` = JST epoch day, ``rows``,
``data``) are created by ``journal_schema``; text is stored as codes (``kpi_labels``,
``kpi_skus``, ``kpi_order_numbers``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

Columns = dict[str, np.ndarray]


_MAGIC = b"ZKC1"
_ALIGN = 8


def pack(columns: Mapping[str, np.ndarray]) -> bytes:
    """Columns (equal length) -> one blob: a JSON header (name, dtype, length) and the raw arrays.

    No pickles; each array starts on an 8-byte boundary so that reading it back is a view.
    """
    spec, buffers = [], []
    for name, values in columns.items():
        array = np.ascontiguousarray(values)
        spec.append([name, array.dtype.str, len(array)])
        raw = array.tobytes()
        buffers.append(raw + b"\0" * (-len(raw) % _ALIGN))
    header = json.dumps(spec).encode()
    header += b" " * (-(len(header) + 8) % _ALIGN)
    return b"".join([_MAGIC, len(header).to_bytes(4, "little"), header, *buffers])


def unpack(blob: bytes, names: Iterable[str] | None = None) -> Columns:
    """The columns of a blob (only ``names`` when given), as read-only views into it."""
    if blob[:4] != _MAGIC:
        raise ValueError("not a zaiko-xl KPI chunk")
    size = int.from_bytes(blob[4:8], "little")
    wanted = None if names is None else set(names)
    offset, out = 8 + size, {}
    for name, dtype, length in json.loads(blob[8:8 + size]):
        kind = np.dtype(dtype)
        if wanted is None or name in wanted:
            out[name] = np.frombuffer(blob, kind, length, offset)
        offset += kind.itemsize * length + (-(kind.itemsize * length) % _ALIGN)
    return out


def read_days(conn: sqlite3.Connection, table: str, first: int | None = None, last: int | None = None,
              names: Iterable[str] | None = None) -> Columns:
    """The chunks of days ``first``..``last`` (inclusive; None = open) joined, with a ``day`` column."""
    sql, args = f"SELECT day, rows, data FROM {table}", []
    bounds = [("day >= ?", first), ("day <= ?", last)]
    where = [clause for clause, value in bounds if value is not None]
    if where:
        sql += " WHERE " + " AND ".join(where)
        args = [value for _, value in bounds if value is not None]
    parts = [(day, rows, unpack(data, names)) for day, rows, data in conn.execute(sql + " ORDER BY day", args)]
    if not parts:
        return {}
    wanted = list(names) if names is not None else list(parts[0][2])
    joined = {name: np.concatenate([p[2][name] for p in parts]) for name in wanted}
    joined["day"] = np.repeat(np.array([p[0] for p in parts], dtype=np.int64), [p[1] for p in parts])
    return joined


def write_days(conn: sqlite3.Connection, table: str, frame: pd.DataFrame, days: Iterable[int]) -> None:
    """Replace the chunks of ``days`` with the rows of ``frame`` (column ``day`` + data columns)."""
    data_columns = [c for c in frame.columns if c != "day"]
    by_day = dict(tuple(frame.groupby("day", sort=False))) if len(frame) else {}
    for day in days:
        rows = by_day.get(day)
        if rows is None or not len(rows):
            conn.execute(f"DELETE FROM {table} WHERE day = ?", (int(day),))
            continue
        blob = pack({c: rows[c].to_numpy() for c in data_columns})
        conn.execute(f"INSERT OR REPLACE INTO {table} (day, rows, data) VALUES (?, ?, ?)",
                     (int(day), len(rows), blob))


class Codes:
    """Text <-> integer id through a two-column table (``id INTEGER PRIMARY KEY``, ``<text> TEXT UNIQUE``)."""

    def __init__(self, conn: sqlite3.Connection, table: str, column: str) -> None:
        self.conn, self.table, self.column = conn, table, column
        self._categories: tuple[np.ndarray, pd.Index] | None = None

    def ids(self, values: pd.Series) -> np.ndarray:
        """The id of each value (new ones are added); empty cells count as ``""``."""
        text = values.astype(object).where(values.notna(), "").astype(str)
        unique = pd.unique(text)
        self.conn.executemany(f"INSERT OR IGNORE INTO {self.table} ({self.column}) VALUES (?)",
                              ((v,) for v in unique))
        known = self._lookup(unique)
        self._categories = None
        return text.map(known).to_numpy(np.int64)

    def find(self, values: Iterable[str]) -> np.ndarray:
        """The ids of texts already in the table (nothing is added); texts not there are left out."""
        unique = list(dict.fromkeys(str(v) for v in values))
        if not unique:
            return np.zeros(0, dtype=np.int64)
        known = self._lookup(np.asarray(unique, dtype=object))
        return np.fromiter((known[v] for v in unique if v in known), dtype=np.int64)

    def _lookup(self, values: np.ndarray) -> dict[str, int]:
        size = self.conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}").fetchone()[0]
        if len(values) > size // 4:  # most of the table: read it whole
            return dict(self.conn.execute(f"SELECT {self.column}, id FROM {self.table}"))
        found: dict[str, int] = {}
        values = list(values)
        for start in range(0, len(values), 5000):
            chunk = values[start:start + 5000]
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(f"SELECT {self.column}, id FROM {self.table} "
                                           f"WHERE {self.column} IN ({marks})", chunk))
        return found

    def categorical(self, ids: np.ndarray) -> pd.Categorical:
        """Categorical text for ``ids`` (categories = every text of the table, in id order)."""
        if self._categories is None:
            rows = self.conn.execute(f"SELECT id, {self.column} FROM {self.table} ORDER BY id").fetchall()
            position = np.full((rows[-1][0] + 1) if rows else 1, -1, dtype=np.int64)
            position[[r[0] for r in rows]] = np.arange(len(rows))
            self._categories = position, pd.Index([r[1] for r in rows], dtype=object)
        position, categories = self._categories
        return pd.Categorical.from_codes(position[np.asarray(ids, dtype=np.int64)], categories=categories,
                                         validate=False)
