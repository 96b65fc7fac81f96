"""adapters/columns.py: the one table of sheets and headers is consistent with itself and the contracts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zaiko_xl.adapters.columns import (
    BUTTONS,
    CAUSE_LABELS,
    MATCH_LABELS,
    PROBLEM_LABELS,
    SHEETS,
    SOURCE_LABELS,
    Kind,
    Owner,
    cell_ref,
    column_index,
    column_letter,
    normalise_header,
    sheet,
    split_ref,
    user_sheets,
    zaiko_sheets,
)
from zaiko_xl.domain.pull_match import Problem, PullSource

CONTRACTS = (Path(__file__).resolve().parents[2] / "docs" / "data-contracts.md").read_text(encoding="utf-8")


def test_sheet_names_and_keys_are_unique_and_resolvable():
    assert len({s.name for s in SHEETS}) == len({s.key for s in SHEETS}) == len(SHEETS)
    assert sheet("在庫比較") is sheet("reconcile")
    with pytest.raises(KeyError, match="known: 操作"):
        sheet("在庫")


def test_the_owners_are_as_designed():
    assert [s.name for s in zaiko_sheets()] == ["操作", "在庫比較", "反映計画", "発注", "発注書", "KPI",
                                                "RMS在庫", "倉庫在庫", "受注", "入荷予定", "照合結果"]
    assert [s.name for s in user_sheets()] == ["社内台帳", "商品マスタ", "対応表", "セット構成", "仕入先", "xlwings.conf"]


@pytest.mark.parametrize("spec", SHEETS, ids=lambda s: s.key)
def test_each_sheet_is_well_formed(spec):
    fields = spec.fields
    assert len(set(fields)) == len(fields), "duplicate field"
    assert len({normalise_header(c.header) for c in spec.columns}) == len(fields), "duplicate header"
    assert spec.key_field is None or spec.key_field in fields
    for col in spec.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", col.field), col.field
        assert col.baseline is None or col.baseline in fields
        assert not col.keep or spec.key_field, f"{col.field}: keep needs a key column"
        assert not col.editable or spec.owner is Owner.ZAIKO
        for placeholder in re.findall(r"{(\w+)}", col.formula or ""):
            assert placeholder in fields, f"{col.field} formula names unknown {placeholder}"
    for ref, _kind in spec.cell_refs().values():
        assert split_ref(ref)[0] < (spec.header_row or 10**6), f"named cell {ref} must sit above the table"


def test_reconcile_has_the_columns_people_review():
    rec = sheet("在庫比較")
    assert [c.header for c in rec.columns if c.editable] == ["確定在庫", "反映"]
    assert rec.column("push").kind is Kind.BOOL and rec.column("confirmed").baseline == "suggested"
    assert set(CAUSE_LABELS.values()) >= {"遅延", "分断", "表記揺れ", "セット", "未反映", "不明"}


@pytest.mark.parametrize("frame, sheet_key", [
    ("items", "items"), ("bom", "bom"), ("ledger", "ledger"), ("orders", "orders"),
    ("warehouse", "warehouse"), ("rms_stock", "rms_stock"), ("inbound", "inbound"),
])
def test_fields_follow_the_data_contracts(frame, sheet_key):
    row = next(line for line in CONTRACTS.splitlines() if line.startswith(f"| `{frame}`"))
    contract = re.findall(r"`(\w+)`", row.split("|")[2])
    assert set(contract) <= set(sheet(sheet_key).fields), set(contract) - set(sheet(sheet_key).fields)


def test_every_button_has_a_caption_and_a_macro_name():
    assert [b.caption for b in BUTTONS] == ["在庫取込", "差異チェック", "発注計算", "RMSへ反映", "KPI更新"]
    assert all(b.macro.isascii() and b.macro.isidentifier() for b in BUTTONS)


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters_round_trip(index, letters):
    assert column_letter(index) == letters and column_index(letters) == index
    assert split_ref(cell_ref(7, index)) == (7, index)


def test_headers_compare_loosely():
    assert normalise_header(" ＪＡＮ コード ") == normalise_header("JANコード")


def test_the_pulled_sheets_keep_the_raw_code_and_how_it_matched():
    for key in ("rms_stock", "warehouse", "orders", "inbound"):
        assert {"sku", "match"} <= set(sheet(key).fields), key
        assert sheet(key).column("match").labels == MATCH_LABELS
    assert {"code"} <= set(sheet("orders").fields) & set(sheet("inbound").fields)


def test_the_match_report_labels_every_source_and_problem_of_the_pull():
    assert set(SOURCE_LABELS) == {s.value for s in PullSource}
    assert set(PROBLEM_LABELS) == {p.value for p in Problem}
    report = sheet("照合結果")
    assert report.column("source").labels == SOURCE_LABELS and report.column("problem").labels == PROBLEM_LABELS
    assert [row for row, _ in report.grids[0].rows] == [s.value for s in PullSource]
