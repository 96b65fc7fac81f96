"""The RMS client against the sandbox over real loopback HTTP: reads, writes, orders, license."""

from datetime import timedelta

import pytest

from tests.integration.rms_helpers import keys_of, requests_of, rms_client
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import ALL_PROGRESS, RMS_ORDER_COLUMNS, RMS_STOCK_COLUMNS, StockChange, UpsertMode
from zaiko_xl.errors import RangeTooCrowded


def test_bulk_get_reads_2500_skus_in_three_requests_and_matches_the_sandbox(rms_sandbox):
    rms_sandbox.reset(skus=2500)
    truth = rms_sandbox.stock()
    with rms_client(rms_sandbox) as client:
        frame = client.get_stock([RmsSkuKey(m, v) for m, v in truth] + [RmsSkuKey("zk-00001", "no-such")])
    assert tuple(frame.columns) == RMS_STOCK_COLUMNS
    assert str(frame["quantity"].dtype) == "int64" and str(frame["updated"].dtype) == "datetime64[ns]"
    got = dict(zip(zip(frame.manage_number, frame.variant_id, strict=True), frame.quantity, strict=True))
    assert got == truth  # the unknown pair is left out
    assert requests_of(rms_sandbox, "inventories.bulk.get") == 3


def test_updated_times_come_back_as_naive_jst(rms_sandbox):
    rms_sandbox.set_stock([("zk-00001", "zk-00001", 9)])
    with rms_client(rms_sandbox) as client:
        frame = client.get_stock([RmsSkuKey("zk-00001", "zk-00001")])
    assert abs(frame["updated"][0].to_pydatetime() - jst_now()) < timedelta(seconds=5)


def test_upper_case_manage_numbers_are_folded_and_variant_ids_keep_their_case(rms_sandbox):
    rms_sandbox.set_stock([("zk-00002", "Red-M", 4)])
    with rms_client(rms_sandbox) as client:
        frame = client.get_stock([RmsSkuKey("ZK-00002", "Red-M"), RmsSkuKey("zk-00002", "red-m")])
    assert frame[["manage_number", "variant_id", "quantity"]].values.tolist() == [["zk-00002", "Red-M", 4]]


def test_range_get_returns_the_window_and_refuses_more_than_1000(rms_sandbox):
    rms_sandbox.reset(skus=1200)
    truth = {k: q for k, q in rms_sandbox.stock().items() if 10 <= q <= 20}
    with rms_client(rms_sandbox) as client:
        frame = client.get_range(10, 20)
        with pytest.raises(RangeTooCrowded) as caught:
            client.get_range(0, 99_999)
    assert dict(zip(zip(frame.manage_number, frame.variant_id, strict=True), frame.quantity, strict=True)) == truth
    assert caught.value.code == "E312" and caught.value.context["quantity"] == "0..99999"


def test_bulk_upsert_absolute_writes_1000_skus_in_three_batches(rms_sandbox):
    rms_sandbox.reset(skus=1000)
    keys = keys_of(rms_sandbox)
    with rms_client(rms_sandbox) as client:
        report = client.upsert([StockChange(k, i % 7) for i, k in enumerate(keys)], UpsertMode.ABSOLUTE)
    assert len(report.applied) == 1000 and report.requests == 3
    assert rms_sandbox.stock() == {(k.manage_number, k.variant_id): i % 7 for i, k in enumerate(keys)}
    assert rms_sandbox.counters()["writes_applied"]["inventories.bulk.upsert"] == 3


def test_bulk_upsert_relative_adds_signed_deltas(rms_sandbox):
    before = rms_sandbox.stock()
    keys = [RmsSkuKey(m, v) for (m, v), q in before.items() if q >= 2][:5]
    with rms_client(rms_sandbox) as client:
        client.upsert([StockChange(k, -2) for k in keys[:3]] + [StockChange(k, 5) for k in keys[3:]],
                      UpsertMode.RELATIVE)
    after = rms_sandbox.stock()
    assert [after[(k.manage_number, k.variant_id)] - before[(k.manage_number, k.variant_id)] for k in keys] == \
        [-2, -2, -2, 5, 5]


def test_a_new_sku_can_be_registered_absolute(rms_sandbox):
    with rms_client(rms_sandbox) as client:
        client.upsert([StockChange(RmsSkuKey("new-item", "Blue-XL"), 7)], UpsertMode.ABSOLUTE)
    assert rms_sandbox.stock()[("new-item", "Blue-XL")] == 7


def test_single_sku_get_and_put(rms_sandbox):
    key = keys_of(rms_sandbox)[0]
    with rms_client(rms_sandbox) as client:
        client.put_one(StockChange(key, 33), UpsertMode.ABSOLUTE)
        client.put_one(StockChange(key, -3), UpsertMode.RELATIVE)
        frame = client.get_one(key)
        missing = client.get_one(RmsSkuKey(key.manage_number, "nope"))
    assert frame["quantity"].tolist() == [30] and missing.empty
    assert rms_sandbox.counters()["writes_applied"]["inventories.variants.upsert"] == 2


def test_variant_lists_name_every_sku_of_a_product(rms_sandbox):
    truth = sorted(v for m, v in rms_sandbox.stock() if m == "zk-00003")
    with rms_client(rms_sandbox) as client:
        assert sorted(client.variant_ids("ZK-00003")) == truth


def _place_orders(sandbox, count, when):
    numbers = []
    keys = [k for k, q in sandbox.stock().items() if q >= 1]
    for i in range(count):
        m, v = keys[i % len(keys)]
        sandbox.set_stock([(m, v, 50)])
        numbers.append(sandbox.place_order((m, v, 1), ordered_at=when + timedelta(minutes=i)))
    return numbers


def test_search_splits_windows_and_pages_and_get_reads_orders_in_batches_of_100(rms_sandbox):
    rms_sandbox.reset(skus=400, search_cap=40)  # 100 past orders over 90 days
    now = jst_now()
    truth = {o["orderNumber"] for o in rms_sandbox.state(inventory=False)["orders"]
             if o["orderDatetime"] >= (now - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%S")}
    with rms_client(rms_sandbox, page_size=7, search_cap=40) as client:
        numbers = client.search(now - timedelta(days=150), now, ALL_PROGRESS)
        lines = client.get(numbers)
        windows = client._orders.windows_searched
    assert set(numbers) == truth and len(numbers) == len(truth) > 40
    assert windows > 3  # 150 days = 3 windows of <= 63 days, then split again under the cap of 40
    assert tuple(lines.columns) == RMS_ORDER_COLUMNS
    assert set(lines["order_number"]) == truth
    assert requests_of(rms_sandbox, "rpay.order.getOrder") == -(-len(truth) // 100)


def test_order_lines_carry_raw_codes_and_the_status_rms_gives_them(rms_sandbox):
    when = jst_now() - timedelta(days=1)
    placed, cancelled, shipped, returned = _place_orders(rms_sandbox, 4, when)
    rms_sandbox.order_action(cancelled, "cancel")
    rms_sandbox.order_action(shipped, "ship")
    rms_sandbox.order_action(returned, "return")
    with rms_client(rms_sandbox) as client:
        lines = client.get([placed, cancelled, shipped, returned]).set_index("order_number")
    assert lines.loc[[placed, cancelled, shipped, returned], "status"].tolist() == \
        ["unshipped", "cancelled", "shipped", "returned"]
    assert lines.loc[placed, "order_progress"] == 100 and lines.loc[placed, "channel"] == "rakuten"
    assert lines["changed_at"].isna().tolist() == [True, False, False, False]
    assert lines.loc[placed, "ordered_at"] == when.replace(microsecond=0)
    assert all(lines["variant_id"] != "")


def test_a_cancelled_order_carries_the_reason_of_its_cancel_and_other_orders_none(rms_sandbox):
    when = jst_now() - timedelta(days=1)
    stockout, customer, shop, returned, placed = _place_orders(rms_sandbox, 5, when)
    assert rms_sandbox.order_action(stockout, "cancel", reason=8)["cancelReason"] == 8
    rms_sandbox.order_action(customer, "cancel")
    rms_sandbox.order_action(shop, "cancel", reason=13)
    rms_sandbox.order_action(returned, "return")
    with rms_client(rms_sandbox) as client:
        lines = client.get([stockout, customer, shop, returned, placed]).set_index("order_number")
    assert lines.loc[[stockout, customer, shop, returned, placed], "cancel_reason"].tolist() == \
        ["stockout", "customer", "shop", "", ""]
    assert tuple(lines.reset_index().columns) == RMS_ORDER_COLUMNS


def test_license_expiry_is_read_as_jst(rms_sandbox):
    expiry = (jst_now() + timedelta(days=10)).replace(hour=23, minute=59, second=59, microsecond=0)
    rms_sandbox.set_license(expiry)
    with rms_client(rms_sandbox) as client:
        assert client.expiry() == expiry
