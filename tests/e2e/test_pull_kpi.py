"""`zaiko-xl pull` on two days records the KPI history; `zaiko-xl kpi --json` then gives what the pulled numbers give.

The sandbox and the shop folder are the sample shop's (tests/pull_shop.py). Between the two pulls
a shopper orders one SKU that RMS then shows as sold out, and the shop cancels another order for
missing stock (RMS changeReasonDetail 8). The KPIs are computed here by hand from the sheets each
pull wrote (RMS在庫, 倉庫在庫, 受注) and the sandbox's orders, and must equal the command's.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.pull_shop import ShopFolder, shop_folder, small_shop
from zaiko_xl.adapters.workbook_file import read_sheet
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
WINDOW = 28  # the default demand window (days)
DAY1 = (jst_now() - timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
DAY2 = DAY1 + timedelta(days=1)
HISTORY_DAYS = 7  # the report: the 7 days ending on day 2 (the days before day 1 have no stock history)
START = DAY2.date() - timedelta(days=HISTORY_DAYS - 1)


def _pull(folder: ShopFolder, sandbox, at: datetime) -> dict[str, pd.DataFrame]:
    result = runner.invoke(app, ["pull", "--workbook", str(folder.workbook), "--now", at.isoformat()],
                           env=folder.env(sandbox))
    assert result.exit_code == 0, result.output
    assert "E703" not in result.output
    return {name: read_sheet(folder.workbook, name) for name in ("RMS在庫", "倉庫在庫", "受注")}


def _matched(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["sku"].notna() & (frame["sku"].astype(str) != "")]


def _stock(sheets: dict[str, pd.DataFrame]) -> dict[str, tuple[int, int]]:
    """sku -> (on hand, sellable) as the pull's sheets show them."""
    sellable = _matched(sheets["RMS在庫"]).groupby("sku")["quantity"].sum()
    on_hand = _matched(sheets["倉庫在庫"]).groupby("sku")["on_hand"].sum()
    return {sku: (int(on_hand.get(sku, 0)), int(sellable.get(sku, 0))) for sku in set(sellable.index) | set(on_hand.index)}


def _lines(*pulls: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every order line the pulls saw; a later pull's version of a line replaces the earlier one."""
    frames = []
    for sheets in pulls:
        lines = _matched(sheets["受注"]).copy()
        lines["n"] = lines.groupby(["order_number", "sku"]).cumcount()
        frames.append(lines)
    return pd.concat(frames).drop_duplicates(["order_number", "sku", "n"], keep="last")


def _by_hand(days: dict[date, dict[str, tuple[int, int]]], lines: pd.DataFrame, stockout_orders: set[str],
             cost: dict[str, int]) -> dict[str, float]:
    ordered = lines["ordered_at"].dt.date
    demand = stockouts = 0
    for day, stock in days.items():
        for sku, (_, sellable) in stock.items():
            recent = (lines["sku"] == sku) & (ordered > day - timedelta(days=WINDOW)) & (ordered <= day)
            if recent.any():
                demand += 1
                stockouts += sellable <= 0
    period = lines.loc[(ordered >= START) & (ordered <= max(days))]
    orders = set(period["order_number"])
    measured = set().union(*days.values())
    sold = period.loc[period["status"].isin(["unshipped", "shipped"]) & period["sku"].isin(measured)]
    sold_cost = float((sold["quantity"] * sold["sku"].map(cost)).sum())
    held = sum(on_hand * cost[sku] for stock in days.values() for sku, (on_hand, _) in stock.items())
    return {"stockout_rate": stockouts / demand, "stock_cancel_rate": len(orders & stockout_orders) / len(orders),
            "turnover": 365 * sold_cost / held}


@pytest.fixture
def folder(rms_sandbox, tmp_path) -> ShopFolder:
    folder = shop_folder(tmp_path, rms_sandbox, small_shop(skus=30, seed=8, as_of=DAY1))
    with folder.config.open("a", encoding="utf-8") as config:
        config.write(f"\n[kpi]\nhistory_days = {HISTORY_DAYS}\n")
    return folder


def _singles_in_stock(folder: ShopFolder, sandbox) -> list[tuple[str, str, str]]:
    stock = sandbox.stock()
    items = folder.shop.items.loc[~folder.shop.items["is_set"]]
    return [(sku, m, v) for sku, m, v in zip(items["sku"], items["manage_number"], items["variant_id"], strict=True)
            if stock.get((m, v), 0) >= 2]


def test_two_daily_pulls_give_the_kpis_their_numbers_give(folder, rms_sandbox):
    first = _pull(folder, rms_sandbox, DAY1)
    (sold_out, m1, v1), (_, m2, v2), (_, m3, v3) = _singles_in_stock(folder, rms_sandbox)[:3]
    rms_sandbox.place_order((m1, v1, 1), ordered_at=DAY2 - timedelta(hours=1))
    rms_sandbox.set_stock([(m1, v1, 0)])  # RMS shows the SKU sold out after that order
    cancelled = rms_sandbox.place_order((m2, v2, 1), ordered_at=DAY2 - timedelta(minutes=30))
    rms_sandbox.order_action(cancelled, "cancel", reason=8)  # the warehouse could not ship it
    rms_sandbox.place_order((m3, v3, 2), ordered_at=DAY1 + timedelta(hours=2))  # after the first pull, on day 1
    second = _pull(folder, rms_sandbox, DAY2)

    result = runner.invoke(app, ["kpi", "--workbook", str(folder.workbook), "--json",
                                 "--as-of", (DAY2.date() + timedelta(days=1)).isoformat()], env=folder.env(rms_sandbox))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["start"], data["end"], data["turnover_basis"]) == (START.isoformat(), DAY2.date().isoformat(), "cost")
    day1, day2 = _stock(first), _stock(second)
    assert day2[sold_out][1] == 0 and day1[sold_out][1] > 0
    stockout_orders = {o["orderNumber"] for o in rms_sandbox.state(inventory=False)["orders"]
                       if o["cancelReason"] == 8 and o["shippedAt"] is None}
    assert cancelled in stockout_orders
    cost = dict(zip(folder.shop.items["sku"], folder.shop.items["unit_cost"], strict=True))
    expected = _by_hand({DAY1.date(): day1, DAY2.date(): {**day1, **day2}}, _lines(first, second), stockout_orders,
                        cost)
    for key, value in expected.items():
        assert data["kpis"][key]["all"] == pytest.approx(value), key
    assert 0 < expected["stockout_rate"] < 1 and expected["stock_cancel_rate"] > 0 and expected["turnover"] > 0


def test_a_pull_time_that_is_not_a_time_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["pull", "--workbook", str(tmp_path / "zaiko.xlsm"), "--now", "yesterday"])
    assert result.exit_code == 2
    assert "日時は YYYY-MM-DDTHH:MM で指定してください / use YYYY-MM-DDTHH:MM: yesterday" in result.output
