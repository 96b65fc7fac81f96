"""pull_rms, check_license and export_rms_csv with fakes."""

from datetime import datetime

import pandas as pd
import pytest

from tests.fakes import FakeCsvSink, FakeRmsInventory, FakeRmsLicense, FakeRmsOrders, FakeStockTable
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import LicenseLevel
from zaiko_xl.errors import FunctionNotEnabled, InputProblems, LicenseExpired, LicenseRejected, RangeTooCrowded
from zaiko_xl.services.export_csv import export_rms_csv
from zaiko_xl.services.license import check_license, require_usable_license
from zaiko_xl.services.pull_rms import pull_rms, split, sweep_in_stock, sweep_stock

NOW = datetime(2026, 6, 1, 12, 0)
GOOD = FakeRmsLicense(datetime(2026, 8, 30, 23, 59, 59))


def _line(number, progress, when, **extra):
    return {"order_number": number, "channel": "rakuten", "manage_number": "p", "variant_id": "a",
            "merchant_defined_sku_id": "", "item_number": "", "quantity": 1, "status": "unshipped",
            "order_progress": progress, "ordered_at": when, "changed_at": None, **extra}


def _pull(**kwargs):
    args = {"inventory": FakeRmsInventory({("p", "a"): 3, ("p", "b"): 0}), "orders": FakeRmsOrders([]),
            "license": GOOD, "now": NOW, "lookback_days": 60, "warn_days": 14} | kwargs
    return pull_rms(**args), args


def test_pull_returns_the_stock_of_the_keys_and_the_orders_of_the_lookback_window():
    orders = FakeRmsOrders([_line("1", 300, datetime(2026, 5, 30)), _line("2", 900, datetime(2026, 5, 1)),
                            _line("3", 500, datetime(2026, 5, 30)), _line("4", 300, datetime(2026, 3, 1))])
    result, _ = _pull(orders=orders, keys=[RmsSkuKey("p", "a"), RmsSkuKey("p", "b"), RmsSkuKey("p", "zz")])
    assert result.stock["quantity"].tolist() == [3, 0]
    assert sorted(result.orders["order_number"]) == ["1", "2"]  # shipped and too old left out
    assert result.missing == (RmsSkuKey("p", "zz"),)
    assert orders.searches == [(datetime(2026, 4, 2, 12, 0), NOW, (100, 200, 300, 400, 800, 900))]
    assert result.license.level is LicenseLevel.OK


def test_pull_with_shipped_orders_asks_for_every_status():
    orders = FakeRmsOrders([])
    _pull(orders=orders, include_shipped=True)
    assert orders.searches[0][2] == (100, 200, 300, 400, 500, 600, 700, 800, 900)


def test_an_expired_license_stops_the_pull_before_anything_is_fetched():
    inventory, orders = FakeRmsInventory({("p", "a"): 3}), FakeRmsOrders([_line("1", 300, datetime(2026, 5, 30))])
    with pytest.raises(LicenseExpired) as caught:
        _pull(license=FakeRmsLicense(datetime(2026, 5, 31, 23, 59, 59)), inventory=inventory, orders=orders)
    assert caught.value.render().startswith("E303 RMS のライセンスキーの有効期限が切れています (期限 2026-05-31 23:59)。")
    assert "ライセンスキー発行" in caught.value.render() and "issue license key" in caught.value.render()
    assert inventory.range_calls == [] and orders.searches == []


def test_a_rejected_key_stops_the_pull_with_the_renew_hint():
    rejected = LicenseRejected(endpoint="license.expiryDate.get", status=401, rms_code="GA0001")
    with pytest.raises(LicenseRejected):
        _pull(license=FakeRmsLicense(error=rejected))
    status = check_license(FakeRmsLicense(error=rejected), now=NOW, warn_days=14)
    assert (status.level, status.usable, status.reason) == (LicenseLevel.REJECTED, False, "HTTP 401 GA0001")


def test_a_license_function_not_enabled_warns_but_lets_the_run_go_on():
    error = FunctionNotEnabled(endpoint="license.expiryDate.get", status=403, function="license.expiryDate.get")
    status = check_license(FakeRmsLicense(error=error), now=NOW, warn_days=14)
    assert status.level is LicenseLevel.UNKNOWN and status.usable
    require_usable_license(status)  # does not raise


def test_sweep_halves_crowded_windows_until_each_fits():
    stock = {("p", f"v{i}"): i % 3 for i in range(1500)} | {("q", "x"): 99_000}
    inventory = FakeRmsInventory(stock)
    frame = sweep_stock(inventory)
    assert len(frame) == 1501
    assert dict(zip(zip(frame.manage_number, frame.variant_id, strict=True), frame.quantity, strict=True)) == stock
    assert inventory.range_calls[0] == (0, 99_999)


def test_sweep_gives_up_when_one_quantity_has_more_than_1000_skus():
    with pytest.raises(RangeTooCrowded) as caught:
        sweep_stock(FakeRmsInventory({("p", f"v{i}"): 0 for i in range(1001)}))
    assert caught.value.context["quantity"] == "0..0"


def test_the_in_stock_sweep_skips_zero_and_reports_a_crowded_quantity_instead_of_failing():
    stock = {("p", f"v{i}"): 1 for i in range(1001)} | {("q", f"w{i}"): 0 for i in range(2000)}
    stock |= {("r", "a"): 2, ("r", "b"): 40, ("r", "c"): 99_999}
    inventory = FakeRmsInventory(stock)
    sweep = sweep_in_stock(inventory)
    assert sweep.crowded == (1,) and sweep.requests == len(inventory.range_calls)
    assert sorted(zip(sweep.stock.variant_id, sweep.stock.quantity, strict=True)) == [("a", 2), ("b", 40),
                                                                                        ("c", 99_999)]
    assert inventory.range_calls[0] == (1, 99_999) and all(low >= 1 for low, _ in inventory.range_calls)


def test_the_in_stock_sweep_plans_its_windows_from_the_quantities_already_known():
    stock = {("p", f"v{i}"): 1 + i % 4 for i in range(2400)} | {("q", f"w{i}"): 9 for i in range(1200)}
    inventory = FakeRmsInventory(stock)
    sweep = sweep_in_stock(inventory, pd.Series(list(stock.values())))
    assert inventory.range_calls == [(1, 1), (2, 2), (3, 3), (4, 8), (10, 99_999)]  # 9: more than 1000 known, not asked
    assert sweep.crowded == (9,) and len(sweep.stock) == 2400 and sweep.requests == 5


@pytest.mark.parametrize(("low", "high"), [(0, 99_999), (1, 99_999), (1, 2), (2, 3), (0, 1), (5_000, 5_001), (7, 300)])
def test_a_window_is_cut_inside_itself_so_the_sweep_always_ends(low, high):
    cut = split(low, high)
    assert low <= cut < high


def test_the_cut_leans_to_small_quantities_where_shops_keep_most_skus():
    assert split(1, 99_999) == 316 and split(1, 316) == 17


def test_export_writes_product_rows_then_sku_rows_with_absolute_stock():
    sink = FakeCsvSink()
    result = export_rms_csv(FakeStockTable([("TShirt", "Red-M", "12"), ("tshirt", "Red-L", 0.0), ("mug", "mug", 40)]),
                            sink)
    assert sink.header == ("商品管理番号（商品URL）", "SKU管理番号", "在庫数")
    assert sink.rows == [("tshirt", "", ""), ("tshirt", "Red-M", "12"), ("tshirt", "Red-L", "0"),
                         ("mug", "", ""), ("mug", "mug", "40")]
    assert (result.products, result.skus) == (2, 3)


def test_export_lists_every_bad_row_and_writes_nothing():
    sink = FakeCsvSink()
    rows = [("ok", "a", 1), ("ok", "b" * 33, 1), ("ok", "c", -1), ("ok", "a", 2), ("ok", "d", "x")]
    with pytest.raises(InputProblems) as caught:
        export_rms_csv(FakeStockTable(rows), sink)
    texts = [p.render("en") for p in caught.value.context["problems"]]
    assert texts == [
        "E205 file stock.csv, row 3, column 'SKU管理番号': value 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' is not allowed "
        "(variantId is 33 bytes long (limit 32)).",
        "E205 file stock.csv, row 4, column '在庫数': value '-1' is not allowed (quantity -1 is outside 0..99999).",
        "E206 file stock.csv, row 5: code 'ok:a' appears more than once (same as row 2).",
        "E205 file stock.csv, row 6, column '在庫数': value 'x' is not allowed (not a whole number).",
    ]
    assert sink.header is None
