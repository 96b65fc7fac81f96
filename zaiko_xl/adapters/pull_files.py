"""An interim FrameSink for `zaiko-xl pull`: the RMS frames as sheets of a file beside the workbook.

It never opens the user's workbook (so nothing of theirs can be damaged); the workbook
batch writer replaces it by writing the sheets RMS在庫 and 受注 into the workbook itself.
The file is written to a temporary name and renamed, so it is never half written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from zaiko_xl.errors import StateError, WorkbookLocked

SHEETS = {"rms_stock": "RMS在庫", "orders": "受注"}
HEADERS = {
    "manage_number": "商品管理番号", "variant_id": "SKU管理番号", "quantity": "数量", "updated": "更新日時",
    "order_number": "受注番号", "channel": "チャネル", "merchant_defined_sku_id": "システム連携用SKU番号",
    "item_number": "商品番号", "status": "状態", "order_progress": "ステータス", "ordered_at": "注文日時",
    "changed_at": "変更日時",
}


class XlsxPullSink:
    """Writes each frame to a sheet (Japanese headers) of one .xlsx file, atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def beside(cls, workbook: Path) -> XlsxPullSink:
        return cls(workbook.with_name(f"{workbook.stem}-rms.xlsx"))

    def write(self, frames: Mapping[str, pd.DataFrame]) -> str:
        lock = self.path.with_name("~$" + self.path.name)
        if lock.exists():
            raise WorkbookLocked(file=str(self.path), lock_file=str(lock))
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with pd.ExcelWriter(tmp, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm:ss") as writer:
                for name, frame in frames.items():
                    headers = {**HEADERS, "quantity": "在庫数"} if name == "rms_stock" else HEADERS
                    frame.rename(columns=headers).to_excel(writer, sheet_name=SHEETS.get(name, name), index=False)
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StateError(detail=f"{self.path}: {exc.strerror or exc}") from exc
        return str(self.path)
