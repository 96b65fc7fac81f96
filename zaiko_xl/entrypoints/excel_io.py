"""The open workbook in Excel, through xlwings: the Workbook port, the status bar, alerts.

This is the live counterpart of ``adapters/workbook_file.py`` (which changes the file when Excel
does not have it open): while a button runs, Excel owns the file, so reads and writes go
through xlwings and Excel saves. It stays thin; the sheet layout, the conversions and the rule
that keeps hand edits are shared with the file adapter (``adapters/columns.py``,
``adapters/sheet_frames.py``). xlwings cannot drive Excel on Linux: what runs here is checked
in tests with a small stand-in for the book (alerts, status bar, cell writes), and by hand
with the checklist in docs/windows.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from zaiko_xl.adapters.columns import DASHBOARD, Sheet, sheet
from zaiko_xl.adapters.sheet_frames import array_formulas, excel_rows, frame_from_rows, resolve_update, with_hand_edits
from zaiko_xl.config import CONFIG_FILE_NAME, Settings, load_settings
from zaiko_xl.errors import SheetMissing, ZaikoError
from zaiko_xl.ports import SheetUpdate

LOG_FILE = "zaiko-xl.log"  # beside the workbook: tracebacks of unexpected errors
ALERT_TITLE = "zaiko-xl"
WRITE_CHUNK_ROWS = 10_000  # rows per COM call when writing a table
log = logging.getLogger("zaiko_xl")


def workbook_dir(book: Any) -> Path:
    """The folder of the open workbook (zaiko.toml and the log live there)."""
    return Path(book.fullname).parent


def workbook_path(book: Any) -> Path:
    """The open workbook's file."""
    return Path(book.fullname)


def ledger_frame(book: Any, settings: Settings) -> pd.DataFrame | None:
    """The ledger sheet of the open book as the file readers take it (headers as columns).

    None when the ledger is a file of its own (``[ledger] file``) or the book has no such sheet;
    the cells are read as Excel shows them now, saved or not.
    """
    name = settings.ledger.sheet
    if settings.ledger.file is not None or name not in [s.name for s in book.sheets]:
        return None
    values = book.sheets[name].used_range.options(ndim=2, err_to_str=True).value or [[]]
    header, body = values[0], values[1:]
    return pd.DataFrame(body, columns=[("" if h is None else str(h)) for h in header])


class XlwingsWorkbook:
    """The Workbook port on the open book (Excel saves it; zaiko-xl never saves here)."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def _sheet(self, spec: Sheet) -> Any:
        if spec.name not in [s.name for s in self.book.sheets]:
            raise SheetMissing(file=self.book.name, sheet=spec.name)
        return self.book.sheets[spec.name]

    def read_sheet(self, name: str) -> pd.DataFrame:
        spec = sheet(name)
        sht = self._sheet(spec)
        last = sht.used_range.last_cell
        rows = sht.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        return frame_from_rows(spec, rows, file=self.book.name)

    def read_cells(self, name: str) -> dict[str, Any]:
        spec = sheet(name)
        sht = self._sheet(spec)
        return {field: sht.range(ref).value for field, (ref, _kind) in spec.cell_refs().items()}

    def write_sheets(self, updates: Mapping[str, SheetUpdate | pd.DataFrame]) -> None:
        for spec, update in [resolve_update(name, value) for name, value in updates.items()]:
            with _unprotected(self._sheet(spec)) as sht:
                if update.rows is not None:
                    rows, _kept = with_hand_edits(spec, update.rows, lambda n=spec.name: self.read_sheet(n))
                    self._write_rows(sht, spec, rows)
                refs = spec.cell_refs()
                cells = {"updated_at": datetime.now().replace(microsecond=0)} if "updated_at" in refs else {}
                for field, cell_value in {**cells, **update.cells}.items():
                    sht.range(refs[field][0]).value = cell_value

    def _write_rows(self, sht: Any, spec: Sheet, rows: pd.DataFrame) -> None:
        first, width = spec.first_data_row, len(spec.columns)
        last_used = sht.used_range.last_cell.row
        if last_used >= first:
            sht.range((first, 1), (last_used, width)).clear_contents()
        values = excel_rows(spec, rows)
        for start in range(0, len(values), WRITE_CHUNK_ROWS):
            sht.range((first + start, 1)).value = values[start:start + WRITE_CHUNK_ROWS]
        for ref, formula in array_formulas(spec, len(values)):  # one ZAIKO_ call per column
            sht.range(ref).formula_array = formula


@contextmanager
def _unprotected(sht: Any) -> Iterator[Any]:
    """Lift the (password-less) protection of computed columns while zaiko-xl writes, then restore it."""
    protected = bool(sht.api.ProtectContents)
    if protected:
        sht.api.Unprotect()
    try:
        yield sht
    finally:
        if protected:
            sht.api.Protect(DrawingObjects=False, Contents=True, AllowFiltering=True, AllowSorting=True,
                            AllowFormattingColumns=True, AllowFormattingRows=True)


class StatusBarProgress:
    """The Progress port on Excel's status bar."""

    def __init__(self, app: Any, action: str) -> None:
        self.app = app
        self.action = action

    def update(self, label: str, done: int, total: int | None = None) -> None:
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        self.app.status_bar = f"zaiko-xl {self.action}: {label} {count}"


@dataclass
class ExcelRun:
    """What a button function works with: the book as a port, progress, settings, questions."""

    book: Any
    action: str
    workbook: XlwingsWorkbook
    progress: StatusBarProgress
    settings: Settings

    def confirm(self, question: str) -> bool:
        """OK/Cancel box; True only for OK."""
        return self.book.app.alert(question, title=f"{ALERT_TITLE} {self.action}", buttons="ok_cancel",
                                   mode="info") == "ok"

    def done(self, message: str) -> None:
        """Status cells on 操作, the status bar, and a short box."""
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        self.workbook.write_sheets({DASHBOARD.name: SheetUpdate(cells={
            "status": message, "last_run": f"{stamp} {self.action}"})})
        self.book.app.status_bar = f"zaiko-xl {self.action}: {message}"
        self.book.app.alert(message, title=f"{ALERT_TITLE} {self.action}", mode="info")


@contextmanager
def excel_run(book: Any, action: str) -> Iterator[ExcelRun]:
    """The one error boundary of a button: ZaikoError -> bilingual alert; anything else -> log + alert."""
    app = book.app
    try:
        settings = load_settings(workbook_dir(book) / CONFIG_FILE_NAME)
        yield ExcelRun(book, action, XlwingsWorkbook(book), StatusBarProgress(app, action), settings)
    except ZaikoError as exc:
        _record(book, action, f"{exc.code} {exc.message('ja')}")
        app.alert(f"{exc.render('ja')}\n\n{exc.render('en')}", title=f"{ALERT_TITLE} {action}", mode="critical")
    except Exception:
        log_path = workbook_dir(book) / LOG_FILE
        _log_traceback(log_path, action)
        _record(book, action, "E000 予期しないエラー / unexpected error")
        app.alert(f"E000 予期しないエラーが発生しました。詳細は {log_path} にあります。\n\n"
                  f"E000 Unexpected error; the details are in {log_path}.",
                  title=f"{ALERT_TITLE} {action}", mode="critical")
    finally:
        app.status_bar = False  # give the status bar back to Excel


def _record(book: Any, action: str, status: str) -> None:
    """Best effort: the failure in the status cells (never hides the alert that follows)."""
    try:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        XlwingsWorkbook(book).write_sheets({DASHBOARD.name: SheetUpdate(cells={
            "status": status, "last_run": f"{stamp} {action}"})})
    except Exception:  # the sheet may be missing or protected: the alert still tells the user
        log.debug("could not write the status cells", exc_info=True)


def _log_traceback(path: Path, action: str) -> None:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    try:
        log.exception("unexpected error in %s", action)
    finally:
        log.removeHandler(handler)
        handler.close()

