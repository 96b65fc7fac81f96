"""Writes under faults: never applied twice, never half applied without a report naming the SKUs."""

import pytest

from tests.fakes import FakeClock
from tests.integration.rms_helpers import keys_of, requests_of, rms_client
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode
from zaiko_xl.errors import ApiRejected, InvalidRmsCode, PartialWrite, RmsSkuRejected, WriteOutcomeUnknown

BULK_UPSERT, PUT_ONE = "inventories.bulk.upsert", "inventories.variants.upsert"


def _in_stock(sandbox, count, minimum=2):
    return [RmsSkuKey(m, v) for (m, v), q in sandbox.stock().items() if q >= minimum][:count]


def _deltas(before, after, keys):
    return [after[(k.manage_number, k.variant_id)] - before[(k.manage_number, k.variant_id)] for k in keys]


@pytest.mark.parametrize("kind,resent", [("timeout", 0), ("drop_after_write", 0), ("drop", 3), ("5xx", 3), ("503", 3)])
def test_a_relative_write_with_an_unknown_outcome_is_applied_exactly_once(rms_sandbox, kind, resent):
    keys = _in_stock(rms_sandbox, 3)
    before = rms_sandbox.stock()
    rms_sandbox.set_faults({"function": BULK_UPSERT, "kind": kind, "times": 1})
    with rms_client(rms_sandbox, timeout_s=0.6) as client:
        report = client.upsert([StockChange(k, 5) for k in keys], UpsertMode.RELATIVE)
    assert _deltas(before, rms_sandbox.stock(), keys) == [5, 5, 5]
    assert rms_sandbox.counters()["writes_applied"][BULK_UPSERT] == 1
    assert (report.read_backs, report.resent, len(report.applied)) == (1, resent, 3)


def test_a_single_sku_put_that_times_out_after_applying_is_not_sent_again(rms_sandbox):
    (key,) = _in_stock(rms_sandbox, 1)
    before = rms_sandbox.stock()
    rms_sandbox.set_faults({"function": PUT_ONE, "kind": "timeout", "times": 1})
    with rms_client(rms_sandbox, timeout_s=0.6) as client:
        client.put_one(StockChange(key, -1), UpsertMode.RELATIVE)
    assert _deltas(before, rms_sandbox.stock(), [key]) == [-1]
    assert requests_of(rms_sandbox, PUT_ONE) == 1


def test_an_order_during_the_unknown_outcome_leaves_that_sku_unknown_and_named(rms_sandbox):
    changed, clean = _in_stock(rms_sandbox, 2)
    before = rms_sandbox.stock()

    def order_while_settling(seconds):
        if seconds == 0.5 and not placed:
            placed.append(rms_sandbox.place_order((changed.manage_number, changed.variant_id, 1)))

    placed: list[str] = []
    rms_sandbox.set_faults({"function": BULK_UPSERT, "kind": "timeout", "times": 1})
    client = rms_client(rms_sandbox, FakeClock(on_sleep=order_while_settling), timeout_s=0.6, settle_s=0.5)
    with client, pytest.raises(WriteOutcomeUnknown) as caught:
        client.upsert([StockChange(changed, 5), StockChange(clean, 5)], UpsertMode.RELATIVE)
    error = caught.value
    assert error.render("en").startswith(
        f"E306 The outcome of a write to RMS is unknown (inventories.bulk.upsert, SKU {changed}); reading back")
    assert (error.context["unknown_keys"], error.context["applied_keys"]) == ([str(changed)], [str(clean)])
    assert _deltas(before, rms_sandbox.stock(), [changed, clean]) == [4, 5]  # +5 once, -1 by the order
    assert rms_sandbox.counters()["writes_applied"][BULK_UPSERT] == 1


def test_a_rejected_batch_after_an_applied_one_reports_what_was_and_was_not_applied(rms_sandbox):
    rms_sandbox.reset(skus=900)
    rms_sandbox.set_stock([("big", f"v{i:03d}", 1) for i in range(400)])
    keys = [k for k in keys_of(rms_sandbox) if k.manage_number != "big"]
    before = rms_sandbox.stock()
    intruder = RmsSkuKey("big", "v400")  # a 401st SKU of one product: IE0121
    changes = [StockChange(k, 77) for k in keys[:799]] + [StockChange(intruder, 1)] + \
        [StockChange(k, 77) for k in keys[799:899]]
    changes.insert(700, changes.pop(799))  # put the intruder in the middle of the second batch
    with rms_client(rms_sandbox) as client, pytest.raises(PartialWrite) as caught:
        client.upsert(changes, UpsertMode.ABSOLUTE)
    error = caught.value
    assert error.render("en").startswith("E309 The write to RMS stopped part way: 400 SKU(s) applied, 500 not applied. "
                                         f"Cause: E308 RMS refused SKU {intruder} (inventories.bulk.upsert, HTTP 400, "
                                         "IE0121)")
    after = rms_sandbox.stock()
    applied = {str(c.key) for c in changes[:400]}
    assert set(error.context["applied_keys"]) == applied
    assert all(after[(c.key.manage_number, c.key.variant_id)] == 77 for c in changes[:400])
    assert all(after.get((c.key.manage_number, c.key.variant_id)) == before.get((c.key.manage_number, c.key.variant_id))
               for c in changes[400:])
    assert requests_of(rms_sandbox, BULK_UPSERT) == 2  # the third batch was never sent


def test_an_element_rms_refuses_names_its_sku_and_nothing_of_the_batch_is_applied(rms_sandbox):
    rms_sandbox.set_stock([("big", f"v{i:03d}", 1) for i in range(400)])
    (ok,) = _in_stock(rms_sandbox, 1)
    before = rms_sandbox.stock()
    with rms_client(rms_sandbox) as client, pytest.raises(RmsSkuRejected) as caught:
        client.upsert([StockChange(ok, 9), StockChange(RmsSkuKey("big", "v400"), 1)], UpsertMode.ABSOLUTE)
    assert caught.value.render("en") == ("E308 RMS refused SKU big:v400 (inventories.bulk.upsert, HTTP 400, IE0121): "
                                         "A product can have at most 400 variants.")
    assert caught.value.context["applied"] == 0
    assert rms_sandbox.stock() == before


@pytest.mark.parametrize("variant_id,detail", [
    ("x" * 33, "variantId is 33 bytes long (limit 32)"),
    ("red M", "variantId contains characters RMS refuses: ' ' (allowed: a-z A-Z 0-9 - _)"),
    ("赤-M", "variantId contains characters RMS refuses: '赤' (allowed: a-z A-Z 0-9 - _)"),
])
def test_a_variant_id_rms_would_refuse_stops_the_write_before_anything_is_sent(rms_sandbox, variant_id, detail):
    (ok,) = _in_stock(rms_sandbox, 1)
    with rms_client(rms_sandbox) as client, pytest.raises(InvalidRmsCode) as caught:
        client.upsert([StockChange(ok, 1), StockChange(RmsSkuKey("zk-00001", variant_id), 1)], UpsertMode.ABSOLUTE)
    assert caught.value.render("en") == (f"E307 SKU zk-00001:{variant_id}: {detail}. Nothing was sent to RMS "
                                         "(1 SKU(s) with problems).")
    assert requests_of(rms_sandbox, BULK_UPSERT) == 0 and requests_of(rms_sandbox, "inventories.bulk.get") == 0


def test_the_same_sku_twice_and_out_of_range_stock_are_refused_before_sending(rms_sandbox):
    ok, other = _in_stock(rms_sandbox, 2)
    with rms_client(rms_sandbox) as client:
        with pytest.raises(InvalidRmsCode) as twice:
            client.upsert([StockChange(ok, 1), StockChange(other, 1), StockChange(ok, 2)], UpsertMode.ABSOLUTE)
        with pytest.raises(InvalidRmsCode) as too_much:
            client.upsert([StockChange(ok, 100_000)], UpsertMode.ABSOLUTE)
    assert twice.value.context["detail_en"] == "the same SKU appears twice"
    assert too_much.value.context["detail_en"] == "quantity 100000 is outside 0..99999"
    assert requests_of(rms_sandbox, BULK_UPSERT) == 0


def test_relative_writes_on_missing_skus_or_below_zero_are_refused_before_sending(rms_sandbox):
    (ok,) = _in_stock(rms_sandbox, 1)
    stock = rms_sandbox.stock()[(ok.manage_number, ok.variant_id)]
    with rms_client(rms_sandbox) as client:
        with pytest.raises(InvalidRmsCode) as missing:
            client.upsert([StockChange(RmsSkuKey("zk-00001", "nope"), 1)], UpsertMode.RELATIVE)
        with pytest.raises(InvalidRmsCode) as negative:
            client.upsert([StockChange(ok, -(stock + 1))], UpsertMode.RELATIVE)
    assert missing.value.context["detail_en"] == "RMS has no stock record to add to (RELATIVE needs one)"
    assert negative.value.context["detail_en"] == "the stock would become -1, outside 0..99999"
    assert requests_of(rms_sandbox, BULK_UPSERT) == 0


def test_a_shop_not_migrated_to_skus_gets_rms_code_ie1105(rms_sandbox):
    rms_sandbox.configure(migrated=False)
    keys = _in_stock(rms_sandbox, 2)
    with rms_client(rms_sandbox) as client, pytest.raises(ApiRejected) as caught:
        client.upsert([StockChange(k, 1) for k in keys], UpsertMode.ABSOLUTE)
    assert caught.value.code == "E304" and caught.value.context["rms_code"] == "IE1105"


def test_when_reading_back_fails_too_the_whole_batch_is_reported_unknown(rms_sandbox):
    keys = _in_stock(rms_sandbox, 2)
    before = rms_sandbox.stock()
    rms_sandbox.set_faults({"function": BULK_UPSERT, "kind": "timeout", "times": 1})
    clock = FakeClock(on_sleep=lambda s: s == 0.5 and rms_sandbox.set_faults(
        {"function": "inventories.bulk.get", "kind": "503", "rate": 1.0}))  # RMS goes down while we settle
    with rms_client(rms_sandbox, clock, timeout_s=0.6, settle_s=0.5) as client, \
            pytest.raises(WriteOutcomeUnknown) as caught:
        client.upsert([StockChange(k, 1) for k in keys], UpsertMode.RELATIVE)
    assert caught.value.context["unknown_keys"] == [str(k) for k in keys]
    assert caught.value.context["applied"] == 0
    assert _deltas(before, rms_sandbox.stock(), keys) == [1, 1]  # it was applied: reporting it unknown was right
