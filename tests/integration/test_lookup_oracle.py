"""LibreOffice recalculating a VLOOKUP/SUMIF workbook agrees with zaiko-xl's differences (bench oracle)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from bench.cases._lookup_workbook import (
    SENTINEL,
    comparable_skus,
    libreoffice_profile,
    read_differences,
    recalc_to_csv,
    write_lookup_workbook,
)
from tests.unit.reconcile_rows import frames_of
from zaiko_xl.domain.reconcile import ReconcileParams, reconcile
from zaiko_xl.domain.reconcile_inputs import build_reconcile_input
from zaiko_xl.sample_shop import generate
from zaiko_xl.sample_shop.discrepancies import plant
from zaiko_xl.sample_shop.window import recent_window

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")]


def test_libreoffice_recalculates_and_finds_the_same_differences(tmp_path):
    planted, _ = plant(generate(150, 8), seed=2, share=0.2,
                       kinds=("delay_order", "split_rms", "split_ledger", "pending_return", "unknown"))
    shop = recent_window(planted)  # what the workbook holds: the ledger brought forward, 60 days
    ours = reconcile(build_reconcile_input(frames_of(shop), shop.as_of), ReconcileParams(), bom=shop.bom,
                     set_rules=shop.set_rules).set_index("sku")
    book = tmp_path / "lookup.xlsx"
    write_lookup_workbook(book, shop.items, shop.warehouse, shop.rms_stock, shop.ledger, shop.orders)
    csv, _ = recalc_to_csv(book, tmp_path, libreoffice_profile(tmp_path / "profile"), timeout_s=120)
    theirs = read_differences(csv).set_index("sku")
    assert not (theirs[["RMS", "倉庫", "台帳", "引当", "diff_rms", "diff_ledger"]] == SENTINEL).any().any()
    same = comparable_skus(shop.items, shop.bom, shop.warehouse, shop.rms_stock)
    assert len(same) > 60
    pd.testing.assert_frame_equal(theirs.loc[same, ["diff_rms", "diff_ledger"]].astype("int64"),
                                  ours.loc[same, ["diff_rms", "diff_ledger"]].astype("int64"))
    assert (theirs.loc[same, "diff_rms"].astype("int64") != 0).sum() >= 10
    drifted = ours.index[ours["kind"] == "code_normalised"]
    assert len(drifted) and theirs.loc[drifted, "倉庫"].isna().all()  # #N/A: what zaiko-xl matches, VLOOKUP cannot
