"""Settings -> bootstrap.build_file_sources -> services.ingest.pull_files, on real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zaiko_xl.bootstrap import build_file_sources
from zaiko_xl.config import load_settings
from zaiko_xl.errors import InputProblems
from zaiko_xl.services.ingest import pull_files

DATA = Path(__file__).parent.parent / "data" / "ingest"


def _setup(tmp_path: Path, toml: str, *names: str) -> Path:
    for name in names:
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "zaiko.toml").write_text(toml, encoding="utf-8")
    return tmp_path / "zaiko.toml"


def test_the_files_named_in_zaiko_toml_are_read_relative_to_it(tmp_path):
    config = _setup(tmp_path, """
[warehouse]
file = "wh_ok_hinban_bom.tsv"
preset = "hinban"
[ledger]
file = "ledger_ok.xlsx"
[orders]
other_channel_files = ["orders_yahoo.csv", "orders_amazon.txt"]
""", "wh_ok_hinban_bom.tsv", "ledger_ok.xlsx", "orders_yahoo.csv", "orders_amazon.txt")
    result = pull_files(**build_file_sources(load_settings(config)))
    assert result.warehouse.frame["warehouse_code"].tolist() == ["TS-001-RED-M", "CF-200"]
    assert result.ledger.source == "ledger_ok.xlsx [社内台帳]"
    assert result.orders.frame["channel"].tolist() == ["yahoo"] * 3 + ["amazon"] * 3
    assert result.warnings == ()


def test_without_a_ledger_file_the_ledger_sheet_of_the_workbook_is_read(tmp_path):
    config = _setup(tmp_path, '[warehouse]\nfile = "wh_ok_cp932.csv"\n', "wh_ok_cp932.csv")
    shutil.copy(DATA / "ledger_ok.xlsx", tmp_path / "shop.xlsx")
    result = pull_files(**build_file_sources(load_settings(config), workbook=tmp_path / "shop.xlsx"))
    assert result.ledger.source == "shop.xlsx [社内台帳]"
    assert len(result.ledger.frame) == 5


def test_column_mapping_from_zaiko_toml_reaches_the_reader(tmp_path):
    (tmp_path / "wh.csv").write_text("品目,在庫\nA-1,7\n", encoding="utf-8")
    config = _setup(tmp_path, """
[warehouse]
file = "wh.csv"
[warehouse.columns]
warehouse_code = "品目"
on_hand = "在庫"
""")
    sources = build_file_sources(load_settings(config))
    assert pull_files(warehouse=sources["warehouse"]).warehouse.frame["on_hand"].tolist() == [7]


def test_a_broken_warehouse_file_and_a_broken_order_file_are_reported_together(tmp_path):
    config = _setup(tmp_path, """
[warehouse]
file = "wh_text_in_numbers.csv"
[orders]
other_channel_files = ["orders_bad.csv"]
""", "wh_text_in_numbers.csv", "orders_bad.csv")
    sources = build_file_sources(load_settings(config))
    with pytest.raises(InputProblems) as caught:
        pull_files(warehouse=sources["warehouse"], orders=sources["orders"])
    assert caught.value.render("en") == (
        "E210 wh_text_in_numbers.csv, orders_bad.csv has 6 problem(s); nothing was imported.")
