"""Pilot mode: each kind of difference from the shop's current operation, on hand-made SKUs.

SKU  RMS now  zaiko-xl  on hand  allocated  can ship  finding
S1      5        5        9         4          5      same
S2      8        3        5         2          3      oversell_risk (RMS shows 8, only 3 can ship: 5 units at risk)
S3      0        6        6         0          6      lost_sales    (RMS shows 0, 6 can ship: 6 units hidden)
S4      2        4        3         0          3      check         (zaiko-xl would show more than can ship)
S5      4        2       10         0         10      lower         (e.g. a buffer of 2)
S6      4        5       10         0         10      higher        (tolerance 0)
"""

from __future__ import annotations

import pandas as pd
import pytest

from zaiko_xl.domain.pilot import compare_pilot
from zaiko_xl.errors import PilotSkusUnknown
from zaiko_xl.services.pilot import PilotOptions, pilot_report, pilot_sheet, pilot_summary, push_allowed

PROPOSED = pd.DataFrame({"sku": ["S1", "S2", "S3", "S4", "S5", "S6"], "proposed": [5, 3, 6, 4, 2, 5],
                         "reorder": [0, 10, 0, 0, 0, 0]})
CURRENT = pd.DataFrame({"sku": ["S1", "S2", "S3", "S4", "S5", "S6"], "current": [5, 8, 0, 2, 4, 4],
                        "shop_reorder": [0, 4, 0, 0, 0, 0]})
PHYSICAL = pd.DataFrame({"sku": ["S1", "S2", "S3", "S4", "S5", "S6"], "on_hand": [9, 5, 6, 3, 10, 10],
                         "allocated": [4, 2, 0, 0, 0, 0]})


def test_every_kind_of_difference_is_found():
    result = compare_pilot(PROPOSED, CURRENT, PHYSICAL)
    assert dict(zip(result.rows["sku"], result.rows["finding"], strict=True)) == {
        "S1": "same", "S2": "oversell_risk", "S3": "lost_sales", "S4": "check", "S5": "lower", "S6": "higher"}
    assert list(result.rows["sku"]) == ["S2", "S3", "S4", "S6", "S5", "S1"]  # the worst first
    assert (result.units_at_risk, result.units_hidden) == (5, 6)
    assert result.rows.set_index("sku").loc["S2", "reorder_diff"] == 6


def test_the_tolerance_and_the_subset_are_respected():
    result = compare_pilot(PROPOSED, CURRENT, PHYSICAL, tolerance=1, skus=["S5", "S6"])
    assert dict(zip(result.rows["sku"], result.rows["finding"], strict=True)) == {"S5": "lower", "S6": "same"}
    assert result.counts["same"] == 1 and result.counts["oversell_risk"] == 0


def test_a_sku_missing_on_one_side_counts_as_zero():
    result = compare_pilot(PROPOSED.iloc[:1], CURRENT.iloc[:2], PHYSICAL)
    row = result.rows.set_index("sku").loc["S2"]
    assert (row["proposed"], row["current"], row["finding"]) == (0, 8, "oversell_risk")


def test_unknown_pilot_skus_are_refused_by_name():
    with pytest.raises(PilotSkusUnknown) as info:
        pilot_report(PROPOSED, CURRENT, PHYSICAL, PilotOptions(True, ("S1", "TYPO-1")))
    assert info.value.render("en").startswith("E740 1 pilot SKU(s) are not in the data (e.g. TYPO-1).")


def test_the_pilot_pushes_nothing_and_reports_in_both_languages():
    assert not push_allowed(PilotOptions(True)) and push_allowed(PilotOptions(False))
    report = pilot_report(PROPOSED, CURRENT, PHYSICAL, PilotOptions(True, ("S2", "S3")))
    sheet = pilot_sheet(report)
    assert list(sheet.columns)[:3] == ["SKU", "判定 / finding", "現在の RMS / RMS now"]
    assert list(sheet["判定 / finding"]) == ["売り越しの恐れ / oversell risk", "販売機会の損失 / lost sales"]
    assert pilot_summary(report) == ["売り越しの恐れ / oversell risk: 1 SKU", "販売機会の損失 / lost sales: 1 SKU",
                                     "売り越しの恐れのある数量 / units at risk of oversell: 5",
                                     "表示されていない出荷可能数 / sellable units not shown: 6"]
