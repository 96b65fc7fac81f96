"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.config import Settings


def build_file_sources(settings: Settings, *, workbook: Path | None = None,
                       ledger_frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """The file ports of ``pull``, as keyword arguments of ``services.ingest.pull_files``.

    Args:
        settings: the loaded settings.
        workbook: the workbook (``--workbook``); defaults to ``[workbook] path``.
        ledger_frame: the ledger sheet as read by an Excel entry point from the open workbook.
    """
    from zaiko_xl.adapters.file_sources import (
        FileLedgerSource,
        FileOrderExportSource,
        FileWarehouseSource,
        FrameLedgerSource,
    )
    from zaiko_xl.adapters.tabular import EXCEL_SUFFIXES

    book = workbook or settings.resolve(settings.workbook.path)
    wh, led, orders = settings.warehouse, settings.ledger, settings.orders
    if ledger_frame is not None:
        ledger: Any = FrameLedgerSource(ledger_frame, workbook=book.name, sheet=led.sheet, columns=led.columns)
    elif led.file is not None:
        path = settings.resolve(led.file)
        sheet = led.sheet if path.suffix.lower() in EXCEL_SUFFIXES else None
        ledger = FileLedgerSource(path, sheet=sheet, columns=led.columns, encoding=led.encoding)
    else:
        ledger = FileLedgerSource(book, sheet=led.sheet, columns=led.columns)
    return {
        "warehouse": FileWarehouseSource(settings.resolve(wh.file), preset=wh.preset, columns=wh.columns,
                                         encoding=wh.encoding, sheet=wh.sheet),
        "ledger": ledger,
        "orders": [FileOrderExportSource(settings.resolve(p), preset=orders.other_channel_preset,
                                         columns=orders.other_channel_columns) for p in orders.other_channel_files],
    }
