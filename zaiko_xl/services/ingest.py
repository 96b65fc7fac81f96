"""Use case: read the warehouse export, the ledger and other channels' orders (the file part of pull).

The RMS part of ``zaiko-xl pull`` lives in ``services/pull_rms.py``; ``services/pull.py``
puts the parts together and writes the sheets. Codes stay as each source writes them: matching to the shop's ``sku``
(``zaiko_xl.domain.sku``) happens after this step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.errors import InputError, InputProblems, InputWarning
from zaiko_xl.ports import (
    LedgerSource,
    NullProgress,
    OrderExportSource,
    Progress,
    TableSource,
    WarehouseSource,
)

PROGRESS_LABEL = "ファイル取込 / reading files"


@dataclass(frozen=True)
class FilePull:
    """What the files gave; a part is None when its source was not asked for."""

    warehouse: ImportedTable | None = None
    ledger: ImportedTable | None = None
    orders: ImportedTable | None = None  # every other-channel export, one frame
    inbound: ImportedTable | None = None

    @property
    def tables(self) -> tuple[ImportedTable, ...]:
        return tuple(t for t in (self.warehouse, self.ledger, self.orders, self.inbound) if t is not None)

    @property
    def warnings(self) -> tuple[InputWarning, ...]:
        return tuple(w for t in self.tables for w in t.warnings)


def pull_files(*, warehouse: WarehouseSource | None = None, ledger: LedgerSource | None = None,
               orders: Sequence[OrderExportSource] = (), inbound: TableSource | None = None,
               progress: Progress | None = None) -> FilePull:
    """Read every given source; import nothing unless all of them are free of fatal problems.

    Args:
        warehouse: the warehouse stock export.
        ledger: the ledger (社内台帳), from its file or the workbook's sheet.
        orders: other channels' order exports (Yahoo!, Amazon, ...).
        inbound: the inbound schedule (purchase orders not yet received).
        progress: reports one step per source.

    Returns:
        The frames with their warnings (codes as written in each source).

    Raises:
        InputError: the one failing source's error, or InputProblems (E210) listing the
        problems of every failing source when more than one fails.
    """
    progress = progress or NullProgress()
    steps = [("warehouse", warehouse, "read_warehouse"), ("ledger", ledger, "read_ledger"),
             *((f"orders:{i}", source, "read_orders") for i, source in enumerate(orders)),
             ("inbound", inbound, "read_table")]
    steps = [s for s in steps if s[1] is not None]
    read: dict[str, ImportedTable] = {}
    failures: list[InputError] = []
    for done, (label, source, method) in enumerate(steps):
        progress.update(PROGRESS_LABEL, done, len(steps))
        try:
            read[label] = getattr(source, method)()
        except InputError as exc:
            failures.append(exc)
    progress.update(PROGRESS_LABEL, len(steps), len(steps))
    if failures:
        raise combine_input_errors(failures)
    order_tables = [t for label, t in read.items() if label.startswith("orders:")]
    return FilePull(warehouse=read.get("warehouse"), ledger=read.get("ledger"),
                    orders=combine_orders(order_tables) if order_tables else None, inbound=read.get("inbound"))


def combine_orders(tables: Sequence[ImportedTable]) -> ImportedTable:
    """Several ``orders`` tables as one (sources joined with ', ')."""
    frame = pd.concat([t.frame for t in tables], ignore_index=True) if len(tables) > 1 else tables[0].frame
    return ImportedTable("orders", frame, ", ".join(t.source for t in tables),
                         tuple(w for t in tables for w in t.warnings))


def combine_input_errors(failures: Sequence[InputError]) -> InputError:
    """One error for the problems of several sources: the error itself when there is one, else E210."""
    if len(failures) == 1:
        return failures[0]
    problems = [p for f in failures for p in (f.context.get("problems") or [f])]
    files = ", ".join(dict.fromkeys(_file_of(f) for f in failures))
    return InputProblems(file=files, count=len(problems), problems=problems)


def _file_of(error: InputError) -> str:
    """The file an error is about: its ``file``, else the file named first in its place (``where``)."""
    if error.context.get("file"):
        return str(error.context["file"])
    place = str(error.context.get("where_en", ""))
    return place.removeprefix("file ").split(", ")[0] if place.startswith("file ") else error.code
