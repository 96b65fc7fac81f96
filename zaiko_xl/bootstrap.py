"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from zaiko_xl.adapters.template_build import VbaModule
    from zaiko_xl.adapters.workbook_file import WorkbookFile
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


def workbook_file(settings: Settings, path: Path | None = None) -> WorkbookFile:
    """The shop's workbook as a file (WorkbookSource + WorkbookSink), with the backup policy.

    ``path`` (e.g. ``--workbook``) is taken as given; without it, ``workbook.path`` of the
    settings, resolved from the folder of zaiko.toml. Backups go beside the workbook.
    """
    from zaiko_xl.adapters.workbook_file import WorkbookFile

    target = path if path is not None else settings.resolve(settings.workbook.path)
    return WorkbookFile(target, backup_dir=target.parent / settings.workbook.backup_dir,
                        backups=settings.workbook.backups)


def build_template(out: Path, modules: Sequence[VbaModule]) -> Path:
    """Build workbook/template.xlsm (sheets from adapters/columns.py, the given VBA modules)."""
    from zaiko_xl import __version__
    from zaiko_xl.adapters.template_build import build_template as build

    return build(out, modules, version=__version__)
