"""Every rule of the decision order, on hand-built rows (see domain/reconcile.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.reconcile_rows import RMS_T, WH_T, frame, single
from zaiko_xl.domain.reconcile import Cause, ReconcileParams, reconcile

NA = pd.NA


def one(params: ReconcileParams | None = None, **changes) -> pd.Series:
    return reconcile(frame(single(**changes)), params or ReconcileParams()).iloc[0]


CASES = [
    # name, changes, cause, kind, suggested
    ("agreeing single", {}, Cause.AGREE, "", 20),
    ("inbound after RMS's last update", dict(wh_on_hand=42, ledger_balance=42, moved_after_rms=12,
                                             inbound_after_rms=12), Cause.DELAY, "rms_behind", 32),
    ("other channel order after RMS's last update", dict(allocated=13, alloc_change_after_rms=3,
                                                         orders_after_rms=3), Cause.DELAY, "rms_behind", 17),
    ("RMS off, nothing explains it", dict(rms_quantity=25), Cause.SPLIT, "rms_off", 20),
    ("ledger off, nothing explains it", dict(ledger_balance=27), Cause.SPLIT, "ledger_off", 20),
    ("ledger and RMS off", dict(ledger_balance=27, rms_quantity=25), Cause.UNKNOWN, "ledger_and_rms_off", 17),
    ("inbound not booked in the ledger", dict(wh_on_hand=42, pending_inbound=12, rms_quantity=32),
     Cause.PENDING, "unbooked", 32),
    ("return and cancellation not booked", dict(wh_on_hand=33, pending_returns=2, pending_cancels=1,
                                                rms_quantity=23), Cause.PENDING, "unbooked", 23),
    ("RMS lacks exactly the unbooked units", dict(wh_on_hand=42, pending_inbound=12),
     Cause.PENDING, "rms_missing_unbooked", 32),
    ("warehouse file older than shipments", dict(ledger_balance=27, moved_after_wh=-3, allocated=7,
                                                 moved_after_rms=-3, alloc_change_after_rms=-3),
     Cause.DELAY, "warehouse_file_behind", 20),
    ("warehouse code matched after normalisation", dict(wh_match="normalised", wh_code="ＳＫＵ－１"),
     Cause.NOTATION, "code_normalised", 20),
    ("no warehouse row", dict(wh_match="unmatched", wh_on_hand=NA, wh_reserved=NA, wh_available=NA,
                              wh_updated_at=pd.NaT, wh_code=""), Cause.NOTATION, "no_warehouse_row", None),
    ("no RMS row", dict(rms_match="unmatched", rms_quantity=NA, rms_updated=pd.NaT, rms_code=""),
     Cause.NOTATION, "no_rms_row", None),
    ("no ledger row while the warehouse holds stock", dict(ledger_match="unmatched", ledger_balance=0),
     Cause.NOTATION, "no_ledger_row", 20),
    ("the ledger off wins over an RMS delay", dict(ledger_balance=39, wh_on_hand=42, moved_after_rms=12,
                                                  inbound_after_rms=12), Cause.SPLIT, "ledger_off", 32),
]


@pytest.mark.parametrize(("name", "changes", "cause", "kind", "suggested"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_gives_its_cause_and_suggestion(name, changes, cause, kind, suggested):
    row = one(**changes)
    assert (row["cause"], row["kind"]) == (cause.value, kind)
    assert (None if pd.isna(row["suggested"]) else int(row["suggested"])) == suggested
    assert (row["evidence"] == "") == (cause is Cause.AGREE)


def test_delay_evidence_names_the_movement_and_rms_last_update_in_both_languages():
    row = one(wh_on_hand=42, ledger_balance=42, moved_after_rms=12, inbound_after_rms=12)
    assert row["evidence"] == ("RMS最終更新 11/25 09:00 以降に 入荷 +12 (RMS 20 → 計算値 32) / "
                               "inbound +12 after RMS's last update 11/25 09:00 (RMS 20 → expected 32)")


def test_warehouse_file_delay_evidence_names_the_file_time():
    row = one(ledger_balance=27, moved_after_wh=-3, allocated=7, moved_after_rms=-3, alloc_change_after_rms=-3)
    assert row["evidence"].startswith(f"倉庫ファイル {WH_T:%m/%d %H:%M} 以降の台帳の動き -3 (倉庫 30 → 27)")


def test_a_numeric_cause_wins_over_a_normalised_code_and_says_so():
    row = one(rms_quantity=25, wh_match="normalised", wh_code="ＳＫＵ－１")
    assert row["cause"] == Cause.SPLIT.value
    assert row["evidence"] == ("RMS 25 に対し計算値 20 (倉庫 30 − 引当 10): 差 +5、説明できる入出荷・受注なし "
                               "※コードは正規化後に一致 / RMS 25 vs expected 20 (warehouse 30 − allocated 10): +5, "
                               "no movement or order explains it; the code matched only after normalisation")


def test_an_orphan_code_is_a_notation_row_with_no_suggestion():
    orphan = {"sku": "XYZ-9", "orphan": "warehouse", "wh_code": "XYZ-9", "is_set": False}
    result = reconcile(frame(single(), orphan), ReconcileParams())
    row = result.iloc[1]
    assert (row["cause"], row["kind"]) == (Cause.NOTATION.value, "orphan_code")
    assert pd.isna(row["suggested"]) and pd.isna(row["expected"])
    assert "倉庫のコード「XYZ-9」は商品マスタのどの SKU にも一致しません" in row["evidence"]


def test_differences_are_rms_minus_expected_and_ledger_minus_warehouse():
    row = one(rms_quantity=25, ledger_balance=27)
    assert (row["diff_rms"], row["diff_ledger"], row["expected"]) == (5, -3, 20)


# ---------------------------------------------------------------- tolerances per group
@pytest.mark.parametrize(("group", "rms", "cause"), [
    ("apparel", 21, Cause.AGREE), ("apparel", 22, Cause.SPLIT), ("goods", 21, Cause.SPLIT),
    ("food", 22, Cause.AGREE), ("food", 23, Cause.SPLIT)])
def test_tolerance_comes_from_the_group_else_the_default(group, rms, cause):
    params = ReconcileParams(tolerance=2, tolerance_by_group={"apparel": 1, "goods": 0})
    assert one(params, group=group, rms_quantity=rms)["cause"] == cause.value


def test_tolerance_applies_to_the_ledger_too():
    params = ReconcileParams(tolerance_by_group={"goods": 3})
    assert one(params, ledger_balance=27)["cause"] == Cause.AGREE.value
    assert one(params, ledger_balance=26)["cause"] == Cause.SPLIT.value


# ---------------------------------------------------------------- what RMS should show
@pytest.mark.parametrize(("params", "expected"), [
    (ReconcileParams(buffer=2), 18), (ReconcileParams(share=0.5), 10), (ReconcileParams(cap=7), 7),
    (ReconcileParams(zero_below=21), 0), (ReconcileParams(buffer=25), 0)])
def test_expected_stock_applies_buffer_share_cap_and_zero_below(params, expected):
    assert one(params)["expected"] == expected


def test_a_per_sku_buffer_column_overrides_the_default():
    assert one(ReconcileParams(buffer=2), buffer=5)["expected"] == 15


def test_expected_never_exceeds_what_rms_accepts():
    assert one(wh_on_hand=150_000, ledger_balance=150_000, allocated=0, rms_quantity=99_999)["expected"] == 99_999


# ---------------------------------------------------------------- sets
BOM = pd.DataFrame({"set_sku": ["SET-1", "SET-1"], "component_sku": ["A", "B"], "quantity": [2, 1]})


def _shop(set_rms: int, a_rms: int = 10) -> pd.DataFrame:
    a = single("A", rms_quantity=a_rms)  # sellable 20
    b = single("B", wh_on_hand=15, ledger_balance=15, rms_quantity=0)  # sellable 5
    s = single("SET-1", is_set=True, wh_match="", ledger_match="", wh_on_hand=NA, ledger_balance=NA,
               allocated=0, rms_quantity=set_rms, wh_updated_at=pd.NaT)
    return frame(a, b, s)


def test_sets_take_components_first_and_singles_keep_the_rest():
    result = reconcile(_shop(5), ReconcileParams(), bom=BOM).set_index("sku")
    assert result["expected"].to_dict() == {"A": 10, "B": 0, "SET-1": 5}
    assert set(result["cause"]) == {Cause.AGREE.value}


def test_a_set_shown_above_what_its_components_allow_is_a_set_cause():
    row = reconcile(_shop(8), ReconcileParams(), bom=BOM).set_index("sku").loc["SET-1"]
    assert (row["cause"], row["kind"], row["suggested"]) == (Cause.SET.value, "set_over", 5)
    assert row["evidence"] == ("構成品から組めるのは 5 (B 残り 5) に対し RMS 8 (+3) / "
                               "components allow 5 (limited by B, 5 left) but RMS shows 8 (+3)")


def test_a_single_showing_units_given_to_sets_is_a_set_cause():
    row = reconcile(_shop(5, a_rms=20), ReconcileParams(), bom=BOM).set_index("sku").loc["A"]
    assert (row["cause"], row["kind"], row["suggested"]) == (Cause.SET.value, "set_double_count", 10)


# ---------------------------------------------------------------- persistence
def _history(*runs: tuple[str, pd.Timestamp | None]) -> pd.DataFrame:
    return pd.DataFrame([{"run_index": i, "sku": "SKU-1", "raw_cause": cause, "cause": cause,
                          "lag_since": lag if lag is not None else pd.NaT} for i, (cause, lag) in enumerate(runs)])


DELAYED = dict(allocated=13, alloc_change_after_rms=3, orders_after_rms=3)


def test_a_delay_with_the_same_rms_update_in_the_last_n_pulls_becomes_a_split():
    params = ReconcileParams(delay_max_pulls=2)
    history = _history(("遅延", RMS_T), ("遅延", RMS_T))
    row = reconcile(frame(single(**DELAYED)), params, history=history).iloc[0]
    assert (row["cause"], row["raw_cause"], row["kind"]) == ("分断", "遅延", "rms_behind_persistent")
    assert row["evidence"].startswith("遅延が 3 回連続で解消していません (連携の分断)。RMS最終更新 11/25 09:00")
    assert row["streak"] == 3


def test_a_delay_stays_a_delay_when_rms_was_updated_in_between():
    params = ReconcileParams(delay_max_pulls=2)
    history = _history(("遅延", RMS_T - pd.Timedelta(hours=1)), ("遅延", RMS_T - pd.Timedelta(hours=2)))
    row = reconcile(frame(single(**DELAYED)), params, history=history).iloc[0]
    assert (row["cause"], row["kind"]) == ("遅延", "rms_behind")


def test_a_delay_seen_fewer_than_n_times_stays_a_delay():
    row = reconcile(frame(single(**DELAYED)), ReconcileParams(delay_max_pulls=3),
                    history=_history(("遅延", RMS_T), ("遅延", RMS_T))).iloc[0]
    assert row["cause"] == "遅延"


def test_a_split_seen_again_says_how_many_pulls_in_a_row():
    row = reconcile(frame(single(rms_quantity=25)), ReconcileParams(),
                    history=_history(("分断", None), ("分断", None), ("一致", None))).iloc[0]
    assert row["streak"] == 3
    assert row["evidence"] == ("RMS 25 に対し計算値 20 (倉庫 30 − 引当 10): 差 +5、説明できる入出荷・受注なし (3 回連続) / "
                               "RMS 25 vs expected 20 (warehouse 30 − allocated 10): +5, no movement or order "
                               "explains it (3 pulls in a row)")
