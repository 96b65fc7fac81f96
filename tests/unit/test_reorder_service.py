"""The reorder use case on a tiny hand-made shop, with in-memory fakes of its ports."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.fakes import FakeHolidaySource, FakeReorderSink, FakeReorderSource
from tests.reorder_shop import daily_orders, shop
from tests.unit.test_leadtime import HOLIDAYS_2026
from zaiko_xl.domain.demand import DemandOptions
from zaiko_xl.errors import MissingColumn
from zaiko_xl.services.reorder import ReorderParams, plan_reorder, run_reorder

AS_OF = date(2026, 12, 25)  # a Friday; the day before is the last day of history
YESTERDAY = date(2026, 12, 24)
HOLIDAYS = FakeHolidaySource(HOLIDAYS_2026)
FLAT = ReorderParams(review_days=7, service_level=0.95, tier_levels={},
                     demand=DemandOptions(recent_weight=0.0, seasonality=False))
S1 = ("S1", 2, 0.0, 0, 1)
S2 = ("S2", 3, 0.0, 0, 1)
NENMATSU = pd.DataFrame({"supplier": ["S1"], "start": [date(2026, 12, 29)], "end": [date(2027, 1, 4)],
                         "label": ["年末年始"]})


def row(result, sku):
    return result.plan.set_index("sku").loc[sku]


def test_set_sales_become_component_demand_and_sets_are_not_planned():
    orders = daily_orders("SET", [1] * 400, YESTERDAY)
    inputs = shop(orders, [("A", "S1", "", 100, 300, False), ("B", "S1", "", 100, 300, False),
                           ("SET", "", "", 0, 900, True)], [S1], {"A": 0, "B": 0},
                  bom=pd.DataFrame({"set_sku": ["SET", "SET"], "component_sku": ["A", "B"], "quantity": [2, 1]}))
    result = plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF)
    assert result.plan["sku"].tolist() == ["A", "B"]
    assert (row(result, "A")["demand_mean"], row(result, "B")["demand_mean"]) == (2.0, 1.0)
    assert row(result, "A")["demand_std"] == 0.0


def test_unshipped_orders_are_backorders_and_pending_inbound_is_on_order():
    orders = pd.concat([daily_orders("A", [2] * 400, YESTERDAY),
                        daily_orders("A", [5], YESTERDAY, status="unshipped"),
                        daily_orders("A", [9], YESTERDAY, status="cancelled")], ignore_index=True)
    inbound = pd.DataFrame({"sku": ["A", "A"], "quantity": [30, 50], "expected_on": [AS_OF, AS_OF],
                            "received_at": [pd.NaT, pd.Timestamp("2026-12-20")]})
    result = plan_reorder(shop(orders, [("A", "S1", "", 100, 300, False)], [S1], {"A": 12}, inbound=inbound),
                          FLAT, HOLIDAYS, AS_OF)
    a = row(result, "A")
    assert (a["on_hand"], a["on_order"], a["backorders"], a["inventory_position"]) == (12.0, 30.0, 5.0, 37.0)
    assert a["demand_mean"] == pytest.approx((2 * 365 + 5) / 365)  # unshipped is demand, cancelled is not


def test_the_alternative_supplier_gets_the_order_when_the_preferred_one_is_closed_too_long():
    orders = pd.concat([daily_orders("SHORT", [2] * 400, YESTERDAY), daily_orders("PLENTY", [2] * 400, YESTERDAY)])
    inputs = shop(orders, [("SHORT", "S1", "S2", 100, 300, False), ("PLENTY", "S1", "S2", 100, 300, False)],
                  [S1, S2], {"SHORT": 6, "PLENTY": 400}, supplier_closures=NENMATSU)
    result = plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF)
    short, plenty = row(result, "SHORT"), row(result, "PLENTY")
    # S1: Fri 12/25 + 2 business days = Mon 12/28, then closed until 1/4: 1/5 = 11 days (usually 4)
    # SHORT covers 6 / 2 = 3 days < 11: S2 (Fri + 3 = Wed 12/30, 5 days); PLENTY covers 200 days: stays
    assert (short["supplier"], short["lead_time"], short["preferred_supplier"]) == ("S2", 5.0, "S1")
    assert short["supplier_note"].startswith("優先仕入先 S1 休業のため代替")
    assert (plenty["supplier"], plenty["lead_time"], plenty["supplier_note"]) == ("S1", 11.0, "休業 年末年始")
    assert result.drafts["supplier"].tolist() == ["S2"]
    assert result.drafts["po_number"].iat[0] == "PO-20261225-S2"
    assert result.drafts["expected_on"].iat[0] == date(2026, 12, 30)


def test_no_alternative_means_the_preferred_supplier_with_the_long_lead_time():
    inputs = shop(daily_orders("A", [2] * 400, YESTERDAY), [("A", "S1", "", 100, 300, False)], [S1], {"A": 0},
                  supplier_closures=NENMATSU)
    a = row(plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF), "A")
    assert (a["supplier"], a["lead_time"]) == ("S1", 11.0)
    assert a["order_up_to"] == pytest.approx(2 * (7 + 11))  # zero spread: SS = 0


def test_an_unknown_supplier_is_a_problem_row_and_the_others_are_planned():
    orders = pd.concat([daily_orders("A", [1] * 30, YESTERDAY), daily_orders("B", [1] * 30, YESTERDAY)])
    result = plan_reorder(shop(orders, [("A", "S1", "", 100, 300, False), ("B", "S9", "", 100, 300, False)],
                               [S1], {}), FLAT, HOLIDAYS, AS_OF)
    assert [p.render() for p in result.problems] == [
        "E271 SKU B の仕入先「S9」が仕入先一覧にありません / SKU B: supplier 'S9' is not in the supplier list"]
    assert row(result, "A")["order_qty"] > 0
    assert pd.isna(row(result, "B")["order_qty"])


def test_sale_windows_are_dropped_from_the_statistics_when_configured():
    units = [2] * 400
    units[-10:-7] = [40, 40, 40]  # a three-day sale, 12/15-12/17 (the last day is 12/24)
    orders = daily_orders("A", units, YESTERDAY)
    sale = ((date(2026, 12, 15), date(2026, 12, 17)),)
    inputs = shop(orders, [("A", "S1", "", 100, 300, False)], [S1], {"A": 0})
    kept = row(plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF), "A")
    dropped = row(plan_reorder(inputs, ReorderParams(**{**FLAT.__dict__, "sale_windows": sale}), HOLIDAYS, AS_OF), "A")
    assert kept["demand_mean"] == pytest.approx((2 * 362 + 120) / 365) and kept["demand_std"] > 3
    assert (dropped["demand_mean"], dropped["demand_std"], dropped["days_excluded"]) == (2.0, 0.0, 3)


def test_per_sku_exclusions_from_a_frame():
    units = [2] * 400
    units[-5] = 50
    inputs = shop(daily_orders("A", units, YESTERDAY), [("A", "S1", "", 100, 300, False)], [S1], {"A": 0},
                  exclusions=pd.DataFrame({"sku": ["A", "ZZZ"], "date": [date(2026, 12, 20), date(2026, 12, 21)]}))
    assert row(plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF), "A")["demand_mean"] == 2.0


def test_tiers_by_revenue_set_the_service_levels():
    orders = pd.concat([daily_orders("BIG", [20] * 400, YESTERDAY), daily_orders("SMALL", [1] * 400, YESTERDAY)])
    params = ReorderParams(**{**FLAT.__dict__, "tier_levels": {"A": 0.98, "B": 0.95, "C": 0.9}})
    result = plan_reorder(shop(orders, [("BIG", "S1", "", 100, 300, False), ("SMALL", "S1", "", 100, 300, False)],
                               [S1], {}), params, HOLIDAYS, AS_OF)
    assert row(result, "BIG")[["tier", "service_level"]].tolist() == ["A", 0.98]
    assert row(result, "SMALL")[["tier", "service_level"]].tolist() == ["C", 0.9]  # 95.2 % before it


def test_moq_and_case_pack_come_from_the_sku_assignment_before_the_supplier():
    assignments = pd.DataFrame({"sku": ["A"], "supplier": ["S1"], "alt_supplier": [""], "moq": [50], "case_pack": [12]})
    inputs = shop(daily_orders("A", [1] * 30, YESTERDAY), [("A", "S1", "", 100, 300, False)],
                  [("S1", 2, 0.0, 10, 6)], {"A": 0}, assignments=assignments)
    a = row(plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF), "A")
    assert (a["moq"], a["case_pack"], a["order_qty"]) == (50, 12, 60)


def test_a_missing_column_names_the_frame_and_column():
    inputs = shop(daily_orders("A", [1], YESTERDAY), [("A", "S1", "", 100, 300, False)], [S1], {})
    broken = inputs.__class__(**{**inputs.__dict__, "items": inputs.items.drop(columns="price")})
    with pytest.raises(MissingColumn) as info:
        plan_reorder(broken, FLAT, HOLIDAYS, AS_OF)
    assert info.value.render() == ("E204 シート「items」: 必須の列「price」がありません。 / "
                                   "sheet 'items': required column 'price' is missing.")


def test_run_reorder_writes_both_sheets_and_one_purchase_order_per_supplier():
    orders = pd.concat([daily_orders("A", [3] * 60, YESTERDAY), daily_orders("B", [1] * 60, YESTERDAY)])
    inputs = shop(orders, [("A", "S1", "", 100, 300, False), ("B", "S2", "", 250, 600, False)], [S1, S2], {})
    sink = FakeReorderSink()
    result, written = run_reorder(FakeReorderSource(inputs), HOLIDAYS, sink, FLAT, AS_OF)
    assert written == ["memory:sheets", "memory:PO-20261225-S1", "memory:PO-20261225-S2"]
    assert set(sink.sheets) == {"発注", "発注書"}
    s2 = sink.purchase_orders["PO-20261225-S2"]
    assert list(s2.columns[:4]) == ["発注番号", "仕入先コード", "仕入先名", "商品コード"]
    assert s2[["商品コード", "数量", "金額"]].values.tolist() == [["B", row(result, "B")["order_qty"],
                                                                 250 * row(result, "B")["order_qty"]]]
    assert result.summary()["to_order"] == 2


def test_the_sheet_cached_values_equal_the_plan():
    orders = pd.concat([daily_orders(s, list(np.random.default_rng(i).poisson(3, 400)), YESTERDAY)
                        for i, s in enumerate("ABCD")])
    inputs = shop(orders, [(s, "S1", "", 100, 300, False) for s in "ABCD"], [S1], {"A": 5, "B": 50, "C": 0})
    result, _ = run_reorder(FakeReorderSource(inputs), HOLIDAYS, sink := FakeReorderSink(),
                            ReorderParams(review_days=0, lot="cover", cover_days=10), AS_OF)
    sheet = sink.sheets["発注"]
    for key in ("safety_stock", "reorder_point", "order_up_to", "inventory_position"):
        assert sheet[key].tolist() == pytest.approx(result.plan[key].tolist())
    assert sheet["order_qty"].tolist() == result.plan["order_qty"].astype(float).tolist()


def test_a_supplier_can_give_its_lead_time_in_calendar_days():
    abroad = pd.DataFrame({"supplier": ["S9"], "name": ["海外"], "lead_time_days": [np.nan],
                           "lead_time_calendar_days": [30.0], "lead_time_std_days": [5.0]})
    inputs = shop(daily_orders("A", [1] * 30, YESTERDAY), [("A", "S9", "", 100, 300, False)], [S1], {"A": 0})
    inputs = inputs.__class__(**{**inputs.__dict__, "suppliers": abroad})
    a = row(plan_reorder(inputs, FLAT, HOLIDAYS, AS_OF), "A")
    assert (a["lead_time"], a["lead_time_std"], a["error_code"]) == (30.0, 5.0, "")
    assert pd.Timestamp(a["arrival"]).date() == date(2027, 1, 24)
