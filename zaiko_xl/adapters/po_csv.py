"""Purchase-order CSV files: Shift_JIS (CP932), CRLF, text that looks like a formula made safe.

Suppliers and shop staff open these in Excel on Windows, which reads CSV as CP932. A text cell
that starts with ``= + - @`` (or tab/CR) gets a leading ``'`` so a spreadsheet never runs it
(CSV injection); characters Windows spells with another code point (〜 ‖ − ¢ £ ¬ —) are mapped
to their CP932 forms; any other character CP932 cannot hold is an error naming row and column.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from zaiko_xl.domain.purchase_orders import csv_safe
from zaiko_xl.errors import NotEncodable, where

# characters Windows' Shift_JIS (CP932) spells with another code point
CP932_LOOKALIKES = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d", "\u00a2": "\uffe0",
                                  "\u00a3": "\uffe1", "\u00ac": "\uffe2", "\u2014": "\u2015"})


def cp932_csv_bytes(table: pd.DataFrame, path: Path) -> bytes:
    """The table as the bytes of a CP932 CSV with CRLF (header row first).

    Raises:
        NotEncodable: a character has no CP932 code (``path``, row and column named).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, row in enumerate([list(table.columns), *table.itertuples(index=False, name=None)]):
        cells = [_csv_text(v) for v in row]
        for j, cell in enumerate(cells):
            try:
                cell.encode("cp932")
            except UnicodeEncodeError as exc:
                raise NotEncodable(char=cell[exc.start], **where(file=str(path), row=i + 1,
                                                                 column=str(table.columns[j]))) from exc
        writer.writerow(cells)
    return out.getvalue().encode("cp932")


def write_cp932_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write ``table`` to ``path`` as a CP932 CSV (atomically; nothing is written on an error)."""
    data = cp932_csv_bytes(table, path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _csv_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value) if not isinstance(value, str) else value
    return str(csv_safe(text.translate(CP932_LOOKALIKES))) if isinstance(value, str) else text
