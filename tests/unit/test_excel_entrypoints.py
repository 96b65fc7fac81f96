"""The Excel entry points as far as Linux can check them: macro targets, the error boundary, the
confirmation before a push, the UDFs. A small stand-in plays the xlwings book (alerts, status bar,
cell writes); the real Excel check is the checklist in docs/windows.md."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from zaiko_xl.adapters.columns import BUTTONS
from zaiko_xl.entrypoints import excel_udfs
from zaiko_xl.entrypoints.excel_io import LOG_FILE, StatusBarProgress, excel_run
from zaiko_xl.entrypoints.excel_vba import button_targets
from zaiko_xl.errors import NotBuiltYet
from zaiko_xl.services.workbook_buttons import PushPlanSummary

MACROS = Path(__file__).resolve().parents[2] / "macros"


class FakeApp:
    def __init__(self, answer: str = "ok") -> None:
        self.answer = answer
        self.alerts: list[dict[str, Any]] = []
        self.status_bar: str | bool = False

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return self.answer if buttons == "ok_cancel" else "ok"


class FakeSheet:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: dict[str, Any] = {}
        self.api = SimpleNamespace(ProtectContents=False)

    def range(self, ref: str) -> Any:
        sheet = self

        class Cell:
            @property
            def value(self) -> Any:
                return sheet.cells.get(ref)

            @value.setter
            def value(self, value: Any) -> None:
                sheet.cells[ref] = value

        return Cell()


class FakeSheets(dict):
    """``book.sheets``: iterating gives the sheets (xlwings), indexing by name gives one."""

    def __iter__(self):
        return iter(self.values())


class FakeBook:
    def __init__(self, folder: Path, answer: str = "ok") -> None:
        self.fullname = str(folder / "zaiko.xlsm")
        self.name = "zaiko.xlsm"
        self.app = FakeApp(answer)
        self.sheets = FakeSheets({"操作": FakeSheet("操作")})


def test_every_macro_calls_an_existing_python_function_without_arguments():
    targets = {}
    for path in MACROS.glob("*.bas"):
        targets.update(button_targets(path.read_text(encoding="ascii")))
    assert set(targets) == {b.macro for b in BUTTONS}
    for sub, (module, function) in targets.items():
        func = getattr(importlib.import_module(module), function, None)
        assert callable(func), f"{sub} calls {module}.{function}, which does not exist"
        assert not inspect.signature(func).parameters, f"{function} must take no arguments (RunPython)"


def test_a_zaiko_error_becomes_a_bilingual_alert_and_a_status(tmp_path):
    book = FakeBook(tmp_path)
    with excel_run(book, "在庫取込") as run:
        run.progress.update("RMS", 5, 10)
        assert book.app.status_bar == "zaiko-xl 在庫取込: RMS 5/10"
        raise NotBuiltYet(command="在庫取込 / pull")
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical" and alert["title"] == "zaiko-xl 在庫取込"
    assert alert["prompt"] == ("E901 コマンド「在庫取込 / pull」はまだ実装されていません。\n\n"
                               "E901 The command '在庫取込 / pull' is not built yet.")
    assert book.sheets["操作"].cells["C15"] == "E901 コマンド「在庫取込 / pull」はまだ実装されていません。"
    assert book.sheets["操作"].cells["C16"].endswith(" 在庫取込") and book.app.status_bar is False


def test_an_unexpected_error_is_logged_beside_the_workbook(tmp_path):
    book = FakeBook(tmp_path)
    with excel_run(book, "KPI更新"):
        raise RuntimeError("boom")
    log = (tmp_path / LOG_FILE).read_text(encoding="utf-8")
    assert "unexpected error in KPI更新" in log and "RuntimeError: boom" in log
    assert str(tmp_path / LOG_FILE) in book.app.alerts[-1]["prompt"] and "E000" in book.app.alerts[-1]["prompt"]


def test_the_push_question_names_the_counts_and_every_soft_guard():
    from zaiko_xl.domain.guards import GuardTrip

    plan = PushPlanSummary(changes=12, up=9, down=3, to_zero=1, units_up=40, units_down=59, units_before=340,
                           units_after=321, fingerprint="f",
                           trips=(GuardTrip("sku_change", False, "1 SKU が 50 個を超えて変化", "1 SKU moves by over 50"),))
    question = plan.question()
    assert "12 SKU 変更します (増 9 / 減 3、うち 0 にする SKU: 1)" in question
    assert "増やす数量 +40 個、減らす数量 -59 個、合計 340 → 321 個" in question
    assert "安全装置 (要確認): 1 SKU が 50 個を超えて変化" in question
    assert "Change RMS stock of 12 SKUs (9 up, 3 down, 1 to zero); +40 / -59 units" in question
    assert "Safety guard (needs your OK): 1 SKU moves by over 50" in question


def test_the_status_bar_shows_counts_with_separators():
    app = SimpleNamespace(status_bar=False)
    StatusBarProgress(app, "差異チェック").update("比較", 12000, 100000)
    assert app.status_bar == "zaiko-xl 差異チェック: 比較 12,000/100,000"


def test_udfs_are_pure_and_answer_bad_input_with_a_short_code():
    assert excel_udfs.ZAIKO_VERSION() == __import__("zaiko_xl").__version__
    assert excel_udfs.ZAIKO_SELLABLE(10, 3, 2) == 5 and excel_udfs.ZAIKO_SELLABLE(2, 5) == 0
    assert excel_udfs.ZAIKO_SELLABLE(1.5, 0).startswith("#E205 ")
    for name in dir(excel_udfs):
        if name.startswith("ZAIKO_"):
            doc = getattr(excel_udfs, name).__doc__
            assert doc and len(doc) < 255 and " / " in doc, name


def test_a_missing_sheet_is_reported_by_name(tmp_path):
    book = FakeBook(tmp_path)
    del book.sheets["操作"]
    with excel_run(book, "在庫取込") as run:
        run.workbook.read_cells("操作")
    assert book.app.alerts[-1]["prompt"].startswith("E230 ブック zaiko.xlsm にシート「操作」がありません。")


class _UsedRange:
    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    def options(self, **_: Any) -> _UsedRange:
        return self

    @property
    def value(self) -> list[list[Any]]:
        return self.rows


def test_the_pull_button_reads_the_ledger_sheet_of_the_open_book_as_excel_shows_it(tmp_path):
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.excel_io import ledger_frame

    book = FakeBook(tmp_path)
    book.sheets["社内台帳"] = FakeSheet("社内台帳")
    book.sheets["社内台帳"].used_range = _UsedRange([["日時", "商品コード", "区分", "数量", None],
                                                   ["2026-11-20 09:00", "TS-1", "入荷", 12.0, None]])
    frame = ledger_frame(book, load_settings(None))
    assert list(frame.columns) == ["日時", "商品コード", "区分", "数量", ""]
    assert frame.values.tolist() == [["2026-11-20 09:00", "TS-1", "入荷", 12.0, None]]
    assert ledger_frame(book, load_settings(None, ledger={"file": "ledger.csv"})) is None  # a file of its own
    del book.sheets["社内台帳"]
    assert ledger_frame(book, load_settings(None)) is None
