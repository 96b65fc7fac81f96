"""build_reconcile_input: the per-SKU numbers from the source frames (data-contracts §2, §5)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.unit.reconcile_rows import frames_of
from zaiko_xl.domain.allocation import open_allocations
from zaiko_xl.domain.ledger import ledger_balance
from zaiko_xl.domain.reconcile_inputs import SourceFrames, build_reconcile_input
from zaiko_xl.errors import UnknownMovementKind
from zaiko_xl.sample_shop import generate

T = pd.Timestamp
AS_OF = T("2026-11-25 12:00")
WH_T, RMS_T = T("2026-11-25 11:30"), T("2026-11-25 10:00")


def _frames(ledger=(), orders=(), inbound=(), warehouse=None, rms=None) -> SourceFrames:
    items = pd.DataFrame({"sku": ["A-1", "B-2", "SET-1"], "manage_number": ["a-1", "b-2", "set-1"],
                          "variant_id": ["v1", "v1", "v1"], "warehouse_code": ["A-1", "B-2", "SET-1"],
                          "name": ["a", "b", "s"], "group": ["g", "g", "g"], "is_set": [False, False, True]})
    wh = warehouse if warehouse is not None else [("A-1", 50, 2), ("B-2", 10, 0)]
    warehouse = pd.DataFrame([{"warehouse_code": c, "on_hand": q, "reserved": r, "available": q - r,
                               "location": "", "lot": "", "expiry": pd.NaT, "updated_at": WH_T} for c, q, r in wh])
    rms = rms if rms is not None else [("a-1", "v1", 40), ("b-2", "v1", 10), ("set-1", "v1", 3)]
    rms_stock = pd.DataFrame([{"manage_number": m, "variant_id": v, "quantity": q, "updated": RMS_T}
                              for m, v, q in rms])
    ledger = pd.DataFrame(list(ledger) or [("A-1", "棚卸調整", 50, T("2026-11-01"), "OPEN"),
                                           ("B-2", "棚卸調整", 10, T("2026-11-01"), "OPEN")],
                          columns=["sku", "kind", "quantity", "at", "reference"])
    orders = pd.DataFrame(list(orders), columns=["order_number", "channel", "sku", "quantity", "status",
                                                 "ordered_at", "changed_at"])
    inbound = pd.DataFrame(list(inbound), columns=["sku", "quantity", "expected_on", "supplier", "reference",
                                                   "received_at"])
    bom = pd.DataFrame({"set_sku": ["SET-1", "SET-1"], "component_sku": ["A-1", "B-2"], "quantity": [2, 1]})
    return SourceFrames(items, warehouse, rms_stock, ledger, orders, inbound, bom)


def _row(frames: SourceFrames, sku: str = "A-1") -> pd.Series:
    return build_reconcile_input(frames, AS_OF).set_index("sku").loc[sku]


OPEN = [("A-1", "棚卸調整", 50, T("2026-11-01"), "OPEN"), ("B-2", "棚卸調整", 10, T("2026-11-01"), "OPEN")]


def test_open_allocations_count_unshipped_lines_of_every_channel_and_exploded_sets():
    orders = [("O1", "rakuten", "A-1", 2, "unshipped", T("2026-11-25 08:00"), pd.NaT),
              ("O2", "yahoo", "A-1", 1, "unshipped", T("2026-11-25 11:00"), pd.NaT),
              ("O3", "amazon", "A-1", 5, "shipped", T("2026-11-24 08:00"), T("2026-11-24 09:00")),
              ("O4", "rakuten", "SET-1", 1, "unshipped", T("2026-11-25 09:00"), pd.NaT)]
    row = _row(_frames(orders=orders))
    assert row["allocated"] == 2 + 1 + 2
    assert (row["alloc_change_after_rms"], row["orders_after_rms"]) == (1, 1)  # only O2 is newer than RMS's update
    assert _row(_frames(orders=orders), "B-2")["allocated"] == 1


def test_a_line_open_at_rms_update_and_cancelled_since_releases_allocation():
    orders = [("O1", "yahoo", "A-1", 3, "cancelled", T("2026-11-25 08:00"), T("2026-11-25 10:30"))]
    row = _row(_frames(orders=orders))
    assert (row["allocated"], row["alloc_change_after_rms"], row["orders_after_rms"]) == (0, -3, 0)


def test_ledger_balance_and_movements_after_the_warehouse_file_and_rms_update():
    ledger = [*OPEN, ("A-1", "入荷", 12, T("2026-11-25 10:30"), "PO-1"), ("A-1", "出荷", 3, T("2026-11-25 11:45"), "O9"),
              ("A-1", "入荷", 99, T("2026-11-25 12:30"), "PO-FUTURE")]
    row = _row(_frames(ledger=ledger))
    assert row["ledger_balance"] == 50 + 12 - 3
    assert (row["moved_after_wh"], row["moved_after_rms"], row["inbound_after_rms"]) == (-3, 9, 12)


def test_received_inbound_without_a_ledger_booking_is_pending():
    inbound = [("A-1", 12, T("2026-11-25"), "S", "PO-1", T("2026-11-25 10:30")),
               ("A-1", 5, T("2026-11-25"), "S", "PO-2", T("2026-11-25 09:00")),
               ("A-1", 7, T("2026-11-26"), "S", "PO-3", pd.NaT),  # not received yet
               ("A-1", 4, T("2026-11-25"), "S", "PO-4", T("2026-11-25 11:40"))]  # after the warehouse file
    ledger = [*OPEN, ("A-1", "入荷", 5, T("2026-11-25 09:00"), "PO-2")]
    row = _row(_frames(ledger=ledger, inbound=inbound))
    assert row["pending_inbound"] == 12
    assert (row["moved_after_rms"], row["inbound_after_rms"]) == (12, 12)  # received after RMS's update


def test_returns_and_cancellation_returns_not_booked_are_pending():
    orders = [("R1", "rakuten", "A-1", 2, "returned", T("2026-11-20"), T("2026-11-22")),
              ("R2", "rakuten", "A-1", 1, "returned", T("2026-11-20"), T("2026-11-22")),
              ("C1", "yahoo", "A-1", 3, "cancelled", T("2026-11-20"), T("2026-11-21")),
              ("C2", "yahoo", "A-1", 4, "cancelled", T("2026-11-20"), T("2026-11-21"))]
    ledger = [*OPEN, ("A-1", "出荷", 2, T("2026-11-20 10:00"), "R1"), ("A-1", "出荷", 1, T("2026-11-20 10:00"), "R2"),
              ("A-1", "返品", 1, T("2026-11-22 10:00"), "R2"), ("A-1", "出荷", 3, T("2026-11-20 10:00"), "C1")]
    row = _row(_frames(ledger=ledger, orders=orders))
    # R1 returned without 返品; C1 shipped then cancelled without キャンセル戻し; C2 never shipped
    assert (row["pending_returns"], row["pending_cancels"]) == (2, 3)


def test_codes_resolve_exactly_after_normalisation_or_not_at_all():
    warehouse = [("ａ－１", 50, 0), ("Q-9", 4, 0)]
    result = build_reconcile_input(_frames(warehouse=warehouse), AS_OF).set_index("sku")
    assert result.loc["A-1", "wh_match"] == "normalised" and result.loc["A-1", "wh_code"] == "ａ－１"
    assert result.loc["B-2", "wh_match"] == "unmatched" and pd.isna(result.loc["B-2", "wh_on_hand"])
    assert result.loc["Q-9", "orphan"] == "warehouse" and result.loc["Q-9", "wh_code"] == "Q-9"
    assert result.loc["SET-1", "wh_match"] == ""  # sets are virtual


def test_rms_rows_match_by_folded_manage_number_and_case_sensitive_variant():
    # The item master names every SKU on RMS as (manage number, "v1"): matched through the item
    # master's pair (domain.sku: 'mapping'). RMS folds manageNumber, so "A-1" is the key "a-1";
    # variantId is case-sensitive, so "V1" is another RMS SKU, which no shop SKU is.
    rms = [("A-1", "v1", 40), ("b-2", "V1", 10), ("set-1", "v1", 3)]
    result = build_reconcile_input(_frames(rms=rms), AS_OF).set_index("sku")
    assert result.loc["A-1", "rms_match"] == "mapping" and result.loc["A-1", "rms_quantity"] == 40
    assert result.loc["B-2", "rms_match"] == "unmatched" and result.loc["b-2:V1", "orphan"] == "rms"
    assert result.loc["SET-1", "rms_match"] == "mapping"


def test_an_rms_variant_id_that_is_the_shop_code_matches_exactly_or_after_normalisation():
    rms = [("a-1", "A-1", 40), ("b-2", "ｂ－２", 10), ("set-1", "SET-1", 3)]
    result = build_reconcile_input(_frames(rms=rms), AS_OF).set_index("sku")
    assert result.loc["A-1", "rms_match"] == "exact"
    assert result.loc["B-2", "rms_match"] == "normalised" and result.loc["B-2", "rms_code"] == "b-2:ｂ－２"
    assert result.loc["B-2", "rms_quantity"] == 10


def test_a_sku_without_ledger_rows_is_unmatched_in_the_ledger():
    ledger = [("A-1", "棚卸調整", 50, T("2026-11-01"), "OPEN"), ("Ｂ－２ ", "棚卸調整", 10, T("2026-11-01"), "OPEN"),
              ("ZZ", "入荷", 1, T("2026-11-01"), "X")]
    result = build_reconcile_input(_frames(ledger=ledger), AS_OF).set_index("sku")
    assert result.loc["B-2", "ledger_match"] == "normalised" and result.loc["B-2", "ledger_balance"] == 10
    assert result.loc["ZZ", "orphan"] == "ledger"


def test_ledger_balances_and_allocations_equal_the_ledger_and_allocation_modules():
    shop = generate(300, 6)
    result = build_reconcile_input(frames_of(shop), shop.as_of).set_index("sku")
    singles = result[~result["is_set"] & (result["orphan"] == "")]
    balance = ledger_balance(shop.ledger, shop.as_of).reindex(singles.index, fill_value=0)
    allocated = open_allocations(shop.orders, shop.bom).reindex(singles.index, fill_value=0)
    assert (singles["ledger_balance"].astype("int64") == balance).all()
    assert (singles["allocated"].astype("int64") == allocated).all() and allocated.sum() > 0


def test_an_unknown_ledger_kind_is_refused():
    ledger = [*OPEN, ("A-1", "移動", 3, T("2026-11-20"), "X")]
    with pytest.raises(UnknownMovementKind):
        build_reconcile_input(_frames(ledger=ledger), AS_OF)


def test_one_purchase_order_booked_for_one_sku_leaves_its_other_sku_pending():
    inbound = [("A-1", 12, T("2026-11-25"), "S", "PO-1", T("2026-11-25 09:00")),
               ("B-2", 5, T("2026-11-25"), "S", "PO-1", T("2026-11-25 09:00"))]
    ledger = [*OPEN, ("A-1", "入荷", 12, T("2026-11-25 09:00"), "PO-1")]
    result = build_reconcile_input(_frames(ledger=ledger, inbound=inbound), AS_OF).set_index("sku")
    assert (result.loc["A-1", "pending_inbound"], result.loc["B-2", "pending_inbound"]) == (0, 5)


def test_a_cancelled_line_beside_a_shipped_line_of_the_same_sku_is_not_pending():
    orders = [("O1", "yahoo", "A-1", 1, "cancelled", T("2026-11-20 10:00"), T("2026-11-20 11:00")),
              ("O1", "yahoo", "A-1", 1, "shipped", T("2026-11-20 10:00"), T("2026-11-21 15:00")),
              ("O2", "yahoo", "A-1", 2, "cancelled", T("2026-11-20 12:00"), T("2026-11-22 11:00"))]
    ledger = [*OPEN, ("A-1", "出荷", 1, T("2026-11-21 15:00"), "O1"), ("A-1", "出荷", 2, T("2026-11-21 15:00"), "O2")]
    row = _row(_frames(ledger=ledger, orders=orders))
    assert row["pending_cancels"] == 2  # O1's shipment is its shipped line's; O2 went out and was cancelled


def test_ledger_rows_written_with_a_warehouse_code_or_jan_of_the_master_belong_to_its_sku():
    frames = _frames(ledger=[*OPEN, ("W-777", "入荷", 4, T("2026-11-02"), "PO-9"),
                             ("4900000000017", "入荷", 1, T("2026-11-03"), "PO-9")])
    items = frames.items.assign(warehouse_code=["W-777", "B-2", ""], jan=["4900000000017", "", ""])
    result = build_reconcile_input(dataclasses.replace(frames, items=items), AS_OF).set_index("sku")
    assert result.loc["A-1", "ledger_balance"] == 50 + 4 + 1 and result.loc["A-1", "ledger_match"] == "mapping"
    assert (result["orphan"] == "").all()


def test_a_refused_parcel_that_rms_calls_returned_is_booked_back_by_a_cancellation_return():
    orders = [("R9", "rakuten", "A-1", 2, "returned", T("2026-11-20"), T("2026-11-22"))]
    ledger = [*OPEN, ("A-1", "出荷", 2, T("2026-11-20 10:00"), "R9"), ("A-1", "キャンセル戻し", 2, T("2026-11-22 10:00"), "R9")]
    row = _row(_frames(ledger=ledger, orders=orders))
    assert (row["pending_returns"], row["pending_cancels"]) == (0, 0)


def test_a_shipment_booked_after_the_cancellation_belongs_to_another_line_left_off_the_orders_sheet():
    orders = [("Y1", "yahoo", "A-1", 1, "cancelled", T("2026-11-20 09:00"), T("2026-11-20 10:00"))]
    ledger = [*OPEN, ("A-1", "出荷", 1, T("2026-11-20 17:00"), "Y1")]  # the order's shipped line is not pulled
    assert _row(_frames(ledger=ledger, orders=orders))["pending_cancels"] == 0


def test_returns_and_receipts_before_the_last_stocktake_are_not_pending():
    orders = [("R1", "rakuten", "A-1", 2, "returned", T("2026-10-01"), T("2026-10-03"))]  # booked before the cut
    inbound = [("A-1", 12, T("2026-10-05"), "S", "PO-OLD", T("2026-10-05 10:00"))]
    carried = [("A-1", "棚卸調整", 50, T("2026-10-10"), "繰越 / carried forward"), ("B-2", "棚卸調整", 10, T("2026-11-01"), "OPEN")]
    row = _row(_frames(ledger=carried, orders=orders, inbound=inbound))
    assert (row["pending_returns"], row["pending_inbound"]) == (0, 0)
    counted_before = [("A-1", "棚卸調整", 50, T("2026-09-01"), "OPEN"), carried[1]]  # the count came before them
    row = _row(_frames(ledger=counted_before, orders=orders, inbound=inbound))
    assert (row["pending_returns"], row["pending_inbound"]) == (2, 12)
