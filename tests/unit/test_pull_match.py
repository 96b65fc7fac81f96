"""domain.pull_match: every source resolved to sku, the 照合結果 rows and counts, on small frames."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.pull_match import (
    Master,
    Pulled,
    empty_inbound,
    empty_orders,
    resolve_pull,
    rms_keys_to_pull,
)
from zaiko_xl.domain.pull_run import recent_inbound, recent_orders

T = datetime(2026, 11, 20, 9, 0)


def _items(*rows: tuple[str, str, str, str | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sku", "manage_number", "variant_id", "warehouse_code", "jan"])


ITEMS = _items(("TS-1-M", "ts-1", "TS-1-M", "TS-1-M", "4900000000011"),
               ("TS-2-M", "ts-2", "1", "W0000002", "4900000000028"),
               ("MUG-9", "mug-9", "MUG-9", "MUG-9", None),
               ("CUP-1", "cup-1", "CUP-1", "CUP-1", None))
MAPPING = pd.DataFrame([{"sku": "MUG-9", "warehouse_code": "OLD-MUG", "manage_number": None, "variant_id": None,
                         "jan": None}])


def _pulled(**frames: pd.DataFrame) -> Pulled:
    base = {
        "rms_stock": pd.DataFrame({"manage_number": ["ts-1", "ts-2", "zz-1"], "variant_id": ["TS-1-M", "1", "zz-1"],
                                   "quantity": [3, 4, 5], "updated": [T] * 3}),
        "rms_orders": pd.DataFrame({"order_number": ["R1"], "channel": ["rakuten"], "manage_number": ["ts-2"],
                                    "variant_id": ["1"], "quantity": [2], "status": ["unshipped"],
                                    "ordered_at": [T], "changed_at": [pd.NaT]}),
        "warehouse": pd.DataFrame({"warehouse_code": ["TS-1-M", "W0000002", "ｃｕｐ－１ ", "OLD-MUG", "NOPE-1"],
                                   "on_hand": [1, 2, 3, 4, 5], "updated_at": [T] * 5}),
        "ledger": pd.DataFrame({"sku": ["TS-1-M", "ts-1-m"], "kind": ["入荷", "出荷"], "quantity": [1, 1],
                                "at": [T, T]}),
        "other_orders": empty_orders(), "inbound": empty_inbound(),
    }
    return Pulled(**{**base, **frames})


def test_each_source_is_resolved_with_its_own_aliases_and_keeps_its_raw_code():
    result = resolve_pull(Master(ITEMS, MAPPING), _pulled())
    wh = result.sheets["warehouse"]
    assert wh["sku"].tolist()[:4] == ["TS-1-M", "TS-2-M", "CUP-1", "MUG-9"] and pd.isna(wh["sku"].iloc[4])
    assert wh["match"].tolist() == ["exact", "mapping", "normalised", "mapping", "unmatched"]
    assert wh["warehouse_code"].tolist()[2] == "ｃｕｐ－１ "
    rms = result.sheets["rms_stock"]
    assert rms["match"].tolist() == ["exact", "mapping", "unmatched"] and rms["sku"].tolist()[:2] == ["TS-1-M", "TS-2-M"]
    orders = result.sheets["orders"]
    assert orders[["sku", "code", "match"]].values.tolist() == [["TS-2-M", "ts-2:1", "mapping"]]


def test_the_report_lists_inexact_codes_problems_first_and_the_counts_agree():
    result = resolve_pull(Master(ITEMS, MAPPING), _pulled())
    report = result.report
    assert report[["source", "code", "match", "problem"]].values.tolist() == [
        ["rms_stock", "zz-1:zz-1", "unmatched", "unmatched"],
        ["warehouse", "NOPE-1", "unmatched", "unmatched"],
        ["warehouse", "ｃｕｐ－１ ", "normalised", ""],
        ["ledger", "ts-1-m", "normalised", ""],
        ["rms_stock", "ts-2:1", "mapping", ""],
        ["rms_orders", "ts-2:1", "mapping", ""],
        ["warehouse", "OLD-MUG", "mapping", ""],
        ["warehouse", "W0000002", "mapping", ""],
    ]
    assert report.loc[report["code"] == "ts-2:1", "rows"].tolist() == [1, 1]
    counts = result.counts
    assert counts.loc["warehouse"].tolist() == [5, 1, 2, 1, 1, 1]  # rows exact mapping normalised unmatched problems
    assert counts.loc["ledger"].tolist() == [2, 1, 0, 1, 0, 0] and counts.loc["inbound"].tolist() == [0] * 6


def test_two_warehouse_codes_of_one_sku_are_a_collision_but_two_ledger_spellings_are_not():
    wh = pd.DataFrame({"warehouse_code": ["TS-1-M", "ts-1-m"], "on_hand": [1, 2], "updated_at": [T, T]})
    report = resolve_pull(Master(ITEMS, MAPPING), _pulled(warehouse=wh)).report
    collided = report[report["problem"] == "collision"]
    assert collided[["source", "code", "match", "sku"]].values.tolist() == [  # together, in code order
        ["warehouse", "TS-1-M", "exact", "TS-1-M"], ["warehouse", "ts-1-m", "normalised", "TS-1-M"]]
    assert collided["detail"].iloc[0] == "同じ SKU のコード: TS-1-M, ts-1-m / codes of one SKU: TS-1-M, ts-1-m"
    assert report.loc[report["source"] == "ledger", "problem"].tolist() == [""]


def test_master_codes_that_normalise_alike_or_name_two_skus_are_reported_once():
    items = _items(("AB-1", "ab", "AB-1", "AB-1", None), ("ab-1", "ab", "ab-1", "ab-1", None),
                   ("CD-1", "cd", "CD-1", "X-1", None), ("CD-2", "cd", "CD-2", "X-1", None))
    wh = pd.DataFrame({"warehouse_code": ["Ａｂ－１", "X-1"], "on_hand": [1, 2], "updated_at": [T, T]})
    result = resolve_pull(Master(items, MAPPING.iloc[0:0]), _pulled(warehouse=wh))
    master = result.report[result.report["source"] == "master"]
    assert master[["code", "sku", "problem"]].values.tolist() == [["ab-1", "AB-1, ab-1", "collision"],
                                                                   ["X-1", "CD-1, CD-2", "collision"]]  # by SKU
    assert master["detail"].str.startswith(("正規化すると同じになる SKU", "1 つのコードが複数の SKU")).tolist() == [True, True]
    assert master["detail"].iloc[0].startswith("正規化") and master["detail"].iloc[1].startswith("1 つのコード")
    assert result.sheets["warehouse"]["match"].tolist() == ["unmatched", "unmatched"]
    assert result.counts.loc["master", "problems"] == 2


def test_rms_keys_come_from_the_master_and_codes_rms_would_refuse_are_not_asked_for():
    items = pd.concat([ITEMS, _items(("RED-M", "Red", "赤-M", None, None), ("LONG", "long", "x" * 33, None, None))])
    keys, refused = rms_keys_to_pull(Master(items, MAPPING))
    assert keys == [RmsSkuKey("ts-1", "TS-1-M"), RmsSkuKey("ts-2", "1"), RmsSkuKey("mug-9", "MUG-9"),
                    RmsSkuKey("cup-1", "CUP-1")]
    assert refused["code"].tolist() == ["red:赤-M", "long:" + "x" * 33] and refused["sku"].tolist() == ["RED-M", "LONG"]
    assert "manageNumber" not in refused["detail"].iloc[0]  # Red is folded to red, which RMS accepts
    assert refused["detail"].iloc[0] == ("variantId に使えない文字「赤」があります (使える文字: a-z A-Z 0-9 - _) / "
                                         "variantId contains characters RMS refuses: '赤' (allowed: a-z A-Z 0-9 - _)")
    assert "33 バイト" in refused["detail"].iloc[1]
    pulled = _pulled(refused=refused, rms_missing=(RmsSkuKey("mug-9", "MUG-9"),))
    report = resolve_pull(Master(items, MAPPING), pulled).report
    assert report[["code", "sku", "problem"]].fillna("").values.tolist()[:4] == [
        ["long:" + "x" * 33, "LONG", "refused"], ["red:赤-M", "RED-M", "refused"],
        ["zz-1:zz-1", "", "unmatched"], ["NOPE-1", "", "unmatched"]]
    assert report[["code", "sku", "problem"]].values.tolist()[4] == ["mug-9:MUG-9", "MUG-9", "missing"]


def test_a_warehouse_export_keyed_by_jan_resolves_through_the_jan_column():
    wh = pd.DataFrame({"warehouse_code": ["4900000000028", "4900000000099"], "on_hand": [1, 2], "updated_at": [T, T]})
    result = resolve_pull(Master(ITEMS, MAPPING), _pulled(warehouse=wh, warehouse_code_kind="jan"))
    assert result.sheets["warehouse"][["sku", "match"]].fillna("").values.tolist() == [["TS-2-M", "mapping"],
                                                                                      ["", "unmatched"]]


def test_set_structure_codes_are_checked_against_the_item_master():
    bom = pd.DataFrame({"set_sku": ["MUG-9"], "component_sku": ["ts-1-m"], "quantity": [2]})
    bom = pd.concat([bom, pd.DataFrame({"set_sku": ["MUG-9"], "component_sku": ["GONE"], "quantity": [1]})])
    result = resolve_pull(Master(ITEMS, MAPPING, bom), _pulled())
    rows = result.report[result.report["source"] == "bom"]
    assert rows[["code", "match", "problem"]].values.tolist() == [["GONE", "unmatched", "unmatched"],
                                                                   ["ts-1-m", "normalised", ""]]
    assert result.counts.loc["bom"].tolist() == [4, 2, 0, 1, 1, 1]


@pytest.mark.parametrize("include_shipped, expected", [(False, ["A", "C"]), (True, ["A", "B", "C"])])
def test_the_window_keeps_recent_orders_and_shipped_ones_only_on_request(include_shipped, expected):
    orders = empty_orders().reindex(range(4))
    orders["order_number"] = ["A", "B", "C", "OLD"]
    orders["status"] = ["unshipped", "shipped", "returned", "unshipped"]
    orders["ordered_at"] = pd.to_datetime(["2026-11-01", "2026-11-02", "2026-10-01", "2026-08-01"])
    assert recent_orders(orders, datetime(2026, 9, 21), include_shipped=include_shipped)["order_number"].tolist() \
        == expected


def test_the_window_keeps_pending_inbound_and_recent_receipts():
    inbound = empty_inbound().reindex(range(3))
    inbound["reference"] = ["pending", "recent", "old"]
    inbound["received_at"] = pd.to_datetime([None, "2026-11-01", "2026-08-01"])
    assert recent_inbound(inbound, datetime(2026, 9, 21))["reference"].tolist() == ["pending", "recent"]
