"""On the sample shop, every planted discrepancy gets its right cause and agreeing SKUs stay quiet.

The real generator (``sample_shop.generate``: two years of orders, sets with shared components
and caps, drifted warehouse codes, legacy codes in the mapping sheet) with the planter on top,
over several seeds and sizes.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from tests.unit.reconcile_rows import frames_of
from zaiko_xl.domain.reconcile import ReconcileParams, reconcile
from zaiko_xl.domain.reconcile_inputs import build_reconcile_input
from zaiko_xl.sample_shop import generate
from zaiko_xl.sample_shop.discrepancies import PLANTS, plant
from zaiko_xl.sample_shop.window import recent_window


def reconciled(seed: int, n: int = 600, share: float = 0.1) -> pd.DataFrame:
    shop, truth = plant(generate(n, seed), seed=seed + 100, share=share)
    result = reconcile(build_reconcile_input(frames_of(shop), shop.as_of), ReconcileParams(),
                       bom=shop.bom, set_rules=shop.set_rules)
    joined = truth.merge(result, on="sku", how="outer", suffixes=("_truth", ""), indicator=True)
    return joined.assign(as_of=shop.as_of)


@pytest.fixture(scope="module", params=[(1, 600), (2, 500), (3, 2000)], ids=lambda p: f"seed{p[0]}-{p[1]}skus")
def joined(request) -> pd.DataFrame:
    seed, n = request.param
    return reconciled(seed, n)


@pytest.mark.parametrize("kind", list(PLANTS))
def test_each_planted_discrepancy_gets_its_cause(joined, kind):
    rows = joined[joined["plant"] == kind]
    assert len(rows) >= 1, f"nothing planted for {kind}"
    wrong = rows[rows["cause"] != PLANTS[kind].value]
    assert wrong.empty, wrong[["sku", "plant", "cause", "kind", "evidence"]].to_string()


def test_agreeing_skus_are_never_flagged(joined):
    agreeing = joined[joined["cause_truth"] == "一致"]
    assert len(agreeing) > 400
    assert (agreeing["cause"] == "一致").all()
    assert (agreeing["suggested"] == agreeing["rms"]).all()


def test_every_result_row_is_a_known_sku_or_a_planted_orphan(joined):
    assert (joined["_merge"] == "both").all()


def test_the_baseline_code_drift_of_the_shop_is_notation(joined):
    drift = joined[joined["plant"] == "baseline_drift"]
    assert len(drift) > 0 and (drift["kind"] == "code_normalised").all()


def test_suggestions_undo_what_was_planted_on_rms(joined):
    for kind in ("split_rms", "set_over", "set_double"):
        rows = joined[joined["plant"] == kind]
        assert (rows["rms"] - rows["suggested"] == rows["delta"]).all(), kind


def test_delays_name_rms_last_update_in_the_evidence(joined):
    rows = joined[joined["plant"].isin(["delay_order", "delay_inbound"])]
    day = f"{joined['as_of'].iloc[0]:%m/%d}"
    assert rows["evidence"].str.contains(f"RMS最終更新 {day} ").all()
    assert rows["evidence"].str.contains(f"after RMS's last update {day} ").all()


def test_plant_leaves_the_given_shop_unchanged_and_repeats_with_its_seed():
    shop = generate(300, 4)
    before = shop.rms_stock.copy(), shop.warehouse.copy(), len(shop.ledger)
    first, truth1 = plant(shop, seed=9, share=0.1)
    _, truth2 = plant(shop, seed=9, share=0.1)
    pd.testing.assert_frame_equal(shop.rms_stock, before[0])
    pd.testing.assert_frame_equal(shop.warehouse, before[1])
    assert len(shop.ledger) == before[2] < len(first.ledger)
    pd.testing.assert_frame_equal(truth1, truth2)
    assert set(truth1["plant"]) >= set(PLANTS)


def test_the_workbook_window_of_the_history_reconciles_like_the_whole_history():
    shop, _ = plant(generate(400, 8), seed=12, share=0.1)
    window = recent_window(shop)
    assert len(window.ledger) < len(shop.ledger) / 5 and len(window.orders) < len(shop.orders) / 5
    whole, recent = (reconcile(build_reconcile_input(frames_of(s), s.as_of), ReconcileParams(), bom=s.bom,
                               set_rules=s.set_rules) for s in (shop, window))
    pd.testing.assert_frame_equal(whole, recent)
    assert (whole["cause"] != "一致").sum() > 30


@pytest.mark.parametrize("hour", [10, 13, 14, 15, 16, 18])
def test_a_shop_seen_in_the_afternoon_agrees_everywhere(hour):
    """Returns, exchanges and shipments happen in the afternoon: nothing of the shop lies after its as_of."""
    shop = generate(300, 5, as_of=datetime(2026, 11, 26, hour, 7))
    assert (shop.ledger["at"] <= pd.Timestamp(shop.as_of)).all()
    result = reconcile(build_reconcile_input(frames_of(shop), shop.as_of), ReconcileParams(),
                       bom=shop.bom, set_rules=shop.set_rules)
    flagged = result[(result["cause"] != "一致") & (result["kind"] != "code_normalised")]
    assert flagged.empty, flagged[["sku", "cause", "kind", "evidence"]].to_string()
