"""The sample shop: deterministic, scalable, consistent (data-contracts.md §3) by the domain functions."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.domain.allocation import open_allocations
from zaiko_xl.domain.bom import explode_bom, split_sellable
from zaiko_xl.domain.ledger import ledger_balance
from zaiko_xl.domain.model import RMS_MAX_STOCK, MovementKind, OrderStatus
from zaiko_xl.domain.sku import match_rms_keys, match_warehouse_codes, normalise_codes, rms_code_problems
from zaiko_xl.domain.suppliers import parse_closed_periods
from zaiko_xl.sample_shop import DEFAULT_AS_OF, SampleShop, generate

FRAMES = ["items", "bom", "set_rules", "suppliers", "assignments", "orders", "rms_stock", "warehouse", "ledger",
          "inbound", "mapping", "sale_days"]
CONTRACT = {
    "items": ["sku", "manage_number", "variant_id", "warehouse_code", "jan", "name", "variant_label", "group",
              "supplier", "alt_supplier", "unit_cost", "price", "is_set"],
    "bom": ["set_sku", "component_sku", "quantity"],
    "set_rules": ["set_sku", "priority", "cap"],
    "warehouse": ["warehouse_code", "on_hand", "reserved", "available", "location", "lot", "expiry", "updated_at"],
    "rms_stock": ["manage_number", "variant_id", "quantity", "updated"],
    "ledger": ["sku", "kind", "quantity", "at", "reference"],
    "orders": ["order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at"],
    "inbound": ["sku", "quantity", "expected_on", "supplier", "reference", "received_at"],
}


@pytest.fixture(scope="module")
def shop() -> SampleShop:
    return generate(skus=500, seed=1)


@pytest.fixture(scope="module")
def resolved(shop):
    """Warehouse rows with their resolved SKU; matched like a reader would (codes + mapping sheet)."""
    leaf = shop.items[~shop.items["is_set"]]
    result = match_warehouse_codes(shop.warehouse["warehouse_code"], leaf["sku"], shop.mapping)
    return result, shop.warehouse.assign(sku=result.resolved["sku"], match=result.resolved["match"]).set_index("sku")


def test_the_same_seed_gives_the_same_shop(shop):
    again = generate(skus=500, seed=1)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(shop, name), getattr(again, name), obj=name)
    assert again.as_of == shop.as_of == DEFAULT_AS_OF


def test_another_seed_gives_another_shop(shop):
    other = generate(skus=500, seed=2)
    assert not other.orders["sku"].equals(shop.orders["sku"])
    assert not other.warehouse["on_hand"].equals(shop.warehouse["on_hand"])


@pytest.mark.parametrize("skus", [10, 137, 2_000])
def test_the_shop_has_exactly_the_skus_asked_for_and_scales_its_parts(skus):
    small = generate(skus=skus, seed=3)
    assert len(small.items) == skus and small.items["sku"].is_unique
    sets = int(small.items["is_set"].sum())
    assert sets == max(2, round(skus * 0.06))
    assert len(small.suppliers) == max(5, round(skus / 100))
    assert len(small.warehouse) == skus - sets
    assert small.orders["ordered_at"].max() <= pd.Timestamp(small.as_of)


def test_sizes_outside_the_supported_range_are_refused():
    with pytest.raises(ValueError, match="between 10 and 100000"):
        generate(skus=100_001)


def test_frames_follow_the_column_contracts(shop):
    for name, columns in CONTRACT.items():
        assert list(getattr(shop, name).columns)[: len(columns)] == columns, name
    for name in ("on_hand", "reserved", "available"):
        assert shop.warehouse[name].dtype == "int64"
    for frame, column in [("ledger", "at"), ("orders", "ordered_at"), ("orders", "changed_at"),
                          ("warehouse", "updated_at"), ("inbound", "expected_on"), ("rms_stock", "updated")]:
        assert getattr(shop, frame)[column].dtype == "datetime64[ns]", (frame, column)
    assert set(shop.ledger["kind"]) == {k.value for k in MovementKind}
    assert set(shop.orders["status"]) == {s.value for s in OrderStatus}
    assert set(shop.orders["channel"]) == {"rakuten", "yahoo", "amazon"}


def test_the_catalogue_looks_like_a_shop(shop):
    items = shop.items
    assert 120 <= items["manage_number"].nunique() <= 230  # about 150 products
    assert items.loc[~items["is_set"], "manage_number"].value_counts().max() >= 6  # size x colour variants
    assert items["jan"].str.fullmatch(r"\d{13}").all() and items["jan"].is_unique
    assert rms_code_problems(shop.rms_stock).empty
    assert (items["manage_number"] == items["manage_number"].str.lower()).all()
    assert set(shop.assignments["sku"]) == set(items.loc[~items["is_set"], "sku"])
    assert (shop.assignments["preferred"] != shop.assignments["alternative"]).all()


def test_suppliers_have_packs_lead_times_and_closed_days(shop):
    suppliers = shop.suppliers
    assert len(suppliers) == 5 and (suppliers["moq"] >= 1).all() and (suppliers["case_pack"] >= 1).all()
    assert (suppliers["lead_time_days"] > 0).all()
    labels = {p.label for text in suppliers["closed"] for p in parse_closed_periods(text)}
    assert labels == {"年末年始", "お盆"}


def test_sets_include_nested_ones_and_share_components(shop):
    bom = shop.bom
    assert 25 <= bom["set_sku"].nunique() <= 35
    assert bom["component_sku"].isin(bom["set_sku"]).any()  # nested
    leaves = explode_bom(bom)
    assert leaves.groupby("component_sku")["set_sku"].nunique().max() >= 2  # shared
    assert shop.set_rules["cap"].notna().any() and shop.set_rules["cap"].isna().any()


def test_four_super_sales_a_year_with_spikes_in_the_orders(shop):
    sale = shop.sale_days
    assert sale["start"].dt.month.isin([3, 6, 9, 12]).all()
    assert sale.groupby(sale["start"].dt.year).size().max() == 4
    rakuten = shop.orders[shop.orders["channel"] == "rakuten"]
    per_day = rakuten.groupby(rakuten["ordered_at"].dt.normalize()).size()
    in_sale = np.zeros(len(per_day), dtype=bool)
    for start, end in zip(sale["start"], sale["end"], strict=True):
        in_sale |= (per_day.index >= start + pd.Timedelta(days=1)) & (per_day.index <= end)
    assert per_day[in_sale].mean() > 2 * per_day[~in_sale].mean()


def test_weekends_sell_more_than_weekdays(shop):
    per_day = shop.orders.groupby(shop.orders["ordered_at"].dt.normalize()).size()
    weekend = per_day.index.day_of_week >= 5
    assert per_day[weekend].mean() > per_day[~weekend].mean()


def test_orders_have_cancellations_returns_and_open_lines(shop):
    status = shop.orders["status"].value_counts(normalize=True)
    assert 0.01 < status["cancelled"] < 0.08 and 0.005 < status["returned"] < 0.04
    assert status["unshipped"] > 0
    unshipped = shop.orders[shop.orders["status"] == "unshipped"]
    assert unshipped["changed_at"].isna().all()
    assert shop.orders.loc[shop.orders["status"] != "unshipped", "changed_at"].notna().all()


def test_inbound_has_received_and_pending_orders(shop):
    pending = shop.inbound["received_at"].isna()
    assert pending.any() and (~pending).any()
    assert (shop.inbound.loc[~pending, "received_at"] <= pd.Timestamp(shop.as_of)).all()
    received = shop.inbound[~pending]
    booked = shop.ledger[shop.ledger["kind"] == "入荷"]
    assert received["quantity"].sum() == booked["quantity"].sum()


def test_about_five_percent_of_warehouse_codes_drift_and_all_match(shop, resolved):
    result, _ = resolved
    drifted = ~shop.warehouse["warehouse_code"].isin(shop.items["warehouse_code"])
    assert 0.03 <= drifted.mean() <= 0.08
    assert result.counts()["unmatched"] == 0 and result.collisions.empty and result.unmatched_skus.empty
    assert (result.resolved.loc[drifted, "match"] == "normalised").all()
    assert result.counts()["mapping"] > 0  # legacy warehouse codes need the mapping sheet
    kinds = shop.warehouse.loc[drifted, "warehouse_code"]
    assert kinds.str.contains("[Ａ-Ｚ０-９]").any() and kinds.str.contains("[ーｰ‐―－]").any()
    assert kinds.str.contains(r"\s").any() and kinds.str.fullmatch(r"[a-z0-9-]+").any()


def test_rms_keys_need_the_mapping_sheet_for_numeric_variant_ids(shop):
    with_mapping = match_rms_keys(shop.rms_stock["manage_number"], shop.rms_stock["variant_id"], shop.items["sku"],
                                  shop.mapping)
    assert with_mapping.counts()["unmatched"] == 0 and with_mapping.counts()["mapping"] > 0
    without = match_rms_keys(shop.rms_stock["manage_number"], shop.rms_stock["variant_id"], shop.items["sku"])
    assert without.counts()["unmatched"] == with_mapping.counts()["mapping"]
    assert shop.rms_stock["variant_id"].str.fullmatch(r"\d+").any()


def test_the_ledger_balance_is_the_warehouse_on_hand_for_every_sku(shop, resolved):
    _, warehouse = resolved
    balance = ledger_balance(shop.ledger, shop.as_of)
    assert (balance >= 0).all()
    pd.testing.assert_series_equal(balance.reindex(warehouse.index), warehouse["on_hand"], check_names=False)


def test_the_ledger_never_goes_negative_at_any_time(shop):
    running = shop.ledger.assign(delta=shop.ledger["quantity"].where(shop.ledger["kind"] != "出荷",
                                                                     -shop.ledger["quantity"]))
    assert (running.groupby("sku")["delta"].cumsum() >= 0).all()


def test_reserved_is_at_most_the_open_allocations_and_available_adds_up(shop, resolved):
    _, warehouse = resolved
    allocated = open_allocations(shop.orders, shop.bom).reindex(warehouse.index, fill_value=0)
    assert (warehouse["reserved"] <= allocated).all()
    assert (warehouse["available"] == warehouse["on_hand"] - warehouse["reserved"]).all()
    assert (warehouse["reserved"] > 0).any()


def test_rms_shows_on_hand_minus_allocations_split_by_the_set_rule(shop, resolved):
    _, warehouse = resolved
    allocated = open_allocations(shop.orders, shop.bom).reindex(warehouse.index, fill_value=0)
    expected = split_sellable(warehouse["on_hand"] - allocated, shop.bom, shop.set_rules).quantities()
    rms = match_rms_keys(shop.rms_stock["manage_number"], shop.rms_stock["variant_id"], shop.items["sku"],
                         shop.mapping)
    shown = shop.rms_stock["quantity"].set_axis(rms.resolved["sku"])
    assert set(shown.index) == set(expected.index) == set(shop.items["sku"])
    assert (shown.reindex(expected.index) == expected.clip(upper=RMS_MAX_STOCK)).all()
    assert (shown.loc[shop.bom["set_sku"].unique()] > 0).any()


def test_a_given_as_of_moves_the_whole_history():
    moment = datetime(2025, 7, 1, 9, 30)
    small = generate(skus=50, seed=5, as_of=moment)
    assert small.as_of == moment
    assert small.orders["ordered_at"].max() <= pd.Timestamp(moment)
    assert small.orders["ordered_at"].min() >= pd.Timestamp(2023, 7, 1)
    assert ledger_balance(small.ledger, moment).ge(0).all()


def test_normalised_warehouse_codes_equal_the_true_codes(shop, resolved):
    result, _ = resolved
    true_codes = shop.items.set_index("sku")["warehouse_code"].reindex(result.resolved["sku"])
    assert (normalise_codes(result.resolved["code"]).to_numpy() == normalise_codes(true_codes).to_numpy()).all()


@pytest.mark.parametrize(("skus", "seed"), [(10, 11), (150, 2), (700, 3)])
def test_the_consistency_equations_hold_for_other_sizes_and_seeds(skus, seed):
    other = generate(skus=skus, seed=seed)
    leaf = other.items[~other.items["is_set"]]
    found = match_warehouse_codes(other.warehouse["warehouse_code"], leaf["sku"], other.mapping)
    assert found.counts()["unmatched"] == 0
    warehouse = other.warehouse.set_index(found.resolved["sku"].to_numpy())
    balance = ledger_balance(other.ledger, other.as_of).reindex(warehouse.index)
    assert (balance == warehouse["on_hand"]).all()
    allocated = open_allocations(other.orders, other.bom).reindex(warehouse.index, fill_value=0)
    assert (warehouse["reserved"] <= allocated).all()
    expected = split_sellable(warehouse["on_hand"] - allocated, other.bom, other.set_rules).quantities()
    rms = match_rms_keys(other.rms_stock["manage_number"], other.rms_stock["variant_id"], other.items["sku"],
                         other.mapping)
    assert (other.rms_stock["quantity"].set_axis(rms.resolved["sku"]).reindex(expected.index) == expected).all()
