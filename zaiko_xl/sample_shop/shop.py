"""``generate()``: a whole sample shop, deterministic by seed, consistent at ``as_of``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.bom import explode_bom
from zaiko_xl.sample_shop.calendar import ShopCalendar
from zaiko_xl.sample_shop.catalog import Catalog, build_catalog
from zaiko_xl.sample_shop.demand import MEAN_QUANTITY, category_factors, draw_lines, sku_rates
from zaiko_xl.sample_shop.fulfilment import SetParts, draw_fulfilment
from zaiko_xl.sample_shop.simulate import Policy, Simulation, demand_curve
from zaiko_xl.sample_shop.snapshot import (
    WAREHOUSE_NOTICE_NS,
    allocations,
    inbound_frame,
    ledger_frame,
    order_numbers,
    orders_frame,
    rms_frame,
    warehouse_frame,
)

DEFAULT_AS_OF = datetime(2026, 11, 16, 10, 0)  # a Monday morning (JST)
MAX_SKUS = 100_000
MIN_SKUS = 10


@dataclass(frozen=True)
class SampleShop:
    """Every frame of a sample shop (column contracts: docs/data-contracts.md) at ``as_of`` (JST)."""

    items: pd.DataFrame
    bom: pd.DataFrame
    set_rules: pd.DataFrame
    suppliers: pd.DataFrame
    assignments: pd.DataFrame
    orders: pd.DataFrame
    rms_stock: pd.DataFrame
    warehouse: pd.DataFrame
    ledger: pd.DataFrame
    inbound: pd.DataFrame
    mapping: pd.DataFrame
    sale_days: pd.DataFrame
    as_of: datetime


def generate(skus: int = 500, seed: int = 1, as_of: datetime | None = None) -> SampleShop:
    """Generate a sample shop with ``skus`` SKUs (sets included) and two years of history.

    Args:
        skus: number of SKUs, 10 to 100,000.
        seed: random seed; the same seed and ``as_of`` give the same shop.
        as_of: the moment the shop is seen (naive JST); default ``DEFAULT_AS_OF``.

    Returns:
        A :class:`SampleShop` satisfying the consistency equations of data-contracts.md §3.
    """
    if not MIN_SKUS <= skus <= MAX_SKUS:
        raise ValueError(f"skus must be between {MIN_SKUS} and {MAX_SKUS}, not {skus}")
    moment = pd.Timestamp(as_of or DEFAULT_AS_OF).floor("s").to_pydatetime()
    rng = np.random.default_rng(seed)
    cal = ShopCalendar.build(moment)
    catalog = build_catalog(skus, rng, range(cal.first.year, moment.year + 2))
    parts, sibling = _set_parts(catalog), _siblings(catalog)
    lines = draw_lines(catalog, cal, rng)
    ful = draw_fulfilment(lines, cal, parts, sibling, rng)
    numbers = order_numbers(lines)
    out = Simulation(cal, lines, ful, _policy(catalog, cal, parts), sibling, numbers, rng).run()
    return _assemble(catalog, cal, lines, ful, out, numbers, rng)


def _assemble(catalog: Catalog, cal: ShopCalendar, lines, ful, out, numbers, rng) -> SampleShop:
    as_of = pd.Timestamp(cal.as_of)
    stamp = np.datetime64(cal.as_of, "ns")
    orders = orders_frame(catalog, lines, ful, out, numbers, stamp)
    n_items = len(catalog.items)
    allocated = allocations(ful.units, lines, orders["status"], n_items)
    known = allocations(ful.units, lines, orders["status"], n_items, before=stamp - np.timedelta64(WAREHOUSE_NOTICE_NS, "ns"))
    reserved = np.minimum(out.stock, known)
    ledger = ledger_frame(catalog, out)
    leaf = ~catalog.items["is_set"].to_numpy()
    sellable = pd.Series((out.stock - allocated)[leaf], index=catalog.items["sku"][leaf].to_numpy())
    return SampleShop(
        items=catalog.items, bom=catalog.bom, set_rules=catalog.set_rules, suppliers=catalog.suppliers,
        assignments=catalog.assignments, orders=orders, rms_stock=rms_frame(catalog, sellable, as_of, rng),
        warehouse=warehouse_frame(catalog, out.stock, reserved, _last_moves(catalog, out), as_of, rng),
        ledger=ledger, inbound=inbound_frame(catalog, catalog.suppliers, out, cal.days.to_numpy(), stamp),
        mapping=catalog.mapping, sale_days=cal.sale, as_of=cal.as_of)


def _set_parts(catalog: Catalog) -> SetParts:
    items = catalog.items
    index = pd.Series(np.arange(len(items)), index=items["sku"].to_numpy())
    leaves = explode_bom(catalog.bom)
    set_idx = index[leaves["set_sku"]].to_numpy()
    order = np.argsort(set_idx, kind="stable")
    counts = np.bincount(set_idx, minlength=len(items))
    return SetParts(is_set=items["is_set"].to_numpy(bool), start=np.r_[0, np.cumsum(counts)],
                    component=index[leaves["component_sku"]].to_numpy()[order],
                    quantity=leaves["quantity"].to_numpy(np.int64)[order])


def _siblings(catalog: Catalog) -> np.ndarray:
    """Another variant of the same product for each item (-1: none) - what an exchange swaps to."""
    product = catalog.product
    order = np.argsort(product, kind="stable")
    p = product[order]
    sibling_sorted = np.full(len(p), -1)
    same_next = np.r_[p[1:] == p[:-1], False]
    same_prev = np.r_[False, p[1:] == p[:-1]]
    sibling_sorted[same_prev] = order[np.flatnonzero(same_prev) - 1]
    sibling_sorted[same_next] = order[np.flatnonzero(same_next) + 1]
    sibling = np.empty(len(p), dtype=np.int64)
    sibling[order] = sibling_sorted
    sibling[catalog.items["is_set"].to_numpy()] = -1
    return sibling


def _policy(catalog: Catalog, cal: ShopCalendar, parts: SetParts) -> Policy:
    items, suppliers = catalog.items, catalog.suppliers
    leaf = ~items["is_set"].to_numpy()
    supplier = np.where(leaf, items["supplier"].fillna("SUP000").str.slice(3).astype(int).to_numpy() - 1, -1)
    rates = sku_rates(catalog, len(items)) * MEAN_QUANTITY
    units = np.where(leaf, rates, 0.0)
    widths = np.diff(parts.start)
    owner = np.repeat(np.arange(len(items)), widths)
    np.add.at(units, parts.component, rates[owner] * parts.quantity)
    return Policy(leaf=leaf, supplier=supplier, units_per_day=units, category=catalog.category,
                  demand_curve=demand_curve(cal, category_factors(cal)), arrival=cal.arrival_table(suppliers),
                  works=cal.supplier_works(suppliers), moq=suppliers["moq"].to_numpy(np.int64),
                  pack=suppliers["case_pack"].to_numpy(np.int64))


def _last_moves(catalog: Catalog, out) -> np.ndarray:
    """Time of the last movement of each item (the warehouse's 最終更新日時)."""
    sku = np.concatenate(out.journal.sku)
    at = np.concatenate(out.journal.at).astype(np.int64)
    last = np.full(len(catalog.items), np.iinfo(np.int64).min)
    np.maximum.at(last, sku, at)
    return last.astype("datetime64[ns]")
