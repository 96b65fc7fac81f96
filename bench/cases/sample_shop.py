"""Sample shop generation, SKU matching and the set rule at scale (smoke runs: 300 SKUs)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from bench.registry import Metrics, case

SMOKE_SKUS = 300


def _generate(skus: int) -> Metrics:
    from zaiko_xl.sample_shop import generate

    start = time.perf_counter()
    shop = generate(skus=skus, seed=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "skus": len(shop.items), "order_lines": len(shop.orders),
            "ledger_rows": len(shop.ledger)}


@case("shop.generate.10k", repeat=3, target="< 5 s")
def generate_10k(smoke: bool = False) -> Metrics:
    return _generate(SMOKE_SKUS if smoke else 10_000)


@case("shop.generate.100k", repeat=1, target="< 60 s, < 2 GB")
def generate_100k(smoke: bool = False) -> Metrics:
    return _generate(SMOKE_SKUS if smoke else 100_000)


def _catalog(skus: int):
    from zaiko_xl.sample_shop.catalog import build_catalog

    return build_catalog(skus, np.random.default_rng(1), range(2024, 2028))


@case("sku.match.warehouse.100k", repeat=5, target="well under 1 s")
def match_warehouse_100k(smoke: bool = False) -> Metrics:
    from zaiko_xl.domain.sku import match_warehouse_codes
    from zaiko_xl.sample_shop.drift import drift_codes

    rows = SMOKE_SKUS if smoke else 100_000
    catalog = _catalog(rows)
    items = catalog.items
    leaf = items[~items["is_set"]]
    codes, _ = drift_codes(leaf["warehouse_code"].to_numpy(dtype=object), np.random.default_rng(2))
    raw = pd.Series(np.resize(codes, rows), dtype="str")  # as many rows as SKUs, some codes twice
    start = time.perf_counter()
    result = match_warehouse_codes(raw, leaf["sku"], catalog.mapping)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(raw), **result.counts()}


@case("bom.split.100k", repeat=5, target="< 1 s")
def split_100k(smoke: bool = False) -> Metrics:
    from zaiko_xl.domain.bom import split_sellable

    catalog = _catalog(SMOKE_SKUS if smoke else 100_000)
    leaf = catalog.items.loc[~catalog.items["is_set"], "sku"]
    sellable = pd.Series(np.random.default_rng(3).integers(-2, 60, size=len(leaf)), index=leaf.to_numpy())
    start = time.perf_counter()
    split = split_sellable(sellable, catalog.bom, catalog.set_rules)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "skus": len(sellable) + len(split.sets), "sets": len(split.sets)}
