"""`zaiko-xl reconcile --workbook W` on a real workbook file made from the template, with the real journal.

The workbook holds a planted sample shop as pull leaves it; the tests read the 在庫比較 sheet
back from the file, edit it as a person would (a spreadsheet program saves it), pull again
and reconcile again.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.reconcile_workbook import planted_window, pulled_workbook
from zaiko_xl.adapters.columns import CAUSE_LABELS, RECONCILE, RMS_STOCK, TICK
from zaiko_xl.adapters.workbook_file import lock_file, read_cells, read_sheet, write_sheets
from zaiko_xl.domain.reconcile import Cause
from zaiko_xl.entrypoints.cli import app
from zaiko_xl.ports import SheetUpdate
from zaiko_xl.sample_shop.discrepancies import PLANTS
from zaiko_xl.services.reconcile_report import CAUSE_ORDER, COMPARISON_FIELDS

runner = CliRunner()


@pytest.fixture(scope="module")
def shop_and_truth():
    shop, truth = planted_window(400, 3)
    return shop, truth.set_index("sku")


@pytest.fixture
def book(built_template: Path, tmp_path: Path, shop_and_truth) -> Path:
    shop, _ = shop_and_truth
    return pulled_workbook(built_template, tmp_path / "zaiko.xlsm", shop)


def _reconcile(book: Path, shop, minutes: int = 0):
    as_of = pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=minutes)
    return runner.invoke(app, ["reconcile", "--workbook", str(book), "--as-of", f"{as_of:%Y-%m-%d %H:%M}"])


def _comparison(book: Path) -> pd.DataFrame:
    rows = read_sheet(book, RECONCILE.name).set_index("sku")
    return rows.assign(cause=rows["cause"].map(CAUSE_LABELS))


def _sku(truth: pd.DataFrame, kind: str, n: int = 0) -> str:
    return truth.index[truth["plant"] == kind][n]


def test_every_planted_discrepancy_reaches_the_sheet_with_its_cause(book, shop_and_truth):
    shop, truth = shop_and_truth
    result = _reconcile(book, shop)
    assert result.exit_code == 0, result.output
    rows = _comparison(book)
    assert set(rows.index) == set(truth.index)
    wrong = truth.join(rows[["cause", "evidence"]].add_suffix("_sheet"))
    wrong = wrong[wrong["cause"] != wrong["cause_sheet"]]
    assert wrong.empty, wrong.to_string()
    assert set(truth["plant"]) >= set(PLANTS)
    counts = truth["cause"].value_counts()
    cells = read_cells(book, RECONCILE.name)
    for key, label in CAUSE_LABELS.items():
        assert cells[f"summary.count.{key}"] == counts.get(label, 0), label
    assert cells["summary.count.total"] == len(truth)
    assert cells["summary.units.total"] == int(rows["difference"].abs().sum())
    assert f"{counts['遅延']:,}" in result.output and "リスク数量 / units at risk" in result.output


def test_hand_edits_survive_a_second_reconcile_through_the_file(book, shop_and_truth):
    shop, truth = shop_and_truth
    assert _reconcile(book, shop).exit_code == 0
    edited, ticked = _sku(truth, "split_rms"), _sku(truth, "unknown")
    _edit(book, {edited: {"confirmed": 7}, ticked: {"push": TICK}})
    result = _reconcile(book, shop, minutes=5)
    assert result.exit_code == 0, result.output
    assert "手修正を保持 / hand edits kept 2" in result.output
    rows = _comparison(book)
    assert (rows.loc[edited, "confirmed"], bool(rows.loc[edited, "push"])) == (7, False)
    assert bool(rows.loc[ticked, "push"]) and rows.loc[ticked, "confirmed"] == rows.loc[ticked, "suggested"]
    others = rows.drop(index=[edited, ticked])
    assert (others["confirmed"].fillna(-1) == others["suggested"].fillna(-1)).all() and not others["push"].any()


def _edit(book: Path, edits: dict[str, dict[str, object]]) -> None:
    """A person edits 在庫比較 and saves (a spreadsheet program: here openpyxl keeping the VBA)."""
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb[RECONCILE.name]
    col = {f: RECONCILE.fields.index(f) + 1 for f in ("sku", "confirmed", "push")}
    for row in range(RECONCILE.first_data_row, ws.max_row + 1):
        changes = edits.get(ws.cell(row, col["sku"]).value, {})
        for field, value in changes.items():
            ws.cell(row, col[field]).value = value
    wb.save(book)


def test_a_difference_seen_in_two_pulls_is_persistent_through_the_journal(book, shop_and_truth, tmp_path):
    shop, truth = shop_and_truth
    (book.parent / "zaiko.toml").write_text("[reconcile]\ndelay_max_pulls = 1\n", encoding="utf-8")
    assert _reconcile(book, shop).exit_code == 0
    split, delayed, cleared = _sku(truth, "split_rms"), _sku(truth, "delay_order"), _sku(truth, "delay_order", 1)
    _pull_again(book, cleared, _comparison(book).loc[cleared, "suggested"], shop.as_of)
    assert _reconcile(book, shop, minutes=10).exit_code == 0
    rows = _comparison(book)
    assert rows.loc[split, "cause"] == "分断" and "(2 回連続)" in rows.loc[split, "evidence"]
    assert rows.loc[delayed, "cause"] == "分断"  # the same delay, not cleared since the last pull
    assert rows.loc[delayed, "evidence"].startswith("遅延が 2 回連続で解消していません")
    assert rows.loc[cleared, "cause"] == "一致"
    with sqlite3.connect(book.parent / "zaiko-journal.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM reconcile_run").fetchone()[0] == 2


def _pull_again(book: Path, sku: str, quantity: int, at) -> None:
    """The next pull: RMS now shows ``quantity`` for ``sku`` (someone pushed it); the rest is unchanged."""
    rms = read_sheet(book, RMS_STOCK.name).reset_index(drop=True)
    hit = rms["sku"] == sku
    rms.loc[hit, "quantity"] = int(quantity)
    rms.loc[hit, "updated"] = pd.Timestamp(at) + pd.Timedelta(minutes=5)
    pulled = (pd.Timestamp(at) + pd.Timedelta(minutes=6)).to_pydatetime()
    write_sheets(book, {RMS_STOCK.name: SheetUpdate(rows=rms, cells={"updated_at": pulled})})


def test_reconciling_the_same_pull_again_is_not_another_pull(book, shop_and_truth):
    shop, truth = shop_and_truth
    assert _reconcile(book, shop).exit_code == 0
    assert _reconcile(book, shop, minutes=3).exit_code == 0
    split = _sku(truth, "split_rms")
    assert "回連続" not in _comparison(book).loc[split, "evidence"]
    with sqlite3.connect(book.parent / "zaiko-journal.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM reconcile_run").fetchone()[0] == 2


def test_a_ledger_kind_that_is_not_a_movement_is_refused_with_its_row(built_template, tmp_path, shop_and_truth):
    shop, _ = shop_and_truth
    ledger = shop.ledger.copy()
    ledger.loc[3, "kind"] = "移動"
    book = pulled_workbook(built_template, tmp_path / "bad.xlsm", dataclasses.replace(shop, ledger=ledger))
    before = book.read_bytes()
    result = _reconcile(book, shop)
    assert result.exit_code == 4
    assert result.output == (
        "エラー / Error E205 ファイル bad.xlsm シート「社内台帳」 5行目 列「区分」: 値「移動」は使えません "
        "(区分は 入荷 出荷 返品 キャンセル戻し 交換 棚卸調整 のどれか)。 / file bad.xlsm, sheet '社内台帳', row 5, "
        "column '区分': value '移動' is not allowed (the kind must be one of 入荷 出荷 返品 キャンセル戻し 交換 "
        "棚卸調整).\n")
    assert book.read_bytes() == before


def test_the_report_fills_every_column_of_the_sheet_in_its_order():
    assert list(COMPARISON_FIELDS.values()) == list(RECONCILE.fields)
    assert set(CAUSE_ORDER) == {c.value for c in Cause} == set(CAUSE_LABELS.values())


def test_a_workbook_open_in_excel_is_refused_and_nothing_is_journaled(book, shop_and_truth):
    shop, _ = shop_and_truth
    before = book.read_bytes()
    lock_file(book).write_bytes(b"owner")
    result = _reconcile(book, shop)
    assert result.exit_code == 7
    assert result.output == (f"エラー / Error E501 ブック {book} は Excel で開かれています (~$zaiko.xlsm があります)。"
                             f"閉じてから再実行してください。 / Workbook {book} is open in Excel (~$zaiko.xlsm exists). "
                             "Close it and run again.\n")
    assert book.read_bytes() == before
    journal = book.parent / "zaiko-journal.sqlite"
    if journal.exists():
        with sqlite3.connect(journal) as conn:
            assert conn.execute("SELECT COUNT(*) FROM reconcile_run").fetchone()[0] == 0
