"""The batch writer and reader on real workbook files (the fresh template and variations of it)."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tests.workbook_fixtures import reconcile_rows, sheet_part, stored
from zaiko_xl.adapters.columns import KPI_ROWS, RECONCILE, REORDER, grid_cells
from zaiko_xl.adapters.workbook_file import WorkbookFile, lock_file, read_cells, read_sheet, write_sheets
from zaiko_xl.errors import (
    BadValue,
    InputProblems,
    MissingColumn,
    SheetLayoutChanged,
    SheetMissing,
    TableTooLarge,
    WorkbookLocked,
)
from zaiko_xl.ports import SheetUpdate


def _summary(rows: pd.DataFrame) -> dict[str, object]:
    counts = rows.groupby("cause").agg(count=("sku", "size"), units=("difference", "sum"))
    values = {m: {c: int(counts.loc[c, m]) for c in counts.index} for m in ("count", "units")}
    return grid_cells(RECONCILE.grids[0], values)


def test_a_batch_update_changes_only_zaiko_xl_sheets(workbook):
    before = stored(workbook)
    rows = reconcile_rows(500)
    write_sheets(workbook, {"在庫比較": SheetUpdate(rows=rows, cells=_summary(rows)),
                            "操作": SheetUpdate(cells={"status": "完了 / done"})})
    after = stored(workbook)
    assert list(after) == list(before)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {sheet_part(workbook, "在庫比較"), sheet_part(workbook, "操作")}
    for name in ("xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml", "xl/styles.xml", "xl/sharedStrings.xml",
                 "xl/workbook.xml", "xl/charts/chart1.xml", sheet_part(workbook, "社内台帳")):
        assert after[name] == before[name], name


def test_the_rows_and_cells_read_back_as_written(workbook):
    rows = reconcile_rows(60)
    write_sheets(workbook, {"reconcile": SheetUpdate(rows=rows, cells=_summary(rows))})
    back = read_sheet(workbook, "在庫比較")
    assert list(back.index[:2]) == [8, 9]
    pd.testing.assert_frame_equal(back.reset_index(drop=True), rows, check_dtype=False)
    assert back["confirmed"].dtype == "int64" and back["push"].dtype == bool
    cells = read_cells(workbook, "在庫比較")
    assert cells["summary.count.delay"] == (rows["cause"] == "delay").sum()
    assert isinstance(cells["updated_at"], datetime)


def test_a_second_write_replaces_every_old_row(workbook):
    write_sheets(workbook, {"在庫比較": reconcile_rows(300)})
    write_sheets(workbook, {"在庫比較": reconcile_rows(20, start=1000)}, keep_user_edits=False)
    back = read_sheet(workbook, "在庫比較")
    assert len(back) == 20 and back["sku"].iloc[0] == "SKU-001000"
    with zipfile.ZipFile(workbook) as zf:
        xml = zf.read(sheet_part(workbook, "在庫比較")).decode()
    assert '<dimension ref="A1:M27"/>' in xml and 'r="28"' not in xml


def test_hand_edits_of_confirmed_stock_and_ticks_survive_the_next_run(workbook):
    first = reconcile_rows(30)
    first.loc[3, "confirmed"] = 99  # a person changed the suggestion
    first.loc[5, "push"] = True  # and ticked another row
    write_sheets(workbook, {"在庫比較": first}, keep_user_edits=False)
    fresh = reconcile_rows(30)
    fresh["suggested"] += 1
    fresh["confirmed"] += 1
    report = write_sheets(workbook, {"在庫比較": fresh})
    back = read_sheet(workbook, "在庫比較").set_index("sku")
    assert report.kept_edits == 2
    assert back.loc["SKU-000003", "confirmed"] == 99 and back.loc["SKU-000004", "confirmed"] == 15
    assert back.loc["SKU-000005", "push"] and back["push"].sum() == 1


def test_an_open_workbook_is_refused_and_left_byte_identical(workbook):
    original = workbook.read_bytes()
    lock_file(workbook).write_bytes(b"owner")
    with pytest.raises(WorkbookLocked) as err:
        write_sheets(workbook, {"在庫比較": reconcile_rows(5)})
    assert err.value.code == "E501" and "~$zaiko.xlsm" in err.value.render()
    assert workbook.read_bytes() == original
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["zaiko.xlsm", "~$zaiko.xlsm"]


def test_every_write_keeps_a_backup_and_only_the_newest_few(workbook):
    target = WorkbookFile(workbook, backups=2)
    originals = []
    for n in range(4):
        originals.append(workbook.read_bytes())
        report = target.write_sheets({"在庫比較": reconcile_rows(3 + n)})
        assert report.backup is not None and report.backup.read_bytes() == originals[-1]
    kept = sorted((workbook.parent / "zaiko-backups").iterdir())
    assert len(kept) == 2 and {p.read_bytes() for p in kept} == set(originals[-2:])


def test_user_sheets_are_never_written(workbook):
    with pytest.raises(ValueError, match="belongs to the user"):
        write_sheets(workbook, {"社内台帳": pd.DataFrame({"sku": ["A"]})})


def test_unknown_columns_and_cells_are_programming_errors(workbook):
    with pytest.raises(ValueError, match="confirmd"):
        write_sheets(workbook, {"在庫比較": reconcile_rows(2).rename(columns={"confirmed": "confirmd"})})
    with pytest.raises(ValueError, match="statuss"):
        write_sheets(workbook, {"操作": SheetUpdate(cells={"statuss": 1})})


def test_too_many_rows_are_refused_before_anything_is_written(workbook):
    original = workbook.read_bytes()
    with pytest.raises(TableTooLarge) as err:
        write_sheets(workbook, {"KPI": pd.DataFrame({"stockout_rate": [0.1] * (KPI_ROWS + 1)})})
    assert err.value.code == "E232" and workbook.read_bytes() == original


def test_a_renamed_sheet_is_reported(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook, keep_vba=True)
    book["在庫比較"].title = "在庫比較(旧)"
    renamed = tmp_path / "renamed.xlsm"
    book.save(renamed)
    with pytest.raises(SheetMissing) as err:
        write_sheets(renamed, {"在庫比較": reconcile_rows(2)})
    assert "在庫比較" in err.value.render() and err.value.code == "E230"


def test_formulas_are_written_as_one_array_formula_per_column_with_every_cached_value(workbook):
    rows = pd.DataFrame({"sku": ["A-1", "A-2"], "on_hand": [5, 0], "safety_stock": [3.5, "#E261 x"],
                         "reorder_point": [10.0, ""], "order_qty": [12, 0]})
    write_sheets(workbook, {"発注": rows})
    with zipfile.ZipFile(workbook) as zf:
        xml = zf.read(sheet_part(workbook, "発注")).decode()
    ss, d = REORDER.letter("safety_stock"), REORDER.letter("demand_mean")
    assert re.search(rf'<c r="{ss}5"[^>]*><f t="array" ref="{ss}5:{ss}6">ZAIKO_SAFETY_STOCK\({d}5:{d}6,[^<]*\)</f>'
                     r'<v>3.5</v></c>', xml)
    assert re.search(rf'<c r="{ss}6"[^>]* t="str"><v>#E261 x</v></c>', xml)  # the other cells: cached values only
    rop = REORDER.letter("reorder_point")
    assert re.search(rf'<c r="{rop}6"[^>]* t="str"><v></v></c>', xml)
    cached = openpyxl.load_workbook(workbook, data_only=True)["発注"]
    assert [cached[f"{ss}5"].value, cached[f"{ss}6"].value] == [3.5, "#E261 x"]
    assert cached[f"{REORDER.letter('order_qty')}5"].value == 12


def test_openpyxl_and_calamine_read_the_updated_workbook(workbook):
    write_sheets(workbook, {"在庫比較": reconcile_rows(40), "受注": pd.DataFrame({
        "order_number": ["o-1"], "channel": ["rakuten"], "sku": ["A"], "quantity": [2], "status": ["unshipped"],
        "ordered_at": [pd.Timestamp("2026-11-20 10:15")], "changed_at": [pd.NaT]})})
    book = openpyxl.load_workbook(workbook, keep_vba=True)
    assert book["在庫比較"]["I9"].value == "遅延" and book["受注"]["B5"].value == "楽天"
    assert book["受注"]["F5"].is_date and book["在庫比較"].conditional_formatting
    with CalamineWorkbook.from_path(str(workbook)) as cal:
        assert cal.get_sheet_by_name("受注").to_python()[-1][5] == datetime(2026, 11, 20, 10, 15)
    orders = read_sheet(workbook, "受注")
    assert orders.loc[5, "channel"] == "rakuten" and orders.loc[5, "status"] == "unshipped"


def test_a_workbook_saved_by_another_writer_is_updated_too(workbook, tmp_path):
    """openpyxl writes shared strings, other attribute orders and no inline strings: the writer copes."""
    resaved = tmp_path / "resaved.xlsm"
    openpyxl.load_workbook(workbook, keep_vba=True).save(resaved)
    write_sheets(resaved, {"在庫比較": reconcile_rows(10), "操作": SheetUpdate(cells={"status": "OK"})})
    assert len(read_sheet(resaved, "在庫比較")) == 10 and read_cells(resaved, "操作")["status"] == "OK"
    assert read_cells(resaved, "操作")["template_version"]


def test_the_calculation_chain_forgets_rewritten_sheets(workbook, tmp_path):
    rows = pd.DataFrame({"sku": ["A-1"], "safety_stock": [1.0]})
    write_sheets(workbook, {"発注": rows})
    chained = tmp_path / "chained.xlsm"
    _with_calc_chain(workbook, chained, '<c r="O5" i="4"/><c r="A1" i="10"/><c r="A2"/>')
    write_sheets(chained, {"発注": rows})
    with zipfile.ZipFile(chained) as zf:
        assert zf.read("xl/calcChain.xml").decode().endswith('<c r="A1" i="10"/><c r="A2" i="10"/></calcChain>')
    only_ours = tmp_path / "only_ours.xlsm"
    _with_calc_chain(workbook, only_ours, '<c r="O5" i="4"/>')
    write_sheets(only_ours, {"発注": rows})
    with zipfile.ZipFile(only_ours) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert "calcChain" not in zf.read("[Content_Types].xml").decode()
        assert "calcChain" not in zf.read("xl/_rels/workbook.xml.rels").decode()


def _with_calc_chain(src: Path, dst: Path, cells: str) -> None:
    """A copy of ``src`` with an xl/calcChain.xml as Excel writes one (sheet 4 is 発注)."""
    chain = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main">{cells}</calcChain>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("xl/calcChain.xml", chain)


# ---------------------------------------------------------------- reading the user's sheets
def _user_sheet(source: Path, tmp_path: Path, sheet_name: str, rows: list[list[object]]) -> Path:
    """The workbook with rows typed into a user sheet (through openpyxl, as a test fixture only)."""
    book = openpyxl.load_workbook(source, keep_vba=True)
    ws = book[sheet_name]
    ws.delete_rows(1, ws.max_row)
    for row in rows:
        ws.append(row)
    out = tmp_path / "typed.xlsm"
    book.save(out)
    return out


def test_the_ledger_reads_with_loose_headers_a_title_row_and_zenkaku_digits(workbook, tmp_path):
    path = _user_sheet(workbook, tmp_path, "社内台帳", [
        ["社内台帳 2026年11月"], [],
        ["ＳＫＵ", "区分", "数量", "日時", "備考", "メモ(自由)"],
        ["A-1", "入荷", 10, datetime(2026, 11, 1, 9, 0), "IN-1", "x"],
        ["A-2", "出荷", "３", "2026/11/02 10:30", None, None],
        [None, None, None, None, None, None],
    ])
    ledger = read_sheet(path, "社内台帳")
    assert list(ledger.index) == [4, 5]
    assert ledger["quantity"].tolist() == [10, 3] and ledger["quantity"].dtype == "int64"
    assert ledger["at"].tolist() == [pd.Timestamp("2026-11-01 09:00"), pd.Timestamp("2026-11-02 10:30")]
    assert ledger["reference"].tolist()[0] == "IN-1" and pd.isna(ledger["reference"].tolist()[1])


def test_bad_cells_are_all_reported_with_sheet_row_and_column(workbook, tmp_path):
    path = _user_sheet(workbook, tmp_path, "社内台帳", [
        ["商品コード", "区分", "数量", "日時"],
        ["A-1", "入荷", "十", datetime(2026, 11, 1)],
        ["A-2", "出荷", 2.5, "きのう"],
        [None, "出荷", 1, datetime(2026, 11, 1)],
    ])
    with pytest.raises(InputProblems) as err:
        read_sheet(path, "社内台帳")
    lines = [p.render() for p in err.value.context["problems"]]
    assert err.value.code == "E210" and err.value.context["count"] == 4
    assert lines[0] == ("E205 ファイル typed.xlsm シート「社内台帳」 2行目 列「数量」: 値「十」は使えません (整数を入力してください)。 / "
                        "file typed.xlsm, sheet '社内台帳', row 2, column '数量': value '十' is not allowed (expected a whole number).")
    assert [line.split(" / ")[1].split(":")[0] for line in lines[1:]] == [
        "file typed.xlsm, sheet '社内台帳', row 3, column '数量'", "file typed.xlsm, sheet '社内台帳', row 3, column '日時'",
        "file typed.xlsm, sheet '社内台帳', row 4, column '商品コード'"]
    assert "must not be blank" in lines[3]


def test_excel_error_values_are_reported_not_read_as_blank(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook, keep_vba=True)
    ws = book["商品マスタ"]
    ws.append(["A-1", None, None, None, None, "シャツ", None, None, None, None, 500, 1200])
    ws["K2"] = "=NA()"
    path = tmp_path / "errors.xlsm"
    book.save(path)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "cached.xlsm", "w") as zout:
        for info in zin.infolist():  # give the formula the cached error value Excel would store
            data = zin.read(info)
            if info.filename == sheet_part(path, "商品マスタ"):
                data = re.sub(rb"<c r=\"K2\"([^>]*)><f>NA\(\)</f><v\s*/?>(</v>)?", rb'<c r="K2"\1 t="e"><f>NA()</f><v>#N/A</v>', data)
            zout.writestr(info, data)
    with pytest.raises(BadValue) as err:
        read_sheet(tmp_path / "cached.xlsm", "商品マスタ")
    assert err.value.render().startswith("E205 ファイル cached.xlsm シート「商品マスタ」 2行目 列「原価」: 値「#N/A」は使えません (Excel のエラー値)")


def test_a_missing_required_column_names_the_sheet(workbook, tmp_path):
    path = _user_sheet(workbook, tmp_path, "セット構成", [["セット商品コード", "数量"], ["S-1", 2]])
    with pytest.raises(MissingColumn) as err:
        read_sheet(path, "セット構成")
    assert err.value.render() == ("E204 ファイル typed.xlsm シート「セット構成」 1行目: 必須の列「構成品コード」がありません。 / "
                                  "file typed.xlsm, sheet 'セット構成', row 1: required column '構成品コード' is missing.")


def test_a_missing_workbook_is_reported(tmp_path):
    from zaiko_xl.errors import UnreadableFile

    with pytest.raises(UnreadableFile):
        read_sheet(tmp_path / "nope.xlsm", "在庫比較")


def test_a_column_inserted_by_a_person_stops_the_write(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook, keep_vba=True)
    book["在庫比較"].insert_cols(3)
    book["在庫比較"]["C7"] = "メモ"
    changed = tmp_path / "changed.xlsm"
    book.save(changed)
    original = changed.read_bytes()
    with pytest.raises(SheetLayoutChanged) as err:
        write_sheets(changed, {"在庫比較": reconcile_rows(3)}, keep_user_edits=False)
    assert err.value.render().startswith("E231 ファイル changed.xlsm シート「在庫比較」 7行目 列「C」: 見出しが「メモ」になっています")
    assert changed.read_bytes() == original


def test_create_workbook_fills_the_users_sheets_of_a_new_copy_and_never_overwrites(tmp_path):
    from zaiko_xl.adapters.workbook_file import create_workbook
    from zaiko_xl.errors import WorkbookExists

    template = Path(__file__).parents[2] / "workbook" / "template.xlsm"
    target = tmp_path / "shop.xlsm"
    items = pd.DataFrame({"sku": ["A-1", "B-2"], "name": ["シャツ", "帽子"], "unit_cost": [500, 800]})
    create_workbook(template, target, {"商品マスタ": items})
    back = read_sheet(target, "商品マスタ")
    assert list(back["sku"]) == ["A-1", "B-2"] and list(back["unit_cost"]) == [500, 800]
    before = target.read_bytes()
    with pytest.raises(WorkbookExists):
        create_workbook(template, target, {"商品マスタ": items.iloc[:1]})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.xlsm"]
