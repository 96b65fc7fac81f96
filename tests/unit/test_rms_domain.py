"""Pure RMS rules: codes, order status, license levels, CSV rows, settling unknown writes, windows."""

import itertools
from datetime import datetime, timedelta

import pytest

from zaiko_xl.adapters.rms_frames import order_lines_frame
from zaiko_xl.adapters.rms_orders import windows
from zaiko_xl.adapters.rms_upsert import settle
from zaiko_xl.adapters.rms_wire import OrderWire
from zaiko_xl.domain.model import OrderStatus, RmsSkuKey
from zaiko_xl.domain.rms import (
    LicenseLevel,
    StockChange,
    UpsertMode,
    cancel_reason,
    license_status,
    order_status,
)
from zaiko_xl.domain.rms_codes import key_problem, manage_number_problem, rms_key, variant_id_problem
from zaiko_xl.domain.rms_csv import normal_item_rows


def test_a_variant_id_of_33_bytes_is_refused_and_32_is_accepted():
    assert variant_id_problem("a" * 32) is None
    problem = variant_id_problem("a" * 33)
    assert problem.detail_en == "variantId is 33 bytes long (limit 32)"


@pytest.mark.parametrize("value,bad", [("red M", " "), ("赤-M", "赤"), ("red/M", "/"), ("a.b", ".")])
def test_refused_characters_are_named(value, bad):
    assert f"'{bad}'" in variant_id_problem(value).detail_en


def test_variant_ids_keep_their_case_and_manage_numbers_are_folded():
    key = rms_key("TShirt-Basic", "Red-M")
    assert key == RmsSkuKey("tshirt-basic", "Red-M")
    assert key_problem(key) is None
    assert manage_number_problem("TShirt") is not None  # an unfolded one is not what RMS stores


@pytest.mark.parametrize("progress,shipped,expected", [
    (100, False, OrderStatus.UNSHIPPED), (300, False, OrderStatus.UNSHIPPED),
    (800, False, OrderStatus.UNSHIPPED), (500, True, OrderStatus.SHIPPED), (700, True, OrderStatus.SHIPPED),
    (900, False, OrderStatus.CANCELLED), (900, True, OrderStatus.RETURNED),
])
def test_order_progress_maps_to_our_status(progress, shipped, expected):
    assert order_status(progress, shipped) is expected


def test_license_warns_from_the_warning_day_and_expires_after_the_last_second():
    expiry = datetime(2026, 11, 28, 23, 59, 59)
    assert license_status(expiry, datetime(2026, 11, 13, 10), 14).level is LicenseLevel.OK
    warning = license_status(expiry, datetime(2026, 11, 14, 10), 14)
    assert (warning.level, warning.days_left) == (LicenseLevel.WARNING, 14)
    assert license_status(expiry, datetime(2026, 11, 28, 23, 59, 59), 14).level is LicenseLevel.WARNING
    assert license_status(expiry, datetime(2026, 11, 29, 0, 0, 0), 14).level is LicenseLevel.EXPIRED


def test_license_warning_text_is_bilingual_and_names_the_days():
    status = license_status(datetime(2026, 11, 28, 23, 59, 59), datetime(2026, 11, 23, 9), 14)
    assert status.render() == ("RMS ライセンスキーの期限まで残り 5 日です (2026-11-28 23:59)。RMS で新しいキーを発行してください。 / "
                               "The RMS license key expires in 5 days (2026-11-28 23:59); issue a new key in RMS.")


def test_csv_rows_put_a_product_row_before_its_skus():
    rows = normal_item_rows([("tshirt", "red-M", 12), ("mug", "mug", 40), ("tshirt", "red-L", 0)])
    assert rows == [("tshirt", "", ""), ("tshirt", "red-M", "12"), ("tshirt", "red-L", "0"),
                    ("mug", "", ""), ("mug", "mug", "40")]


A, B, C = RmsSkuKey("p", "a"), RmsSkuKey("p", "b"), RmsSkuKey("p", "c")


def test_settling_a_relative_write_tells_applied_untouched_and_unknown_apart():
    before = {A: (10, "t0"), B: (10, "t0"), C: (10, "t0")}
    after = {A: (13, "t1"), B: (10, "t0"), C: (12, "t1")}  # C: +3 applied and an order took 1, or not applied
    applied, untouched, unknown = settle([StockChange(A, 3), StockChange(B, 3), StockChange(C, 3)],
                                         UpsertMode.RELATIVE, before, after)
    assert ([c.key for c in applied], [c.key for c in untouched], [c.key for c in unknown]) == ([A], [B], [C])


def test_settling_an_absolute_write_accepts_the_target_value():
    before = {A: (10, "t0"), B: (10, "t0")}
    after = {A: (5, "t1"), B: (9, "t1")}
    applied, untouched, unknown = settle([StockChange(A, 5), StockChange(B, 5)], UpsertMode.ABSOLUTE, before, after)
    assert ([c.key for c in applied], untouched, [c.key for c in unknown]) == ([A], [], [B])


def test_a_new_sku_written_absolute_settles_by_its_value():
    applied, _untouched, _unknown = settle([StockChange(A, 5)], UpsertMode.ABSOLUTE, {}, {A: (5, "t1")})
    assert [c.key for c in applied] == [A]
    assert settle([StockChange(A, 5)], UpsertMode.ABSOLUTE, {}, {})[1] == [StockChange(A, 5)]


def test_windows_cover_the_range_without_overlap_and_stay_under_63_days():
    start, end = datetime(2026, 1, 1), datetime(2026, 7, 1, 12, 30)
    parts = windows(start, end)
    assert parts[0][0] == start and parts[-1][1] == end
    for (_a, b), (c, _) in itertools.pairwise(parts):
        assert c == b + timedelta(seconds=1)
    assert all(b - a < timedelta(days=63) for a, b in parts)
    assert len(parts) == 3


@pytest.mark.parametrize(("detail", "reason"), [(8, "stockout"), (1, "customer"), (3, "customer"), (6, "customer"),
                                                (4, "payment"), (5, "payment"), (10, "shop"), (13, "shop"),
                                                (16, "shop"), (2, "other"), (99, "other"), (None, "other")])
def test_each_rms_change_reason_detail_maps_to_its_kpi_cancel_reason(detail, reason):
    assert cancel_reason(detail) == reason


def _order(progress: int, *reasons: tuple[int, int]) -> OrderWire:
    return OrderWire.model_validate({
        "orderNumber": "123456-20261120-0000000001", "orderProgress": progress,
        "orderDatetime": "2026-11-20T10:00:00+0900",
        "PackageModelList": [{"ItemModelList": [{"manageNumber": "a", "units": 1, "deleteItemFlag": 0}]}],
        "ChangeReasonModelList": [{"changeType": t, "changeReasonDetail": d,
                                   "changeCmplDatetime": "2026-11-20T12:00:00+0900"} for t, d in reasons]})


def test_the_most_final_cancel_entry_gives_a_cancelled_orders_reason_and_other_orders_have_none():
    frame = order_lines_frame([_order(900, (0, 1), (2, 8), (3, 6)), _order(900, (1, 4), (0, 1)), _order(900),
                               _order(300, (0, 8))])
    assert frame["cancel_reason"].tolist() == ["stockout", "payment", "", ""]
