"""workbook/template.xlsm: reproducible, equal to a fresh build, and readable by oletools, openpyxl, calamine."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.workbook_fixtures import COMMITTED_TEMPLATE, MACROS
from zaiko_xl import bootstrap
from zaiko_xl.adapters.columns import BUTTONS, SHEETS, TICK, Owner, sheet, zaiko_sheets
from zaiko_xl.adapters.template_book import XLWINGS_SETTINGS
from zaiko_xl.domain.kpi_sheet import CHARTS
from zaiko_xl.entrypoints import excel_udfs
from zaiko_xl.entrypoints.excel_vba import template_modules

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # oletools uses old pyparsing names


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _normalised(code: str) -> str:
    """Module text as olevba gives it back: LF line ends, no class-file header, no Attribute lines."""
    lines = code.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1:]
    return "\n".join(line for line in lines if not line.startswith("Attribute ")).strip("\n")


def test_the_committed_template_equals_a_fresh_build(built_template):
    assert COMMITTED_TEMPLATE.exists(), "run `zaiko-xl template build` and commit workbook/template.xlsm"
    fresh, committed = _members(built_template), _members(COMMITTED_TEMPLATE)
    assert list(fresh) == list(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"workbook/template.xlsm is stale in {changed}: run `make template` and commit it"


def test_building_twice_gives_the_same_bytes(built_template, tmp_path):
    again = bootstrap.build_template(tmp_path / "again.xlsm", template_modules(MACROS))
    assert again.read_bytes() == built_template.read_bytes()


def test_zip_entries_and_document_dates_are_fixed(built_template):
    with zipfile.ZipFile(built_template) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "<dcterms:created" in core and "2026-01-01T00:00:00Z" in core


def test_oletools_reads_every_module_back_identical_to_its_source(built_template):
    from oletools.olevba import VBA_Parser  # imported here: its import warns about old pyparsing names

    sources = {m.name: m.source for m in template_modules(MACROS)}
    parser = VBA_Parser(str(built_template))
    found = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    for name, source in sources.items():
        assert name in found, f"module {name} missing from the VBA project"
        assert _normalised(found[name]) == _normalised(source), name
    sheet_modules = sorted(n for n in found if re.fullmatch(r"Sheet\d+", n))
    assert len(sheet_modules) == len(SHEETS) and "ThisWorkbook" in found


def test_every_macro_source_is_ascii():
    for path in MACROS.glob("*.bas"):
        assert path.read_bytes().isascii(), f"{path} must be ASCII (Japanese belongs in cells and captions)"


def test_the_udf_wrapper_covers_every_function_of_the_udf_module(built_template):
    udfs = sorted(name for name in dir(excel_udfs) if name.startswith("ZAIKO_"))
    wrapper = next(m.source for m in template_modules(MACROS) if m.name == "xlwings_udfs")
    declared = sorted(re.findall(r"^Function (ZAIKO_\w+)\(", wrapper, re.M))
    assert udfs and declared == udfs
    assert 'XLPy.CallUDF("zaiko_xl.entrypoints.excel_udfs", "ZAIKO_VERSION", Array(), ThisWorkbook' in wrapper


def test_openpyxl_sees_sheets_headers_names_formats_and_buttons(built_template):
    book = openpyxl.load_workbook(built_template, keep_vba=True)
    assert book.sheetnames == [s.name for s in SHEETS]
    assert book.vba_archive is not None
    for spec in SHEETS:
        ws = book[spec.name]
        headers = [ws.cell(spec.header_row, j + 1).value for j in range(len(spec.columns))] if spec.columns else []
        assert headers == [c.header for c in spec.columns], spec.name
        if spec.columns:
            assert ws.freeze_panes is not None and ws.auto_filter.ref.startswith(f"A{spec.header_row}:")
    reconcile = book["在庫比較"]
    rules = [r.formula[0] for cf in reconcile.conditional_formatting for r in cf.rules]
    assert {f'$I8="{label}"' for label in ("遅延", "分断", "表記揺れ", "セット", "未反映", "不明")} <= set(rules)
    push = [dv for dv in reconcile.data_validations.dataValidation if dv.type == "list"]
    assert push and push[0].formula1 == f'"{TICK}"' and str(push[0].sqref) == "L8:L200007"  # 反映
    assert reconcile.protection.sheet and len(book["KPI"]._charts) == len(CHARTS)
    assert "zaiko_dashboard_status" in book.defined_names and "zaiko_reconcile_header" in book.defined_names


def test_buttons_on_the_first_sheet_call_the_macros_of_macros_dir(built_template):
    with zipfile.ZipFile(built_template) as zf:
        vml = zf.read("xl/drawings/vmlDrawing1.vml").decode()
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml) == [b.macro for b in BUTTONS]
    for button in BUTTONS:
        assert button.caption in vml
    subs = set(re.findall(r"^Public Sub (\w+)\(", (MACROS / "ZaikoButtons.bas").read_text(), re.M))
    assert {b.macro for b in BUTTONS} <= subs


def test_calamine_reads_every_sheet_with_its_headers(built_template):
    with CalamineWorkbook.from_path(str(built_template)) as book:
        assert book.sheet_names == [s.name for s in SHEETS]
        for spec in SHEETS:
            rows = book.get_sheet_by_name(spec.name).to_python(skip_empty_area=False)
            if spec.columns:
                assert rows[spec.header_row - 1][: len(spec.columns)] == [c.header for c in spec.columns]
        conf = book.get_sheet_by_name("xlwings.conf").to_python()
    assert [row[:2] for row in conf[: len(XLWINGS_SETTINGS)]] == [[k, v] for k, v, _ in XLWINGS_SETTINGS]


def test_the_template_is_macro_enabled_with_code_names(built_template):
    with zipfile.ZipFile(built_template) as zf:
        types = zf.read("[Content_Types].xml").decode()
        book = zf.read("xl/workbook.xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert 'codeName="ThisWorkbook"' in book


@pytest.mark.parametrize("spec", zaiko_sheets(), ids=lambda s: s.key)
def test_zaiko_sheets_carry_their_title_and_user_sheets_start_at_row_one(spec):
    assert spec.owner is Owner.ZAIKO and spec.title
    assert all(sheet(s.name).header_row == 1 for s in SHEETS if s.owner is Owner.USER and s.columns)
