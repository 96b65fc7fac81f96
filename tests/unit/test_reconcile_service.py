"""The reconcile use case with fakes: persistence across pulls, hand edits, the sheet shape."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pandas as pd
import pytest

from tests.fakes import FakeComparisonSheet, FakeProgress, FakeReconcileHistory, FakeReconcileSources
from tests.unit.reconcile_rows import frames_of
from zaiko_xl.domain.reconcile import ReconcileParams
from zaiko_xl.domain.reconcile_run import one_run_per_pull
from zaiko_xl.sample_shop import generate
from zaiko_xl.sample_shop.discrepancies import plant
from zaiko_xl.services.reconcile import reconcile, reconcile_frames
from zaiko_xl.services.reconcile_report import CAUSE_ORDER, COMPARISON_FIELDS
from zaiko_xl.services.workbook_buttons import reconcile as button

DEFAULTS = ReconcileParams()


@pytest.fixture(scope="module")
def planted():
    shop, truth = plant(generate(300, 11), seed=5, share=0.05)
    return shop, truth.set_index("sku")


def _pull(shop, sheet, history, n: int, params=DEFAULTS, minutes: int = 0):
    as_of = pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=minutes)
    return reconcile(FakeReconcileSources(frames_of(shop)), sheet, history, params=params,
                     as_of=as_of.to_pydatetime(), run_id=f"run-{n}")


def _sku(truth, plant_kind: str) -> str:
    return truth.index[truth["plant"] == plant_kind][0]


def test_the_sheet_gets_the_comparison_columns_and_a_summary(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    report = _pull(shop, sheet, history, 1)
    assert list(sheet.rows.columns) == list(COMPARISON_FIELDS.values())
    assert list(sheet.rows.columns) == ["sku", "name", "rms_quantity", "warehouse_on_hand", "ledger_balance",
                                        "open_allocations", "expected_rms", "difference", "cause", "suggested",
                                        "confirmed", "push", "evidence"]
    causes = list(dict.fromkeys(sheet.rows["cause"]))
    assert causes[-1] == "一致" and causes == sorted(causes, key=CAUSE_ORDER.index)  # differences first
    counts = sheet.summary.counts
    assert sum(counts.values()) == len(sheet.rows) == report.summary.skus
    expected = truth["cause"].value_counts()
    assert {c: counts[c] for c in expected.index} == expected.to_dict()
    differing = report.rows[report.rows["cause"] != "一致"]
    assert sheet.summary.units_at_risk == int(differing["diff_rms"].fillna(0).abs().sum()) > 0


def test_a_split_seen_again_is_recognised_as_persistent(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    split = _sku(truth, "split_rms")
    first = _pull(shop, sheet, history, 1).rows.set_index("sku").loc[split]
    second = _pull(shop, sheet, history, 2, minutes=5).rows.set_index("sku").loc[split]
    assert (first["streak"], second["streak"]) == (1, 2)
    assert "(2 回連続)" in second["evidence"] and "(2 pulls in a row)" in second["evidence"]
    assert len(history.runs) == 2


def test_a_delay_that_persists_more_than_n_pulls_becomes_a_split(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    delayed = _sku(truth, "delay_order")
    params = ReconcileParams(delay_max_pulls=2)
    causes = [_pull(shop, sheet, history, n, params, minutes=n).rows.set_index("sku").loc[delayed, "cause"]
              for n in range(4)]
    assert causes == ["遅延", "遅延", "分断", "分断"]


def test_a_delay_that_clears_is_forgotten(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    delayed = _sku(truth, "delay_order")
    assert _pull(shop, sheet, history, 1).rows.set_index("sku").loc[delayed, "cause"] == "遅延"
    pushed = _push(shop, delayed)
    row = _pull(pushed, sheet, history, 2, minutes=1).rows.set_index("sku").loc[delayed]
    assert (row["cause"], row["streak"]) == ("一致", 0)


def _push(shop, sku: str):
    """RMS receives the suggested number now (what a push does)."""
    frames = frames_of(shop)
    from zaiko_xl.domain.reconcile import reconcile as compare
    from zaiko_xl.domain.reconcile_inputs import build_reconcile_input
    result = compare(build_reconcile_input(frames, shop.as_of), ReconcileParams(), bom=shop.bom,
                     set_rules=shop.set_rules).set_index("sku")
    rms = shop.rms_stock.copy()
    item = shop.items.set_index("sku").loc[sku]
    at = rms.index[(rms["manage_number"] == item["manage_number"]) & (rms["variant_id"] == item["variant_id"])][0]
    rms.loc[at, ["quantity", "updated"]] = [int(result.loc[sku, "suggested"]), pd.Timestamp(shop.as_of)]
    return dataclasses.replace(shop, rms_stock=rms)


def test_hand_edits_survive_the_next_reconcile(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    _pull(shop, sheet, history, 1)
    edited, ticked, cleared = _sku(truth, "split_rms"), _sku(truth, "unknown"), _sku(truth, "split_ledger")
    sheet.edit(edited, confirmed=7)
    sheet.edit(ticked, push=True)
    before = sheet.rows.set_index("sku")
    report = _pull(_push(shop, edited), sheet, history, 2, minutes=5)
    after = sheet.rows.set_index("sku")
    assert (after.loc[edited, "confirmed"], after.loc[edited, "push"]) == (7, False)
    assert after.loc[edited, "cause"] == "一致"  # the numbers are refreshed, the decision is kept
    assert (after.loc[ticked, "confirmed"], after.loc[ticked, "push"]) == (before.loc[ticked, "confirmed"], True)
    assert report.summary.edited == 2 and int(report.rows["edited"].sum()) == 2
    third = _pull(shop, sheet, history, 3, minutes=10).rows.set_index("sku")
    assert third.loc[edited, "confirmed"] == 7 and bool(third.loc[ticked, "push"])
    assert not third.loc[cleared, "edited"]


def test_emptying_a_cell_hands_the_row_back_to_the_suggestion(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    _pull(shop, sheet, history, 1)
    sku = _sku(truth, "split_rms")
    sheet.edit(sku, confirmed=7)
    _pull(shop, sheet, history, 2, minutes=1)
    sheet.rows.loc[sheet.rows["sku"] == sku, "confirmed"] = pd.NA
    rows = _pull(shop, sheet, history, 3, minutes=2).rows.set_index("sku")
    assert not rows.loc[sku, "edited"] and rows.loc[sku, "confirmed"] == rows.loc[sku, "suggested"]


def test_reconcile_frames_journals_without_a_sheet(planted):
    shop, _ = planted
    history = FakeReconcileHistory()
    report = reconcile_frames(frames_of(shop), history, params=DEFAULTS, as_of=shop.as_of, run_id="r1")
    assert history.runs[0].run_id == "r1" and len(history.runs[0].differences) == report.summary.differing
    assert list(report.to_frame().columns) == list(COMPARISON_FIELDS.values())


def test_without_the_journal_the_sheets_own_suggestion_tells_an_edit_from_a_suggestion(planted):
    shop, truth = planted
    sheet = FakeComparisonSheet()
    _pull(shop, sheet, FakeReconcileHistory(), 1)
    sku = _sku(truth, "split_rms")
    sheet.edit(sku, confirmed=7)
    report = _pull(shop, sheet, FakeReconcileHistory(), 2)  # the journal was lost: a new, empty one
    assert report.summary.edited == 1 and report.rows.set_index("sku").loc[sku, "confirmed"] == 7


def test_the_button_runs_the_same_service_and_reports_counts_in_both_languages(planted):
    shop, truth = planted
    sheet, history, progress = FakeComparisonSheet(), FakeReconcileHistory(), FakeProgress()
    summary = button(FakeReconcileSources(frames_of(shop)), sheet, history, params=DEFAULTS, as_of=shop.as_of,
                     run_id="b1", progress=progress)
    differing = int((truth["cause"] != "一致").sum())
    assert summary.message_ja.startswith(f"在庫比較を更新しました: {len(truth):,} SKU、差異 {differing:,} 件、リスク数量 ")
    assert f"{differing:,} differing" in summary.message_en
    assert history.runs[0].run_id == "b1" and len(sheet.rows) == len(truth)


def test_one_run_stands_for_each_pull_and_runs_without_a_pull_time_each_count():
    t1, t2 = datetime(2026, 11, 16, 9, 0), datetime(2026, 11, 16, 10, 0)
    runs = [(1, t1), (2, t1), (3, None), (4, t2), (5, t2), (6, None)]
    assert one_run_per_pull(runs, 10) == [6, 5, 3, 2]
    assert one_run_per_pull(runs, 2) == [6, 5]
    assert one_run_per_pull(runs, 10, current=t2) == [6, 3, 2]


def test_a_split_seen_again_in_the_same_pull_is_not_persistent(planted):
    shop, truth = planted
    sheet, history = FakeComparisonSheet(), FakeReconcileHistory()
    frames = dataclasses.replace(frames_of(shop), pulled_at=datetime(2026, 11, 16, 9, 30))
    for n in (1, 2):
        rows = reconcile(FakeReconcileSources(frames), sheet, history, params=DEFAULTS, as_of=shop.as_of,
                         run_id=f"run-{n}").rows.set_index("sku")
    assert rows.loc[_sku(truth, "split_rms"), "streak"] == 1
